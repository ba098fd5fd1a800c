#include "model/selector.h"

#include <gtest/gtest.h>

namespace osprey::model {
namespace {

std::string Join(const std::vector<Matcher>& ms) {
  std::string out;
  for (const Matcher& m : ms) {
    if (!out.empty()) out += ',';
    out += m.ToString();
  }
  return out;
}

TEST(SelectorTest, ParsesPrometheusSelectors) {
  struct Case {
    std::string in, want;
  };
  std::vector<Case> cases = {
      {"up", "__name__=\"up\""},
      {" up { job = \"api\" } ", "__name__=\"up\",job=\"api\""},
      {"{__name__=~\"node_.+\", mountpoint!~'/run.*',}",
       "__name__=~\"node_.+\",mountpoint!~\"/run.*\""},
      {"job:rate5m{env!=`prod`}", "__name__=\"job:rate5m\",env!=\"prod\""},
      {"{\"my.metric\", a=\"\\u00e9\\n\"}", "__name__=\"my.metric\",a=\"\xc3\xa9\\n\""},
      {"x{a=\"\\x41\\101\"}", "__name__=\"x\",a=\"AA\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    auto r = ParseSeriesSelector(c.in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Join(*r), c.want);
  }
}

TEST(SelectorTest, RejectsMalformedSelectorsWithPositions) {
  struct Case {
    std::string in, want;
  };
  std::vector<Case> cases = {
      {"", "unexpected end of input"},
      {"{job=\"x\"", "1:9: parse error: unexpected end of input inside braces"},
      {"up{job}", "expected a label matching operator"},
      {"up{job=x}", "expected a quoted string"},
      {"up{job=\"x}", "unterminated quoted string"},
      {"up{job=~\"(\"}", "invalid regular expression"},
      {"{job=\"\"}", "at least one non-empty matcher"},
      {"{job=~\".*\"}", "at least one non-empty matcher"},
      {"up extra", "unexpected character 'e'"},
      {"up{a=\"\\q\"}", "unknown escape sequence"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    auto r = ParseSeriesSelector(c.in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace osprey::model
