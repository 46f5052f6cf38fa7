#!/usr/bin/env bash
# clang-tidy (.clang-tidy's checks) on every source file under src/, over the compile commands of
# a configured build (default build/). Prints each finding once (file:line:col) and exits 1 when
# there are any, or when clang-tidy could not check a file (a compile error, an unknown flag).
# Usage: bash scripts/tidy.sh [build-dir] [file ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
command -v clang-tidy >/dev/null || bash scripts/install-deps.sh clang-tidy
[ -f "$build/compile_commands.json" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find src -name '*.cpp' | sort); fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# One clang-tidy per file with its own log and exit status, so parallel runs never interleave
# their lines and a file that could not be checked is not mistaken for a clean one.
# -Wno-unknown-warning-option: GCC's -W flags in compile_commands.json are not clang's business;
# any other unknown flag is a compile error and reported as such.
export build logs
# shellcheck disable=SC2016  # the single-quoted script expands its variables in the child bash
printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc)" -n 1 bash -c '
  log="$logs/$(printf "%s" "$1" | tr "/" "_")"
  status=0
  clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option \
    --extra-arg=-Wno-unused-command-line-argument "$1" >"$log.out" 2>"$log.err" || status=$?
  echo "$status" >"$log.status"' _

# A header's finding is reported by every file that includes it: print each diagnostic (its
# first line, then its notes and source excerpt) once.
diagnostic='^([^ ].*:[0-9]+:[0-9]+: |)(warning|error): '
for file in "${files[@]}"; do
  log="$logs/$(printf '%s' "$file" | tr '/' '_')"
  cat "$log.out"
  status=$(cat "$log.status")
  if [ "$status" -ne 0 ]; then
    echo "tidy.sh: clang-tidy could not check $file (exit $status):"
    grep -v ' generated\.$' "$log.err" || true
  fi
done | awk -v pattern="$diagnostic" '
  $0 ~ pattern { keep = !seen[$0]++ }
  /^tidy\.sh: / { keep = 1 }
  keep' >"$logs/report"
cat "$logs/report"
findings=$(grep -cE "$diagnostic" "$logs/report" || true)
failed=$(grep -c '^tidy\.sh: clang-tidy could not check' "$logs/report" || true)
echo "tidy.sh: ${#files[@]} files, $findings findings, $failed files not checked"
[ "$findings" -eq 0 ] && [ "$failed" -eq 0 ]
