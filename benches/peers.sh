#!/usr/bin/env bash
# The start-up and parse-floor targets, measured against the shared peer
# benchmark (../shared/bench): a one-file check beside regorus-batch's one-file
# run of five.rego, and the shared 2,000-file corpus checked with the five
# bench rules and with the default rules beside the parse floor (the same
# files only scanned by saphyr-parser, `examples/parse_floor.rs`).
#
# Usage: benches/peers.sh [N]        (corpus size, default 2000)
#   BENCH=../shared/bench    the peer benchmark (gen.py, five.rules, five.rego,
#                            setup-peers.sh, which builds regorus-batch)
#   RUNS=21                  runs per case for the corpus (one file: 4 × RUNS)
#   JX_BIN=path/to/jixiao    use this binary instead of building one
#   PEERS=/tmp/peers         where setup-peers.sh installs regorus-batch (it is
#                            run only when regorus-batch is not there)
#
# Both jixiao runs are also checked to find exactly the injected defects
# (`tally.py` of the peer benchmark), so a change that silences a rule cannot
# pass as a speed-up.
#
# Cases alternate run by run (A B C A B C …) so a machine whose speed drifts
# affects them alike; every ratio is the median of the run-by-run ratios, wall
# time by the ns clock around each process (start-up included).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
N=${1:-2000}
RUNS=${RUNS:-21}
BENCH=$(cd "${BENCH:-$ROOT/../shared/bench}" 2>/dev/null && pwd) || { echo "no peer benchmark at ${BENCH:-../shared/bench}" >&2; exit 2; }
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build --release --quiet --bin jixiao --example parse_floor || exit 2
BIN=${JX_BIN:-$TARGET/release/jixiao}
FLOOR=$TARGET/release/examples/parse_floor
RB=${PEERS:-/tmp/peers}/regorus-batch/target/release/regorus-batch
[ -x "$RB" ] || RB=$("$BENCH/setup-peers.sh" | awk '$1 == "regorus-batch" {print $2}')
W=${OUT:-/tmp/jx-peers}; C=$W/corpus
mkdir -p "$W" && cd "$W" || exit 2   # no .jixiao.yaml above
[ "$(ls "$C" 2>/dev/null | wc -l)" -eq $(( N + 1 )) ] || { rm -rf "$C" && python3 "$BENCH/gen.py" "$C" "$N" > /dev/null || exit 2; }
ONE=$C/decl-00001.yaml

# time CMD...: the wall time of one run in µs (output thrown away)
time_us() {
  local t0 t1
  t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}

# ratios A_LIST B_LIST: the median of the pairwise A/B ratios
median_ratio() {
  paste -d' ' <(tr ' ' '\n' <<< "$1") <(tr ' ' '\n' <<< "$2") | awk 'NF == 2 && $2 > 0 { print $1 / $2 }' |
    sort -g | awk '{ a[NR] = $1 } END { printf "%.2f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) / 1000 }'; }

echo "jixiao: $BIN ($("$BIN" --version)); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
five="" default="" floor=""
for _ in $(seq "$RUNS"); do
  five+=" $(time_us "$BIN" check --no-config --no-default-rules --rules "$BENCH/five.rules" --format json "$C")"
  default+=" $(time_us "$BIN" check --no-config --format json "$C")"
  floor+=" $(time_us "$FLOOR" "$C")"
done
printf '%s files: parse floor %s ms; five rules %s ms (÷ floor %s, target ≤ 1.3); default rules %s ms (÷ floor %s, target ≤ 1.8)\n' \
  "$N" "$(median "$floor")" "$(median "$five")" "$(median_ratio "$five" "$floor")" \
  "$(median "$default")" "$(median_ratio "$default" "$floor")"

# A fast run that finds nothing is no result: both runs must find exactly
# the defects the generator injected (the shared tally).
"$BIN" check --no-config --no-default-rules --rules "$BENCH/five.rules" --format json "$C" > "$W/five.json"
"$BIN" check --no-config --format json "$C" > "$W/default.json"
python3 "$BENCH/tally.py" jixiao-five jixiao "$W/five.json" "$C/expected.tsv"
python3 "$BENCH/tally.py" jixiao-default jixiao-default "$W/default.json" "$C/expected.tsv"

if [ -x "${RB:-}" ]; then
  one="" peer=""
  for _ in $(seq $(( 4 * RUNS ))); do
    one+=" $(time_us "$BIN" check --no-config --format json "$ONE")"
    peer+=" $(time_us "$RB" "$BENCH/five.rego" "$ONE")"
  done
  printf 'one file: jixiao (default rules) %s ms, regorus-batch five.rego %s ms: ÷ regorus %s (target ≤ 2)\n' \
    "$(median "$one")" "$(median "$peer")" "$(median_ratio "$one" "$peer")"
else
  echo "one file: regorus-batch not available ($BENCH/setup-peers.sh builds it); skipped"
fi
