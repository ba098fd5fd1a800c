#include "incidents/oncall.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/time_zone.h"

namespace osprey::incidents {
namespace {

using People = std::vector<std::string>;

// An instant given as a UTC date-time.
int64_t Utc(int year, int month, int day, int hour, int minute = 0) {
  return (config::DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60) * 1000;
}

// Schedules from the YAML of `incidents:` (people alice, bob, carol, dave declared).
std::unique_ptr<OnCallSchedules> Build(std::string_view schedules_yaml) {
  std::string text =
      "incidents:\n"
      "  people: [{name: alice}, {name: bob}, {name: carol}, {name: dave}]\n"
      "  schedules:\n";
  text.append(schedules_yaml);
  Result<config::Config> c = config::ParseConfig(text, "osprey.yml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return nullptr;
  Result<std::unique_ptr<OnCallSchedules>> s = OnCallSchedules::Build(c->incidents);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

People At(const OnCallSchedules& s, const std::string& name, int64_t t) {
  Result<OnCallAnswer> a = s.OnCallAt(name, t);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? a->people : People{"<error>"};
}

int64_t Next(const OnCallSchedules& s, const std::string& name, int64_t t) {
  Result<int64_t> n = s.NextChangeAfter(name, t);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? *n : -1;
}

TEST(OnCallSchedulesTest, DailyHandOffStaysAtLocalNineAcrossSpringForward) {
  // Europe/Berlin moves from CET (+1) to CEST (+2) on 2026-03-29 at 02:00 local.
  auto s = Build(
      "    - name: primary\n"
      "      time_zone: Europe/Berlin\n"
      "      rotations:\n"
      "        - {name: daily, start: 2026-03-27T09:00, hand_off: daily, "
      "participants: [alice, bob]}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 27, 7, 59)), People{});  // before start
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 27, 8)), People{"alice"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 28, 7, 59)), People{"alice"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 28, 8)), People{"bob"});
  // On the DST day 09:00 local is 07:00 UTC.
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 29, 6, 59)), People{"bob"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 3, 29, 7)), People{"alice"});
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 3, 27, 0)), Utc(2026, 3, 27, 8));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 3, 27, 8)), Utc(2026, 3, 28, 8));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 3, 28, 8)), Utc(2026, 3, 29, 7));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 3, 29, 7)), Utc(2026, 3, 30, 7));
}

TEST(OnCallSchedulesTest, WeeklyHandOffStaysAtLocalNineAcrossFallBack) {
  // CEST ends on 2026-10-25: 09:00 local is 07:00 UTC before and 08:00 UTC after.
  auto s = Build(
      "    - name: primary\n"
      "      time_zone: Europe/Berlin\n"
      "      rotations:\n"
      "        - {name: weekly, start: 2026-10-12T09:00:00, hand_off: weekly, "
      "participants: [alice, bob, carol]}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 10, 12, 7)), People{"alice"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 10, 19, 7)), People{"bob"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 10, 26, 7, 59)), People{"bob"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 10, 26, 8)), People{"carol"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 11, 2, 8)), People{"alice"});  // wraps around
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 10, 19, 7)), Utc(2026, 10, 26, 8));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 10, 20, 12)), Utc(2026, 10, 26, 8));
}

TEST(OnCallSchedulesTest, CustomHandOffStepsByAbsoluteTime) {
  auto s = Build(
      "    - name: split\n"
      "      time_zone: Europe/Berlin\n"
      "      rotations:\n"
      "        - {name: halves, start: 2026-03-28T21:00, hand_off: 12h, "
      "participants: [alice, bob]}\n");
  ASSERT_NE(s, nullptr);
  // 21:00 CET is 20:00 UTC; twelve hours later is 08:00 UTC, 10:00 CEST.
  EXPECT_EQ(Next(*s, "split", Utc(2026, 3, 28, 20)), Utc(2026, 3, 29, 8));
  EXPECT_EQ(At(*s, "split", Utc(2026, 3, 29, 8)), People{"bob"});
  EXPECT_EQ(At(*s, "split", Utc(2026, 3, 29, 20)), People{"alice"});
}

TEST(OnCallSchedulesTest, OverrideReplacesOnePerson) {
  auto s = Build(
      "    - name: primary\n"
      "      rotations:\n"
      "        - {name: daily, start: 2026-02-01T09:00, hand_off: daily, "
      "participants: [alice, bob]}\n"
      "      overrides:\n"
      "        - {person: carol, start: 2026-02-01T12:00, end: 2026-02-03T12:00, "
      "replaces: alice}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 1, 11)), People{"alice"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 1, 12)), People{"carol"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 2, 10)), People{"bob"});  // alice not on call
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 3, 10)), People{"carol"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 3, 12)), People{"alice"});
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 1, 9)), Utc(2026, 2, 1, 12));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 1, 12)), Utc(2026, 2, 2, 9));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 2, 9)), Utc(2026, 2, 3, 9));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 3, 9)), Utc(2026, 2, 3, 12));
}

TEST(OnCallSchedulesTest, OverrideWithoutReplacesTakesOverAndCoversGaps) {
  auto s = Build(
      "    - name: primary\n"
      "      rotations:\n"
      "        - {name: a, start: 2026-02-02T00:00, hand_off: weekly, participants: [alice]}\n"
      "        - {name: b, start: 2026-02-02T00:00, hand_off: weekly, participants: [bob]}\n"
      "      overrides:\n"
      "        - {person: dave, start: 2026-02-01T00:00, end: 2026-02-03T00:00}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 1, 31, 23)), People{});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 1, 0)), People{"dave"});   // covers the gap
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 2, 12)), People{"dave"});  // replaces both
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 3, 0)), (People{"alice", "bob"}));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 1, 5)), Utc(2026, 2, 3, 0));
}

