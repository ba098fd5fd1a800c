#include "alerting/time_interval.h"

#include <algorithm>

namespace osprey::alerting {
namespace {

bool InRanges(const std::vector<config::InclusiveRange>& ranges, int64_t v) {
  for (const config::InclusiveRange& r : ranges) {
    if (v >= r.begin && v <= r.end) return true;
  }
  return false;
}

int DaysInMonth(int64_t year, int month) {
  const int64_t first = config::DaysFromCivil(year, month, 1);
  const int64_t next = month == 12 ? config::DaysFromCivil(year + 1, 1, 1)
                                   : config::DaysFromCivil(year, month + 1, 1);
  return static_cast<int>(next - first);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool SpecContains(const config::TimeIntervalSpec& spec, const config::TimeZone& tz,
                  int64_t unix_ms) {
  const int64_t unix_s = FloorDiv(unix_ms, 1000);
  const int64_t local = unix_s + tz.OffsetAt(unix_s);
  const int64_t days = FloorDiv(local, 86400);
  const int64_t minute_of_day = (local - days * 86400) / 60;
  int64_t year = 0;
  int month = 0, day = 0;
  config::CivilFromDays(days, &year, &month, &day);
  const int64_t weekday = ((days + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday.

  if (!spec.times.empty()) {
    const bool in = std::any_of(spec.times.begin(), spec.times.end(), [&](const auto& r) {
      return minute_of_day >= r.start_minute && minute_of_day < r.end_minute;
    });
    if (!in) return false;
  }
  if (!spec.days_of_month.empty()) {
    const int dim = DaysInMonth(year, month);
    bool in = false;
    for (const config::InclusiveRange& r : spec.days_of_month) {
      int begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      int end = r.end < 0 ? dim + r.end + 1 : r.end;
      // As Alertmanager: a range starting past the month's end never matches; the end is
      // clamped to the month's length.
      if (begin > dim) continue;
      begin = std::clamp(begin, -dim, dim);
      end = std::clamp(end, -dim, dim);
      if (day >= begin && day <= end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (!spec.months.empty() && !InRanges(spec.months, month)) return false;
  if (!spec.weekdays.empty() && !InRanges(spec.weekdays, weekday)) return false;
  if (!spec.years.empty() && !InRanges(spec.years, year)) return false;
  return true;
}

bool Contains(const config::TimeIntervalConfig& interval, int64_t unix_ms) {
  for (const config::TimeIntervalSpec& spec : interval.time_intervals) {
    Result<config::TimeZone> tz = config::TimeZone::Load(spec.location);
    if (SpecContains(spec, tz.ok() ? *tz : config::TimeZone::Utc(), unix_ms)) return true;
  }
  return false;
}

Result<TimeIntervals> TimeIntervals::Create(std::span<const config::TimeIntervalConfig> intervals,
                                            std::string_view zoneinfo_dir) {
  TimeIntervals out;
  for (const config::TimeIntervalConfig& interval : intervals) {
    std::vector<Spec>& specs = out.intervals_[interval.name];
    for (const config::TimeIntervalSpec& spec : interval.time_intervals) {
      OSPREY_ASSIGN_OR_RETURN(config::TimeZone tz,
                              config::TimeZone::Load(spec.location, zoneinfo_dir));
      specs.push_back(Spec{spec, std::move(tz)});
    }
  }
  return out;
}

Result<bool> TimeIntervals::Contains(std::string_view name, int64_t unix_ms) const {
  const auto it = intervals_.find(name);
  if (it == intervals_.end()) {
    return NotFoundError(std::string("unknown time interval \"").append(name).append("\""));
  }
  for (const Spec& s : it->second) {
    if (SpecContains(s.spec, s.tz, unix_ms)) return true;
  }
  return false;
}

}  // namespace osprey::alerting
