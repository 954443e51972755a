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
exit "$status"
