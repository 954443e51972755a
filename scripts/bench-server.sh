#!/usr/bin/env bash
# The school server's load test (not part of the test command). In one run, on one throwaway
# PostgreSQL (scripts/pg.sh, the tests' settings) and with the real release `gradsign serve`:
#   1. the school's mix with 200 clients (crates/loadgen: graduates reading their home page and
#      items and answering invitations, employers inviting, reviewers paging queues and deciding,
#      anonymous verifies), saturated (each client sends as soon as it has its answer) against one
#      and against two server processes, then paced at the target rate (1,000 requests/s offered)
#      with the better count; throughput and p50/p99 per operation; after every run the counts the
#      generator saw acknowledged are reconciled with the history in the database, and
#      `gradsign check` passes at the end;
#   2. the write mix (invite, accept, department approval, school rejection on one graduate per
#      client) against the new history design and against the old one (commit 7d84dbf, one
#      chain_head row every write updated), each on a fresh database;
#   3. pgbench's built-in TPC-B (`pgbench -i`, then 16 clients, 2 threads, 20 s), the anchor.
# The last line: `server: N actions/s, p99 M ms, pgbench tps T, ratio R` — N the saturated mix's
# successful answers per second with the better server count, M the p99 of the paced run at the
# target rate, T pgbench's tps, R = N / T. docs/bench-server.md says how to read the figures.
# Load goes to 127.0.0.1 only. Installs what it needs (bash scripts/setup.sh bench).
# Usage: bash scripts/bench-server.sh
# Environment: GRADSIGN_BENCH_PG_PORT (27311), GRADSIGN_BENCH_SECONDS (20 per run),
#   GRADSIGN_BENCH_CLIENTS (200), GRADSIGN_BENCH_RATE (1000), GRADSIGN_BENCH_GRADUATES (5000
#   imported), GRADSIGN_BENCH_ACTIVATE (2000 with accounts), GRADSIGN_BENCH_OLD_COMMIT (7d84dbf),
#   GRADSIGN_BENCH_OUT (a folder to keep the JSON reports and server logs in).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${GRADSIGN_BENCH_PG_PORT:-27311}
secs=${GRADSIGN_BENCH_SECONDS:-20}
clients=${GRADSIGN_BENCH_CLIENTS:-200}
rate=${GRADSIGN_BENCH_RATE:-1000}
graduates=${GRADSIGN_BENCH_GRADUATES:-5000}
activate=${GRADSIGN_BENCH_ACTIVATE:-2000}
old_commit=${GRADSIGN_BENCH_OLD_COMMIT:-7d84dbf}
say() { echo "bench-server: $*" >&2; }

bash scripts/setup.sh bench

say "building the release server and the load generator"
cargo build -q --release -p gradsign-cli -p gradsign-loadgen
new_bin=$root/target/release/gradsign
loadgen=$root/target/release/gradsign-loadgen
# The old history design: its own worktree and target folder under target/, kept between runs.
old_tree=$root/target/bench-old-tree
old_target=$root/target/bench-old-target
if [ ! -e "$old_tree/.git" ]; then
  git worktree prune
  git worktree add -q --detach "$old_tree" "$old_commit"
fi
git -C "$old_tree" checkout -q --detach "$old_commit"
say "building the old history design ($old_commit)"
(cd "$old_tree" && CARGO_TARGET_DIR=$old_target cargo build -q --release -p gradsign-cli)
old_bin=$old_target/release/gradsign

