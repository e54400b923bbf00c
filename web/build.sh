#!/usr/bin/env bash
# Build the review room page (SPEC §6): the library compiled to WebAssembly
# (wasm32-unknown-unknown, entry points in src/wasm.rs) and embedded as base64
# in one self-contained HTML file with the page's script and styles inline.
#
#   bash web/build.sh [OUT.html]      # default: web/jixiao.html
#
# Without the wasm target (and no rustup to add it) it prints
# "SKIPPED: wasm target not installed" and exits 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/web/jixiao.html}"
target=wasm32-unknown-unknown
tpl="$root/web/page.html"

has_target() {
  [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/$target/lib" ]
}
if ! has_target; then
  if command -v rustup >/dev/null 2>&1; then
    echo "installing the $target target (rustup target add $target)" >&2
    rustup target add "$target" >&2 || true
  fi
  if ! has_target; then
    echo "SKIPPED: wasm target not installed (install it with: rustup target add $target)"
    exit 0
  fi
fi

# A target folder of its own: its own profile settings (size over speed is
# not needed; fat LTO trims the module) and no lock shared with `cargo test`.
export CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_STRIP=true
cargo rustc --manifest-path "$root/Cargo.toml" --release --lib \
  --target "$target" --target-dir "$root/target/wasm" --crate-type cdylib >&2
wasm="$root/target/wasm/$target/release/jixiao.wasm"

[ "$(grep -c '^@@WASM@@$' "$tpl")" = 1 ] || { echo "error: $tpl needs one @@WASM@@ line" >&2; exit 1; }
tmp="$out.tmp.$$"
{
  sed '/^@@WASM@@$/,$d' "$tpl"
  base64 <"$wasm" | tr -d '\n'
  echo
  sed '1,/^@@WASM@@$/d' "$tpl"
} >"$tmp"
mv "$tmp" "$out"
echo "wrote $out ($(wc -c <"$out" | tr -d ' ') bytes; module $(wc -c <"$wasm" | tr -d ' ') bytes)"
