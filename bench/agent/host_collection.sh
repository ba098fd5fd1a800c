#!/usr/bin/env bash
# Host collection cost beside node_exporter, in one run: Osprey's full default collection
# cycle (CPU per collection, the bench process's VmRSS) and the real node_exporter 1.5 run
# with the same collectors (all of Osprey's defaults but namedprocess), measured as its own
# utime+stime over 200 /metrics scrapes, and its VmRSS after them; then the collectors added
# last, alone. Prints the machine load before and after (the figures are CPU time, which a
# busy machine inflates less than wall time, but still inflates).
#   bench/agent/host_collection.sh [--build build]
# Needs a build with -DOSPREY_BENCH=ON and prometheus-node-exporter installed.
set -euo pipefail
BUILD=build
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
BENCH="$BUILD/src/agent/agent_bench"
[ -x "$BENCH" ] || { echo "no $BENCH: configure with -DOSPREY_BENCH=ON and build agent_bench" >&2; exit 2; }
echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  cpus: $(nproc)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" --benchmark_filter='BM_HostCollectorCollect$|BM_NodeExporterScrape|BM_OneCollector' \
  --benchmark_min_time=1 --benchmark_counters_tabular=true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
