#include "alerting/time_interval.h"

#include <gtest/gtest.h>

#include <vector>

namespace osprey::alerting {
namespace {

using config::InclusiveRange;
using config::TimeIntervalConfig;
using config::TimeIntervalSpec;

// Milliseconds since the epoch of a UTC wall-clock time.
int64_t Utc(int64_t y, int mo, int d, int h = 0, int mi = 0) {
  return (config::DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1000;
}

TimeIntervalSpec BusinessHoursBerlin() {
  TimeIntervalSpec s;
  s.times = {{9 * 60, 17 * 60 + 30}};
  s.weekdays = {{1, 5}};
  s.location = "Europe/Berlin";
  return s;
}

TEST(TimeIntervalTest, BusinessHoursFollowTheZonesDaylightSaving) {
  const TimeIntervalConfig bh{.name = "bh", .time_intervals = {BusinessHoursBerlin()}};
  // Monday 2026-07-06: CEST, UTC+2.
  EXPECT_TRUE(Contains(bh, Utc(2026, 7, 6, 7, 0)));     // 09:00 local: start is inclusive.
  EXPECT_FALSE(Contains(bh, Utc(2026, 7, 6, 6, 59)));   // 08:59
  EXPECT_TRUE(Contains(bh, Utc(2026, 7, 6, 15, 29)));   // 17:29
  EXPECT_FALSE(Contains(bh, Utc(2026, 7, 6, 15, 30)));  // 17:30: end is exclusive.
  // Monday 2026-01-05: CET, UTC+1.
  EXPECT_TRUE(Contains(bh, Utc(2026, 1, 5, 8, 0)));
  EXPECT_FALSE(Contains(bh, Utc(2026, 1, 5, 7, 30)));
  // Saturday 2026-07-04.
  EXPECT_FALSE(Contains(bh, Utc(2026, 7, 4, 10, 0)));
  // Friday 23:30 UTC is already Saturday in Berlin.
  TimeIntervalSpec fri = BusinessHoursBerlin();
  fri.times.clear();
  fri.weekdays = {{5, 5}};
  const TimeIntervalConfig friday{.name = "f", .time_intervals = {fri}};
  EXPECT_TRUE(Contains(friday, Utc(2026, 7, 10, 21, 30)));
  EXPECT_FALSE(Contains(friday, Utc(2026, 7, 10, 22, 30)));
}

TEST(TimeIntervalTest, UsesTheZoneRulesPastTheLastTransitionInTheFile) {
  TimeIntervalSpec s;
  s.times = {{12 * 60, 13 * 60}};
  s.location = "Europe/Berlin";
  const TimeIntervalConfig noon{.name = "n", .time_intervals = {s}};
  EXPECT_TRUE(Contains(noon, Utc(2050, 7, 1, 10, 30)));  // CEST in 2050 too.
  EXPECT_TRUE(Contains(noon, Utc(2050, 1, 3, 11, 30)));  // CET.
  EXPECT_FALSE(Contains(noon, Utc(2050, 1, 3, 10, 30)));
}

TEST(TimeIntervalTest, NegativeDaysOfMonthCountFromTheEnd) {
  TimeIntervalSpec last;
  last.days_of_month = {{-1, -1}};
  const TimeIntervalConfig c{.name = "last", .time_intervals = {last}};
  EXPECT_TRUE(Contains(c, Utc(2026, 2, 28, 12)));   // Not a leap year.
  EXPECT_FALSE(Contains(c, Utc(2028, 2, 28, 12)));  // Leap year: the 29th is last.
  EXPECT_TRUE(Contains(c, Utc(2028, 2, 29, 12)));
  EXPECT_TRUE(Contains(c, Utc(2026, 12, 31, 23, 59)));

  TimeIntervalSpec last_week;
  last_week.days_of_month = {{-7, -1}};
  const TimeIntervalConfig lw{.name = "lw", .time_intervals = {last_week}};
  EXPECT_TRUE(Contains(lw, Utc(2026, 4, 24)));
  EXPECT_FALSE(Contains(lw, Utc(2026, 4, 23)));
}

TEST(TimeIntervalTest, DayRangePastTheMonthsEndIsClamped) {
  TimeIntervalSpec s;
  s.days_of_month = {{29, 31}};
  const TimeIntervalConfig c{.name = "x", .time_intervals = {s}};
  EXPECT_FALSE(Contains(c, Utc(2026, 2, 28)));  // February 2026 has no 29th: never.
  EXPECT_TRUE(Contains(c, Utc(2026, 4, 30)));   // April's end is clamped to 30.
}

TEST(TimeIntervalTest, MonthsYearsAndWholeDays) {
  TimeIntervalSpec xmas;
  xmas.months = {{12, 12}};
  xmas.days_of_month = {{24, 26}};
  xmas.years = {{2025, 2030}};
  xmas.times = {{0, 24 * 60}};
  const TimeIntervalConfig c{.name = "xmas", .time_intervals = {xmas}};
  EXPECT_TRUE(Contains(c, Utc(2026, 12, 24, 0, 0)));
  EXPECT_TRUE(Contains(c, Utc(2026, 12, 26, 23, 59)));
  EXPECT_FALSE(Contains(c, Utc(2026, 12, 27, 0, 0)));
  EXPECT_FALSE(Contains(c, Utc(2026, 11, 24, 12)));
  EXPECT_FALSE(Contains(c, Utc(2031, 12, 25, 12)));
}

TEST(TimeIntervalTest, AnySpecMatchesAndEmptySpecMatchesAll) {
  TimeIntervalSpec sat, sun;
  sat.weekdays = {{6, 6}};
  sun.weekdays = {{0, 0}};
  const TimeIntervalConfig weekend{.name = "w", .time_intervals = {sat, sun}};
  EXPECT_TRUE(Contains(weekend, Utc(2026, 7, 4, 12)));   // Saturday.
  EXPECT_TRUE(Contains(weekend, Utc(2026, 7, 5, 12)));   // Sunday.
  EXPECT_FALSE(Contains(weekend, Utc(2026, 7, 6, 12)));  // Monday.
  const TimeIntervalConfig always{.name = "a", .time_intervals = {TimeIntervalSpec{}}};
  EXPECT_TRUE(Contains(always, Utc(1969, 12, 31, 23, 59)));
  const TimeIntervalConfig never{.name = "n", .time_intervals = {}};
  EXPECT_FALSE(Contains(never, Utc(2026, 1, 1)));
}

TEST(TimeIntervalTest, TimeIntervalsLooksUpByName) {
  TimeIntervalSpec sat;
  sat.weekdays = {{6, 6}};
  const std::vector<TimeIntervalConfig> configs = {
      {.name = "bh", .time_intervals = {BusinessHoursBerlin()}},
      {.name = "sat", .time_intervals = {sat}}};
  Result<TimeIntervals> intervals = TimeIntervals::Create(configs);
  ASSERT_TRUE(intervals.ok()) << intervals.status().ToString();
  EXPECT_EQ(intervals->Contains("bh", Utc(2026, 7, 6, 8)).value(), true);
  EXPECT_EQ(intervals->Contains("sat", Utc(2026, 7, 6, 8)).value(), false);
  EXPECT_EQ(intervals->Contains("sat", Utc(2026, 7, 4, 8)).value(), true);
  EXPECT_EQ(intervals->Contains("nope", 0).status().code(), StatusCode::kNotFound);
}

TEST(TimeIntervalTest, CreateFailsForAZoneThatDoesNotLoad) {
  TimeIntervalSpec s;
  s.location = "Mars/Olympus_Mons";
  const std::vector<TimeIntervalConfig> configs = {{.name = "m", .time_intervals = {s}}};
  Result<TimeIntervals> intervals = TimeIntervals::Create(configs);
  ASSERT_FALSE(intervals.ok());
  EXPECT_NE(intervals.status().message().find("unknown time zone \"Mars/Olympus_Mons\""),
            std::string::npos);
}

}  // namespace
}  // namespace osprey::alerting
