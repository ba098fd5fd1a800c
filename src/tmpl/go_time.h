// Go's time formatting for template values: time.Time.Format with Go's reference layout
// ("2006-01-02T15:04:05Z07:00", "Mon Jan 2 15:04:05 MST 2006", ...), time.Time.String() and
// time.Duration.String(). Times carry millisecond precision.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::tmpl {

// t.Format(layout) for the instant unix_ms shown at utc_offset_s with zone abbreviation
// `zone`. Supports Go's layout tokens: 2006 06 01 1 Jan January 02 2 _2 002 __2 15 03 3 04 4
// 05 5 PM pm Mon Monday MST Z07:00 Z0700 Z07 -07:00 -0700 -07 .000 .999 ,000 (any count).
std::string FormatGoTime(int64_t unix_ms, int32_t utc_offset_s, std::string_view zone,
                         std::string_view layout);
// t.String(): "2006-01-02 15:04:05.999999999 -0700 MST" ("2020-01-01 00:00:00 +0000 UTC").
std::string GoTimeString(int64_t unix_ms, int32_t utc_offset_s, std::string_view zone);
// d.String(): "1h2m3.5s", "150ms", "0s".
std::string GoDurationString(int64_t ns);

// The offset and abbreviation of a zone at an instant, as time.LoadLocation + t.In do it.
struct ZoneAt {
  int32_t utc_offset_s = 0;
  std::string abbrev;
};
// "UTC" or "" -> UTC; "Local" -> the zone of /etc/localtime; an IANA name
// ("Europe/Berlin") read from the tz database (TZif files in /usr/share/zoneinfo).
// Errors: "unknown time zone NAME".
Result<ZoneAt> LookupZone(std::string_view name, int64_t unix_ms);

}  // namespace osprey::tmpl
