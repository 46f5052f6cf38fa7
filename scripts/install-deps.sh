#!/usr/bin/env bash
# Installs the Debian 12 packages lrtune needs to build, test and draw charts, and any extra
# package named as an argument (scripts/fuzz.sh adds clang 14 and its libFuzzer runtime).
# A no-op when everything is already installed; uses sudo when not run as root.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libeigen3-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libfast-float-dev libtomlplusplus-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox
  libopenmpi-dev openmpi-bin
  pybind11-dev python3-dev python3-venv python3-setuptools python3-wheel python3-pytest python3-numpy
  python3-pandas python3-matplotlib
  "$@"
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
