#include "rules/rule_file.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace osprey::rules {
namespace {

TEST(RuleFileTest, ParsesGroupsAndRules) {
  Result<RuleFile> f = ParseRuleFile(R"(groups:
  - name: g
    interval: 30s
    limit: 5
    query_offset: 1m
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {a: b}
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} down"}
)",
                                     "rules.yml");
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->groups.size(), 1u);
  const GroupConfig& g = f->groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.interval, model::Duration::Seconds(30));
  EXPECT_EQ(g.limit, 5);
  ASSERT_TRUE(g.query_offset.has_value());
  EXPECT_EQ(*g.query_offset, model::Duration::Minutes(1));
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].record, "job:up:sum");
  EXPECT_EQ(g.rules[0].labels.at("a"), "b");
  EXPECT_TRUE(g.rules[1].is_alerting());
  EXPECT_EQ(g.rules[1].for_duration, model::Duration::Minutes(5));
  EXPECT_EQ(g.rules[1].keep_firing_for, model::Duration::Minutes(1));
  EXPECT_EQ(g.rules[1].annotations.at("summary"), "{{ $labels.job }} down");
  EXPECT_EQ(g.rules[1].mark.line, 10);
}

TEST(RuleFileTest, EmptyFileHasNoGroups) {
  Result<RuleFile> f = ParseRuleFile("", "empty.yml");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->groups.empty());
}

TEST(RuleFileTest, ErrorsNameFileLineAndRule) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n        x: 1\n",
       "r.yml:6:9: unknown field \"x\" in groups[0].rules[0]"},
      {"groups:\n  - name: g\n  - name: g\n",
       "r.yml:3:5: groupname: \"g\" is repeated in the same file"},
      {"groups:\n  - rules: []\n", "r.yml:2:5: Groupname must not be empty"},
      {"groups:\n  - name: g\n    rules:\n      - record: a-b\n        expr: up\n",
       "r.yml:4:17: group \"g\", rule 1, \"a-b\": invalid recording rule name: a-b"},
      {"groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n        for: 1m\n",
       "r.yml:4:17: group \"g\", rule 1, \"a\": invalid field 'for' in recording rule"},
      {"groups:\n  - name: g\n    rules:\n      - alert: A\n        record: a\n        expr: up\n",
       "only one of 'record' and 'alert' must be set"},
      {"groups:\n  - name: g\n    rules:\n      - expr: up\n",
       "one of 'record' or 'alert' must be set"},
      {"groups:\n  - name: g\n    rules:\n      - alert: A\n", "field 'expr' must be set in rule"},
      {"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n",
       "r.yml:5:15: group \"g\", rule 1, \"A\": could not parse expression: 1:5: parse error"},
      {"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: "
       "{a-b: c}\n",
       "invalid label name: a-b"},
      {"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5x\n",
       "r.yml:6:14: invalid duration"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<RuleFile> f = ParseRuleFile(c.text, "r.yml");
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.status().message().find(c.error), std::string::npos) << f.status().message();
  }
}

TEST(RuleFileTest, ExpandsGlobs) {
  testing::TempDir dir;
  dir.WriteFile("b.yml", "");
  dir.WriteFile("a.yml", "");
  dir.WriteFile("c.txt", "");
  std::vector<std::string> globs = {dir.Join("*.yml"), dir.Join("a.yml")};
  Result<std::vector<std::string>> paths = ExpandRuleFileGlobs(globs);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, (std::vector<std::string>{dir.Join("a.yml"), dir.Join("b.yml")}));
  std::vector<std::string> missing = {dir.Join("none.yml")};
  EXPECT_FALSE(ExpandRuleFileGlobs(missing).ok());
  std::vector<std::string> empty_glob = {dir.Join("*.rules")};
  EXPECT_TRUE(ExpandRuleFileGlobs(empty_glob).value().empty());
}

TEST(RuleFileTest, LoadReportsUnreadableFile) {
  std::vector<std::string> paths = {"/nonexistent/rules.yml"};
  Result<std::vector<RuleFile>> f = LoadRuleFiles(paths);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("/nonexistent/rules.yml"), std::string::npos);
}

}  // namespace
}  // namespace osprey::rules
