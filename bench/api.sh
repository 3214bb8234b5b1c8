#!/usr/bin/env bash
# Concern creation through the real HTTP API against the ceiling of writing
# the same rows straight into SQLite, and the server's memory after 100,000
# concerns. Loopback only. Usage: bench/api.sh [N] (default 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
work=$(mktemp -d /tmp/lifeguard-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/lifeguard" ./cmd/lifeguard
go build -o "$work/apiload" ./bench/apiload
go build -o "$work/ceiling" ./bench/ceiling

"$work/lifeguard" serve --demo --demo-password "bench passphrase 2026" --data "$work/data" --listen 127.0.0.1:18099 \
  > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 1 120); do grep -q "running at" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
token=$("$work/lifeguard" token create --data "$work/data" --email staff@demo.test 2>/dev/null)

echo "== API: $n concerns, 16 clients, loopback"
api=$("$work/apiload" -url http://127.0.0.1:18099 -token "$token" -n "$n" -c 16)
echo "$api"
echo "== ceiling: $n concerns straight into SQLite, same durability"
ceiling=$("$work/ceiling" -n "$n" -dir "$work")
echo "$ceiling"
a=$(echo "$api" | sed -E 's/.*: ([0-9]+) per second.*/\1/')
c=$(echo "$ceiling" | sed -E 's/.*: ([0-9]+) per second.*/\1/')
echo "ratio API/ceiling: $(awk "BEGIN{printf \"%.2f\", $a/$c}")"

if [ "${MEMORY:-1}" = 1 ]; then
  have=$(( n + 320 ))
  more=$(( 100000 - have ))
  if [ "$more" -gt 0 ]; then
    echo "== posting $more more concerns to reach 100,000"
    "$work/apiload" -url http://127.0.0.1:18099 -token "$token" -n "$more" -c 16
  fi
  echo "== server memory after 100,000 concerns: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}') resident, peak $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
fi
