// Whether an instant lies in a configured time interval (`time_intervals:` of osprey.yml),
// with Alertmanager 0.25's semantics (timeinterval.ContainsTime): the instant is read in
// the spec's location; each non-empty list (times, weekdays, days_of_month, months, years)
// must have a range containing it; an interval contains the instant when any spec does.
// Negative days of month count from the month's end (-1 = last day).
//
//   OSPREY_ASSIGN_OR_RETURN(alerting::TimeIntervals intervals,
//                           alerting::TimeIntervals::Create(cfg.time_intervals));
//   pipeline_deps.in_time_interval = [&intervals](const std::string& name, int64_t t) {
//     return intervals.Contains(name, t);
//   };
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/alertmanager_config.h"
#include "config/time_zone.h"

namespace osprey::alerting {

// One spec against an instant (ms since the epoch), the instant read in `tz`.
bool SpecContains(const config::TimeIntervalSpec& spec, const config::TimeZone& tz,
                  int64_t unix_ms);

// Whether any spec of `interval` contains `unix_ms`. Loads each spec's time zone from
// /usr/share/zoneinfo on every call (UTC if it no longer loads); use TimeIntervals to load
// them once.
bool Contains(const config::TimeIntervalConfig& interval, int64_t unix_ms);

// The configured intervals with their time zones loaded. Immutable after Create;
// thread-safe.
class TimeIntervals {
 public:
  TimeIntervals() = default;
  // Errors when a location does not load (config loading validated them already).
  static Result<TimeIntervals> Create(std::span<const config::TimeIntervalConfig> intervals,
                                      std::string_view zoneinfo_dir = config::kZoneInfoDir);

  // Whether the interval `name` contains `unix_ms`; kNotFound for an unknown name.
  Result<bool> Contains(std::string_view name, int64_t unix_ms) const;

 private:
  struct Spec {
    config::TimeIntervalSpec spec;
    config::TimeZone tz;
  };
  std::map<std::string, std::vector<Spec>, std::less<>> intervals_;
};

}  // namespace osprey::alerting
