// A settable Clock for tests: wall time in milliseconds, monotonic time derived from it.
// Thread-safe.
//
//   testing::FakeClock clock(1'700'000'000'000);
//   clock.Advance(15'000);
#pragma once

#include <atomic>
#include <cstdint>

#include "base/clock.h"

namespace osprey::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_.load(); }
  int64_t MonotonicNanos() const override { return now_ms_.load() * 1'000'000; }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace osprey::testing
