#!/usr/bin/env bash
# Throws hostile and careless cases at a built lrtune: bad files, flags, experiment files, model
# files, output folders and signals. Each case runs in a fresh folder and checks the exit code,
# the one-line message (exactly one "lrtune: error: ..." line on stderr, nothing on stdout) and
# the folder afterwards (nothing created, nothing changed). Prints one line per failed case and a
# summary "hostile: N passed, N failed". CTest runs it (tests/CMakeLists.txt, label cli).
# Usage: bash scripts/hostile.sh [path/to/lrtune]   (default build/lrtune)
set -u
cd "$(dirname "$0")/.."
LRTUNE=$(realpath "${1:-build/lrtune}")
[ -x "$LRTUNE" ] || { echo "hostile: no lrtune binary at $LRTUNE" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/lrtune-hostile-XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# A small binary table (a, b, c numeric, kind categorical, y 0/1), the same on every machine.
awk 'BEGIN { s = 12345; print "a,b,c,kind,y";
  for (i = 0; i < 80; i++) { s = (s * 1103515245 + 12345) % 2147483648; a = (s % 1000) / 100;
    s = (s * 1103515245 + 12345) % 2147483648; b = (s % 500) / 100 - 2;
    s = (s * 1103515245 + 12345) % 2147483648; c = (s % 100) / 100;
    k = (i % 3 == 0) ? "red" : (i % 3 == 1) ? "blue" : "green";
    printf "%.2f,%.2f,%.2f,%s,%d\n", a, b, c, k, (a + 2 * b > 5) ? 1 : 0 } }' >"$work/data.csv"
FAST=(--target y --positive '==1' --layers 4 --epochs 1 --batch-size 16 --lr 0.01)
NOPE=(--target nope --positive '==1' --layers 4 --epochs 1)
FIND=(--target y --positive '==1' --layers 4 --schedule step --finder-points 10)

# The earlier run every folder case starts from, and a model for the model-file cases.
(cd "$work" && "$LRTUNE" train data.csv "${FAST[@]}" --out prev -q >/dev/null 2>&1) ||
  { echo "hostile: the base training failed" >&2; exit 2; }
cp "$work/prev/model.safetensors" "$work/model.safetensors"

# lrtune ARGS, or with "--shell TEXT" a bash command line that uses $LRTUNE (for ulimit).
run_case() {
  if [ "$1" = --shell ]; then LRTUNE=$LRTUNE timeout 60 bash -c "$2"; else timeout 60 "$LRTUNE" "$@"; fi
}

# Every name below a case folder, and the checksum of every regular file (not a FIFO: it would block).
listing() {
  (cd "$1" && find . -path ./.hostile -prune -o -type f -print0 | sort -z | xargs -0 -r md5sum 2>/dev/null
   find . -path ./.hostile -prune -o -print | sort)
}

