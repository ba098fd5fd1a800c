#include "config/time_zone.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::config {
namespace {

int64_t UtcSeconds(int64_t y, int mo, int d, int h = 0) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600;
}

TEST(TimeZoneTest, CivilDateConversionsRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (int64_t days : {-800000, -1, 0, 59, 11016, 20000, 2932896}) {
    int64_t y = 0;
    int m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, m, d), days);
  }
}

TEST(TimeZoneTest, UtcNeedsNoFile) {
  for (std::string_view name : {"UTC", ""}) {
    Result<TimeZone> tz = TimeZone::Load(name, "/nonexistent");
    ASSERT_TRUE(tz.ok()) << tz.status().ToString();
    EXPECT_EQ(tz->OffsetAt(UtcSeconds(2026, 7, 1)), 0);
  }
}

TEST(TimeZoneTest, ReadsTransitionsAndTheFooterRule) {
  Result<TimeZone> berlin = TimeZone::Load("Europe/Berlin");
  if (!berlin.ok()) GTEST_SKIP() << "no tzdata: " << berlin.status().ToString();
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2026, 1, 15)), 3600);
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2026, 7, 15)), 7200);
  // 2026-03-29 01:00 UTC the clocks go forward.
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2026, 3, 29, 1) - 1), 3600);
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2026, 3, 29, 1)), 7200);
  // Past 2037 only the footer ("CET-1CEST,M3.5.0,M10.5.0/3") says.
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2100, 7, 15)), 7200);
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(2100, 12, 15)), 3600);
  // Before standard time existed: local mean time (+0:53:28).
  EXPECT_EQ(berlin->OffsetAt(UtcSeconds(1850, 1, 1)), 3208);

  Result<TimeZone> sydney = TimeZone::Load("Australia/Sydney");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->OffsetAt(UtcSeconds(2100, 1, 15)), 11 * 3600);  // Southern summer.
  EXPECT_EQ(sydney->OffsetAt(UtcSeconds(2100, 7, 15)), 10 * 3600);

  Result<TimeZone> kolkata = TimeZone::Load("Asia/Kolkata");
  ASSERT_TRUE(kolkata.ok());
  EXPECT_EQ(kolkata->OffsetAt(UtcSeconds(2026, 7, 15)), 5 * 3600 + 1800);
}

TEST(TimeZoneTest, RejectsUnknownAndEscapingNames) {
  for (std::string_view name :
       {"Mars/Base", "../../etc/passwd", "/etc/localtime", "Europe\\Berlin"}) {
    Result<TimeZone> tz = TimeZone::Load(name);
    ASSERT_FALSE(tz.ok()) << name;
    EXPECT_EQ(tz.status().message(),
              "unknown time zone \"" +
                  std::string(name == "Europe\\Berlin" ? "Europe\\\\Berlin" : name) + "\"");
  }
}

TEST(TimeZoneTest, RejectsFilesThatAreNotTzif) {
  EXPECT_FALSE(TimeZone::FromTzif("x", "").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "TZif2").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "hello world, not a zone file at all......").ok());
  std::string header = "TZif2";
  header.append(15, '\0');
  header.append(24, '\0');  // Zero counts: no types.
  EXPECT_FALSE(TimeZone::FromTzif("x", header).ok());
}

}  // namespace
}  // namespace osprey::config
