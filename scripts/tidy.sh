#!/usr/bin/env bash
# clang-tidy (.clang-tidy's checks) on every source file under src/, over the compile commands of
# a configured build (default build/). Prints the findings; exits 1 when there are any.
# Usage: bash scripts/tidy.sh [build-dir] [file ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
command -v clang-tidy >/dev/null || bash scripts/install-deps.sh clang-tidy
[ -f "$build/compile_commands.json" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find src -name '*.cpp' | sort); fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# GCC-only flags in compile_commands.json that clang does not know are dropped.
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet \
  --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-unused-command-line-argument 2>/dev/null >"$out" || true
findings=$(grep -cE '^[^ ].*: (warning|error): ' "$out" || true)
cat "$out"
echo "tidy.sh: ${#files[@]} files, $findings findings"
[ "$findings" -eq 0 ]
