# Sourced by the mpirun tests (mpi_*.sh LRTUNE_BINARY WINE_CSV WORK_DIR): a fresh work folder,
# the launcher and the failure counter they share. Sets lrtune, data, work, launch, failures, fail.
lrtune=$1 data=$2 work=$3
[ -n "${LRTUNE_DATA_DIR:-}" ] && data="$LRTUNE_DATA_DIR/winequalityN.csv"  # as the other tests
rm -rf "$work"
mkdir -p "$work/tmp"
cd "$work"
# TMPDIR: where the ranks other than 0 build their scratch copy; it must be empty afterwards.
export TMPDIR="$work/tmp"
as_root=()
[ "$(id -u)" -eq 0 ] && as_root=(--allow-run-as-root)  # CI containers run as root
launch=(mpirun -np 2 --oversubscribe "${as_root[@]}")
failures=0
test_name=$(basename "$0" .sh)
fail() {
  echo "$test_name: FAIL: $*" >&2
  failures=$((failures + 1))
}
