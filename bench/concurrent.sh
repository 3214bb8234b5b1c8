#!/usr/bin/env bash
# Many safeguarding leads at once at a million concerns: builds (once,
# cached in $TMPDIR) the store's benchmark database, serves a copy, and runs
# bench/concurrent at N = 10, 50 and 200 DSLs of different schools over a
# mix of pages. LIFEGUARD_BIN runs another build of the server (the one
# before a change, to compare in one sitting), with LIFEGUARD_BENCH_DB the
# benchmark database of its generator. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/lifeguard-concurrent-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=0
# LIFEGUARD_BENCH_DB names another benchmark database: an earlier build
# refuses a database whose schema is newer than it knows.
db=${LIFEGUARD_BENCH_DB:-}
if [ -z "$db" ]; then
  go test -run XXX -bench "ListInbox1M/sqlite" -benchtime 1x ./internal/sqlstore/ > /dev/null
  db=$(ls -t "${TMPDIR:-/tmp}"/lifeguard-bench-1m-gen*.db | head -1)
fi
mkdir -p "$work/data"
cp "$db" "$work/data/lifeguard.db"
# A database already opened by a server since sealing began has its journal
# sealed with that server's key: keep it beside the file as FILE.key.
if [ -f "$db.key" ]; then cp "$db.key" "$work/data/journal.key"; fi
bin=${LIFEGUARD_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/lifeguard" ./cmd/lifeguard
  bin="$work/lifeguard"
fi
go build -o "$work/concurrent" ./bench/concurrent
ns=${N:-10,50,200}
"$work/concurrent" -prepare "$work/data/lifeguard.db" -n "$ns"
"$bin" serve --data "$work/data" --listen 127.0.0.1:18099 > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 1 240); do grep -q "running at" "$work/serve.out" 2>/dev/null && break; sleep 0.5; done
"$work/concurrent" -url http://127.0.0.1:18099 -n "$ns" -duration "${DURATION:-20s}"
