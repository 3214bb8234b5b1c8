#!/usr/bin/env bash
# Monitoring captures through the real HTTP API: POST /api/v1/monitor/captures
# on a demo server on a SQLite file, one capture a request and then batches
# of 20, from 16 devices at once. Two texts in ten match the baseline
# library and are stored. Loopback only. Usage: bench/captures.sh [N] (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
work=$(mktemp -d /tmp/lifeguard-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/lifeguard" ./cmd/lifeguard
go build -o "$work/captureload" ./bench/captureload

"$work/lifeguard" serve --demo --demo-password "bench passphrase 2026" --data "$work/data" --listen 127.0.0.1:18098 \
  > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
# Seeding the demo takes a minute or more on a busy machine: wait up to five.
for _ in $(seq 1 600); do grep -q "running at" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
if ! grep -q "running at" "$work/serve.out" 2>/dev/null; then
  echo "captures.sh: the server did not start within five minutes" >&2
  tail -5 "$work/serve.err" >&2
  exit 1
fi
token=$("$work/lifeguard" token create --data "$work/data" --email monitor@demo.test 2>/dev/null)

echo "== $n captures, one a request, 16 devices"
"$work/captureload" -url http://127.0.0.1:18098 -token "$token" -n "$n" -batch 1 -c 16
echo "== $n captures, 20 a request, 16 devices"
"$work/captureload" -url http://127.0.0.1:18098 -token "$token" -n "$n" -batch 20 -c 16
