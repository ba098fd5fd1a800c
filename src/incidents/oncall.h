// Who is on call: the `incidents.schedules` of the config evaluated at an instant.
//
//   OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<OnCallSchedules> oncall,
//                           OnCallSchedules::Build(cfg.incidents));
//   for (const std::string& w : oncall->Analyze(now_ms, now_ms + 4 * kWeekMs)) log(w);
//   OSPREY_ASSIGN_OR_RETURN(OnCallAnswer a, oncall->OnCallAt("primary", now_ms));
//
// Semantics:
// - A rotation hands off every shift_length from `start` (a local time in the schedule's
//   zone), participants taking turns in order. Daily and weekly hand-offs step by calendar
//   days, so they stay at the same local wall-clock time across DST changes (09:00 stays
//   09:00); custom durations ("12h") step by absolute time. A local time that does not exist
//   (spring forward) is read with the offset before the change, as Go's time.Date does; one
//   that occurs twice (fall back) means its first occurrence.
// - A rotation covers nobody before `start` and from `end` on, and with `restrictions` only
//   at the times inside any of them (read in the schedule's zone). The shift count goes on
//   while restricted: restrictions hide turns, they do not delay them.
// - Several rotations covering the same time: everyone of them is on call (an overlap).
// - An override is active in [start, end): with `replaces`, that person (when on call) is
//   replaced by `person`; without, `person` replaces everyone on call, and also covers a gap.
//   When several overrides without `replaces` are active, all their persons are on call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/incidents_config.h"
#include "config/time_zone.h"
#include "incidents/ports.h"

namespace osprey::incidents {

// Immutable after Build; thread-safe.
class OnCallSchedules final : public OnCallResolver {
 public:
  // How far NextChangeAfter looks ahead.
  static constexpr int64_t kLookAheadMs = 8LL * 7 * 24 * 3600 * 1000;
  // Analyze reports at most this many gaps and overlaps per schedule.
  static constexpr size_t kMaxWarningsPerSchedule = 10;

  // Loads each schedule's time zone. kInvalidArgument for what config loading rejects
  // (an unknown zone, a rotation without participants or with a non-positive shift).
  static Result<std::unique_ptr<OnCallSchedules>> Build(
      const config::IncidentsConfig& config, std::string_view zoneinfo_dir = config::kZoneInfoDir);

  ~OnCallSchedules() override;
  OnCallSchedules(const OnCallSchedules&) = delete;
  OnCallSchedules& operator=(const OnCallSchedules&) = delete;

  // kNotFound `unknown schedule "x"` for a name not in the config.
  Result<OnCallAnswer> OnCallAt(const std::string& schedule, int64_t t_ms) const override;
  // The first instant in (t_ms, t_ms + kLookAheadMs] at which OnCallAt gives another answer;
  // 0 when there is none.
  Result<int64_t> NextChangeAfter(const std::string& schedule, int64_t t_ms) const override;

  // Human-readable warnings for the gaps (nobody on call) and overlaps (more than one person
  // on call) of every schedule within [from_ms, to_ms), in config order, each stretch merged
  // into one line with local times, e.g.
  //   schedule "primary" has nobody on call from 2026-02-02 18:00 to 2026-02-03 09:00
  //   (Europe/Berlin)
  // At most kMaxWarningsPerSchedule per schedule.
  std::vector<std::string> Analyze(int64_t from_ms, int64_t to_ms) const;

  // In config order.
  std::vector<std::string> ScheduleNames() const;

 private:
  class Schedule;
  OnCallSchedules() = default;
  Result<const Schedule*> Find(const std::string& name) const;

  std::vector<std::unique_ptr<const Schedule>> schedules_;  // Config order.
  std::map<std::string, const Schedule*, std::less<>> by_name_;
};

}  // namespace osprey::incidents
