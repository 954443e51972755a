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

stage "cargo fmt --check"
cargo fmt -p gradsign-engine -p gradsign-documents -p gradsign-api -p gradsign-server -p gradsign-remote -p gradsign-cli -- --check
stage "cargo clippy -D warnings"
cargo clippy -p gradsign-engine -p gradsign-documents -p gradsign-api -p gradsign-server -p gradsign-remote -p gradsign-cli --all-targets -- -D warnings

pgdir=$(mktemp -d /tmp/gradsign-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() { bash "$root/scripts/pg.sh" stop "$pgdir"; }
trap cleanup EXIT
eval "$(bash scripts/pg.sh start "$pgdir" "$port")"

stage "cargo test (SQLite and PostgreSQL on 127.0.0.1:$port)"
log=$(mktemp)
set +e
cargo test -p gradsign-engine -p gradsign-documents -p gradsign-cli 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
sqlite=$(grep -cE '^test ([a-z_]+::)?sqlite::.* ok$' "$log" || true)
pg=$(grep -cE '^test ([a-z_]+::)?postgres::.* ok$' "$log" || true)
stage "rule tests passed: $sqlite on SQLite, $pg on PostgreSQL"
: >"$log"
[ "$status" -eq 0 ] || exit "$status"

stage "the operation catalog: dispatch, the permission table, the extremes of every number"
set +e
cargo test -p gradsign-api -- --nocapture >"$log" 2>&1
status=$?
set -e
grep -E '^(test |permission table|extremes)|test result' "$log" || true
[ "$status" -eq 0 ] || { cat "$log"; exit "$status"; }
rm -f "$log"

stage "the school server: HTTPS on 127.0.0.1, limits, shutdown, the permission table and the rule tests over HTTP, the desktop's side of it"
set +e
cargo test -p gradsign-server -p gradsign-remote -- --nocapture >"$log" 2>&1
status=$?
set -e
grep -E '^(test |permission table)|test result' "$log" || true
[ "$status" -eq 0 ] || { cat "$log"; exit "$status"; }
http=$(grep -cE '^test [a-z_]+::http::.* ok$' "$log" || true)
stage "rule tests passed: $sqlite on SQLite, $pg on PostgreSQL, $http through HTTP (crates/server/tests/rules_over_http)"
rm -f "$log"

stage "the school server's OpenAPI document against the running server (schemathesis)"
bash scripts/schemathesis.sh

stage "UI: type check (vue-tsc), lint (ESLint), unit tests (Vitest)"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
npm --prefix ui run check
npm --prefix ui run build --silent >/dev/null

stage "desktop: fmt, clippy, unit tests and the bindings' freshness"
# One feature set (custom-protocol, as the e2e build needs) for clippy, the unit tests and the
# e2e build, so the desktop's dependencies are built once, not once per feature set.
cargo fmt -p gradsign-desktop -p gradsign-e2e -- --check
cargo clippy -p gradsign-desktop -p gradsign-e2e --features gradsign-desktop/custom-protocol --all-targets -- -D warnings
cargo test -p gradsign-desktop --features custom-protocol --lib

stage "desktop: end-to-end in the real window (Xvfb, WebDriver, gnome-keyring)"
bash scripts/e2e.sh
stage "all tests passed"
