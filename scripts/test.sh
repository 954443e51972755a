#!/usr/bin/env bash
# The test command (README): installs what the tests need, checks formatting and lints, starts a
# throwaway PostgreSQL, and runs every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

stage() { echo "== [$(( SECONDS / 60 ))m$(( SECONDS % 60 ))s] $*"; }

bash scripts/setup.sh all
stage "system packages ready"
export CARGO_TERM_COLOR=never

source scripts/build.sh --set

stage "UI: type check (vue-tsc), lint (ESLint), unit tests (Vitest)"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
npm --prefix ui run check

stage "cargo fmt --check"
cargo fmt --all -- --check
stage "build: the UI, then every crate with its tests once, clippy -D warnings compiling the workspace's own (scripts/build.sh)"
bash scripts/build.sh

pgdir=$(mktemp -d /tmp/gradsign-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() { bash "$root/scripts/pg.sh" stop "$pgdir"; }
trap cleanup EXIT
eval "$(bash scripts/pg.sh start "$pgdir" "$port")"

stage "cargo test: the engine's rules (SQLite and PostgreSQL on 127.0.0.1:$port), the documents, the \
operation catalog, the school server over HTTPS on 127.0.0.1, the desktop's side of it, the CLI, \
the desktop's unit tests and the bindings' freshness"
log=$(mktemp)
set +e
cargo test "${workspace_set[@]}" --no-fail-fast -- --show-output >"$log" 2>&1
status=$?
set -e
grep -E '^(test |permission table|extremes)|^ *Running|test result|^failures:|panicked|error(\[|:)' "$log" || true
sqlite=$(grep -cE '^test ([a-z_]+::)?sqlite::.* ok$' "$log" || true)
pg=$(grep -cE '^test ([a-z_]+::)?postgres::.* ok$' "$log" || true)
http=$(grep -cE '^test [a-z_]+::http::.* ok$' "$log" || true)
stage "rule tests passed: $sqlite on SQLite, $pg on PostgreSQL, $http through HTTP (crates/server/tests/rules_over_http)"
[ "$status" -eq 0 ] || { echo "== the failing tests' output:"; sed -n '/^failures:/,/^test result/p' "$log"; exit "$status"; }
rm -f "$log"

stage "offline signing on photographed pages: QR codes read through the scan pipeline (short run of scripts/qr-photos.sh)"
bash scripts/qr-photos.sh 10

stage "the school server's OpenAPI document against the running server (schemathesis)"
bash scripts/schemathesis.sh

stage "desktop: end-to-end in the real window (Xvfb, WebDriver, gnome-keyring)"
bash scripts/e2e.sh
stage "all tests passed"
