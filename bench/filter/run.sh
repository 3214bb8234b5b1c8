#!/usr/bin/env bash
# Side-by-side comparison of DNS filters (issue 7, item 8): Lifeguard's
# filter, Blocky and AdGuard Home, one after the other on this machine, each
# with the same block list (1.5 million names), in front of the same local
# upstream, under the same dnsperf load on loopback. bench/filter/README.md
# explains it and holds the figures.
#
# The filters are NOT built here: give the path of each binary to compare.
# Those not given are left out.
#
#   LIFEGUARD_BIN=/path/to/lifeguard   (run as: lifeguard filter --config FILE)
#   BLOCKY_BIN=/path/to/blocky         (run as: blocky --config FILE)
#   ADGUARD_BIN=/path/to/AdGuardHome   (run as: AdGuardHome -c FILE -w DIR …)
#
# Settings (environment), with their defaults:
#   DURATION=30        seconds of the throughput run (dnsperf -l)
#   CLIENTS=10         dnsperf clients (-c); OUTSTANDING=100 queries in flight (-q)
#   RATE=5000          queries/s of the fixed-rate latency run (dnsperf -Q)
#   RATE_DURATION=20   seconds of the latency run
#   QUIET_LOAD=1.0     before each filter, wait until the 1-minute load average
#   QUIET_WAIT=180     is below QUIET_LOAD, for at most QUIET_WAIT seconds
#   PORT=15300         the filter's DNS port; UPSTREAM_PORT=15353; HTTP_PORT=15380
#   UT1=../shared/data/ut1   the UT1 lists; RESULTS=<temp dir>/results.md
#   KEEP=1             keep the temporary directory (data, configs, logs, raw output)
#
# Everything listens on 127.0.0.1 and nothing is sent anywhere else.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

DURATION=${DURATION:-30}
CLIENTS=${CLIENTS:-10}
OUTSTANDING=${OUTSTANDING:-100}
RATE=${RATE:-5000}
RATE_DURATION=${RATE_DURATION:-20}
QUIET_LOAD=${QUIET_LOAD:-1.0}
QUIET_WAIT=${QUIET_WAIT:-180}
PORT=${PORT:-15300}
UPSTREAM_PORT=${UPSTREAM_PORT:-15353}
HTTP_PORT=${HTTP_PORT:-15380}
UT1=${UT1:-$repo/../shared/data/ut1}

