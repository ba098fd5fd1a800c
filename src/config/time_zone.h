// IANA time zones read from the system's TZif files (RFC 8536), for the `location` of
// time_intervals: validated when the config loads, used by alerting/time_interval.h.
//
//   OSPREY_ASSIGN_OR_RETURN(config::TimeZone tz, config::TimeZone::Load("Europe/Berlin"));
//   int64_t local_seconds = unix_seconds + tz.OffsetAt(unix_seconds);
//
// Transitions come from the file's 64-bit data; times past the last transition follow the
// file's POSIX TZ footer ("CET-1CEST,M3.5.0,M10.5.0/3"), as Go's time package does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::config {

inline constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo";

// An immutable value; thread-safe to read. Cheap to move, copying copies the tables.
class TimeZone {
 public:
  // UTC (no file needed).
  static TimeZone Utc();

  // "UTC" or "" is UTC; "Local" is /etc/localtime; any other name is read from
  // `<zoneinfo_dir>/<name>`. Errors (kInvalidArgument) read `unknown time zone "Mars/Base"`
  // (no such file, or a name with "..", a leading "/" or a backslash) or
  // `invalid time zone file "<path>": <why>`.
  static Result<TimeZone> Load(std::string_view name, std::string_view zoneinfo_dir = kZoneInfoDir);
  // Parses TZif data (versions 1 to 4). `name` is kept for name().
  static Result<TimeZone> FromTzif(std::string_view name, std::string_view data);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at the instant `unix_seconds`.
  int32_t OffsetAt(int64_t unix_seconds) const;

 private:
  // One rule of a POSIX TZ string: "Mm.w.d/time", "Jn/time" or "n/time".
  struct PosixRule {
    char kind = 'M';  // 'M', 'J' or 'N' (zero-based day of year).
    int month = 0, week = 0, weekday = 0, day = 0;
    int32_t time = 7200;  // Seconds after local midnight.
  };
  // Seconds of local time (std or dst) since the epoch when the rule fires in `year`.
  static int64_t RuleLocalSeconds(const PosixRule& r, int64_t year);
  static bool ParsePosixTz(std::string_view s, TimeZone* tz);
  int32_t FooterOffsetAt(int64_t unix_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;    // Ascending instants.
  std::vector<int32_t> offsets_after_;  // Offset in effect from transitions_[i] on.
  int32_t initial_offset_ = 0;          // Before the first transition.
  // The footer: std only, or std + dst with start/end rules.
  bool has_footer_ = false;
  bool footer_has_dst_ = false;
  int32_t std_offset_ = 0;  // Seconds east of UTC.
  int32_t dst_offset_ = 0;
  PosixRule dst_start_, dst_end_;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back. Month 1..12.
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);

}  // namespace osprey::config
