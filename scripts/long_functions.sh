#!/usr/bin/env bash
# Lists the functions under src/ (or the given files and folders) longer than LIMIT lines
# (default 80), longest first, as "file:line name length". A function that must stay long says
# why in a comment just above its definition that starts with "Stays long:"; it is listed with
# that reason and does not count. Exit status 1 while any other function is over the limit.
# Needs Universal Ctags (apt package universal-ctags) for where each function begins and ends.
#
#   scripts/long_functions.sh                 # src/, limit 80
#   LIMIT=60 scripts/long_functions.sh src/data src/io/safetensors.cpp
set -euo pipefail

cd "$(dirname "$0")/.."
limit=${LIMIT:-80}
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(src)

if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  echo "long_functions.sh: needs Universal Ctags (apt-get install universal-ctags)" >&2
  exit 2
fi

# One row per function definition: file, first line, last line, name (Class::name for members).
ctags -R --languages=C++ --langmap=C++:+.hpp --kinds-C++=f --fields=+ne --extras=-F -o - "${paths[@]}" |
  awk -F'\t' '{
    first = ""; last = ""; scope = ""
    for (i = 4; i <= NF; i++) {
      if ($i ~ /^line:/) first = substr($i, 6)
      else if ($i ~ /^end:/) last = substr($i, 5)
      else if ($i ~ /^(class|struct):/) { scope = $i; sub(/^[a-z]+:/, "", scope); sub(/.*::/, "", scope) }
    }
    if (first != "" && last != "") print $2 "\t" first "\t" last "\t" (scope == "" ? $1 : scope "::" $1)
  }' |
  sort -u |
  while IFS=$'\t' read -r file first last name; do
    length=$((last - first + 1))
    [ "$length" -gt "$limit" ] || continue
    # The comment block right above the definition: does it say why the function stays long?
    reason=$(awk -v first="$first" '
      NR < first { if ($0 ~ /^[ \t]*\/\//) block = block "\n" $0; else block = "" }
      NR == first { print block; exit }' "$file" | grep -o 'Stays long:.*' | head -1 || true)
    printf '%s\t%s:%s %s %s%s\n' "$length" "$file" "$first" "$name" "$length" "${reason:+  ($reason)}"
  done |
  sort -t$'\t' -k1,1nr | cut -f2- |
  awk '{ print } !/\(Stays long:/ { over++ } END { exit over > 0 ? 1 : 0 }'
