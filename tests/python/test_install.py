"""`pip install --no-build-isolation .` into a fresh virtual environment (with the system's
site packages: numpy) needs no network, and the installed package imports and says its version.
LRTUNE_CMAKE_BUILD_DIR points setup.py at this build tree, so only the module target is built."""

import os
import re
import subprocess

from conftest import BINARY_DIR, ROOT


def test_pip_install_into_a_fresh_venv(tmp_path):
    venv = tmp_path / "v"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["LRTUNE_CMAKE_BUILD_DIR"] = str(BINARY_DIR)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index", "--quiet", str(ROOT)],
                   check=True, env=env, cwd=tmp_path)
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import lrtune; print(lrtune.__version__)"],
                         check=True, env=env, cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    project = re.search(r"project\(lrtune VERSION (\S+)", (ROOT / "CMakeLists.txt").read_text()).group(1)
    pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert out == project == pyproject
