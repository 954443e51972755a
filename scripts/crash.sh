#!/usr/bin/env bash
# The crash harness's long run (R-CRASH-01, tests/tests/crash_safety.rs): random write loads of the
# desktop's engine process (SQLite), the CLI (`gradsign import`) and the school server
# (`gradsign serve` on PostgreSQL over TLS) killed with SIGKILL at random points, ROUNDS times in
# turn; after each kill the database's own check (integrity_check / amcheck), `gradsign check`,
# every acknowledged write present, the one in flight whole or absent, every file whole. The test
# command runs 6 rounds; this runs 100. GRADSIGN_CRASH_SEED repeats a run's kill times.
#
#   bash scripts/crash.sh [ROUNDS]     (default 100)
# Starts its own PostgreSQL on 127.0.0.1 (scripts/pg.sh); builds what it needs (scripts/build.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds="${1:-100}"
bash scripts/setup.sh test
bash scripts/build.sh
source scripts/build.sh --set
pgdir=$(mktemp -d /tmp/gradsign-crash-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
trap 'bash "$root/scripts/pg.sh" stop "$pgdir"' EXIT
eval "$(bash scripts/pg.sh start "$pgdir" "$port")"
started=$(date +%s)
GRADSIGN_CRASH_ROUNDS="$rounds" cargo test "${workspace_set[@]}" -- --exact \
  r_crash_01_killed_writers_leave_whole_databases_with_every_acknowledged_write --nocapture 2>&1 \
  | grep -v -E "^ +Running|^running 0 tests|test result: ok. 0 passed|^$| +at /rustc/| +[0-9]+: (std|core|__rustc|tokio|<)"
echo "crash: $rounds rounds in $(( $(date +%s) - started )) s"
