#!/usr/bin/env bash
# Installs the Debian 12 packages Osprey needs to build, run and test, when missing.
# Idempotent and quiet when everything is present. Runs apt-get as root or through sudo.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git clang libclang-rt-14-dev clang-format
  # libraries (DESIGN.md "Chosen dependencies")
  libboost-dev libssl-dev zlib1g-dev libsnappy-dev libyaml-cpp-dev nlohmann-json3-dev
  libfmt-dev libcli11-dev libcrypt-dev libre2-dev libxxhash-dev libzstd-dev libroaring-dev
  libcurl4-openssl-dev libgrpc++-dev libprotobuf-dev libsimdjson-dev libsqlite3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 openssl curl
  # real peers started by tests: promtool and Prometheus, node_exporter
  prometheus prometheus-node-exporter
  # a DNS server for the dns probe tests
  dnsmasq-base
  # amtool and Alertmanager for the alerting tests, an SMTP sink for the email receiver
  prometheus-alertmanager python3-aiosmtpd
  # the web UI's end-to-end tests drive Debian's Chromium with playwright-core
  chromium
)
# The OpenTelemetry SDK tests run on Node.js with npm; a machine may have them from
# elsewhere (nodesource), so Debian's packages are only added when npm is absent.
if ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them or run as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps the prometheus package from pulling in extras; policy-rc.d
# keeps its service from starting on port 9090 where Osprey listens.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