TEST(OnCallSchedulesTest, RestrictionsLeaveGapsThatAnalyzeReports) {
  auto s = Build(
      "    - name: primary\n"
      "      time_zone: Europe/Berlin\n"
      "      rotations:\n"
      "        - name: business\n"
      "          start: 2026-02-02T09:00\n"
      "          hand_off: daily\n"
      "          participants: [alice, bob]\n"
      "          restrictions:\n"
      "            - weekdays: ['monday:friday']\n"
      "              times: [{start_time: '09:00', end_time: '18:00'}]\n");
  ASSERT_NE(s, nullptr);
  // Monday 2026-02-02, CET: 09:00 local is 08:00 UTC.
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 2, 8)), People{"alice"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 2, 17)), People{});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 3, 8)), People{"bob"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 7, 10)), People{});  // Saturday
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 2, 9)), Utc(2026, 2, 2, 17));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 2, 17)), Utc(2026, 2, 3, 8));
  // Friday 18:00 to Monday 09:00.
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 6, 17)), Utc(2026, 2, 9, 8));

  EXPECT_EQ(s->Analyze(Utc(2026, 2, 2, 8), Utc(2026, 2, 4, 8)),
            (std::vector<std::string>{
                "schedule \"primary\" has nobody on call from 2026-02-02 18:00 to 2026-02-03 "
                "09:00 (Europe/Berlin)",
                "schedule \"primary\" has nobody on call from 2026-02-03 18:00 to 2026-02-04 "
                "09:00 (Europe/Berlin)",
            }));
  // The window clips the stretches; the weekend is one.
  EXPECT_EQ(s->Analyze(Utc(2026, 2, 6, 12), Utc(2026, 2, 9, 6)),
            (std::vector<std::string>{
                "schedule \"primary\" has nobody on call from 2026-02-06 18:00 to 2026-02-09 "
                "07:00 (Europe/Berlin)",
            }));
  // Four weeks hold 20 gaps; only 10 are reported.
  EXPECT_EQ(s->Analyze(Utc(2026, 2, 2, 8), Utc(2026, 3, 2, 8)).size(),
            OnCallSchedules::kMaxWarningsPerSchedule);
}

TEST(OnCallSchedulesTest, OverlapsAreEveryoneAndReported) {
  auto s = Build(
      "    - name: primary\n"
      "      rotations:\n"
      "        - {name: a, start: 2026-02-02T00:00, hand_off: weekly, participants: [alice]}\n"
      "        - {name: b, start: 2026-02-03T00:00, end: 2026-02-04T06:30, hand_off: daily, "
      "participants: [carol, bob]}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 3, 1)), (People{"alice", "carol"}));
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 4, 1)), (People{"alice", "bob"}));
  EXPECT_EQ(s->Analyze(Utc(2026, 2, 2, 0), Utc(2026, 2, 9, 0)),
            (std::vector<std::string>{
                "schedule \"primary\" has 2 people on call at once (alice, carol) from "
                "2026-02-03 00:00 to 2026-02-04 00:00 (UTC)",
                "schedule \"primary\" has 2 people on call at once (alice, bob) from "
                "2026-02-04 00:00 to 2026-02-04 06:30 (UTC)",
            }));
}

TEST(OnCallSchedulesTest, RotationEnds) {
  auto s = Build(
      "    - name: primary\n"
      "      rotations:\n"
      "        - {name: a, start: 2026-02-02T00:00, end: 2026-02-05T12:00, hand_off: daily, "
      "participants: [alice, bob]}\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 5, 11, 59)), People{"bob"});
  EXPECT_EQ(At(*s, "primary", Utc(2026, 2, 5, 12)), People{});
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 5, 1)), Utc(2026, 2, 5, 12));
  EXPECT_EQ(Next(*s, "primary", Utc(2026, 2, 5, 12)), 0);  // never changes again
  EXPECT_EQ(Next(*s, "primary", Utc(2025, 12, 1, 0)), 0);  // start beyond 8 weeks
  EXPECT_EQ(Next(*s, "primary", Utc(2025, 12, 9, 0)), Utc(2026, 2, 2, 0));
}

TEST(OnCallSchedulesTest, UnknownScheduleIsNotFound) {
  auto s = Build(
      "    - name: primary\n"
      "      rotations: [{name: a, start: 2026-02-02T00:00, participants: [alice]}]\n"
      "    - name: secondary\n"
      "      rotations: [{name: a, start: 2026-02-02T00:00, participants: [bob]}]\n");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->ScheduleNames(), (std::vector<std::string>{"primary", "secondary"}));
  Result<OnCallAnswer> a = s->OnCallAt("tertiary", 0);
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(a.status().message(), "unknown schedule \"tertiary\"");
  EXPECT_EQ(s->NextChangeAfter("tertiary", 0).status().code(), StatusCode::kNotFound);
}

TEST(OnCallSchedulesTest, BuildRejectsAnUnknownZone) {
  config::IncidentsConfig c;
  c.schedules.push_back({.name = "x", .time_zone = "Mars/Base", .rotations = {}, .overrides = {}});
  Result<std::unique_ptr<OnCallSchedules>> s = OnCallSchedules::Build(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("Mars/Base"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace osprey::incidents
