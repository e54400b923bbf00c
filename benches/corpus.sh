#!/usr/bin/env bash
# Whole-binary timings on generated corpora, for the speed targets: 10,000
# declarations with the default rules in < 2 s wall on 2 cores and < 200 MB
# peak RSS; rules ≤ 50 % on top of load-only; one file < 20 ms; linear growth.
#
# Usage: benches/corpus.sh [SIZES...]          (default: 1000 10000)
#   JX_BIN=path/to/jixiao   use this binary instead of building one
#   RUNS=3                  runs per case (median wall, max RSS; default and
#                           load-only alternate, "rules +%" is their paired ratio)
#   OUT=/tmp/jx-corpus      where the corpora are written (kept between runs)
#
# Corpora come from the example generator (`cargo run --release --example gen
# -- DIR N`, seed 1; a corpus is regenerated only when missing). Each case runs
# the release binary as one process, `check --format json --no-config`, from
# OUT (so no .jixiao.yaml above applies): default rules, load only
# (`--no-default-rules`: read, YAML, normalise, value parsing, JSON output of
# nothing), and one file (the pre-commit case). Wall time by the ns clock,
# peak RSS by `/usr/bin/time -f '%e %M'`.
#
# The parse floor (`examples/parse_floor.rs`): the same files read and only
# scanned by saphyr-parser, in parallel, no tree. "÷ floor" is the median of
# the run-by-run ratios of a case's wall time to the floor's (the three cases
# alternate run by run): how close jixiao runs to the YAML parser's own speed.
#
# Workbooks beside YAML (issue 13): the same N files exported as official
# tables (`cargo run --release --example gen_xlsx -- c$N x$N`, made when
# missing) and checked as `xlsx-N`, alternating with `default-N`; "÷ yaml"
# under the table is the median of the run-by-run ratios. With hyperfine on
# PATH, it also compares the two (hyperfine-N.md in OUT).
#
# The peers' benchmark (regorus, spectral, jixiao with five.rules, same
# defects) is /work/shared/bench/bench.sh; its tally.py is used here, when
# present, to check the default rules still find exactly the injected defects.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 10000)
RUNS=${RUNS:-3}
OUT=${OUT:-/tmp/jx-corpus}
TALLY=${TALLY:-/work/shared/bench/tally.py}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cargo build --release --quiet --bin jixiao --example gen --example parse_floor --example gen_xlsx || exit 2
BIN=${JX_BIN:-$TARGET/release/jixiao}
GEN=$TARGET/release/examples/gen
GEN_XLSX=$TARGET/release/examples/gen_xlsx
FLOOR=$TARGET/release/examples/parse_floor
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }
mkdir -p "$OUT" && cd "$OUT" || exit 2
: > results.tsv

# corpus N: the folder of N generated files (made when missing)
corpus() {
  local dir=$OUT/c$1
  if [ ! -f "$dir/expected.tsv" ] || [ "$(ls "$dir" | wc -l)" -ne $(( $1 + 1 )) ]; then
    rm -rf "$dir" && "$GEN" "$dir" "$1" >&2 || exit 2
  fi
  echo "$dir"
}

# xcorpus N: the same N files as .xlsx workbooks (made when missing)
xcorpus() {
  local src dir=$OUT/x$1
  src=$(corpus "$1")
  if [ "$(ls "$dir" 2>/dev/null | wc -l)" -ne "$1" ]; then
    rm -rf "$dir" && "$GEN_XLSX" "$src" "$dir" > /dev/null || exit 2
  fi
  echo "$dir"
}

# once NAME CMD...: one timed run of CMD; its wall (µs) and peak RSS are
# added to NAME's lists (runs of different cases alternate, see below).
declare -A WALLS RSS
once() {
  local name=$1 t0 t1 m rc; shift
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o time.txt "$@" > "$name.out" 2> "$name.err"; rc=$?
  t1=$(date +%s%N)
  (( rc > 1 )) && echo "  $name: exit status $rc, see $OUT/$name.err" >&2
  WALLS[$name]="${WALLS[$name]:-} $(( (t1 - t0) / 1000 ))"
  m=$(tail -1 time.txt | cut -d' ' -f2)
  (( m > ${RSS[$name]:-0} )) && RSS[$name]=$m
}

