// Samples, timestamps and time ranges.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace osprey::model {

// Milliseconds since the Unix epoch, as Prometheus.
using Timestamp = int64_t;

inline constexpr Timestamp kMinTimestamp = std::numeric_limits<int64_t>::min();
inline constexpr Timestamp kMaxTimestamp = std::numeric_limits<int64_t>::max();

// Both ends inclusive.
struct TimeRange {
  Timestamp min = kMinTimestamp;
  Timestamp max = kMaxTimestamp;
  bool Contains(Timestamp t) const { return t >= min && t <= max; }
  bool Overlaps(const TimeRange& o) const { return min <= o.max && o.min <= max; }
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// One float sample.
struct Sample {
  Timestamp t = 0;
  double v = 0;
};

// Prometheus's staleness marker: a specific NaN bit pattern, distinct from any NaN a
// client sends. Compare bits, never values (NaN != NaN).
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

}  // namespace osprey::model
