#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests, on a loopback port, in a temporary
# folder. PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
# Usage: eval "$(bash scripts/pg.sh start DIR PORT)"   → exports GRADSIGN_TEST_PG
#        bash scripts/pg.sh stop DIR
# The cluster speaks TLS too, with a certificate of a test CA made here (GRADSIGN_TEST_PG_CA is its
# PEM file), so `sslmode=require` and `sslmode=verify-full&sslrootcert=…` are tested for real.
set -euo pipefail
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL is not installed (bash scripts/setup.sh test)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1
    tls="$dir/tls"
    mkdir -p "$tls"
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -days 3 -subj "/CN=GradSign test PostgreSQL CA" \
      -keyout "$tls/ca.key" -out "$tls/ca.pem" >/dev/null 2>&1
    openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
      -days 3 -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
    chmod 600 "$tls/server.key"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$tls"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key" start >/dev/null
    echo "export GRADSIGN_TEST_PG=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export GRADSIGN_TEST_PG_CA=$tls/ca.pem"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
