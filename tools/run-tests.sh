#!/usr/bin/env bash
# Runs the release build's tests, then the ASan+UBSan build's tests, and prints one
# summary line over both. Exit status: non-zero when any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export OSPREY_SOURCE_DIR="$PWD"

passed=0
failed=0
status=0
run_suite() {
  local preset=$1
  local log
  log=$(mktemp)
  echo "=== tests: $preset build ==="
  ctest --preset "$preset" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [ -n "$line" ]; then
    local total nfail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.*tests passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
  fi
  [ "$rc" -ne 0 ] && status=1
  rm -f "$log"
}
run_suite release
run_suite asan
echo "tests: $passed passed, $failed failed"
exit $status
