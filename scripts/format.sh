#!/usr/bin/env bash
# Formats every tracked C++ file with .clang-format (Debian 12's clang-format 14), or with
# --check lists the files that are off-style and exits 1 if there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
if [[ "${1:-}" == "--check" ]]; then
  off=0
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "$f"; off=1; }
  done
  exit "$off"
fi
clang-format -i "${files[@]}"
