#!/usr/bin/env bash
# Rules benchmark: N alerting rules (groups x rules per group, every 15s) over the tsbench
# node_exporter-like workload, evaluated by Prometheus (alerts to a real Alertmanager) and then by
# Osprey (alerts through its own pipeline), each alone, each with the same rules and data, all
# notifications to one webhook sink. Prints a markdown table. See README.md.
#
#   bench/alerting/rules.sh [--groups 100] [--rules-per-group 100] [--series 100000]
#                           [--duration 30m] [--warmup 60] [--minutes 4] [--only prometheus|osprey]
#                           [--build build] [--tsbench-build /tmp/build-tsbench] [--keep]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GROUPS_N=100
PER_GROUP=100
SERIES=100000
DURATION=30m
WARMUP=60        # seconds after the data is in, before measuring
MINUTES=4
LOAD_ALLOW=300   # seconds allowed for loading; the data ends this far past the measurement end
ONLY=""
BUILD="$ROOT/build"
TSBENCH_BUILD=/tmp/build-tsbench
PROMETHEUS=/usr/bin/prometheus
ALERTMANAGER=/usr/bin/prometheus-alertmanager
KEEP=0

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --groups) GROUPS_N="$2"; shift 2 ;;
    --rules-per-group) PER_GROUP="$2"; shift 2 ;;
    --series) SERIES="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --minutes) MINUTES="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --tsbench-build) TSBENCH_BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

OSPREY="$BUILD/osprey"
LOADGEN="$TSBENCH_BUILD/loadgen"
[[ -x "$LOADGEN" ]] || { echo "missing $LOADGEN: cmake -S /work/shared/bench -B $TSBENCH_BUILD && cmake --build $TSBENCH_BUILD -j2" >&2; exit 1; }

WORK="$(mktemp -d /tmp/osprey-rules-bench.XXXXXX)"
source "$HERE/lib.sh"
trap cleanup EXIT

# --- rules -----------------------------------------------------------------------------------
"$LOADGEN" --print-series "$SERIES" --series "$SERIES" | grep -o 'instance="[^"]*"' |
  sed 's/instance="\(.*\)"/\1/' | sort -u -V >"$WORK/instances.txt"
python3 "$HERE/gen_rules.py" --instances "$WORK/instances.txt" --groups "$GROUPS_N" \
  --rules-per-group "$PER_GROUP" --interval 15s >"$WORK/rules.yml"
RULES=$((GROUPS_N * PER_GROUP))
if command -v promtool >/dev/null; then
  promtool check rules "$WORK/rules.yml" >"$WORK/promtool.out" 2>&1 ||
    { cat "$WORK/promtool.out" >&2; exit 1; }
fi
start_sink

# Same route for Osprey and Alertmanager.
ROUTE="route:
  receiver: sink
  group_by: [alertname, instance]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: sink
    webhook_configs:
      - url: http://127.0.0.1:$SINK_PORT/SENDER"

