#include "model/duration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::model {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

struct ValidCase {
  std::string_view input;
  int64_t ms;
  std::string_view formatted;  // FormatDuration of the parsed value.
};

TEST(ParseDurationTest, AcceptsPrometheusSyntax) {
  const std::vector<ValidCase> cases = {
      {"0", 0, "0s"},
      {"0s", 0, "0s"},
      {"0ms", 0, "0s"},
      {"1ms", 1, "1ms"},
      {"15s", 15'000, "15s"},
      {"90s", 90'000, "1m30s"},
      {"5m", 300'000, "5m"},
      {"5m0s", 300'000, "5m"},
      {"1h30m", 5'400'000, "1h30m"},
      {"1h0m0s", 3'600'000, "1h"},
      {"2h45m10s500ms", 9'910'500, "2h45m10s500ms"},
      {"15d", 15 * kDayMs, "15d"},
      {"14d", 14 * kDayMs, "2w"},
      {"90d", 90 * kDayMs, "90d"},
      {"1w", 7 * kDayMs, "1w"},
      {"1y", 365 * kDayMs, "1y"},
      {"1y1d", 366 * kDayMs, "366d"},
      {"1y2w3d4h5m6s7ms", 365 * kDayMs + 17 * kDayMs + 14'706'007, "382d4h5m6s7ms"},
      {"007s", 7'000, "7s"},
      {"292y", 292 * 365 * kDayMs, "292y"},
      {"9223372036854ms", kMaxDurationMillis, "106751d23h47m16s854ms"},
  };
  for (const ValidCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Duration> d = ParseDuration(c.input);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->ms, c.ms);
    EXPECT_EQ(FormatDuration(*d), c.formatted);
  }
}

struct InvalidCase {
  std::string_view input;
  std::string_view message;
};

TEST(ParseDurationTest, RejectsMalformedStringsWithPrometheusMessages) {
  const std::vector<InvalidCase> cases = {
      {"", "empty duration string"},
      {"5x", "not a valid duration string: \"5x\""},
      {"5", "not a valid duration string: \"5\""},
      {"00", "not a valid duration string: \"00\""},
      {"s", "not a valid duration string: \"s\""},
      {"-1s", "not a valid duration string: \"-1s\""},
      {"+1s", "not a valid duration string: \"+1s\""},
      {"1.5h", "not a valid duration string: \"1.5h\""},
      {"1h 30m", "not a valid duration string: \"1h 30m\""},
      {" 1h", "not a valid duration string: \" 1h\""},
      {"1H", "not a valid duration string: \"1H\""},
      {"30m1h", "not a valid duration string: \"30m1h\""},
      {"1s1s", "not a valid duration string: \"1s1s\""},
      {"1ms1s", "not a valid duration string: \"1ms1s\""},
      {"1d1w", "not a valid duration string: \"1d1w\""},
      {"1us", "not a valid duration string: \"1us\""},
      {"1sm", "not a valid duration string: \"1sm\""},
      {"1h30", "not a valid duration string: \"1h30\""},
      {"293y", "duration out of range"},
      {"9223372036855ms", "duration out of range"},
      {"106751d23h47m16s855ms", "duration out of range"},
      {"99999999999999999999999s", "duration out of range"},
      {"99999999999999999999999s5x", "not a valid duration string: \"99999999999999999999999s5x\""},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Duration> d = ParseDuration(c.input);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(d.status().message(), c.message);
  }
}

TEST(FormatDurationTest, UsesYearsAndWeeksOnlyWhenExact) {
  EXPECT_EQ(FormatDuration(Duration{0}), "0s");
  EXPECT_EQ(FormatDuration(Duration::Seconds(60)), "1m");
  EXPECT_EQ(FormatDuration(Duration::Hours(24 * 7)), "1w");
  EXPECT_EQ(FormatDuration(Duration::Hours(24 * 8)), "8d");
  EXPECT_EQ(FormatDuration(Duration::Hours(24 * 365 * 2)), "2y");
  EXPECT_EQ(FormatDuration(Duration{kDayMs + 1}), "1d1ms");
}

TEST(FormatDurationTest, FormatsNegativeDurationsWithSign) {
  EXPECT_EQ(FormatDuration(Duration::Seconds(-90)), "-1m30s");
  EXPECT_EQ(FormatDuration(Duration{INT64_MIN}).front(), '-');
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  const std::vector<int64_t> values = {
      1,          999,          1000,         59'999,      3'600'001,         kDayMs,
      7 * kDayMs, 365 * kDayMs, 400 * kDayMs, 123'456'789, kMaxDurationMillis};
  for (int64_t v : values) {
    SCOPED_TRACE(v);
    Result<Duration> back = ParseDuration(FormatDuration(Duration{v}));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->ms, v);
  }
}

TEST(DurationTest, ComparesByLength) {
  EXPECT_LT(Duration::Seconds(10), Duration::Minutes(1));
  EXPECT_EQ(Duration::Minutes(60), Duration::Hours(1));
  EXPECT_GT(Duration::Millis(2), Duration::Millis(1));
}

}  // namespace
}  // namespace osprey::model