work=$(mktemp -d)
# The cluster's own folder (pg.sh hands it to the postgres user; $work stays root's).
pgdir=$(mktemp -d)
out=${GRADSIGN_BENCH_OUT:-$work/out}
mkdir -p "$out" "$work/files"
servers=()
stop_servers() {
  for pid in "${servers[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${servers[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  servers=()
}
cleanup() {
  stop_servers
  bash scripts/pg.sh stop "$pgdir" || true
  [ -n "${GRADSIGN_BENCH_OUT:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
pg_env=$(bash scripts/pg.sh start "$pgdir" "$port")
eval "$pg_env"
pg=$GRADSIGN_TEST_PG
psql_at() { psql "$1" -qtAX -v ON_ERROR_STOP=1 -c "$2"; }
fresh_db() {
  psql_at "$pg" "DROP DATABASE IF EXISTS $1" >/dev/null
  psql_at "$pg" "CREATE DATABASE $1" >/dev/null
  echo "${pg%/*}/$1"
}

# start_server BIN DB NAME: a server on a free loopback port; its URL goes to $url.
start_server() {
  local bin=$1 db=$2 name=$3 log="$out/$3.log"
  "$bin" --db "$db" --files "$work/files" serve --listen 127.0.0.1:0 --trusted-proxy 127.0.0.1 \
    >"$log" 2>&1 &
  servers+=($!)
  url=""
  for _ in $(seq 1 600); do
    url=$(jq -r 'select(.message == "listening") | .url' "$log" 2>/dev/null | head -n 1)
    [ -n "$url" ] && return 0
    kill -0 "${servers[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  say "server $name did not start:"; tail -n 20 "$log" >&2; exit 1
}

# school BIN DB: the school, the cohort open and the graduates imported, through the CLI.
admin_password=Bench-Admin-2026
school() {
  local bin=$1 db=$2
  printf '%s' "$admin_password" | "$bin" --db "$db" --files "$work/files" init \
    --school-name 基准大学 --school-code 10001 --admin admin \
    --department 计算机学院 --department 经济学院 --department 外语学院 --department 机械学院 >/dev/null
  "$bin" --db "$db" --files "$work/files" cohort --year 2026 --chain both --open >/dev/null
  "$loadgen" csv --graduates "$graduates" --out "$work/graduates.csv" >/dev/null
  "$bin" --db "$db" --files "$work/files" import graduates "$work/graduates.csv" --cohort 2026 >&2
}

# The history's counts of what the mix does: invitations, acceptances, graduates' rejections,
# review decisions (each write leaves exactly one entry, R-AUDIT-01).
history_counts() {
  psql_at "$1" "SELECT
    (SELECT count(*) FROM history WHERE action = 'invite'),
    (SELECT count(*) FROM history WHERE action = 'accept'),
    (SELECT count(*) FROM history WHERE action = 'reject' AND level = ''),
    (SELECT count(*) FROM history WHERE action IN ('approve', 'return', 'reject') AND level <> '')" |
    tr '|' ' '
}

# reconcile DB BEFORE REPORT: every acknowledged write is in the history exactly once.
mismatches=0
reconcile() {
  local db=$1 before=$2 report=$3 after
  after=$(history_counts "$db")
  read -r i0 a0 r0 d0 <<<"$before"
  read -r i1 a1 r1 d1 <<<"$after"
  local names=(employer_invite graduate_accept_invitation graduate_reject_invitation review_decide)
  local deltas=($((i1 - i0)) $((a1 - a0)) $((r1 - r0)) $((d1 - d0)))
  local line="reconciled $(jq -r .label "$report"):"
  for k in 0 1 2 3; do
    local acked
    acked=$(jq -r ".ops.${names[$k]}.acknowledged // 0" "$report")
    if [ "$acked" = "${deltas[$k]}" ]; then
      line+=" ${names[$k]} $acked=$acked"
    else
      line+=" ${names[$k]} MISMATCH acknowledged $acked, in the database ${deltas[$k]}"
      mismatches=$((mismatches + 1))
    fi
  done
  echo "$line"
}

# Where the machine's CPU went during a run: the server processes, the cluster's PostgreSQL
# processes (the postmaster's children), everything else (the load generator and whatever else
# ran), idle; in cores, from /proc (jiffies).
declare -A cpu_before
proc_jiffies() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_pids() {
  local pm
  pm=$(head -n 1 "$pgdir/data/postmaster.pid")
  echo "$pm" $(pgrep -P "$pm")
}
machine_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6; exit }' /proc/stat; }
cpu_mark() {
  local p
  for p in "${servers[@]}" $(pg_pids); do cpu_before[$p]=$(proc_jiffies "$p"); done
  read -r cpu_busy0 cpu_idle0 <<<"$(machine_jiffies)"
}
cpu_report() {
  local label=$1 p srv=0 pgj=0 busy1 idle1
  for p in "${servers[@]}"; do srv=$((srv + $(proc_jiffies "$p") - ${cpu_before[$p]:-0})); done
  for p in $(pg_pids); do pgj=$((pgj + $(proc_jiffies "$p") - ${cpu_before[$p]:-0})); done
  read -r busy1 idle1 <<<"$(machine_jiffies)"
  awk -v s="$srv" -v p="$pgj" -v b=$((busy1 - cpu_busy0)) -v i=$((idle1 - cpu_idle0)) -v n="$(nproc)" \
    -v l="$label" 'BEGIN { t = (b + i) / n; if (t <= 0) t = 1;
      printf "cpu %s: servers %.2f, PostgreSQL %.2f, the rest (load generator, others) %.2f, idle %.2f cores of %d\n",
        l, s / t, p / t, (b - s - p) / t, i / t, n }'
}

# run DB LABEL ARGS…: one timed run of the generator, reconciled afterwards.
run() {
  local db=$1 label=$2
  shift 2
  local before
  before=$(history_counts "$db")
  cpu_mark
  "$loadgen" run --state "$state" --clients "$clients" --seconds "$secs" --label "$label" \
    --out "$out/$label.json" "$@"
  cpu_report "$label"
  reconcile "$db" "$before" "$out/$label.json"
}

