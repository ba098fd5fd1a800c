#!/usr/bin/env bash
# Alerts benchmark: N firing alerts in G groups (label group="g<N>", route group_by [group])
# posted to Alertmanager 0.25's and then to Osprey's POST /api/v2/alerts, each alone, same route,
# one webhook receiver (a sink recording arrival times). Prints a markdown table of notification
# latency after group_wait, notification counts, CPU and RSS. See README.md.
#
#   bench/alerting/alerts.sh [--groups 1000] [--per-group 10] [--batch 100] [--group-wait 10s]
#                            [--after 60] [--only alertmanager|osprey] [--build build] [--keep]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GROUPS_N=1000
PER_GROUP=10
BATCH=100
GROUP_WAIT=10s
AFTER=60        # seconds to keep measuring after the notifications are in
ONLY=""
BUILD="$ROOT/build"
ALERTMANAGER=/usr/bin/prometheus-alertmanager
KEEP=0

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --groups) GROUPS_N="$2"; shift 2 ;;
    --per-group) PER_GROUP="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --group-wait) GROUP_WAIT="$2"; shift 2 ;;
    --after) AFTER="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --alertmanager) ALERTMANAGER="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$GROUP_WAIT" =~ ^[0-9]+s$ ]] || { echo "--group-wait must be whole seconds, e.g. 10s" >&2; exit 2; }
GROUP_WAIT_S=${GROUP_WAIT%s}
OSPREY="$BUILD/osprey"

WORK="$(mktemp -d /tmp/osprey-alerts-bench.XXXXXX)"
source "$HERE/lib.sh"
trap cleanup EXIT
start_sink

route() {  # route SENDER: the route and receiver, shared by both servers
  cat <<EOF
route:
  receiver: sink
  group_by: [group]
  group_wait: $GROUP_WAIT
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:$SINK_PORT/$1
EOF
}

# notified NAME: notifications the sink received from NAME so far.
notified() { awk -F'\t' -v p="/$1" '$2 == p' "$WORK/notifications.tsv" 2>/dev/null | wc -l; }

# run NAME PORT PID: posts the alerts, waits for the notifications, measures, appends a row.
run() {
  local name="$1" port="$2" pid="$3"
  wait_ready "$name" "$pid" "http://127.0.0.1:$port/-/ready" || { echo "| $name | did not start |" >>"$WORK/results.md"; return; }
  sleep 2
  local rss0 t0 c0
  rss0=$(status_kb "$pid" VmRSS); t0=$(date +%s.%N); c0=$(cpu_ticks "$pid")
  echo "== $name: posting $((GROUPS_N * PER_GROUP)) alerts in $GROUPS_N groups" >&2
  if ! python3 "$HERE/post_alerts.py" --url "http://127.0.0.1:$port/api/v2/alerts" \
      --out "$WORK/$name.posts" --groups "$GROUPS_N" --per-group "$PER_GROUP" --batch "$BATCH" \
      2>"$WORK/$name.post.err"; then
    cat "$WORK/$name.post.err" >&2
    echo "| $name | POST /api/v2/alerts failed: $(tail -1 "$WORK/$name.post.err") |" >>"$WORK/results.md"
    stop "$pid"
    return
  fi
  local posted; posted=$(date +%s.%N)
  # Wait for one notification per group, at most group_wait + 60 s after the last post.
  local deadline=$(( $(date +%s) + GROUP_WAIT_S + 60 ))
  while (( $(notified "$name") < GROUPS_N && $(date +%s) < deadline )); do sleep 0.5; done
  local t1 c1 rss1
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid"); rss1=$(status_kb "$pid" VmRSS)
  echo "   $(notified "$name") notifications; ${AFTER}s more" >&2
  sleep "$AFTER"
  local t2 c2 rss2 hwm
  t2=$(date +%s.%N); c2=$(cpu_ticks "$pid"); rss2=$(status_kb "$pid" VmRSS); hwm=$(status_kb "$pid" VmHWM)
  stop "$pid"
  local stats
  read -r -a stats < <(python3 "$HERE/alert_latency.py" "$WORK/$name.posts" "$WORK/notifications.tsv" "/$name" "$GROUP_WAIT_S")
  python3 - "$name" "$CLK_TCK" "$t0" "$posted" "$t1" "$t2" "$c0" "$c1" "$c2" "$rss0" "$rss1" "$rss2" "$hwm" \
    "${stats[@]}" >>"$WORK/results.md" <<'PY'
import sys
(name, tck, t0, posted, t1, t2, c0, c1, c2, rss0, rss1, rss2, hwm,
 received, groups, dups, missing, p50, p99, mx, conns) = sys.argv[1:]
tck = int(tck)
cpu1 = (int(c1) - int(c0)) / tck
cpu2 = (int(c2) - int(c1)) / tck
mib = lambda kb: f"{int(kb) / 1024:,.0f} MiB"
print(f"| {name} | {p50} ms | {p99} ms | {mx} ms | {received} ({groups} groups, {dups} duplicates, "
      f"{missing} missing) | {conns} | {float(posted) - float(t0):.1f} s | {cpu1:.2f} s | {mib(rss1)} | "
      f"{cpu2:.2f} s | {mib(rss2)} | {mib(rss0)} / {mib(hwm)} |")
PY
}

if [[ "$ONLY" != osprey ]]; then
  route alertmanager >"$WORK/alertmanager.yml"
  PORT=$(free_port)
  start alertmanager "$ALERTMANAGER" --config.file="$WORK/alertmanager.yml" \
    --storage.path="$WORK/alertmanager-data" --web.listen-address="127.0.0.1:$PORT" \
    --cluster.listen-address=
  run alertmanager "$PORT" "$LAST_PID"
fi
if [[ "$ONLY" != alertmanager ]]; then
  if [[ -x "$OSPREY" ]]; then
    route osprey >"$WORK/osprey.yml"
    PORT=$(free_port)
    start osprey "$OSPREY" --config.file="$WORK/osprey.yml" --storage.tsdb.path="$WORK/osprey-data" \
      --web.listen-address="127.0.0.1:$PORT" --otlp.http-listen-address= --otlp.grpc-listen-address=
    run osprey "$PORT" "$LAST_PID"
  else
    echo "missing $OSPREY; skipping Osprey" >&2
  fi
fi

echo
echo "$((GROUPS_N * PER_GROUP)) firing alerts in $GROUPS_N groups of $PER_GROUP, $BATCH per POST," \
  "group_wait $GROUP_WAIT, group_interval 1m, one webhook receiver, $(machine)"
echo
echo "| server | latency after group_wait p50 | p99 | max | notifications | connections | posting took | CPU until notified | RSS notified | CPU next ${AFTER}s | RSS after ${AFTER}s | RSS idle / peak |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$WORK/results.md" 2>/dev/null || true
