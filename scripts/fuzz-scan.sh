#!/usr/bin/env bash
# Fuzzes compress_scan (crates/documents/fuzz) with cargo-fuzz on nightly Rust.
# Usage: bash scripts/fuzz-scan.sh [SECONDS]   (default 60)
# Needs: rustup toolchain nightly, `cargo install cargo-fuzz`. Seeds the corpus with small
# JPEG/PNG/WebP files the stable smoke test also starts from (tests/fuzz_smoke.rs).
# Without nightly, `cargo test --test fuzz_smoke` runs the deterministic stable-Rust smoke run.
set -euo pipefail
secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/crates/documents"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz on nightly is not available: rustup toolchain install nightly && cargo install cargo-fuzz" >&2
  echo "running the stable smoke test instead" >&2
  exec cargo test --release --test fuzz_smoke
fi
corpus=fuzz/corpus/compress_scan
mkdir -p "$corpus"
# Seeds: written by the smoke test's helper (deterministic, a few KB each).
GRADSIGN_FUZZ_SEEDS="$PWD/$corpus" cargo test -q --test fuzz_smoke write_seed_corpus -- --exact >/dev/null
cargo +nightly fuzz run compress_scan "$corpus" -- \
  -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=262144
