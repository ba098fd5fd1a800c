# shellcheck shell=bash disable=SC2034
# Shared helpers of rules.sh and alerts.sh (sourced, not run).

CLK_TCK=$(getconf CLK_TCK)
PIDS=()

# Stops every process started through `start` (by PID), then removes or keeps $WORK.
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if (( KEEP )); then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# cpu_ticks PID: utime + stime of the process (all threads), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# status_kb PID FIELD: VmRSS / VmHWM in kB.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# start NAME CMD...: runs CMD in the background with its output in $WORK/NAME.log; the PID is
# in $LAST_PID and in PIDS (stopped by cleanup).
start() {
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# stop PID: SIGTERM and wait.
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# wait_ready NAME PID URL: waits up to 60 s for URL to answer 2xx.
wait_ready() {
  for _ in $(seq 300); do
    curl -sf --max-time 2 "$3" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.2
  done
  echo "$1 did not become ready; log:" >&2
  tail -20 "$WORK/$1.log" >&2
  return 1
}

# start_sink: the webhook sink on a free port, recording into $WORK/notifications.tsv.
start_sink() {
  start sink python3 "$HERE/webhook_sink.py" --out "$WORK/notifications.tsv"
  for _ in $(seq 50); do
    grep -q 'listening on port' "$WORK/sink.log" 2>/dev/null && break
    sleep 0.1
  done
  SINK_PORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$WORK/sink.log")
  [[ -n "$SINK_PORT" ]] || { echo "webhook sink did not start" >&2; cat "$WORK/sink.log" >&2; exit 1; }
}

# metric_sum PORT NAME...: sums each named metric (all label sets) of http://127.0.0.1:PORT/metrics;
# prints the sums space-separated ("nan" when absent).
metric_sum() {
  local port="$1"; shift
  curl -s --max-time 10 "http://127.0.0.1:$port/metrics" | python3 -c '
import sys
names = sys.argv[1:]
sums = {n: None for n in names}
for line in sys.stdin:
    if line.startswith("#"):
        continue
    parts = line.split()
    if len(parts) < 2:
        continue
    name = parts[0].split("{", 1)[0]
    if name in sums:
        try:
            sums[name] = (sums[name] or 0.0) + float(parts[1])
        except ValueError:
            pass
print(" ".join("nan" if sums[n] is None else repr(sums[n]) for n in names))' "$@"
}

# query PORT EXPR: the first value of an instant query, or "n/a".
query() {
  curl -sG --max-time 30 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
    python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "0")
except Exception:
    print("n/a")'
}

machine() {
  echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
}
