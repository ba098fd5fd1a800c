#!/usr/bin/env bash
# Scrape benchmark: N targets x M series at a fixed interval, scraped by Prometheus and then by
# Osprey (same targets, same scrape_configs), each alone on the machine. Prints a markdown
# table of CPU, memory, ingestion rate and scrape duration. See README.md.
#
#   bench/scrape/run.sh [--minutes 10] [--targets 1000] [--series 1000] [--interval 15s]
#                       [--warmup 60] [--only prometheus|osprey] [--build build]
#                       [--prometheus /usr/bin/prometheus] [--keep]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINUTES=10
TARGETS=1000
SERIES=1000
INTERVAL=15s
WARMUP=60   # seconds before measuring (series creation, first scrapes)
SAMPLE_EVERY=10
ONLY=""
BUILD="$ROOT/build"
PROMETHEUS=/usr/bin/prometheus
KEEP=0

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --series) SERIES="$2"; shift 2 ;;
    --interval) INTERVAL="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --prometheus) PROMETHEUS="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
if (( TARGETS < 1 || TARGETS > 62500 )); then echo "--targets must be 1..62500" >&2; exit 2; fi

SIM="$BUILD/bench/scrape/scrape_sim"
OSPREY="$BUILD/osprey"
[[ -x "$SIM" ]] || { echo "missing $SIM: build with -DOSPREY_BENCH=ON (ninja scrape_sim)" >&2; exit 1; }
INTERVAL_S=$(python3 -c "
import re,sys
m=re.fullmatch(r'(\d+)(ms|s|m)', sys.argv[1]) or sys.exit('bad --interval')
n,u=int(m[1]),m[2]; print(n/1000 if u=='ms' else n*60 if u=='m' else n)" "$INTERVAL")
CLK_TCK=$(getconf CLK_TCK)
# One connection per target per server, plus the simulator's side of each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORK="$(mktemp -d /tmp/osprey-scrape-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if (( KEEP )); then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- simulator -------------------------------------------------------------------------------
"$SIM" --listen=0.0.0.0:0 --series="$SERIES" --threads=2 >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
PIDS+=("$SIM_PID")
for _ in $(seq 50); do
  grep -q 'listening on port' "$WORK/sim.out" 2>/dev/null && break
  sleep 0.1
done
SIM_PORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$WORK/sim.out")
[[ -n "$SIM_PORT" ]] || { echo "simulator did not start:" >&2; cat "$WORK/sim.err" >&2; exit 1; }

# Targets 127.0.X.Y:port, X = 1.., Y = 1..250.
{
  cat <<EOF
global:
  scrape_interval: $INTERVAL
  scrape_timeout: 10s
scrape_configs:
  - job_name: node
    static_configs:
      - targets:
EOF
  for ((i = 0; i < TARGETS; i++)); do
    echo "          - 127.0.$((1 + i / 250)).$((1 + i % 250)):$SIM_PORT"
  done
} >"$WORK/scrape.yml"
cp "$WORK/scrape.yml" "$WORK/prometheus.yml"
cp "$WORK/scrape.yml" "$WORK/osprey.yml"

# --- measuring one server --------------------------------------------------------------------
# cpu_ticks PID: utime + stime of the process (all threads), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# status_kb PID FIELD: VmRSS / VmHWM in kB.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# query PORT EXPR: the first value of an instant query, or "n/a".
query() {
  curl -sG --max-time 30 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
    python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "n/a")
except Exception:
    print("n/a")'
}

