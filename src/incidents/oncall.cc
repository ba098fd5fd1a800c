// On-call evaluation. Times are handled as instants (ms since the epoch) and as "local
// seconds": seconds since 1970-01-01T00:00 of the schedule zone's wall clock, which is what
// the config's LocalDateTime values are.
//
// Finding the next change walks "boundaries": instants at which the answer may change
// (rotation starts, ends and hand-offs, override edges, restriction edges: local midnights,
// the ends of `times` ranges and DST transitions). Between two consecutive boundaries the
// answer is constant, so the first boundary whose answer differs is the next change.
#include "incidents/oncall.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

#include "alerting/time_interval.h"

namespace osprey::incidents {
namespace {

constexpr int64_t kDaySeconds = 24 * 3600;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t LocalSeconds(const config::LocalDateTime& t) {
  return config::DaysFromCivil(t.year, t.month, t.day) * kDaySeconds + t.hour * 3600 +
         t.minute * 60 + t.second;
}

// Wall-clock seconds in `tz` of the instant.
int64_t ToLocal(const config::TimeZone& tz, int64_t unix_seconds) {
  return unix_seconds + tz.OffsetAt(unix_seconds);
}

// The instant (unix seconds) of a local wall-clock time. A time that occurs twice gives the
// first; one skipped by a DST change is read with the offset before the change (so it lands
// after the change, as Go's time.Date does).
int64_t ToUnix(const config::TimeZone& tz, int64_t local) {
  const int32_t before = tz.OffsetAt(local - kDaySeconds);
  const int32_t after = tz.OffsetAt(local + kDaySeconds);
  const int64_t a = local - before;
  const int64_t b = local - after;
  const bool a_ok = tz.OffsetAt(a) == before;
  const bool b_ok = tz.OffsetAt(b) == after;
  if (a_ok && b_ok) return std::min(a, b);
  if (b_ok && !a_ok) return b;
  return a;
}

// "2026-02-02 18:00" (":SS" added when not zero).
std::string FormatLocal(const config::TimeZone& tz, int64_t ms) {
  const int64_t local = ToLocal(tz, FloorDiv(ms, 1000));
  int64_t year = 0;
  int month = 0, day = 0;
  config::CivilFromDays(FloorDiv(local, kDaySeconds), &year, &month, &day);
  const int64_t sod = local - FloorDiv(local, kDaySeconds) * kDaySeconds;
  char buf[48];
  const int hour = static_cast<int>(sod / 3600), minute = static_cast<int>(sod / 60 % 60),
            second = static_cast<int>(sod % 60);
  if (second != 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(year),
                  month, day, hour, minute, second);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d %02d:%02d", static_cast<long long>(year),
                  month, day, hour, minute);
  }
  return buf;
}

void KeepEarliestAfter(int64_t t, int64_t candidate, std::optional<int64_t>* best) {
  if (candidate > t && (!*best || candidate < **best)) *best = candidate;
}

}  // namespace

class OnCallSchedules::Schedule {
 public:
  struct Rotation {
    std::vector<std::string> participants;
    bool calendar = true;     // Daily/weekly: step by local days.
    int64_t step_days = 7;    // Calendar steps.
    int64_t shift_ms = 0;     // Custom steps.
    int64_t start_local = 0;  // Local seconds.
    int64_t start_ms = 0;
    std::optional<int64_t> end_ms;
    std::vector<config::TimeIntervalSpec> restrictions;
  };
  struct Override {
    std::string person;
    std::string replaces;
    int64_t start_ms = 0;
    int64_t end_ms = 0;
  };

  std::string name;
  config::TimeZone tz = config::TimeZone::Utc();
  std::vector<Rotation> rotations;
  std::vector<Override> overrides;

  // Sorted, unique.
  std::vector<std::string> Answer(int64_t t) const {
    std::vector<std::string> people;
    for (const Rotation& r : rotations) {
      if (const std::string* p = PersonAt(r, t)) people.push_back(*p);
    }
    std::vector<std::string> everyone;
    for (const Override& o : overrides) {
      if (t < o.start_ms || t >= o.end_ms) continue;
      if (o.replaces.empty()) {
        everyone.push_back(o.person);
        continue;
      }
      for (std::string& p : people) {
        if (p == o.replaces) p = o.person;
      }
    }
    if (!everyone.empty()) people = std::move(everyone);
    std::sort(people.begin(), people.end());
    people.erase(std::unique(people.begin(), people.end()), people.end());
    return people;
  }