check() {
  local bin=$1 db=$2 result
  if result=$("$bin" --db "$db" --files "$work/files" check 2>&1) &&
    grep -q "all checks passed" <<<"$result"; then
    echo "gradsign check ($3): $(grep -m1 'history entries' <<<"$result"), all checks passed"
  else
    echo "gradsign check ($3) FAILED:"; echo "$result"; mismatches=$((mismatches + 1))
  fi
}

ok_per_sec() { jq -r '.total.ok_per_second' "$out/$1.json"; }
p99() { jq -r '.total.p99_ms' "$out/$1.json"; }

# 1. The school's mix, one server then two, then paced at the target rate. Every run starts
# from its own copy of the same set-up school (CREATE DATABASE … TEMPLATE: the sessions are in
# the database, so the state file's tokens hold in every copy), so no run inherits the
# invitations and history an earlier run left.
say "setting up the school (${graduates} graduates imported, ${activate} activated)"
base=$(fresh_db bench_school)
school "$new_bin" "$base"
start_server "$new_bin" "$base" school-setup
state=$work/school.json
"$loadgen" setup --url "$url" --admin-password "$admin_password" --activate "$activate" \
  --state "$state"
stop_servers
copy_of_school() {
  psql_at "$pg" "DROP DATABASE IF EXISTS $1" >/dev/null
  psql_at "$pg" "CREATE DATABASE $1 TEMPLATE bench_school" >/dev/null
  echo "${pg%/*}/$1"
}
# school_run LABEL SERVERS ARGS…: the mix on a fresh copy against SERVERS server processes.
school_run() {
  local label=$1 count=$2 db urls=()
  shift 2
  db=$(copy_of_school "bench_${label//-/_}")
  for k in $(seq 1 "$count"); do
    start_server "$new_bin" "$db" "$label-$k"
    urls+=(--url "$url")
  done
  run "$db" "$label" "${urls[@]}" "$@"
  stop_servers
  check "$new_bin" "$db" "$label"
}
school_run mix-1-server 1
school_run mix-2-servers 2
one=$(ok_per_sec mix-1-server)
two=$(ok_per_sec mix-2-servers)
best=mix-1-server best_count=1
if awk -v a="$two" -v b="$one" 'BEGIN { exit !(a > b) }'; then
  best=mix-2-servers best_count=2
fi
school_run mix-paced "$best_count" --rate "$rate"

# 2. The write mix against the new and the old history design, each on a fresh database.
for design in new old; do
  bin=$new_bin
  [ "$design" = old ] && bin=$old_bin
  say "write mix, $design history design"
  db=$(fresh_db "bench_writes_$design")
  school "$bin" "$db"
  start_server "$bin" "$db" "writes-$design"
  state=$work/writes-$design.json
  "$loadgen" setup --url "$url" --admin-password "$admin_password" --activate "$clients" \
    --agreements 0 --state "$state"
  run "$db" "writes-$design" --mix writes --url "$url"
  stop_servers
  check "$bin" "$db" "write mix, $design design"
done

# 3. pgbench's TPC-B on the same PostgreSQL, the same settings.
say "pgbench TPC-B"
pgdb=$(fresh_db bench_pgbench)
pgbench -i -q "$pgdb" >/dev/null 2>&1
pgbench -c 16 -j 2 -T 20 "$pgdb" >"$out/pgbench.txt" 2>&1
tps=$(awk '/^tps = / { print $3; exit }' "$out/pgbench.txt")

new_w=$(ok_per_sec writes-new)
old_w=$(ok_per_sec writes-old)
n=$(ok_per_sec "$best")
m=$(p99 mix-paced)
echo "school mix saturated: 1 server $(printf '%.0f' "$one") actions/s (p99 $(p99 mix-1-server) ms), 2 servers $(printf '%.0f' "$two") actions/s (p99 $(p99 mix-2-servers) ms)"
echo "school mix paced at $rate requests/s offered ($best_count server(s)): $(printf '%.0f' "$(ok_per_sec mix-paced)") actions/s, p50 $(jq -r .total.p50_ms "$out/mix-paced.json") ms, p99 $m ms"
echo "write mix: new design $(printf '%.0f' "$new_w") actions/s (p99 $(p99 writes-new) ms), old design ($old_commit) $(printf '%.0f' "$old_w") actions/s (p99 $(p99 writes-old) ms), new/old $(awk -v a="$new_w" -v b="$old_w" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
if [ "$mismatches" -gt 0 ]; then
  echo "bench-server: $mismatches reconciliation or check failure(s), see above" >&2
  exit 1
fi
awk -v n="$n" -v m="$m" -v t="$tps" 'BEGIN {
  printf "server: %.0f actions/s, p99 %.1f ms, pgbench tps %.0f, ratio %.2f\n", n, m, t, (t > 0 ? n / t : 0) }'
