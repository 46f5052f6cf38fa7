#!/usr/bin/env bash
# scripts/tidy.sh on a few tiny files with a hand-written compile_commands.json (registered with
# CTest as scripts.tidy, a few seconds): clean exits 0; a finding, a compile error and a flag
# clang does not know each exit 1; a header's finding seen by two files is reported once.
# Skips (77) without clang-tidy. Usage: check_tidy.sh WORK_DIR
set -euo pipefail
work=$1
tidy="$(cd "$(dirname "$0")/../.." && pwd)/scripts/tidy.sh"
command -v clang-tidy >/dev/null || { echo "scripts.tidy: no clang-tidy, skipped"; exit 77; }
fail() { echo "scripts.tidy: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/src"
cp "$(dirname "$tidy")/../.clang-tidy" "$work/"
cd "$work"
printf '#pragma once\n#define TWICE(x) x * 2\ninline int twice(int v) { return TWICE(v); }\n' >src/twice.hpp
printf '#include "twice.hpp"\nint a() { return twice(1); }\n' >src/a.cpp
printf '#include "twice.hpp"\nint b() { return twice(2); }\n' >src/b.cpp
printf 'int clean() { return 0; }\n' >src/clean.cpp
printf 'int broken() { return undeclared; }\n' >src/broken.cpp
printf 'int flagged() { return 0; }\n' >src/flagged.cpp

# Absolute paths, as CMake writes them (HeaderFilterRegex wants a '/' before src/); a GCC-only
# flag in src/flagged.cpp's command.
mkdir -p build
{
  echo '['
  for f in a b clean broken; do
    echo "{\"directory\": \"$work\", \"file\": \"$work/src/$f.cpp\", \"command\": \"c++ -std=c++20 -Wno-maybe-uninitialized -c $work/src/$f.cpp\"},"
  done
  echo "{\"directory\": \"$work\", \"file\": \"$work/src/flagged.cpp\", \"command\": \"c++ -std=c++20 -fgcc-only-flag -c $work/src/flagged.cpp\"}"
  echo ']'
} >build/compile_commands.json

# expect EXIT PATTERN FILE...: tidy.sh's exit status and a line of its output.
expect() {
  local want=$1 pattern=$2 status=0
  shift 2
  bash "$tidy" "$work/build" "$@" >out.txt 2>&1 || status=$?
  [ "$status" -eq "$want" ] || { cat out.txt; fail "$* exited $status, expected $want"; }
  grep -qE "$pattern" out.txt || { cat out.txt; fail "$*: no line matching '$pattern'"; }
}

expect 0 '^tidy\.sh: 1 files, 0 findings' "$work/src/clean.cpp"
expect 1 '^tidy\.sh: 2 files, 1 findings' "$work/src/a.cpp" "$work/src/b.cpp"
[ "$(grep -c 'twice.hpp:2:.*bugprone-macro-parentheses' out.txt)" -eq 1 ] || { cat out.txt; fail "header finding not printed once"; }
expect 1 'broken\.cpp:1:[0-9]+: error: ' "$work/src/broken.cpp"
grep -q "could not check $work/src/broken.cpp" out.txt || { cat out.txt; fail "compile error not reported"; }
expect 1 "could not check $work/src/flagged.cpp" "$work/src/flagged.cpp" "$work/src/clean.cpp"
grep -q "unknown argument: '-fgcc-only-flag'" out.txt || { cat out.txt; fail "unknown flag not shown"; }
echo "scripts.tidy: ok"
