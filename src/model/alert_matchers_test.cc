#include "model/alert_matchers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::model {
namespace {

std::vector<std::string> Formatted(const std::vector<Matcher>& ms) {
  std::vector<std::string> out;
  for (const Matcher& m : ms) out.push_back(FormatAlertMatcher(m));
  return out;
}

TEST(AlertMatchersTest, ParsesBracedQuotedList) {
  auto ms = ParseAlertMatchers(R"({alertname="Watchdog", severity=~"warn|crit"})");
  ASSERT_TRUE(ms.ok()) << ms.status().ToString();
  ASSERT_EQ(ms->size(), 2u);
  EXPECT_EQ((*ms)[0].name(), "alertname");
  EXPECT_EQ((*ms)[0].type(), MatchType::kEqual);
  EXPECT_EQ((*ms)[0].value(), "Watchdog");
  EXPECT_EQ((*ms)[1].type(), MatchType::kRegexMatch);
  EXPECT_TRUE((*ms)[1].Matches("crit"));
  EXPECT_FALSE((*ms)[1].Matches("critical"));  // Anchored.
}

TEST(AlertMatchersTest, ParsesUnbracedUnquotedListWithSpacesAndTrailingComma) {
  auto ms = ParseAlertMatchers("foo = bar, dings!=bums , x!~a.* ,");
  ASSERT_TRUE(ms.ok()) << ms.status().ToString();
  EXPECT_EQ(Formatted(*ms),
            (std::vector<std::string>{R"(foo="bar")", R"(dings!="bums")", R"(x!~"a.*")"}));
}

TEST(AlertMatchersTest, CommasInsideQuotesDoNotSplit) {
  auto ms = ParseAlertMatchers(R"({quote="She said: \"Hi, ladies!\"", b=c})");
  ASSERT_TRUE(ms.ok()) << ms.status().ToString();
  ASSERT_EQ(ms->size(), 2u);
  EXPECT_EQ((*ms)[0].value(), R"(She said: "Hi, ladies!")");
  EXPECT_EQ((*ms)[1].value(), "c");
}

TEST(AlertMatchersTest, UnescapesLikeAlertmanager) {
  auto m = ParseAlertMatcher(R"(a="x\ny\\z\q\"")");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // \n newline, \\ backslash, \q stays literal, \" quote.
  EXPECT_EQ(m->value(), "x\ny\\z\\q\"");
  EXPECT_EQ(FormatAlertMatcher(*m), R"(a="x\ny\\z\\q\"")");
}

TEST(AlertMatchersTest, EmptyValueAndEmptyList) {
  auto m = ParseAlertMatcher("a=");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->value(), "");
  auto none = ParseAlertMatchers("{}");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto empty = ParseAlertMatchers("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(AlertMatchersTest, NameAllowsColonAndUnderscore) {
  auto m = ParseAlertMatcher("__name__:x=1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->name(), "__name__:x");
}

TEST(AlertMatchersTest, ErrorsNameTheMatcherText) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"foo", R"(bad matcher format: "foo")"},
      {"1a=b", R"(bad matcher format: "1a=b")"},
      {"a b=c", R"(bad matcher format: "a b=c")"},
      {"a=b,,c=d", R"(bad matcher format: "")"},
      {R"(a="b)", R"(matcher value contains unescaped double quote: "\"b")"},
      {R"(a=b"c)", R"(matcher value contains unescaped double quote: "b\"c")"},
      {"a=~(", R"(invalid regular expression "(" for label a)"},
      {"a=\"\xff\"", R"(matcher value not valid UTF-8)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto ms = ParseAlertMatchers(c.text);
    ASSERT_FALSE(ms.ok());
    EXPECT_EQ(ms.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(ms.status().message().find(c.error), std::string::npos) << ms.status().message();
  }
}

TEST(AlertMatchersTest, FormatParsesBack) {
  auto ms = ParseAlertMatchers(R"({a="1", b!~"x|\"y\"", c=~"\\d+"})");
  ASSERT_TRUE(ms.ok()) << ms.status().ToString();
  const std::string text = FormatAlertMatchers(*ms);
  EXPECT_EQ(text, R"({a="1", b!~"x|\"y\"", c=~"\\d+"})");
  auto again = ParseAlertMatchers(text);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(SameMatchers(*ms, *again));
  EXPECT_TRUE((*again)[2].Matches("123"));
}

TEST(AlertMatchersTest, SortsByNameValueThenType) {
  auto ms = ParseAlertMatchers("b=1, a!=2, a=2, a=1");
  ASSERT_TRUE(ms.ok());
  SortAlertMatchers(&*ms);
  EXPECT_EQ(Formatted(*ms),
            (std::vector<std::string>{R"(a="1")", R"(a="2")", R"(a!="2")", R"(b="1")"}));
}

}  // namespace
}  // namespace osprey::model