# row NAME FILES BYTES: NAME's median wall and largest RSS into results.tsv
row() {
  local name=$1 walls med
  read -ra walls <<< "${WALLS[$name]}"
  med=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (${#walls[@]} + 1) / 2 ))p")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$2" "$3" "$med" "${RSS[$name]}" "${walls[*]}" >> results.tsv
}

echo "jixiao: $BIN ($("$BIN" --version)); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs per case"
for n in "${SIZES[@]}"; do
  dir=$(corpus "$n")
  xdir=$(xcorpus "$n")
  bytes=$(du -sb --exclude=expected.tsv "$dir" | cut -f1)
  xbytes=$(du -sb "$xdir" | cut -f1)
  # Default rules and load only alternate run by run, so a machine whose
  # speed drifts during the benchmark affects both alike; "rules +%" is the
  # median of the run-by-run ratios.
  for _ in $(seq "$RUNS"); do
    once "default-$n" "$BIN" check --no-config --format json "$dir"
    once "load-only-$n" "$BIN" check --no-config --no-default-rules --format json "$dir"
    once "parse-floor-$n" "$FLOOR" "$dir"
    once "xlsx-$n" "$BIN" check --no-config --format json "$xdir"
  done
  row "default-$n" "$n" "$bytes"
  row "xlsx-$n" "$n" "$xbytes"
  if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 1 --runs "$RUNS" --export-markdown "hyperfine-$n.md" \
      -n "yaml-$n" "$BIN check --no-config --format json $dir" \
      -n "xlsx-$n" "$BIN check --no-config --format json $xdir" > /dev/null 2>&1 || true
  fi
  row "load-only-$n" "$n" "$bytes"
  row "parse-floor-$n" "$n" "$bytes"
  if [ -f "$TALLY" ]; then
    python3 "$TALLY" "default-$n" jixiao-default "default-$n.out" "$dir/expected.tsv"
  fi
done
one=$(corpus 1)/decl-00001.yaml
for _ in $(seq "$RUNS"); do
  once one-file "$BIN" check --no-config --format json "$one"
done
row one-file 1 "$(stat -c %s "$one")"

# The table: wall is the median; RSS the largest of the runs; "rules +%" is
# the median over the pairs of runs of default / load-only - 1.
awk -F'\t' '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { name[NR] = $1; files[NR] = $2; bytes[NR] = $3; us[NR] = $4; rss[NR] = $5; runs[NR] = $6; runsof[$1] = $6 }
  END {
    printf "%-16s %7s %8s %10s %9s %8s %9s %8s %8s  %s\n", "case", "files", "MB", "wall ms", "files/s", "MB/s", "RSS MB", "rules +%", "÷ floor", "runs (ms)"
    for (i = 1; i <= NR; i++) {
      s = us[i] / 1e6; mb = bytes[i] / 1e6
      extra = "-"; floor = "-"
      if (name[i] ~ /^default-/ && ("load-only-" substr(name[i], 9)) in runsof) {
        na = split(runs[i], ra, " "); split(runsof["load-only-" substr(name[i], 9)], rb, " ")
        for (j = 1; j <= na; j++) ratio[j] = ra[j] / rb[j]
        extra = sprintf("%.0f", 100 * (median(ratio, na) - 1))
      }
      size = name[i]; sub(/^[a-z-]*-/, "", size)
      if (name[i] ~ /^(default|load-only)-/ && ("parse-floor-" size) in runsof) {
        na = split(runs[i], ra, " "); split(runsof["parse-floor-" size], rb, " ")
        for (j = 1; j <= na; j++) ratio[j] = ra[j] / rb[j]
        floor = sprintf("%.2f", median(ratio, na))
      }
      nr = split(runs[i], r, " "); list = ""; for (j = 1; j <= nr; j++) list = list sprintf("%s%.1f", (list == "" ? "" : " "), r[j] / 1000)
      printf "%-16s %7d %8.2f %10.1f %9.0f %8.1f %9.1f %8s %8s  %s\n", name[i], files[i], mb, us[i] / 1000, files[i] / s, mb / s, rss[i] / 1024, extra, floor, list
    }
    for (i = 1; i <= NR; i++) {
      if (name[i] !~ /^xlsx-/) continue
      size = substr(name[i], 6)
      if (!(("default-" size) in runsof)) continue
      na = split(runs[i], ra, " "); split(runsof["default-" size], rb, " ")
      for (j = 1; j <= na; j++) ratio[j] = ra[j] / rb[j]
      printf "%s ÷ yaml (default-%s): %.2f\n", name[i], size, median(ratio, na)
    }
  }' results.tsv
