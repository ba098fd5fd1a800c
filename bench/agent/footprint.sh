#!/usr/bin/env bash
# Agent footprint: `osprey --mode=agent` (built-in host metrics + self-scrape) against
# Prometheus's agent mode scraping itself and node_exporter, both remote_writing into a
# local Osprey. Prints RSS and CPU seconds of each process after --seconds (default 65).
#   bench/agent/footprint.sh [--build build] [--seconds 65]
set -euo pipefail
BUILD=build; SECONDS_TO_RUN=65
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --seconds) SECONDS_TO_RUN=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
OSPREY="$BUILD/osprey"
W=$(mktemp -d /tmp/osprey-agent-footprint.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"' EXIT
NOOTLP=(--otlp.http-listen-address= --otlp.grpc-listen-address=)
report() {  # name pid
  local rss cpu
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$2/status")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$2/stat")
  awk -v n="$1" -v r="$rss" -v c="$cpu" 'BEGIN {printf "| %s | %.1f MiB | %s s |\n", n, r / 1024, c}'
}
"$OSPREY" --web.listen-address=127.0.0.1:19513 --storage.tsdb.path="$W/central" \
  --config.file=/dev/null "${NOOTLP[@]}" >"$W/central.log" 2>&1 &
cat >"$W/agent.yml" <<Y
global: {scrape_interval: 15s}
scrape_configs:
  - job_name: osprey
    static_configs: [{targets: ['127.0.0.1:19512']}]
remote_write:
  - url: http://127.0.0.1:19513/api/v1/write
agent:
  host: {enabled: true}
Y
cat >"$W/prom.yml" <<Y
global: {scrape_interval: 15s}
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:19514']}]
  - job_name: node
    static_configs: [{targets: ['127.0.0.1:19515']}]
remote_write:
  - url: http://127.0.0.1:19513/api/v1/write
Y
"$OSPREY" --mode=agent --config.file="$W/agent.yml" --storage.tsdb.path="$W/agent" \
  --web.listen-address=127.0.0.1:19512 "${NOOTLP[@]}" >"$W/agent.log" 2>&1 & A=$!
/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:19515 >"$W/ne.log" 2>&1 & N=$!
/usr/bin/prometheus --enable-feature=agent --config.file="$W/prom.yml" \
  --storage.agent.path="$W/pagent" --web.listen-address=127.0.0.1:19514 >"$W/pa.log" 2>&1 & P=$!
sleep "$SECONDS_TO_RUN"
echo "| process | RSS | CPU (start-up included) |"
echo "|---|---|---|"
report "osprey --mode=agent" $A
report "prometheus --enable-feature=agent" $P
report "prometheus-node-exporter" $N