  // The first instant in (t, limit] with another answer than at t.
  std::optional<int64_t> NextChange(int64_t t, int64_t limit) const {
    const std::vector<std::string> now = Answer(t);
    int64_t y = t;
    while (true) {
      std::optional<int64_t> b = NextBoundary(y);
      if (!b || *b > limit) return std::nullopt;
      if (Answer(*b) != now) return b;
      y = *b;
    }
  }

 private:
  int64_t ShiftStartMs(const Rotation& r, int64_t k) const {
    if (!r.calendar) return r.start_ms + k * r.shift_ms;
    return ToUnix(tz, r.start_local + k * r.step_days * kDaySeconds) * 1000;
  }

  // Index of the shift containing t. Requires: t >= r.start_ms.
  int64_t ShiftIndex(const Rotation& r, int64_t t) const {
    if (!r.calendar) return FloorDiv(t - r.start_ms, r.shift_ms);
    const int64_t local = ToLocal(tz, FloorDiv(t, 1000));
    int64_t k = std::max<int64_t>(0, FloorDiv(local - r.start_local, r.step_days * kDaySeconds));
    // The estimate is off by one at most near a hand-off whose offset differs from t's.
    while (ShiftStartMs(r, k + 1) <= t) ++k;
    while (k > 0 && ShiftStartMs(r, k) > t) --k;
    return k;
  }

  const std::string* PersonAt(const Rotation& r, int64_t t) const {
    if (t < r.start_ms || (r.end_ms && t >= *r.end_ms)) return nullptr;
    if (!r.restrictions.empty()) {
      const bool inside = std::any_of(
          r.restrictions.begin(), r.restrictions.end(),
          [&](const config::TimeIntervalSpec& s) { return alerting::SpecContains(s, tz, t); });
      if (!inside) return nullptr;
    }
    const int64_t k = ShiftIndex(r, t);
    return &r.participants[static_cast<size_t>(k % static_cast<int64_t>(r.participants.size()))];
  }

  // The first instant after t at which a restriction of `r` may start or stop matching: a
  // local midnight (weekdays, days of month, months, years change there), a `times` edge or
  // a DST transition (which moves the local clock over edges).
  std::optional<int64_t> NextRestrictionEdge(const Rotation& r, int64_t t) const {
    std::optional<int64_t> best;
    const int64_t today = FloorDiv(ToLocal(tz, FloorDiv(t, 1000)), kDaySeconds);
    for (int64_t d = today; d <= today + 2 && !best; ++d) {
      const int64_t midnight = d * kDaySeconds;
      const int64_t u0 = ToUnix(tz, midnight);
      const int64_t u1 = ToUnix(tz, midnight + kDaySeconds);
      KeepEarliestAfter(t, u0 * 1000, &best);
      for (const config::TimeIntervalSpec& s : r.restrictions) {
        for (const config::TimeOfDayRange& range : s.times) {
          KeepEarliestAfter(t, ToUnix(tz, midnight + range.start_minute * 60) * 1000, &best);
          KeepEarliestAfter(t, ToUnix(tz, midnight + range.end_minute * 60) * 1000, &best);
        }
      }
      if (tz.OffsetAt(u0) != tz.OffsetAt(u1)) {
        // Binary search for the first second with the new offset.
        int64_t lo = u0, hi = u1;  // offset(lo) == offset(u0) != offset(hi)
        while (hi - lo > 1) {
          const int64_t mid = lo + (hi - lo) / 2;
          (tz.OffsetAt(mid) == tz.OffsetAt(u0) ? lo : hi) = mid;
        }
        KeepEarliestAfter(t, hi * 1000, &best);
      }
    }
    return best;
  }

  std::optional<int64_t> NextBoundary(int64_t t) const {
    std::optional<int64_t> best;
    for (const Rotation& r : rotations) {
      if (t < r.start_ms) {
        KeepEarliestAfter(t, r.start_ms, &best);
        continue;
      }
      if (r.end_ms && t >= *r.end_ms) continue;
      if (r.end_ms) KeepEarliestAfter(t, *r.end_ms, &best);
      KeepEarliestAfter(t, ShiftStartMs(r, ShiftIndex(r, t) + 1), &best);
      if (!r.restrictions.empty()) {
        if (std::optional<int64_t> e = NextRestrictionEdge(r, t)) KeepEarliestAfter(t, *e, &best);
      }
    }
    for (const Override& o : overrides) {
      KeepEarliestAfter(t, o.start_ms, &best);
      KeepEarliestAfter(t, o.end_ms, &best);
    }
    return best;
  }
};

OnCallSchedules::~OnCallSchedules() = default;

