#include "rules/template_expander.h"

#include <gtest/gtest.h>

#include "rules/rules_test_util.h"

namespace osprey::rules {
namespace {

using testing::Sample;
using testing::ScriptedQueries;

class TemplateExpanderTest : public ::testing::Test {
 protected:
  TemplateExpanderTest() {
    env_.query = queries_.Func();
    env_.external_labels = model::Labels::FromStrings({"cluster", "eu1"});
    env_.external_url = "http://prom.example:9090/prom";
    env_.template_failures = &failures_;
  }
  std::string Expand(std::string_view text, double value = 0.5) {
    return ExpandAlertTemplate("Down", text,
                               model::Labels::FromStrings({"instance", "a:1", "job", "api"}), value,
                               env_, 120'000);
  }

  ScriptedQueries queries_;
  metrics::Counter failures_;
  EvalEnv env_;
};

TEST_F(TemplateExpanderTest, VariablesAndDot) {
  EXPECT_EQ(Expand("{{ $labels.instance }} of {{ .Labels.job }} is {{ $value }}"),
            "a:1 of api is 0.5");
  EXPECT_EQ(Expand("{{ .Value }} {{ $externalLabels.cluster }} {{ $externalURL }}"),
            "0.5 eu1 http://prom.example:9090/prom");
  EXPECT_EQ(Expand("plain text"), "plain text");
  // TODO(rules): Prometheus runs templates with missingkey=zero, so a missing label is ""
  // here; tmpl prints "<no value>" until it has that option (#7).
}

TEST_F(TemplateExpanderTest, TextFunctions) {
  EXPECT_EQ(Expand("{{ $value | humanizePercentage }}"), "50%");
  EXPECT_EQ(Expand("{{ humanize 1234567 }}"), "1.235M");
  EXPECT_EQ(Expand("{{ \"abc\" | toUpper }}"), "ABC");
  EXPECT_EQ(Expand("{{ pathPrefix }} {{ externalURL }}"), "/prom http://prom.example:9090/prom");
  EXPECT_EQ(Expand("{{ graphLink \"up == 0\" }}"), "/graph?g0.expr=up+%3D%3D+0&g0.tab=0");
}

TEST_F(TemplateExpanderTest, QueryRunsAtEvaluationTime) {
  queries_.Set("up", {Sample({"__name__", "up", "instance", "b"}, 3),
                      Sample({"__name__", "up", "instance", "a"}, 7)});
  EXPECT_EQ(Expand("{{ query \"up\" | first | value }}"), "3");
  EXPECT_EQ(queries_.last_at(), 120'000);
  EXPECT_EQ(Expand("{{ range query \"up\" | sortByLabel \"instance\" }}"
                   "{{ .Labels.instance }}={{ .Value }} {{ end }}"),
            "a=7 b=3 ");
  EXPECT_EQ(Expand("{{ with query \"up\" }}{{ . | first | label \"instance\" }}{{ end }}"), "b");
}

TEST_F(TemplateExpanderTest, FailureRendersErrorAndCounts) {
  const std::string out = Expand("{{ query \"none\" | first | value }}");
  EXPECT_EQ(out.rfind("<error expanding template: error executing template __alert_Down: ", 0), 0u)
      << out;
  EXPECT_NE(out.find("first() called on vector with no elements"), std::string::npos) << out;
  EXPECT_EQ(failures_.Value(), 1);
}

TEST(CheckRuleTemplateTest, ReportsParseErrors) {
  EXPECT_TRUE(CheckRuleTemplate("A", "{{ $labels.job }} {{ $value | humanize }}").ok());
  Status s = CheckRuleTemplate("A", "{{ humanise $value }}");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("function \"humanise\" not defined"), std::string::npos);
  EXPECT_FALSE(CheckRuleTemplate("A", "{{ if }}").ok());
}

}  // namespace
}  // namespace osprey::rules
