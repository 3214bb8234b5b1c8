#!/usr/bin/env bash
# Page latency at a million concerns: builds (once, cached in $TMPDIR) the
# store's benchmark database of 1,000,000 concerns over 600 schools, serves a
# copy, and measures the pages a safeguarding lead uses. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/lifeguard-pages-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=0
go test -run XXX -bench "ListInbox1M/sqlite" -benchtime 1x ./internal/sqlstore/ > /dev/null
db=$(ls -t "${TMPDIR:-/tmp}"/lifeguard-bench-1m-gen*.db | head -1)
mkdir -p "$work/data"
cp "$db" "$work/data/lifeguard.db"
go build -o "$work/lifeguard" ./cmd/lifeguard
go build -o "$work/pageload" ./bench/pageload
# u1@example.org is the safeguarding lead of School 1 in the benchmark data.
echo "bench page passphrase" | "$work/lifeguard" user password --data "$work/data" --email u1@example.org > /dev/null
"$work/lifeguard" serve --data "$work/data" --listen 127.0.0.1:18098 > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 1 120); do grep -q "running at" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
"$work/pageload" -url http://127.0.0.1:18098 -email u1@example.org -password "bench page passphrase" -n "${N:-500}"
