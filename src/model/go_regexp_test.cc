#include "model/go_regexp.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace osprey::model {
namespace {

// Matches `text` against the fully anchored `pattern` and expands `tmpl`; "<no match>"
// when it does not match.
std::string Expand(std::string_view pattern, std::string_view text, std::string_view tmpl) {
  RE2 re(std::string("^(?s:").append(pattern).append(")$"));
  EXPECT_TRUE(re.ok()) << pattern;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  re2::StringPiece input(text.data(), text.size());
  if (!re.Match(input, 0, input.size(), RE2::UNANCHORED, groups.data(),
                static_cast<int>(groups.size()))) {
    return "<no match>";
  }
  return ExpandTemplate(tmpl, re, groups);
}

struct ExpandCase {
  std::string_view pattern;
  std::string_view text;
  std::string_view tmpl;
  std::string_view want;
};

// Expected values follow Go's regexp.Regexp.ExpandString.
TEST(ExpandTemplateTest, FollowsGoRegexpExpand) {
  const ExpandCase cases[] = {
      {"source-value-(.*)", "source-value-10", "destination-value-$1", "destination-value-10"},
      {"(.*)-value-(.*)", "source-value-10", "$1-value-$2", "source-value-10"},
      {"source-value-(.*)", "source-value-10", "${1}x", "10x"},
      {"source-value-(.*)", "source-value-10", "$1x", ""},  // "1x" is no group
      {"v-(?P<num>.*)", "v-10", "<$num>", "<10>"},
      {"v-(?P<num>.*)", "v-10", "<${num}>", "<10>"},
      {"(.*)", "a", "$$1 $", "$1 $"},
      {"(.*)", "a", "${1", "${1"},     // malformed: kept as text
      {"(.*)", "a", "${}", "${}"},     // empty name: kept as text
      {"(.*)", "a", "$-", "$-"},       // not a name: kept as text
      {"(.*)", "a", "[$3]", "[]"},     // no such group
      {"(.*)", "a", "$01", ""},        // a leading zero makes it a name, not a number
      {"(.*)", "a", "$0$0", "aa"},     // group 0 is the whole match
      {"(a)|(b)", "a", "[$2]", "[]"},  // a group not in the match
      {"(.*)", "a", "no refs", "no refs"},
      {"(.*)", "a", "", ""},
      // Names may hold Unicode letters and digits but stop at other runes.
      {"(?P<é>.*)", "x", "<$é>", "<x>"},
      {"(.*)", "x", "$1\xc3\xa9", ""},                   // "1é" is one name, not a group
      {"(.*)", "x", "$1\xe2\x82\xac", "x\xe2\x82\xac"},  // the euro sign is no letter
      {"(.*)", "x", "$1\xff", "x\xff"},                  // invalid UTF-8 ends the name
  };
  for (const ExpandCase& c : cases) {
    EXPECT_EQ(Expand(c.pattern, c.text, c.tmpl), c.want)
        << "pattern " << c.pattern << " text " << c.text << " template " << c.tmpl;
  }
}

}  // namespace
}  // namespace osprey::model