RESULTS=()
# run NAME PORT CMD...: starts the server, waits WARMUP, samples every SAMPLE_EVERY seconds for
# MINUTES, queries its own view of the scrapes, stops it and appends a result row.
run() {
  local name="$1" port="$2"
  shift 2
  echo "== $name: $TARGETS targets x $SERIES series every $INTERVAL, ${WARMUP}s warm-up + ${MINUTES} min" >&2
  "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local ready=0
  for _ in $(seq 300); do
    if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if (( ! ready )); then
    echo "$name did not become ready; log:" >&2
    tail -20 "$WORK/$name.log" >&2
    RESULTS+=("| $name | did not start | | | | | | |")
    return
  fi
  sleep "$WARMUP"
  local t0 c0 s0 rss_sum=0 n=0 t1 c1 s1 rss
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid"); s0=$(cpu_ticks "$SIM_PID")
  local end=$(( $(date +%s) + MINUTES * 60 ))
  while (( $(date +%s) < end )); do
    sleep "$SAMPLE_EVERY"
    kill -0 "$pid" 2>/dev/null || { echo "$name exited early; log:" >&2; tail -20 "$WORK/$name.log" >&2; break; }
    rss=$(status_kb "$pid" VmRSS)
    rss_sum=$((rss_sum + rss)); n=$((n + 1))
    echo "$(date +%s) $(cpu_ticks "$pid") $rss $(status_kb "$pid" VmHWM)" >>"$WORK/$name.samples"
  done
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid"); s1=$(cpu_ticks "$SIM_PID")
  local hwm; hwm=$(status_kb "$pid" VmHWM)

  local up scraped p50 p90
  up=$(query "$port" 'count(up == 1)')
  scraped=$(query "$port" 'sum(scrape_samples_scraped)')
  p50=$(query "$port" "quantile(0.5, avg_over_time(scrape_duration_seconds[${MINUTES}m]))")
  p90=$(query "$port" "quantile(0.9, avg_over_time(scrape_duration_seconds[${MINUTES}m]))")
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  python3 - "$name" "$t0" "$t1" "$c0" "$c1" "$s0" "$s1" "$CLK_TCK" "$rss_sum" "$n" "$hwm" \
    "$up" "$scraped" "$p50" "$p90" "$INTERVAL_S" "$TARGETS" >>"$WORK/results.md" <<'PY'
import sys
(name, t0, t1, c0, c1, s0, s1, tck, rss_sum, n, hwm, up, scraped, p50, p90, interval,
 targets) = sys.argv[1:]
dt = float(t1) - float(t0)
cores = (int(c1) - int(c0)) / int(tck) / dt
sim = (int(s1) - int(s0)) / int(tck) / dt
rss = int(rss_sum) / max(int(n), 1) / 1024
peak = int(hwm) / 1024
def num(s, f):
    try: return f(float(s))
    except ValueError: return s
rate = num(scraped, lambda v: f"{v / float(interval):,.0f}")
ms = lambda v: f"{v * 1000:.1f} ms"
print(f"| {name} | {cores:.3f} | {rss:,.0f} MiB | {peak:,.0f} MiB | {rate} | "
      f"{num(up, lambda v: f'{v:.0f}')}/{targets} | {num(p50, ms)} | {num(p90, ms)} | {sim:.3f} |")
PY
}

if [[ "$ONLY" != osprey ]]; then
  PORT=$(free_port)
  run prometheus "$PORT" "$PROMETHEUS" --config.file="$WORK/prometheus.yml" \
    --storage.tsdb.path="$WORK/prometheus-data" --web.listen-address="127.0.0.1:$PORT"
fi
if [[ "$ONLY" != prometheus ]]; then
  if [[ -x "$OSPREY" ]]; then
    PORT=$(free_port)
    run osprey "$PORT" "$OSPREY" --config.file="$WORK/osprey.yml" \
      --storage.tsdb.path="$WORK/osprey-data" --web.listen-address="127.0.0.1:$PORT"
  else
    echo "missing $OSPREY; skipping Osprey" >&2
  fi
fi

echo
echo "$TARGETS targets x $SERIES series, scrape_interval $INTERVAL, ${MINUTES} min after ${WARMUP}s warm-up," \
  "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo
echo "| server | CPU cores (avg) | RSS avg | RSS peak | samples/s | targets up | scrape duration p50 | p90 | simulator CPU cores |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$WORK/results.md" 2>/dev/null || true
