"""Builds the _lrtune module with the project's CMake (the module target only) and installs it
with the pure-Python package python/lrtune/. LRTUNE_CMAKE_BUILD_DIR names a build tree already
configured with LRTUNE_PYTHON=ON (CI's build/), so that the library is not compiled twice;
otherwise a fresh Release tree without tests and benchmarks is configured under build/."""

import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("LRTUNE_CMAKE_BUILD_DIR") or os.path.join(ROOT, "build", "python-setuptools", "cmake")
        if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                                   "-DLRTUNE_PYTHON=ON", "-DLRTUNE_BUILD_TESTS=OFF", "-DLRTUNE_BUILD_BENCHMARKS=OFF",
                                   f"-DPython3_EXECUTABLE={sys.executable}"])
        jobs = os.environ.get("LRTUNE_JOBS", "2")
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "_lrtune", "-j", jobs])
        built = glob.glob(os.path.join(build_dir, "python", "lrtune", "_lrtune*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _lrtune module in {build_dir}/python/lrtune, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


# setuptools' own build folder inside CMake's build/ (git ignores it), not beside it.
SETUPTOOLS_DIR = os.path.join("build", "python-setuptools")
os.makedirs(os.path.join(ROOT, SETUPTOOLS_DIR), exist_ok=True)

setup(
    packages=["lrtune"],
    package_dir={"lrtune": "python/lrtune"},
    ext_modules=[Extension("lrtune._lrtune", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": SETUPTOOLS_DIR}, "egg_info": {"egg_base": SETUPTOOLS_DIR}},
)
