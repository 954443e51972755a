#!/usr/bin/env bash
# schemathesis (PyPI) against a running `gradsign serve` on 127.0.0.1: every operation of the
# server's own OpenAPI document (/api/v1/openapi.json), a bounded number of generated requests
# each, signed in as the demo school's admin; fails on any 5xx and on any answer whose status,
# content type or body does not match the document.
# Usage: bash scripts/schemathesis.sh   (needs GRADSIGN_TEST_PG, as scripts/test.sh exports it)
# GRADSIGN_SCHEMATHESIS_EXAMPLES (default 12) bounds the examples per operation,
# GRADSIGN_SCHEMATHESIS_SECONDS (default 180) the whole run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${GRADSIGN_TEST_PG:?start PostgreSQL first (scripts/test.sh does: scripts/pg.sh)}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
venv="$target_dir/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
# The shared selection (scripts/build.sh): after scripts/test.sh has built, nothing to do.
bash scripts/build.sh
gradsign="$target_dir/debug/gradsign"

tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
name="st_$$"
psql "$GRADSIGN_TEST_PG" -qtA -c "CREATE DATABASE $name" >/dev/null
db="${GRADSIGN_TEST_PG%/*}/$name"
"$gradsign" --db "$db" --files "$tmp/files" demo >/dev/null
"$gradsign" --db "$db" --files "$tmp/files" serve --listen 127.0.0.1:0 --workers-every-secs 0 \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 200); do
  url=$(grep -o '"url":"http://127.0.0.1:[0-9]*"' "$tmp/server.log" | head -n 1 | cut -d'"' -f4 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/server.log"; echo "schemathesis: the server did not start" >&2; exit 1; }
token=$(curl -sf "$url/api/v1/session_open" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"demo2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# session_close would end the run's own session; everything else is fair game. Run from the
# temporary folder: schemathesis keeps its reports in the working directory.
set +e
(cd "$tmp" && "$venv/bin/schemathesis" run "$url/api/v1/openapi.json" --url "$url" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-operation-id session_close \
  --phases examples,coverage,fuzzing \
  --max-examples "${GRADSIGN_SCHEMATHESIS_EXAMPLES:-12}" --seed 20261202 \
  --workers 2 --max-time "${GRADSIGN_SCHEMATHESIS_SECONDS:-180}" --request-timeout 30 \
  --warnings off --no-color)
status=$?
set -e
if grep -q '"status":5' "$tmp/server.log"; then
  echo "schemathesis: the server answered 5xx:" >&2
  grep '"status":5' "$tmp/server.log" | head -n 20 >&2
  status=1
fi
exit "$status"
