#!/usr/bin/env bash
# Concern creation through the API on PostgreSQL: one server with 16
# clients, then two servers over the same database with 8 clients each.
# Needs a PostgreSQL URL whose role may create databases, in
# LIFEGUARD_TEST_POSTGRES (as .ci/run sets it up). Loopback only.
# Usage: bench/api-postgres.sh [N] (default 20000 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
base=${LIFEGUARD_TEST_POSTGRES:?set LIFEGUARD_TEST_POSTGRES to a PostgreSQL URL}
work=$(mktemp -d /tmp/lifeguard-bench-pg-XXXXXX)
db="lg_bench_$(date +%s)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; rm -rf "$work"' EXIT
psql "$base" -qc "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8'"
url=$(echo "$base" | sed -E "s#/[^/?]+(\?|$)#/$db\1#")

go build -o "$work/lifeguard" ./cmd/lifeguard
go build -o "$work/apiload" ./bench/apiload
start() { # port, extra args
  "$work/lifeguard" serve --database "$url" --listen "127.0.0.1:$1" "${@:2}" > "$work/serve-$1.out" 2> /dev/null &
  pids+=($!)
  for _ in $(seq 1 120); do grep -q "running at" "$work/serve-$1.out" 2>/dev/null && break; sleep 0.5; done
}
start 18201 --demo --demo-password "bench passphrase 2026"
token=$("$work/lifeguard" token create --database "$url" --email staff@demo.test 2>/dev/null)

echo "== PostgreSQL, one server, 16 clients, $n concerns"
"$work/apiload" -url http://127.0.0.1:18201 -token "$token" -n "$n" -c 16

start 18202
echo "== PostgreSQL, two servers, 8 clients each, $n concerns each"
"$work/apiload" -url http://127.0.0.1:18201 -token "$token" -n "$n" -c 8 > "$work/a.txt" &
a=$!
"$work/apiload" -url http://127.0.0.1:18202 -token "$token" -n "$n" -c 8 > "$work/b.txt"
wait $a
cat "$work/a.txt" "$work/b.txt"
awk '{for(i=1;i<=NF;i++) if($(i+1)=="per"){s+=$i}} END {printf "together: %.0f per second\n", s}' "$work/a.txt" "$work/b.txt"
"$work/lifeguard" journal verify --database "$url"
