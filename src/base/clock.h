// Time sources. Pass a Clock& to anything that reads time so tests can use
// testing::FakeClock. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace osprey {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch (Prometheus timestamps).
  virtual int64_t NowMillis() const = 0;
  // Monotonic time in nanoseconds, for durations; unrelated to the epoch.
  virtual int64_t MonotonicNanos() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t MonotonicNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace osprey
