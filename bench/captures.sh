#!/usr/bin/env bash
# Monitoring captures through the real HTTP API: POST /api/v1/monitor/captures
# on a demo server on a SQLite file, one capture a request and then batches
# of 20, from 16 devices at once. Two texts in ten match the baseline
# library and are stored. Loopback only. Usage: bench/captures.sh [N] (default 10000).
# First 1,000 captures a second, one a request, sent on time whatever the
# answers (open loop, latency from when each was due): the issue's measure.
# Then as fast as 16 devices are answered, one a request and 20 a request.
# LIFEGUARD_BIN=FILE runs that server binary instead of building this tree
# (to compare two versions in one sitting); CAPTURES_PORT another port.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
port=${CAPTURES_PORT:-18098} # another port when someone else runs this at the same time
work=$(mktemp -d /tmp/lifeguard-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

if [ -n "${LIFEGUARD_BIN:-}" ]; then cp "$LIFEGUARD_BIN" "$work/lifeguard"; else go build -o "$work/lifeguard" ./cmd/lifeguard; fi
go build -o "$work/captureload" ./bench/captureload

"$work/lifeguard" serve --demo --demo-password "bench passphrase 2026" --data "$work/data" --listen 127.0.0.1:$port \
  > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
# Seeding the demo takes a minute or more on a busy machine: wait up to five.
for _ in $(seq 1 600); do grep -q "running at" "$work/serve.out" 2>/dev/null && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
if ! grep -q "running at" "$work/serve.out" 2>/dev/null; then
  echo "captures.sh: the server did not start within five minutes, or stopped" >&2
  tail -5 "$work/serve.err" >&2
  exit 1
fi
# The demo listens once its stories are in and then adds the year's
# history in the background through the same single writer: measuring
# before it ends would measure the two together. Wait for it (up to ten
# minutes on a busy machine).
for _ in $(seq 1 1200); do grep -q '"demo history added"\|"adding the demo'"'"'s history".*error' "$work/serve.err" 2>/dev/null && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
if ! grep -q '"demo history added"' "$work/serve.err" 2>/dev/null; then
  echo "captures.sh: the demo's history was not added within ten minutes, or the server stopped" >&2
  tail -5 "$work/serve.err" >&2
  exit 1
fi
token=$("$work/lifeguard" token create --data "$work/data" --email monitor@demo.test 2>/dev/null)

echo "== $n captures at 1,000 a second, one a request, up to 64 at once"
"$work/captureload" -url http://127.0.0.1:$port -token "$token" -n "$n" -batch 1 -c 64 -rate 1000
echo "== $n captures, one a request, 16 devices"
"$work/captureload" -url http://127.0.0.1:$port -token "$token" -n "$n" -batch 1 -c 16
echo "== $n captures, 20 a request, 16 devices"
"$work/captureload" -url http://127.0.0.1:$port -token "$token" -n "$n" -batch 20 -c 16