# expect_error NAME CODE PART SETUP -- ARGS...: in a fresh folder holding data.csv, model.safetensors
# and the earlier run prev/, run SETUP (shell text, may be empty), then lrtune ARGS; expect exit CODE,
# one error line containing PART, empty stdout, and the folder exactly as SETUP left it.
expect_error() {
  local name=$1 code=$2 part=$3 setup=$4
  shift 5
  local dir="$work/case-$((passed + failed))"
  mkdir -p "$dir/.hostile"
  cp -a "$work/data.csv" "$work/model.safetensors" "$work/prev" "$dir/"
  (cd "$dir" && eval "$setup") >/dev/null 2>&1
  local before
  before=$(listing "$dir")
  (cd "$dir" && run_case "$@" >.hostile/out 2>.hostile/err </dev/null)
  local rc=$? why=""
  local err
  err=$(cat "$dir/.hostile/err")
  [ "$rc" -eq "$code" ] || why="exit $rc, expected $code"
  [ -z "$why" ] && [ "$(wc -l <"$dir/.hostile/err")" -ne 1 ] && why="stderr has $(wc -l <"$dir/.hostile/err") lines"
  [ -z "$why" ] && [[ "$err" != "lrtune: error: "* ]] && why="stderr is not an error line"
  [ -z "$why" ] && [[ "$err" != *"$part"* ]] && why="message lacks '$part'"
  [ -z "$why" ] && [ -s "$dir/.hostile/out" ] && why="stdout is not empty"
  [ -z "$why" ] && [ "$(listing "$dir")" != "$before" ] && why="the folder changed"
  if [ -z "$why" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why; stderr: ${err:0:300}"
  fi
  rm -rf "$dir"
}

# expect_ok NAME CHECK SETUP -- ARGS...: exit 0, then CHECK (shell text run in the folder) succeeds.
expect_ok() {
  local name=$1 check=$2 setup=$3
  shift 4
  local dir="$work/case-$((passed + failed))"
  mkdir -p "$dir/.hostile"
  cp -a "$work/data.csv" "$work/model.safetensors" "$work/prev" "$dir/"
  (cd "$dir" && eval "$setup") >/dev/null 2>&1
  (cd "$dir" && run_case "$@" >.hostile/out 2>.hostile/err </dev/null)
  local rc=$? why=""
  [ "$rc" -eq 0 ] || why="exit $rc"
  [ -z "$why" ] && ! (cd "$dir" && eval "$check") >/dev/null 2>&1 && why="check failed: $check"
  if [ -z "$why" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why; stderr: $(head -c 300 "$dir/.hostile/err")"
  fi
  rm -rf "$dir"
}

# expect_signal NAME SIGNAL CODE: a long training into prev/ stopped by SIGNAL once its third epoch
# is logged; expect exit CODE and prev/ replaced whole by a folder whose run.json says interrupted.
expect_signal() {
  local name=$1 signal=$2 code=$3
  local dir="$work/case-$((passed + failed))"
  mkdir -p "$dir"
  cp -a "$work/data.csv" "$work/prev" "$dir/"
  (
    cd "$dir" || exit
    "$LRTUNE" train data.csv --target y --positive '==1' --layers 4 --batch-size 16 --lr 0.01 --epochs 100000 \
      --verbose --out prev >log 2>&1 &
    pid=$!
    for _ in $(seq 3000); do grep -q "Epoch 3/100000" log && break; sleep 0.02; done
    kill -"$signal" "$pid"
    wait "$pid"
    echo $? >code
  )
  local rc why=""
  rc=$(cat "$dir/code")
  [ "$rc" -eq "$code" ] || why="exit $rc, expected $code"
  [ -z "$why" ] && [ "$signal" != KILL ] && ! grep -q '"status": "interrupted"' "$dir/prev/run.json" && why="run.json not interrupted"
  [ -z "$why" ] && [ "$signal" = KILL ] && ! cmp -s "$work/prev/model.safetensors" "$dir/prev/model.safetensors" && why="earlier folder changed"
  [ -z "$why" ] && [ "$signal" != KILL ] && [ -e "$dir/prev/model.safetensors" ] && why="the earlier run's model is still there"
  if [ -z "$why" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why; log: $(tail -c 300 "$dir/log")"
  fi
  rm -rf "$dir"
}

# ---- the data file ----
expect_error missing-file 2 "nope.csv" "" -- train nope.csv "${FAST[@]}"
expect_error folder-as-file 2 "folder.csv" "mkdir folder.csv" -- train folder.csv "${FAST[@]}"
expect_error empty-file 1 "empty file" ": > e.csv" -- train e.csv "${FAST[@]}"
expect_error header-only 1 "header only" "head -1 data.csv > h.csv" -- train h.csv "${FAST[@]}"
expect_error nul-byte 1 "NUL byte" "printf 'a,b\n1,\0\n' > n.csv" -- train n.csv "${FAST[@]}"
expect_error gzip-truncated 1 "gzip stream ends early" "gzip -c data.csv | head -c 100 > g.csv" -- train g.csv "${FAST[@]}"
expect_error gzip-corrupt 1 "gzip stream" "gzip -c data.csv > g.csv && printf 'garbage-garbage' | dd of=g.csv bs=1 seek=200 conv=notrunc" -- train g.csv "${FAST[@]}"
expect_error ragged-row 1 ":3: expected 5 fields" "{ head -2 data.csv; echo 1,2,3; tail -n +3 data.csv; } > r.csv" -- train r.csv "${FAST[@]}"
expect_error unterminated-quote 1 "unterminated quoted field" "{ head -2 data.csv; echo '1,2,3,\"red,1'; } > q.csv" -- train q.csv "${FAST[@]}"
expect_error latin1-header 1 "not UTF-8" "printf 'a,caf\xe9,y\n1,2,0\n3,4,1\n' > l.csv" -- train l.csv --target y --positive '==1'
expect_error latin1-value 1 "not UTF-8" "{ head -2 data.csv; printf '1,2,3,r\xe9d,1\n'; } > l.csv" -- train l.csv "${FAST[@]}"
expect_error unknown-target 1 'unknown column "nope"' "" -- train data.csv "${NOPE[@]}"
expect_error one-class 1 "single class" "" -- train data.csv --target y --positive '>=5' --layers 4 --epochs 1
expect_error all-rows-missing 1 "no rows left" "printf 'a,b,y\n1,NA,0\nNA,2,1\n' > m.csv" -- train m.csv --target y --positive '==1'
expect_error dev-null-data 1 "empty file" "" -- train /dev/null "${FAST[@]}"
expect_error dev-zero-data 1 "" "" -- train /dev/zero "${FAST[@]}"
expect_error symlink-loop 2 "loop.csv" "ln -s loop.csv loop.csv" -- train loop.csv "${FAST[@]}"
expect_error dangling-link 2 "gone.csv" "ln -s nowhere.csv gone.csv" -- train gone.csv "${FAST[@]}"
expect_error only-target-column 1 "" "printf 'y\n0\n1\n0\n1\n' > t.csv" -- train t.csv --target y --positive '==1'
expect_error target-all-missing 1 "" "printf 'a,y\n1,\n2,\n3,\n' > t.csv" -- train t.csv --target y --positive '==1'
expect_ok crlf-lines "test -f out/model.safetensors" "sed 's/\$/\r/' data.csv > crlf.csv" -- train crlf.csv "${FAST[@]}" --out out -q
expect_ok utf8-bom "test -f out/model.safetensors" "{ printf '\xef\xbb\xbf'; cat data.csv; } > bom.csv" -- train bom.csv "${FAST[@]}" --out out -q
expect_ok fifo-data "test -f out/model.safetensors" "mkfifo f.csv; (cat data.csv > f.csv &)" -- train f.csv "${FAST[@]}" --out out -q
expect_ok semicolons "test -f out/model.safetensors" "tr , ';' < data.csv > s.csv" -- train s.csv "${FAST[@]}" --out out -q

# ---- flags ----
for bad in 0 -1 abc 1e309 2147483648 "" 1.5; do
  expect_error "epochs=$bad" 2 "--epochs" "" -- train data.csv --target y --positive '==1' --epochs "$bad"
done
for bad in 0 -0.1 abc inf nan 1e-320 1e400 "0.1x"; do
  expect_error "lr=$bad" 2 "--lr" "" -- train data.csv --target y --positive '==1' --lr "$bad"
done
for bad in 0 -1 abc 1e9; do
  expect_error "batch-size=$bad" 2 "--batch-size" "" -- train data.csv --target y --positive '==1' --batch-size "$bad"
done
for bad in 0 -4 abc 1000000000 "4,,4" "4,x"; do
  expect_error "layers=$bad" 2 "--layers" "" -- train data.csv --target y --positive '==1' --layers "$bad"
done
for bad in 0 1 -1 1.5 nan; do
  expect_error "test-size=$bad" 2 "--test-size" "" -- train data.csv --target y --positive '==1' --test-size "$bad"
done
for bad in 0 1 0.999 -0.2 nan; do
  expect_error "validation-fraction=$bad" 2 "--validation-fraction" "" -- tune data.csv --target y --positive '==1' --validation-fraction "$bad"
done
for bad in 1 0 1000000 abc; do
  expect_error "candidates=$bad" 2 "--candidates" "" -- tune data.csv --target y --positive '==1' --candidates "$bad"
done
for bad in 0 -1 1000000; do
  expect_error "repeats=$bad" 2 "--repeats" "" -- run data.csv --target y --positive '==1' --repeats "$bad"
done
for bad in inf nan 0 -1 abc; do
  expect_error "finder-end=$bad" 2 "--finder-end" "" -- find data.csv "${FIND[@]}" --finder-end "$bad"
done
expect_error finder-start-above-end 2 "--finder-start" "" -- find data.csv "${FIND[@]}" --finder-start 1 --finder-end 0.1
expect_error lr-range-reversed 2 "--lr-range LOW HIGH" "" -- tune data.csv --target y --positive '==1' --lr-range 0.1 0.001
expect_error lr-range-one-value 2 "--lr-range" "" -- tune data.csv --target y --positive '==1' --lr-range 0.1
expect_error optimizer 2 "--optimizer" "" -- train data.csv "${FAST[@]}" --optimizer adamm
expect_error activation 2 "--activation" "" -- train data.csv "${FAST[@]}" --activation sigmoidd
expect_error rule 2 "--rule" "" -- find data.csv "${FIND[@]}" --rule best
expect_error schedule 2 "--schedule" "" -- find data.csv --target y --positive '==1' --schedule linear
expect_error na-rule 2 "--na" "" -- train data.csv "${FAST[@]}" --na zero
expect_error na-two-defaults 2 "--na has two default rules" "" -- train data.csv "${FAST[@]}" --na mean,median
expect_error na-unknown-column 1 "\"Agee\"" "" -- train data.csv "${FAST[@]}" --na Agee=median
expect_error skip-rows-negative 2 "--skip-rows must be in [0, 1000000000]" "" -- train data.csv "${FAST[@]}" --skip-rows -1
expect_error skip-rows-everything 1 "leaves nothing to read" "" -- train data.csv "${FAST[@]}" --skip-rows 500
expect_error delimiter 2 "--delimiter" "" -- train data.csv "${FAST[@]}" --delimiter '|'
expect_error update-form 2 "--update-form" "" -- train data.csv "${FAST[@]}" --update-form tf
expect_error pick 2 "--pick" "" -- run data.csv --target y --positive '==1' --pick best
expect_error positive-garbage 1 "" "" -- train data.csv --target y --positive '>=>' --layers 4 --epochs 1
expect_error unknown-flag 2 "--dropuot" "" -- train data.csv "${FAST[@]}" --dropuot 0.2
expect_error flag-twice 2 "--epochs" "" -- train data.csv "${FAST[@]}" --epochs 2
expect_error no-command-data 2 "DATA" "" -- train
expect_error unknown-command 2 "" "" -- trian data.csv
expect_error patience-zero 2 "--patience" "" -- tune data.csv --target y --positive '==1' --patience 0
expect_error split-seed-negative 2 "--split-seed" "" -- train data.csv "${FAST[@]}" --split-seed -1
expect_error threads-negative 2 "--threads" "" -- run data.csv --target y --positive '==1' --threads -1
expect_error max-epochs-below-rung 2 "--max-epochs" "" -- tune data.csv --target y --positive '==1' --max-epochs 2 --first-rung-epochs 4

# ---- the experiment file ----
expect_error config-missing 2 "nope.toml" "" -- train data.csv "${FAST[@]}" --config nope.toml
expect_error config-dev-zero 2 "1 MiB" "" -- train data.csv "${FAST[@]}" --config /dev/zero
expect_error config-too-big 2 "1 MiB" "head -c 2000000 /dev/zero | tr '\0' '#' > big.toml" -- train data.csv "${FAST[@]}" --config big.toml
expect_error config-malformed 2 "bad.toml" "printf '[model\nepochs = 2\n' > bad.toml" -- train data.csv "${FAST[@]/--epochs/--seed}" --config bad.toml
expect_error config-unknown-key 2 "epocs" "printf '[training]\nepocs = 2\n' > c.toml" -- train data.csv --target y --positive '==1' --config c.toml
expect_error config-wrong-type 2 "early_stopping" "printf '[training]\nearly_stopping = 1\n' > c.toml" -- train data.csv --target y --positive '==1' --config c.toml
expect_error config-string-for-int 2 "epochs" "printf '[training]\nepochs = \"2\"\n' > c.toml" -- train data.csv --target y --positive '==1' --config c.toml
expect_error config-deep-header 2 "c.toml" "{ printf '['; for i in \$(seq 300000); do printf 'a.'; done; printf 'a]\n'; } > c.toml" -- train data.csv "${FAST[@]}" --config c.toml
expect_error config-deep-key 2 "c.toml" "{ for i in \$(seq 300000); do printf 'a.'; done; printf 'a = 1\n'; } > c.toml" -- train data.csv "${FAST[@]}" --config c.toml
expect_error config-nul-escape 2 "must not contain a NUL character, got 'y\0z'" "printf '[data]\ntarget = \"y\\\\u0000z\"\n' > c.toml" -- train data.csv --config c.toml --positive '==1'
expect_error config-lr-too-small 2 "lr" "printf '[training]\nlr = 1e-320\n' > c.toml" -- train data.csv --target y --positive '==1' --config c.toml
expect_error config-folder 2 "" "mkdir c.toml" -- train data.csv "${FAST[@]}" --config c.toml
expect_error config-binary 2 "c.toml" "head -c 100 model.safetensors > c.toml" -- train data.csv "${FAST[@]}" --config c.toml

# ---- model files ----
expect_error model-missing 2 "nope.safetensors" "" -- predict nope.safetensors data.csv
expect_error model-empty 1 "m.safetensors" ": > m.safetensors" -- predict m.safetensors data.csv
expect_error model-garbage 1 "m.safetensors" "head -c 4096 /dev/urandom > m.safetensors" -- predict m.safetensors data.csv
expect_error model-is-csv 1 "data.csv" "" -- predict data.csv data.csv
expect_error model-folder 2 "prev" "" -- predict prev data.csv
expect_error model-fifo 1 "m.safetensors" "mkfifo m.safetensors" -- predict m.safetensors data.csv
expect_error model-dev-zero 1 "/dev/zero" "" -- predict /dev/zero data.csv
for cut in 8 100 1000 2000; do
  expect_error "model-truncated-$cut" 1 "m.safetensors" "head -c $cut model.safetensors > m.safetensors" -- predict m.safetensors data.csv
done
expect_error model-header-length 1 "model.safetensors" "printf '\xff\xff\xff\xff\xff\xff\xff\x7f' | dd of=model.safetensors conv=notrunc" -- predict model.safetensors data.csv
expect_error model-missing-column 1 '"kind"' "cut -d, -f1-3,5 data.csv > nokind.csv" -- predict model.safetensors nokind.csv
expect_error evaluate-without-target 1 "target column 'y'" "cut -d, -f1-4 data.csv > notarget.csv" -- evaluate model.safetensors notarget.csv
expect_error predict-text-in-number 1 "abc" "sed '2s/^[^,]*/abc/' data.csv > t.csv" -- predict model.safetensors t.csv -o p.csv

# ---- output folders ----
expect_error out-dot 2 "--out ." "" -- train data.csv "${FAST[@]}" --out .
expect_error out-dot-overwrite 2 "--out ." "" -- train data.csv "${FAST[@]}" --out . --overwrite
expect_error out-parent 2 "--out .." "" -- train data.csv "${FAST[@]}" --out ..
expect_error out-root 2 "--out /" "" -- train data.csv "${FAST[@]}" --out /
expect_error out-is-file 2 "is not a folder" "echo x > f" -- train data.csv "${FAST[@]}" --out f
expect_error out-not-a-run 2 "not an lrtune run" "mkdir mine; echo x > mine/notes.txt" -- train data.csv "${FAST[@]}" --out mine
expect_error out-holds-data 2 "holds the input" "cp data.csv prev/" -- train prev/data.csv "${FAST[@]}" --out prev
expect_error out-holds-config 2 "holds the input" "printf '[training]\nepochs = 1\n' > prev/c.toml" -- train data.csv "${FAST[@]}" --out prev --config prev/c.toml
expect_error out-locked 2 "another lrtune" "(flock -n 9 && sleep 10) 9>.prev.lrtune-lock & sleep 0.5" -- train data.csv "${FAST[@]}" --out prev
expect_error out-failed-run-keeps-earlier 1 "nope" "" -- train data.csv "${NOPE[@]}" --out prev
expect_error out-failed-nested 1 "nope" "" -- train data.csv "${NOPE[@]}" --out n1/n2/n3
expect_error out-failed-diverging-config 2 "--lr" "" -- train data.csv "${FAST[@]/0.01/-1}" --out prev
expect_error predict-over-data 2 "same file" "" -- predict model.safetensors data.csv -o data.csv
expect_error predict-over-model 2 "same file" "" -- predict model.safetensors data.csv -o ./model.safetensors
expect_error predict-over-hardlink 2 "same file" "ln data.csv link.csv" -- predict model.safetensors data.csv -o link.csv
expect_error file-size-limit 1 "File too large" "" -- --shell "ulimit -f 4; exec \$LRTUNE train data.csv --target y --positive '==1' --layers 64,64 --epochs 1 --out big -q"
expect_ok out-earlier-run-replaced "test -f prev/run.json && ! test -f prev/model.safetensors" "" -- find data.csv "${FIND[@]}" --out prev -q
expect_ok out-overwrite "test -f mine/run.json && ! test -f mine/notes.txt" "mkdir mine; echo x > mine/notes.txt" -- train data.csv "${FAST[@]}" --out mine --overwrite -q
expect_ok out-stale-staging-removed "! ls -d .prev.lrtune-tmp-* && test -f prev/run.json" "mkdir .prev.lrtune-tmp-x1; echo half > .prev.lrtune-tmp-x1/h.csv" -- train data.csv "${FAST[@]}" --out prev -q
expect_ok predict-to-new-file "test \$(wc -l < p.csv) -eq 81" "" -- predict model.safetensors data.csv -o p.csv -q

# ---- signals ----
expect_signal sigint INT 130
expect_signal sigterm TERM 143
expect_signal sighup HUP 129
expect_signal sigkill KILL 137

echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
