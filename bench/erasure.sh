#!/usr/bin/env bash
# The erasure job at a million concerns (issue 19, item 6): serves a copy of
# the store's benchmark database in which a tenth of the concerns fall due
# (bench/erasure -prepare: whole children given a date of birth 30 years
# ago), and measures DSLs' page views (inbox, a concern, a child's record)
# first with no job running, then while the server's daily erasure job
# (retention dates worked out afresh, then the due records erased in
# batches) runs, until it is done. Prints the page times of both, the job's
# time and counts from the server's log, and what is erased. Loopback only.
#
# N DSLs (default 20), each pausing THINK (default 500ms, spread 0.5-1.5x)
# between views; DURATION (default 60s) of the run without the job; SHARE
# (default 0.1) of the concerns due. LIFEGUARD_BENCH_DB and LIFEGUARD_BIN as
# for concurrent.sh (a sealed database's key beside it as FILE.key).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/lifeguard-erasure-XXXXXX)
pid=0
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
db=${LIFEGUARD_BENCH_DB:-}
if [ -z "$db" ]; then
  go test -run XXX -bench "ListInbox1M/sqlite" -benchtime 1x ./internal/sqlstore/ > /dev/null
  db=$(ls -t "${TMPDIR:-/tmp}"/lifeguard-bench-1m-gen*.db | head -1)
fi
mkdir -p "$work/data"
cp "$db" "$work/data/lifeguard.db"
if [ -f "$db.key" ]; then cp "$db.key" "$work/data/journal.key"; fi
bin=${LIFEGUARD_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/lifeguard" ./cmd/lifeguard
  bin="$work/lifeguard"
fi
go build -o "$work/concurrent" ./bench/concurrent
go build -o "$work/erasure" ./bench/erasure
n=${N:-20}
load=(-url http://127.0.0.1:18098 -n "$n" -think "${THINK:-500ms}" -mix inbox=40,concern=30,child=30)

"$work/erasure" -prepare "$work/data/lifeguard.db" -share "${SHARE:-0.1}"
"$work/concurrent" -prepare "$work/data/lifeguard.db" -n "$n"

# serve starts the server and waits until it listens.
serve() {
  "$bin" serve --data "$work/data" --listen 127.0.0.1:18098 > "$work/serve-$1.out" 2>> "$work/serve.err" &
  pid=$!
  for _ in $(seq 1 240); do grep -q "running at" "$work/serve-$1.out" 2>/dev/null && return; sleep 0.5; done
  echo "the server did not start:" >&2; tail -5 "$work/serve.err" >&2; exit 1
}

echo "== without the job (load average $(cut -d' ' -f1-3 /proc/loadavg))"
serve quiet
"$work/concurrent" "${load[@]}" -duration "${DURATION:-60s}"
kill "$pid"; wait "$pid" || true
"$work/erasure" -log "$work/serve.err"

"$work/erasure" -rearm "$work/data/lifeguard.db"
: > "$work/serve.err"
echo "== while the erasure job runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
serve job
# The job starts as the server does; the load stops when it has finished.
(
  until grep -q '"job":"erasure"' <(grep -E '"msg":"job (done|failed)' "$work/serve.err"); do sleep 0.5; done
  touch "$work/done"
) &
watcher=$!
"$work/concurrent" "${load[@]}" -duration 60m -stop-file "$work/done"
wait "$watcher" || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '"msg":"(erasure|job done|job failed[^"]*)"' "$work/serve.err" | grep -E 'erasure' || true
kill "$pid"; wait "$pid" || true
"$work/erasure" -log "$work/serve.err" -split "$work/data/lifeguard.db"
"$work/erasure" -count "$work/data/lifeguard.db"
