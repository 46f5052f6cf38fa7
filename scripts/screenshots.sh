#!/usr/bin/env bash
# Screenshots of report.html in a real browser, for docs/examples/ (docs/report.md shows them):
# the wine run and one study set (vehicle, 4 classes), each with small settings so that the whole
# script takes a minute or two on two cores. Each report is shot section by section (the page is
# long; one shot per section keeps each PNG small) with Debian's chromium, headless.
#
#   bash scripts/screenshots.sh [path/to/lrtune]     # default: build/lrtune
#
# Installs chromium when it is missing (apt-get, through sudo when not root). Reads the data from
# LRTUNE_DATA_DIR or ../shared/data beside the checkout. Writes docs/examples/report_<set>_<section>.png.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lrtune=$(realpath -m "${1:-$root/build/lrtune}")
# Relative to the checkout by default, so the reports' titles show a path a reader can follow.
data=${LRTUNE_DATA_DIR:-../shared/data}
examples=$root/docs/examples
limit_bytes=307200  # 300 KB: screenshots stay light in the repository

cd "$root"
[[ -x $lrtune ]] || { echo "screenshots: no lrtune at $lrtune (build it: bash scripts/build.sh)" >&2; exit 2; }
for file in "$data/winequalityN.csv" "$data/study/vehicle.csv"; do
  [[ -f $file ]] || { echo "screenshots: missing data file $file (set LRTUNE_DATA_DIR)" >&2; exit 2; }
done

if ! command -v chromium >/dev/null 2>&1; then
  sudo_prefix=()
  [[ $(id -u) -ne 0 ]] && sudo_prefix=(sudo)
  echo "screenshots: installing chromium (Debian's package)" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y --no-install-recommends chromium
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Small settings: a shorter range test, a smaller search and shorter trainings than the defaults;
# the charts and sections are the same as a full run's.
small=(--finder-points 60 --candidates 4 --max-epochs 16 --epochs 40 --quiet)
echo "screenshots: wine run" >&2
"$lrtune" run "$data/winequalityN.csv" --target quality --positive '>=6' "${small[@]}" --out "$work/wine" >/dev/null
echo "screenshots: vehicle run (multiclass)" >&2
"$lrtune" run "$data/study/vehicle.csv" --target Class "${small[@]}" --out "$work/vehicle" >/dev/null

# shoot NAME REPORT SECTION HEIGHT: a copy of the page showing only that section (an inline style
# hides the others; scrolling to an anchor gives a blank shot in headless chromium), photographed
# HEIGHT pixels tall.
shoot() {
  local name=$1 report=$2 section=$3 shot_height=$4
  local png="$examples/report_${name}_${section//-/_}.png"
  local page="$work/${name}_${section}.html"
  sed "s|</head>|<style>nav, footer, main > section:not(#${section}) { display: none; }</style></head>|" "$report" >"$page"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --user-data-dir="$work/chromium" --window-size="1280,$shot_height" --screenshot="$png" "file://$page" >/dev/null 2>&1
  [[ -s $png ]] || { echo "screenshots: chromium wrote no $png" >&2; exit 1; }
  local bytes
  bytes=$(stat -c %s "$png")
  ((bytes <= limit_bytes)) || echo "screenshots: warning: $png is $((bytes / 1024)) KB (over 300 KB)" >&2
  echo "$png ($((bytes / 1024)) KB)"
}

mkdir -p "$examples"
shoot wine "$work/wine/report.html" range-test 1900
shoot wine "$work/wine/report.html" tuning 1300
shoot wine "$work/wine/report.html" comparison 2000
shoot vehicle "$work/vehicle/report.html" range-test 1900
shoot vehicle "$work/vehicle/report.html" comparison 2450
