#!/usr/bin/env bash
# Builds the UI (ui/dist, which the desktop app embeds) and every crate of the workspace, with its
# tests, in the one selection every test script shares (scripts/test.sh, e2e.sh, schemathesis.sh).
#
# Why one selection: cargo unifies features over the packages a command selects, so
# `cargo test -p a` and `cargo test -p b` can each need the shared dependencies built with other
# features, and on a cold machine every such selection rebuilt most of the graph. Commands that pass
# "${workspace_set[@]}" (source this file) build and reuse the same units.
#
# Usage: bash scripts/build.sh          builds (quietly unless it fails)
#        source scripts/build.sh --set  only defines workspace_set and the lint's environment
workspace_set=(--workspace --lib --bins --tests --features gradsign-desktop/custom-protocol)
# Clippy is the compiler of the workspace's own crates (as `cargo clippy` makes it, but in a real
# build), with every warning an error: the lint and the build are one pass, where `cargo clippy`
# would check every dependency a second time. The dependencies are compiled by rustc as always.
RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver || echo "$(dirname "$(command -v cargo)")/clippy-driver")"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
[ "${1:-}" = "--set" ] && return 0

set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
npm --prefix ui run build --silent >/dev/null
cargo build --quiet "${workspace_set[@]}"
