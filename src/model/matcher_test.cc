#include "model/matcher.h"

#include <gtest/gtest.h>

namespace osprey::model {
namespace {

struct MatchCase {
  MatchType type;
  std::string pattern;
  std::string value;
  bool want;
};

TEST(MatcherTest, FullMatchSemantics) {
  std::vector<MatchCase> cases = {
      {MatchType::kEqual, "api", "api", true},
      {MatchType::kEqual, "api", "apis", false},
      {MatchType::kNotEqual, "api", "web", true},
      {MatchType::kNotEqual, "api", "", true},
      {MatchType::kRegexMatch, "a.*", "abc", true},
      {MatchType::kRegexMatch, "a.*", "ba", false},  // anchored at both ends
      {MatchType::kRegexMatch, "b", "abc", false},
      {MatchType::kRegexMatch, "foo|bar", "bar", true},
      {MatchType::kRegexMatch, "foo|bar", "foobar", false},
      {MatchType::kRegexMatch, "10\\.0\\.[0-9]+\\.[0-9]*7:9100", "10.0.3.17:9100", true},
      {MatchType::kRegexMatch, "10\\.0\\.[0-9]+\\.[0-9]*7:9100", "10.0.3.18:9100", false},
      {MatchType::kRegexMatch, "/|/var/lib/.*", "/var/lib/docker", true},
      {MatchType::kRegexMatch, "/|/var/lib/.*", "/home", false},
      {MatchType::kRegexMatch, "eth.*|docker.*", "docker0", true},
      {MatchType::kRegexMatch, ".*", "", true},
      {MatchType::kRegexMatch, ".+", "", false},
      {MatchType::kRegexMatch, "a.*", "a\nb", true},  // . matches newline, as Prometheus
      {MatchType::kRegexMatch, "ab?c", "ac", true},
      {MatchType::kRegexMatch, "ab*", "a", true},
      {MatchType::kRegexMatch, "(?i)API", "api", true},
      {MatchType::kRegexNoMatch, "api|web", "db", true},
      {MatchType::kRegexNoMatch, "api|web", "web", false},
      {MatchType::kRegexNoMatch, ".+", "", true},
      {MatchType::kRegexMatch, "a\\|b", "a|b", true},
      {MatchType::kRegexMatch, "a\\|b", "a", false},
  };
  for (const MatchCase& c : cases) {
    Matcher m = Matcher::MustCreate(c.type, "l", c.pattern);
    SCOPED_TRACE(m.ToString() + " on \"" + c.value + "\"");
    EXPECT_EQ(m.Matches(c.value), c.want);
  }
}

TEST(MatcherTest, MatchesEmptySelectsSeriesWithoutTheLabel) {
  EXPECT_TRUE(Matcher::MustCreate(MatchType::kEqual, "l", "").MatchesEmpty());
  EXPECT_FALSE(Matcher::MustCreate(MatchType::kEqual, "l", "x").MatchesEmpty());
  EXPECT_TRUE(Matcher::MustCreate(MatchType::kNotEqual, "l", "x").MatchesEmpty());
  EXPECT_TRUE(Matcher::MustCreate(MatchType::kRegexMatch, "l", "x|").MatchesEmpty());
  EXPECT_TRUE(Matcher::MustCreate(MatchType::kRegexMatch, "l", ".*").MatchesEmpty());
  EXPECT_FALSE(Matcher::MustCreate(MatchType::kRegexMatch, "l", ".+").MatchesEmpty());
  EXPECT_TRUE(Matcher::MustCreate(MatchType::kRegexNoMatch, "l", ".+").MatchesEmpty());
}

TEST(MatcherTest, FastPathsAreDetected) {
  Matcher set = Matcher::MustCreate(MatchType::kRegexMatch, "l", "web|api|db\\.1");
  EXPECT_EQ(set.SetMatches(), (std::vector<std::string>{"api", "db.1", "web"}));
  Matcher lit = Matcher::MustCreate(MatchType::kRegexMatch, "l", "api");
  EXPECT_EQ(lit.SetMatches(), std::vector<std::string>{"api"});
  Matcher pre = Matcher::MustCreate(MatchType::kRegexMatch, "l", "/var/lib/.*");
  EXPECT_TRUE(pre.SetMatches().empty());
  EXPECT_EQ(pre.LiteralPrefix(), "/var/lib/");
  Matcher partial = Matcher::MustCreate(MatchType::kRegexMatch, "l", "node_cpu[a-z]+");
  EXPECT_EQ(partial.LiteralPrefix(), "node_cpu");
  Matcher optional = Matcher::MustCreate(MatchType::kRegexMatch, "l", "abc?d");
  EXPECT_EQ(optional.LiteralPrefix(), "ab");
  EXPECT_TRUE(optional.Matches("abd"));
  Matcher alt = Matcher::MustCreate(MatchType::kRegexMatch, "l", "a.*|b.*");
  EXPECT_EQ(alt.LiteralPrefix(), "");
  EXPECT_TRUE(alt.Matches("bz"));
}

TEST(MatcherTest, BadRegexIsAnError) {
  Result<Matcher> m = Matcher::Create(MatchType::kRegexMatch, "job", "a(b");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("job"), std::string::npos);
}

TEST(MatcherTest, ToStringEscapes) {
  EXPECT_EQ(Matcher::MustCreate(MatchType::kRegexNoMatch, "p", "a\"b").ToString(), "p!~\"a\\\"b\"");
}

}  // namespace
}  // namespace osprey::model
