#!/usr/bin/env bash
# Time from starting "lifeguard serve" on an empty data directory until
# /readyz answers 200, three times. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/lifeguard-startup-XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/lifeguard" ./cmd/lifeguard
for i in 1 2 3; do
  rm -rf "$work/data"
  start=$(date +%s%N)
  "$work/lifeguard" serve --data "$work/data" --listen 127.0.0.1:18111 > /dev/null 2>&1 &
  pid=$!
  until curl -sf http://127.0.0.1:18111/readyz > /dev/null; do sleep 0.005; done
  echo "run $i: ready in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
