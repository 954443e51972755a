#!/usr/bin/env bash
# The test command (README): installs what the tests need, checks formatting and lints, starts a
# throwaway PostgreSQL, and runs every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/setup.sh all
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt -p gradsign-engine -p gradsign-documents -p gradsign-cli -- --check
echo "== cargo clippy -D warnings"
cargo clippy -p gradsign-engine -p gradsign-documents -p gradsign-cli --all-targets -- -D warnings

pgdir=$(mktemp -d /tmp/gradsign-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() { bash "$root/scripts/pg.sh" stop "$pgdir"; }
trap cleanup EXIT
eval "$(bash scripts/pg.sh start "$pgdir" "$port")"

echo "== cargo test (SQLite and PostgreSQL on 127.0.0.1:$port)"
log=$(mktemp)
set +e
cargo test -p gradsign-engine -p gradsign-documents -p gradsign-cli 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
sqlite=$(grep -cE '^test sqlite::.* ok$' "$log" || true)
pg=$(grep -cE '^test postgres::.* ok$' "$log" || true)
echo "== rule tests passed: $sqlite on SQLite, $pg on PostgreSQL"
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"

echo "== UI: type check (vue-tsc), lint (ESLint), unit tests (Vitest)"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
npm --prefix ui run check
npm --prefix ui run build --silent >/dev/null

echo "== desktop: fmt, clippy, unit tests and the bindings' freshness"
cargo fmt -p gradsign-desktop -p gradsign-e2e -- --check
cargo clippy -p gradsign-desktop -p gradsign-e2e --all-targets -- -D warnings
cargo test -p gradsign-desktop --lib

echo "== desktop: end-to-end in the real window (Xvfb, WebDriver, gnome-keyring)"
bash scripts/e2e.sh
