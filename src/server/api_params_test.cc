#include "server/api_params.h"

#include <gtest/gtest.h>

namespace osprey::server {
namespace {

TEST(ApiParamsTest, ParsesUnixSecondsAndRfc3339) {
  EXPECT_EQ(*ParseTime("1795271010"), 1795271010000);
  EXPECT_EQ(*ParseTime("1795271010.123"), 1795271010123);
  EXPECT_EQ(*ParseTime("0"), 0);
  EXPECT_EQ(*ParseTime("2026-11-21T14:46:10Z"), 1795272370000);
  EXPECT_EQ(*ParseTime("2026-11-21T14:46:10.5Z"), 1795272370500);
  EXPECT_EQ(*ParseTime("2026-11-21T16:46:10+02:00"), 1795272370000);
}

TEST(ApiParamsTest, RejectsBadTimes) {
  for (const char* bad :
       {"", "abc", "2026-13-01T00:00:00Z", "2026-11-21T14:46:10", "1e400", "NaN"}) {
    SCOPED_TRACE(bad);
    auto t = ParseTime(bad);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.status().message().find("to a valid timestamp"), std::string::npos);
  }
}

TEST(ApiParamsTest, ParamErrorsNameTheParameter) {
  http::Request req;
  req.query = {{"start", "yesterday"}, {"match[]", "up{"}};
  auto start = ParseTimeParam(req, "start", 0);
  ASSERT_FALSE(start.ok());
  EXPECT_EQ(start.status().message(),
            "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp");
  EXPECT_EQ(*ParseTimeParam(req, "end", 42), 42);
  auto m = ParseMatchParams(req);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("invalid parameter \"match[]\""), std::string::npos);
}

}  // namespace
}  // namespace osprey::server
