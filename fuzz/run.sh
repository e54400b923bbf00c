#!/usr/bin/env bash
# Run one fuzz target for SECONDS (default 600) from the curated seeds,
# a single process (no -jobs: the machine is shared); the log goes to fuzz/logs/TARGET.log.
# Usage: fuzz/run.sh TARGET [SECONDS]
set -eu
cd "$(dirname "$0")"
t=$1
secs=${2:-600}
mkdir -p "corpus/$t" logs
cp -n seeds/"$t"/* "corpus/$t"/ 2>/dev/null || true
cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
  -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 -max_len=65536 \
  -print_final_stats=1 2>&1 | tee "logs/$t.log" | grep -E "^#[0-9]+.*(pulse|DONE)|SUMMARY|panicked|Test unit|stat::" || true
