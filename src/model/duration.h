// Durations as written in Prometheus configuration files and APIs ("15s", "1h30m", "2w").
//
// The syntax is exactly Prometheus's model.ParseDuration: one or more `<integer><unit>` parts
// with units y (365d), w (7d), d (24h), h, m, s, ms, each used at most once and in that order
// (largest first). "0" alone is also accepted. No sign, no fractions, no spaces. A value must fit
// in Go's time.Duration (int64 nanoseconds, about 292 years), so that every duration Osprey
// accepts is one Prometheus accepts too.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::model {

// A span of time in milliseconds. A plain value type: copy it freely.
struct Duration {
  int64_t ms = 0;

  static constexpr Duration Millis(int64_t n) { return Duration{n}; }
  static constexpr Duration Seconds(int64_t n) { return Duration{n * 1000}; }
  static constexpr Duration Minutes(int64_t n) { return Duration{n * 60 * 1000}; }
  static constexpr Duration Hours(int64_t n) { return Duration{n * 60 * 60 * 1000}; }

  friend auto operator<=>(const Duration&, const Duration&) = default;
};

// The largest duration ParseDuration accepts: (2^63 - 1) nanoseconds, in whole milliseconds.
inline constexpr int64_t kMaxDurationMillis = INT64_MAX / 1'000'000;

// Parses "1h30m", "15d", "0", ... Errors (kInvalidArgument):
//   `empty duration string`, `not a valid duration string: "5x"`, `duration out of range`.
Result<Duration> ParseDuration(std::string_view s);

// Formats like Prometheus's Duration.String(): "0s", "1h30m", "15d", "2w", "1y", "1d1ms".
// Years and weeks are used only when they divide the value exactly ("90d", not "12w6d").
// ParseDuration(FormatDuration(d)) == d for every 0 <= d.ms <= kMaxDurationMillis.
// A negative duration (never produced by ParseDuration) is formatted as "-" and its magnitude.
std::string FormatDuration(Duration d);

}  // namespace osprey::model