RESULTS=()
# run NAME PORT PID: loads the data into the server on PORT, waits, measures, appends a row.
# Also measures $EXTRA_PID (the Alertmanager beside Prometheus) when set.
run() {
  local name="$1" port="$2" pid="$3"
  wait_ready "$name" "$pid" "http://127.0.0.1:$port/-/ready" || { RESULTS+=("| $name | did not start |"); return; }
  local now end
  now=$(date +%s)
  end=$(( (now + WARMUP + MINUTES * 60 + LOAD_ALLOW) / 15 * 15 * 1000 ))
  echo "== $name: loading $SERIES series x $DURATION (ending $(( end / 1000 - now )) s from now)" >&2
  "$LOADGEN" --url "http://127.0.0.1:$port/api/v1/write" --series "$SERIES" --duration "$DURATION" \
    --end-ms "$end" >"$WORK/$name.loadgen" 2>&1 || { echo "loadgen failed:" >&2; tail "$WORK/$name.loadgen" >&2; }
  local loaded; loaded=$(date +%s)
  echo "   loaded in $((loaded - now)) s; ${WARMUP}s warm-up, then ${MINUTES} min" >&2
  sleep "$WARMUP"
  local t0 c0 e0 m0 i0
  read -r m0 i0 < <(metric_sum "$port" prometheus_rule_group_iterations_missed_total prometheus_rule_group_iterations_total)
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid"); e0=${EXTRA_PID:+$(cpu_ticks "$EXTRA_PID")}
  local stop_at=$(( $(date +%s) + MINUTES * 60 ))
  while (( $(date +%s) < stop_at )); do
    sleep 15
    kill -0 "$pid" 2>/dev/null || { echo "$name exited early" >&2; tail -20 "$WORK/$name.log" >&2; break; }
    echo "$(date +%s) $(metric_sum "$port" prometheus_rule_group_last_duration_seconds) $(status_kb "$pid" VmRSS)" \
      >>"$WORK/$name.samples"
  done
  local t1 c1 e1 m1 i1
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid"); e1=${EXTRA_PID:+$(cpu_ticks "$EXTRA_PID")}
  read -r m1 i1 < <(metric_sum "$port" prometheus_rule_group_iterations_missed_total prometheus_rule_group_iterations_total)
  local hwm rss extra_rss=""
  hwm=$(status_kb "$pid" VmHWM); rss=$(status_kb "$pid" VmRSS)
  [[ -n "${EXTRA_PID:-}" ]] && extra_rss=$(status_kb "$EXTRA_PID" VmRSS)
  local firing pending notified
  firing=$(query "$port" 'count(ALERTS{alertstate="firing"})')
  pending=$(query "$port" 'count(ALERTS{alertstate="pending"})')
  notified=$(awk -F'\t' -v p="/$name" '$2 == p' "$WORK/notifications.tsv" 2>/dev/null | wc -l)
  python3 - "$name" "$t0" "$t1" "$c0" "$c1" "$CLK_TCK" "$m0" "$m1" "$i0" "$i1" "$rss" "$hwm" \
    "$firing" "$pending" "$notified" "$WORK/$name.samples" "${e0:-}" "${e1:-}" "$extra_rss" \
    >>"$WORK/results.md" <<'PY'
import statistics, sys
(name, t0, t1, c0, c1, tck, m0, m1, i0, i1, rss, hwm, firing, pending, notified, samples,
 e0, e1, extra_rss) = sys.argv[1:]
dt = float(t1) - float(t0)
cores = (int(c1) - int(c0)) / int(tck) / dt
sums = [float(l.split()[1]) for l in open(samples) if l.split()[1] != "nan"]
p50 = statistics.median(sums) if sums else float("nan")
mx = max(sums) if sums else float("nan")
missed = float(m1) - float(m0)
iters = float(i1) - float(i0)
extra = ""
if e0:
    extra = f" (+ Alertmanager {(int(e1) - int(e0)) / int(tck) / dt:.3f} cores, {int(extra_rss) / 1024:.0f} MiB)"
print(f"| {name} | {p50 * 1000:,.0f} ms | {mx * 1000:,.0f} ms | {missed:.0f} (total {float(m1):.0f}) | "
      f"{iters:,.0f} | {cores * 15:.2f} s | {cores:.3f}{extra} | {int(rss) / 1024:,.0f} MiB | {int(hwm) / 1024:,.0f} MiB | "
      f"{firing} / {pending} | {notified} |")
PY
  stop "$pid"
  [[ -n "${EXTRA_PID:-}" ]] && stop "$EXTRA_PID"
  EXTRA_PID=""
}

EXTRA_PID=""
if [[ "$ONLY" != osprey ]]; then
  AM_PORT=$(free_port)
  echo "${ROUTE/SENDER/prometheus}" >"$WORK/alertmanager.yml"
  start alertmanager "$ALERTMANAGER" --config.file="$WORK/alertmanager.yml" \
    --storage.path="$WORK/alertmanager-data" --web.listen-address="127.0.0.1:$AM_PORT" \
    --cluster.listen-address=
  EXTRA_PID=$LAST_PID
  wait_ready alertmanager "$EXTRA_PID" "http://127.0.0.1:$AM_PORT/-/ready"
  cat >"$WORK/prometheus.yml" <<EOF
global:
  evaluation_interval: 15s
rule_files: ['$WORK/rules.yml']
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$AM_PORT']
EOF
  PORT=$(free_port)
  start prometheus "$PROMETHEUS" --config.file="$WORK/prometheus.yml" --web.enable-remote-write-receiver \
    --storage.tsdb.path="$WORK/prometheus-data" --web.listen-address="127.0.0.1:$PORT"
  run prometheus "$PORT" "$LAST_PID"
fi
if [[ "$ONLY" != prometheus ]]; then
  if [[ -x "$OSPREY" ]]; then
    {
      printf 'global:\n  evaluation_interval: 15s\nrule_files: ['"'"'%s'"'"']\n' "$WORK/rules.yml"
      echo "${ROUTE/SENDER/osprey}"
    } >"$WORK/osprey.yml"
    PORT=$(free_port)
    start osprey "$OSPREY" --config.file="$WORK/osprey.yml" --storage.tsdb.path="$WORK/osprey-data" \
      --web.listen-address="127.0.0.1:$PORT" --otlp.http-listen-address= --otlp.grpc-listen-address=
    run osprey "$PORT" "$LAST_PID"
  else
    echo "missing $OSPREY; skipping Osprey" >&2
  fi
fi

echo
echo "$RULES alerting rules ($GROUPS_N groups x $PER_GROUP, every 15s) over $SERIES series x $DURATION," \
  "${MINUTES} min after ${WARMUP}s warm-up, $(machine)"
echo
echo "| server | eval time per cycle p50 | max | missed iterations (in window) | iterations | CPU per 15 s cycle | CPU cores (avg) | RSS end | RSS peak | ALERTS firing / pending | notifications |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat "$WORK/results.md" 2>/dev/null || true
