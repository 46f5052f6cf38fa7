"""Shared fixtures of the Python tests: the wine table, the built CLI, and a runner for it.
CTest sets PYTHONPATH to the build tree's package and LRTUNE_BINARY_DIR / LRTUNE_DATA_DIR
(python/CMakeLists.txt); run by hand, the defaults are build/ and ../shared/data."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY_DIR = pathlib.Path(os.environ.get("LRTUNE_BINARY_DIR", ROOT / "build"))
DATA_DIR = pathlib.Path(os.environ.get("LRTUNE_DATA_DIR", ROOT.parent / "shared" / "data"))

# Small enough to keep the suite fast, the same for the CLI and the Python call.
WINE_FLAGS = {"target": "quality", "positive": ">=6", "layers": [16], "seed": 7}


@pytest.fixture(scope="session")
def wine():
    path = DATA_DIR / "winequalityN.csv"
    if not path.exists():
        pytest.skip(f"{path} not found (set LRTUNE_DATA_DIR)")
    return path


def cli_flags(options):
    """Python keyword arguments as the CLI's flags: snake_case -> --kebab-case, lists joined."""
    flags = []
    for key, value in options.items():
        flags.append("--" + key.replace("_", "-"))
        flags.append(",".join(map(str, value)) if isinstance(value, list) else str(value))
    return flags


@pytest.fixture
def cli(tmp_path):
    """Runs `lrtune COMMAND DATA FLAGS --out DIR --quiet` and returns DIR's JSON file `name`."""
    binary = BINARY_DIR / "lrtune"
    if not binary.exists():
        pytest.skip(f"{binary} not built")

    def run(command, data, options, name):
        out = tmp_path / command
        subprocess.run([str(binary), command, str(data), *cli_flags(options), "--out", str(out), "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        return json.loads((out / name).read_text())

    return run