Result<std::unique_ptr<OnCallSchedules>> OnCallSchedules::Build(
    const config::IncidentsConfig& config, std::string_view zoneinfo_dir) {
  std::unique_ptr<OnCallSchedules> out(new OnCallSchedules());
  for (const config::ScheduleConfig& sc : config.schedules) {
    const std::string where = "schedule \"" + sc.name + "\"";
    auto s = std::make_unique<Schedule>();
    s->name = sc.name;
    Result<config::TimeZone> tz = config::TimeZone::Load(sc.time_zone, zoneinfo_dir);
    if (!tz.ok()) return tz.status().Annotate(where);
    s->tz = std::move(tz).value();
    for (const config::RotationConfig& rc : sc.rotations) {
      if (rc.participants.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      where + ": rotation \"" + rc.name + "\" has no participants");
      }
      Schedule::Rotation r;
      r.participants = rc.participants;
      r.calendar = rc.hand_off != config::RotationConfig::HandOff::kCustom;
      r.step_days = rc.hand_off == config::RotationConfig::HandOff::kDaily ? 1 : 7;
      r.shift_ms = rc.shift_length.ms;
      if (!r.calendar && r.shift_ms <= 0) {
        return Status(StatusCode::kInvalidArgument,
                      where + ": rotation \"" + rc.name + "\" has a hand_off of 0");
      }
      r.start_local = LocalSeconds(rc.start);
      r.start_ms = ToUnix(s->tz, r.start_local) * 1000;
      if (rc.end) r.end_ms = ToUnix(s->tz, LocalSeconds(*rc.end)) * 1000;
      r.restrictions = rc.restrictions;
      s->rotations.push_back(std::move(r));
    }
    for (const config::ScheduleOverrideConfig& oc : sc.overrides) {
      s->overrides.push_back({.person = oc.person,
                              .replaces = oc.replaces,
                              .start_ms = ToUnix(s->tz, LocalSeconds(oc.start)) * 1000,
                              .end_ms = ToUnix(s->tz, LocalSeconds(oc.end)) * 1000});
    }
    if (!out->by_name_.emplace(sc.name, s.get()).second) {
      return Status(StatusCode::kInvalidArgument, where + " is defined twice");
    }
    out->schedules_.push_back(std::move(s));
  }
  return out;
}

Result<const OnCallSchedules::Schedule*> OnCallSchedules::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    return Status(StatusCode::kNotFound, "unknown schedule \"" + name + "\"");
  }
  return it->second;
}

Result<OnCallAnswer> OnCallSchedules::OnCallAt(const std::string& schedule, int64_t t_ms) const {
  OSPREY_ASSIGN_OR_RETURN(const Schedule* s, Find(schedule));
  return OnCallAnswer{.people = s->Answer(t_ms)};
}

Result<int64_t> OnCallSchedules::NextChangeAfter(const std::string& schedule, int64_t t_ms) const {
  OSPREY_ASSIGN_OR_RETURN(const Schedule* s, Find(schedule));
  const int64_t limit = t_ms > std::numeric_limits<int64_t>::max() - kLookAheadMs
                            ? std::numeric_limits<int64_t>::max()
                            : t_ms + kLookAheadMs;
  return s->NextChange(t_ms, limit).value_or(0);
}

std::vector<std::string> OnCallSchedules::Analyze(int64_t from_ms, int64_t to_ms) const {
  std::vector<std::string> warnings;
  for (const std::unique_ptr<const Schedule>& s : schedules_) {
    size_t count = 0;
    int64_t x = from_ms;
    while (x < to_ms && count < kMaxWarningsPerSchedule) {
      const std::vector<std::string> people = s->Answer(x);
      const int64_t y = s->NextChange(x, to_ms - 1).value_or(to_ms);
      std::string what;
      if (people.empty()) {
        what = "nobody on call";
      } else if (people.size() > 1) {
        what = std::to_string(people.size()) + " people on call at once (";
        for (size_t i = 0; i < people.size(); ++i) {
          if (i > 0) what += ", ";
          what += people[i];
        }
        what += ")";
      }
      if (!what.empty()) {
        warnings.push_back(std::string("schedule \"")
                               .append(s->name)
                               .append("\" has ")
                               .append(what)
                               .append(" from ")
                               .append(FormatLocal(s->tz, x))
                               .append(" to ")
                               .append(FormatLocal(s->tz, y))
                               .append(" (")
                               .append(s->tz.name())
                               .append(")"));
        ++count;
      }
      x = y;
    }
  }
  return warnings;
}

std::vector<std::string> OnCallSchedules::ScheduleNames() const {
  std::vector<std::string> names;
  names.reserve(schedules_.size());
  for (const std::unique_ptr<const Schedule>& s : schedules_) names.push_back(s->name);
  return names;
}

}  // namespace osprey::incidents