filters=()
[ -n "${LIFEGUARD_BIN:-}" ] && filters+=(lifeguard)
[ -n "${BLOCKY_BIN:-}" ] && filters+=(blocky)
[ -n "${ADGUARD_BIN:-}" ] && filters+=(adguard)
if [ ${#filters[@]} -eq 0 ]; then
  echo "give at least one of LIFEGUARD_BIN, BLOCKY_BIN, ADGUARD_BIN (see the top of $0)" >&2
  exit 2
fi
for f in "${filters[@]}"; do
  var=$(echo "$f" | tr a-z A-Z)_BIN
  if [ ! -x "${!var}" ]; then
    echo "$var=${!var}: not an executable file" >&2
    exit 2
  fi
done

echo "== dnsperf"
# Debian's package, installed the way .ci/run installs Chromium.
if ! command -v dnsperf > /dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf > /dev/null
fi
dnsperf_version=$(dnsperf -h 2>&1 | sed -n 's/^Version //p')
echo "dnsperf $dnsperf_version"

for p in "$PORT" "$UPSTREAM_PORT" "$HTTP_PORT" $((HTTP_PORT + 1)); do
  if ss -Hlnu "sport = :$p" | grep -q . || ss -Hlnt "sport = :$p" | grep -q .; then
    echo "port $p is in use; set PORT, UPSTREAM_PORT or HTTP_PORT" >&2
    exit 2
  fi
done

work=$(mktemp -d /tmp/lifeguard-filterbench-XXXXXX)
RESULTS=${RESULTS:-$work/results.md}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null || true
  done
  wait 2> /dev/null || true
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap stops what was started

echo "== tools and data in $work"
go build -o "$work/bin/" ./bench/filter/upstream ./bench/filter/probe ./bench/filter/gen
data=$work/data
"$work/bin/gen" -ut1 "$UT1" -out "$data"
cat "$data/summary.txt"
probe_name=$(cat "$data/probe-name")

"$work/bin/upstream" -listen "127.0.0.1:$UPSTREAM_PORT" -ttl 3600 2> "$work/upstream.log" &
upstream_pid=$!
pids+=("$upstream_pid")

ticks=$(getconf CLK_TCK)
# cpu_ticks PID: user+system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# busy_ticks: clock ticks all CPUs of the machine spent not idle.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# children_ticks FILE: user+system ticks of this shell's reaped children, from
# the output of bash's times saved in FILE (times must run in this shell, not
# in a $(…) subshell, which has children of its own).
children_ticks() { tail -n 1 "$1" | awk -v t="$ticks" '{
  split($1, u, "m"); split($2, s, "m"); sub("s", "", u[2]); sub("s", "", s[2])
  printf "%d\n", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * t }'; }
mem_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The configurations. Each filter: the same list, the same upstream, block
# answers with an address (or NXDOMAIN), no query log, no statistics, no
# outside lookups; its other settings left at their defaults.

blocky_config() { # dir
  cat > "$1/config.yml" << EOF
upstreams:
  groups:
    default:
      - 127.0.0.1:$UPSTREAM_PORT
blocking:
  denylists:
    bench:
      - $data/blocky.txt
  clientGroupsBlock:
    default:
      - bench
  blockType: zeroIp
  loading:
    refreshPeriod: 0s
    strategy: blocking
    maxErrorsPerSource: -1
queryLog:
  type: none
ports:
  dns: 127.0.0.1:$PORT
log:
  level: warn
EOF
}
blocky_start() { # dir
  "$BLOCKY_BIN" --config "$1/config.yml" > "$1/log.txt" 2>&1 &
}

adguard_config() { # dir
  # The list is also placed where AdGuard Home keeps its copy of a filter
  # (data/filters/ID.txt), so that it loads it at start as after any restart
  # rather than fetching it later; updates are off.
  mkdir -p "$1/data/filters"
  cp "$data/adguard.txt" "$1/data/filters/1.txt"
  cat > "$1/AdGuardHome.yaml" << EOF
http:
  address: 127.0.0.1:$HTTP_PORT
  pprof:
    enabled: false
users: []
dns:
  bind_hosts:
    - 127.0.0.1
  port: $PORT
  upstream_dns:
    - 127.0.0.1:$UPSTREAM_PORT
  bootstrap_dns:
    - 127.0.0.1:$UPSTREAM_PORT
  fallback_dns: []
  local_ptr_upstreams:
    - 127.0.0.1:$UPSTREAM_PORT
  use_private_ptr_resolvers: false
  ratelimit: 0
  enable_dnssec: false
  hostsfile_enabled: false
filtering:
  protection_enabled: true
  filtering_enabled: true
  blocking_mode: default
  filters_update_interval: 0
  parental_enabled: false
  safebrowsing_enabled: false
  safe_fs_patterns:
    - $data/*.txt
filters:
  - enabled: true
    url: $data/adguard.txt
    name: bench
    id: 1
whitelist_filters: []
user_rules: []
clients:
  runtime_sources:
    whois: false
    arp: false
    rdns: false
    dhcp: false
    hosts: false
dhcp:
  enabled: false
tls:
  enabled: false
querylog:
  enabled: false
  file_enabled: false
statistics:
  enabled: false
schema_version: 34
EOF
}
adguard_start() { # dir
  "$ADGUARD_BIN" -c "$1/AdGuardHome.yaml" -w "$1" --no-check-update --no-permcheck > "$1/log.txt" 2>&1 &
}

lifeguard_config() { # dir
  # MAY NEED ADJUSTING: written to the configuration format of the filter's
  # branches as they stood (internal/filter/config.go of filter-dns c75b0f2,
  # internal/filter/policy/config.go of filter-policy 2527a16); check it with
  # "lifeguard filter check" (run below) once the filter is on main.
  # Blocked attempts are recorded to a file, as the filter always does.
  cat > "$1/filter.yaml" << EOF
dns:
  listen:
    - 127.0.0.1:$PORT
  upstreams:
    - 127.0.0.1:$UPSTREAM_PORT
block_answer:
  mode: address
  ipv4: 127.0.0.1
  ipv6: ::1
block_page:
  listen: 127.0.0.1:$((HTTP_PORT + 1))
records:
  file: $1/blocked.jsonl
  reports_file: $1/reports.jsonl
query_log:
  enabled: false
reload:
  poll_interval: 0s
categories:
  pornography:
    lists:
      - $data/domains.txt
groups:
  bench:
    categories:
      - pornography
    networks:
      - 127.0.0.0/8
default_group: bench
EOF
  "$LIFEGUARD_BIN" filter check "$1/filter.yaml"
}
lifeguard_start() { # dir
  "$LIFEGUARD_BIN" filter --config "$1/filter.yaml" > "$1/log.txt" 2>&1 &
}

# latency FILE: percentiles of the latencies dnsperf -v printed, nearest rank,
# to the microsecond: "p50 p90 p99 p99.9 max" in milliseconds.
latency() {
  awk '$1 == ">" && NF == 5 && $5 ~ /^[0-9.]+$/ {
    b = int($5 * 1e6 + 0.5); c[b]++; n++; if (b > max) max = b
  }
  END {
    if (n == 0) { print "- - - - -"; exit }
    split("0.50 0.90 0.99 0.999", q, " ")
    k = 1; cum = 0
    for (b = 0; b <= max && k <= 4; b++) {
      cum += c[b]
      while (k <= 4 && cum >= q[k] * n) { out = out sprintf("%.3f ", b / 1000); k++ }
    }
    printf "%s%.3f\n", out, max / 1000
  }' "$1"
}
summary_field() { # FILE LABEL: the number after "LABEL:" in dnsperf's summary
  awk -v l="$2:" 'i = index($0, l) { split(substr($0, i + length(l)), a, " "); print a[1]; exit }' "$1"
}

wait_quiet() {
  local waited=0
  while awk -v q="$QUIET_LOAD" '{ exit !($1 >= q) }' /proc/loadavg && [ "$waited" -lt "$QUIET_WAIT" ]; do
    sleep 5
    waited=$((waited + 5))
  done
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s)"
}

{
  echo "| filter | load time | RSS after load | queries/s | p50 | p99 | p99.9 | lost | CPU per 1k queries | other load | RSS after runs | peak RSS | rate reached | p50 @ $RATE/s | p99 @ $RATE/s | p99.9 @ $RATE/s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$work/table.md"

for f in "${filters[@]}"; do
  echo "== $f"
  dir=$work/$f
  mkdir -p "$dir"
  "${f}_config" "$dir"
  wait_quiet | tee "$dir/load.txt"

  start=$(date +%s%N)
  "${f}_start" "$dir"
  pid=$!
  pids+=("$pid")
  # The load time: from the start until a listed name is answered as
  # blocked. The probe asks every 10 ms; a filter that exits stops the wait.
  "$work/bin/probe" -server "127.0.0.1:$PORT" -wait "$probe_name" -since "$start" -timeout 10m > "$dir/load_ms" &
  probe_pid=$!
  while kill -0 "$probe_pid" 2> /dev/null && kill -0 "$pid" 2> /dev/null; do sleep 0.1; done
  if ! wait "$probe_pid" || ! kill -0 "$pid" 2> /dev/null; then
    kill "$probe_pid" 2> /dev/null || true
    echo "$f exited or did not block $probe_name; its log:" >&2
    tail -n 30 "$dir/log.txt" >&2
    exit 1
  fi
  load_ms=$(cat "$dir/load_ms")
  rss_loaded=$(mem_kb "$pid" VmRSS)
  echo "list loaded and applied in $load_ms ms; RSS $((rss_loaded / 1024)) MiB"
  "$work/bin/probe" -server "127.0.0.1:$PORT" -check "$data/check.txt"

  # Warm-up: the allowed names into the cache.
  dnsperf -s 127.0.0.1 -p "$PORT" -d "$data/warmup.txt" -n 5 -c "$CLIENTS" -q "$OUTSTANDING" > "$dir/warmup.txt" 2>&1
  sleep 1

  # Throughput: as fast as the filter answers, for DURATION seconds.
  times > "$dir/times0"
  c0=$(cpu_ticks "$pid"); u0=$(cpu_ticks "$upstream_pid"); b0=$(busy_ticks)
  dnsperf -s 127.0.0.1 -p "$PORT" -d "$data/queries.txt" -n 1 -l "$DURATION" \
    -c "$CLIENTS" -q "$OUTSTANDING" -v > "$dir/dnsperf.txt" 2>&1
  c1=$(cpu_ticks "$pid"); u1=$(cpu_ticks "$upstream_pid"); b1=$(busy_ticks)
  times > "$dir/times1"
  d0=$(children_ticks "$dir/times0"); d1=$(children_ticks "$dir/times1")
  # Latency at a fixed rate that every filter sustains.
  dnsperf -s 127.0.0.1 -p "$PORT" -d "$data/latency.txt" -n 1 -l "$RATE_DURATION" -Q "$RATE" \
    -c "$CLIENTS" -q "$OUTSTANDING" -v > "$dir/dnsperf-rate.txt" 2>&1
  rss_after=$(mem_kb "$pid" VmRSS)
  hwm=$(mem_kb "$pid" VmHWM)
  kill "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true

  qps=$(summary_field "$dir/dnsperf.txt" "Queries per second")
  completed=$(summary_field "$dir/dnsperf.txt" "Queries completed")
  lost=$(awk '/Queries lost:/ { print $3 " " $4; exit }' "$dir/dnsperf.txt")
  runtime=$(summary_field "$dir/dnsperf.txt" "Run time (s)")
  read -r p50 p90 p99 p999 pmax <<< "$(latency "$dir/dnsperf.txt")"
  read -r r50 r90 r99 r999 rmax <<< "$(latency "$dir/dnsperf-rate.txt")"
  rate_qps=$(summary_field "$dir/dnsperf-rate.txt" "Queries per second")
  cpu_per_k=$(awk -v c=$((c1 - c0)) -v t="$ticks" -v n="$completed" 'BEGIN { printf "%.1f ms", c / t * 1000 / n * 1000 }')
  other=$(awk -v b=$((b1 - b0)) -v f=$((c1 - c0)) -v u=$((u1 - u0)) -v d=$((d1 - d0)) -v t="$ticks" -v s="$runtime" \
    'BEGIN { o = (b - f - u - d) / t / s; if (o < 0) o = 0; printf "%.2f cores", o }')
  {
    echo "runtime ${runtime}s, completed $completed, lost $lost, qps $qps"
    echo "latency under load (ms): p50 $p50 p90 $p90 p99 $p99 p99.9 $p999 max $pmax"
    echo "latency at $RATE/s (achieved $rate_qps/s) (ms): p50 $r50 p90 $r90 p99 $r99 p99.9 $r999 max $rmax"
    echo "filter CPU $(((c1 - c0) * 1000 / ticks)) ms, upstream $(((u1 - u0) * 1000 / ticks)) ms, dnsperf $(((d1 - d0) * 1000 / ticks)) ms, machine busy $(((b1 - b0) * 1000 / ticks)) ms: other load (approx.) $other"
    echo "memory: RSS after load $rss_loaded kB, after runs $rss_after kB, peak $hwm kB"
    grep 'Response codes' "$dir/dnsperf.txt"
  } | tee "$dir/result.txt"
  printf '| %s | %.1f s | %d MiB | %.0f | %s ms | %s ms | %s ms | %s | %s | %s | %d MiB | %d MiB | %.0f/s | %s ms | %s ms | %s ms |\n' \
    "$f" "$(awk -v m="$load_ms" 'BEGIN { print m / 1000 }')" $((rss_loaded / 1024)) "$qps" \
    "$p50" "$p99" "$p999" "$lost" "$cpu_per_k" "$other" $((rss_after / 1024)) $((hwm / 1024)) \
    "$rate_qps" "$r50" "$r99" "$r999" >> "$work/table.md"
done

{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -m), Linux $(uname -r)), dnsperf $dnsperf_version,"
  echo "$DURATION s at $CLIENTS clients and $OUTSTANDING queries in flight, then $RATE_DURATION s at $RATE queries/s."
  echo
  sed 's/^/    /' "$data/summary.txt"
  echo
  for f in "${filters[@]}"; do
    var=$(echo "$f" | tr a-z A-Z)_BIN
    echo "- $f: ${!var} (sha256 $(sha256sum "${!var}" | cut -c1-12)); $(cat "$work/$f/load.txt")"
  done
  echo
  cat "$work/table.md"
} > "$RESULTS"
echo "== results ($RESULTS)"
cat "$RESULTS"
