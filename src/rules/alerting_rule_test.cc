#include "rules/alerting_rule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rules/rules_test_util.h"

namespace osprey::rules {
namespace {

using testing::Sample;
using testing::ScriptedQueries;

constexpr int64_t kMin = 60'000;

RuleConfig AlertConfig(int64_t for_ms, int64_t keep_firing_ms = 0) {
  RuleConfig c;
  c.alert = "Down";
  c.expr = "up == 0";
  c.for_duration = model::Duration{for_ms};
  c.keep_firing_for = model::Duration{keep_firing_ms};
  c.labels = {{"severity", "page"}};
  c.annotations = {{"summary", "down"}};
  return c;
}

class AlertingRuleTest : public ::testing::Test {
 protected:
  AlertingRuleTest() { env_.query = queries_.Func(); }

  void Down(bool down) {
    queries_.Set("up == 0", down ? promql::Vector{Sample(
                                       {"__name__", "up", "job", "api", "instance", "a:1"}, 0)}
                                 : promql::Vector{});
  }
  AlertState StateAt(AlertingRule& rule, model::Timestamp ts) {
    Result<promql::Vector> v = rule.Eval(env_, ts, {}, 0);
    EXPECT_TRUE(v.ok()) << v.status().message();
    rule.SetEvaluationTime(ts, 0);
    return rule.State();
  }

  ScriptedQueries queries_;
  EvalEnv env_;
};

TEST_F(AlertingRuleTest, PendingThenFiringAfterFor) {
  AlertingRule rule(AlertConfig(5 * kMin), "up == 0", true);
  EXPECT_EQ(rule.State(), AlertState::kUnknown);
  Down(true);
  EXPECT_EQ(StateAt(rule, 0), AlertState::kPending);
  EXPECT_EQ(StateAt(rule, 4 * kMin), AlertState::kPending);
  EXPECT_EQ(StateAt(rule, 5 * kMin), AlertState::kFiring);
  std::vector<RuleAlert> alerts = rule.Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].labels, model::Labels::FromStrings({"alertname", "Down", "instance", "a:1",
                                                          "job", "api", "severity", "page"}));
  EXPECT_EQ(alerts[0].active_at, 0);
  EXPECT_EQ(alerts[0].fired_at, 5 * kMin);
}

TEST_F(AlertingRuleTest, PendingAlertThatGoesAwayIsDropped) {
  AlertingRule rule(AlertConfig(5 * kMin), "up == 0", true);
  Down(true);
  StateAt(rule, 0);
  Down(false);
  EXPECT_EQ(StateAt(rule, kMin), AlertState::kInactive);
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST_F(AlertingRuleTest, ResolvedAlertIsKeptFifteenMinutes) {
  AlertingRule rule(AlertConfig(0), "up == 0", true);
  Down(true);
  EXPECT_EQ(StateAt(rule, 0), AlertState::kFiring);
  Down(false);
  EXPECT_EQ(StateAt(rule, kMin), AlertState::kInactive);
  ASSERT_EQ(rule.Alerts().size(), 1u);
  EXPECT_EQ(rule.Alerts()[0].resolved_at, kMin);
  EXPECT_TRUE(rule.Snapshot().alerts.empty());  // the API shows active alerts only
  StateAt(rule, 16 * kMin);
  EXPECT_EQ(rule.Alerts().size(), 1u);
  StateAt(rule, 16 * kMin + 1);
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST_F(AlertingRuleTest, KeepFiringForHoldsTheAlert) {
  AlertingRule rule(AlertConfig(0, 10 * kMin), "up == 0", true);
  Down(true);
  EXPECT_EQ(StateAt(rule, 0), AlertState::kFiring);
  Down(false);
  EXPECT_EQ(StateAt(rule, kMin), AlertState::kFiring);
  EXPECT_EQ(rule.Alerts()[0].keep_firing_since, kMin);
  EXPECT_EQ(StateAt(rule, 10 * kMin), AlertState::kFiring);
  EXPECT_EQ(StateAt(rule, 11 * kMin), AlertState::kInactive);
  // Coming back while kept firing resets keep_firing_since.
  AlertingRule rule2(AlertConfig(0, 10 * kMin), "up == 0", true);
  Down(true);
  StateAt(rule2, 0);
  Down(false);
  StateAt(rule2, kMin);
  Down(true);
  StateAt(rule2, 2 * kMin);
  EXPECT_EQ(rule2.Alerts()[0].keep_firing_since, 0);
}

TEST_F(AlertingRuleTest, WritesAlertsAndForStateSeries) {
  AlertingRule rule(AlertConfig(5 * kMin), "up == 0", true);
  Down(true);
  Result<promql::Vector> v = rule.Eval(env_, 120'500, model::Duration{500}, 0);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].labels, model::Labels::FromStrings({"__name__", "ALERTS", "alertname", "Down",
                                                        "alertstate", "pending", "instance", "a:1",
                                                        "job", "api", "severity", "page"}));
  EXPECT_EQ((*v)[0].v, 1);
  EXPECT_EQ((*v)[0].t, 120'000);  // query offset applied
  EXPECT_EQ((*v)[1].labels,
            model::Labels::FromStrings({"__name__", "ALERTS_FOR_STATE", "alertname", "Down",
                                        "instance", "a:1", "job", "api", "severity", "page"}));
  EXPECT_EQ((*v)[1].v, 120);  // active since, in seconds
  EXPECT_EQ(queries_.last_at(), 120'000);
}

TEST_F(AlertingRuleTest, NoSeriesUntilRestored) {
  AlertingRule rule(AlertConfig(5 * kMin), "up == 0", false);
  Down(true);
  Result<promql::Vector> v = rule.Eval(env_, 0, {}, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
  rule.SetRestored();
  v = rule.Eval(env_, kMin, {}, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->size(), 2u);
}

TEST_F(AlertingRuleTest, LimitExceededDropsAlerts) {
  AlertingRule rule(AlertConfig(0), "up == 0", true);
  queries_.Set("up == 0", {Sample({"instance", "a"}, 0), Sample({"instance", "b"}, 0)});
  Result<promql::Vector> v = rule.Eval(env_, 0, {}, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(v.status().message(), "exceeded limit of 1 with 2 alerts");
  EXPECT_TRUE(rule.Alerts().empty());
  EXPECT_TRUE(rule.Eval(env_, 0, {}, 2).ok());
}

TEST_F(AlertingRuleTest, DuplicateLabelSetIsAnError) {
  RuleConfig c = AlertConfig(0);
  c.labels = {{"instance", "same"}};
  AlertingRule rule(c, "up == 0", true);
  queries_.Set("up == 0", {Sample({"instance", "a"}, 0), Sample({"instance", "b"}, 0)});
  Result<promql::Vector> v = rule.Eval(env_, 0, {}, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("same labelset"), std::string::npos);
}

TEST_F(AlertingRuleTest, SendsFiringAlertsEveryResendDelayAndResolvedOnce) {
  AlertingRule rule(AlertConfig(0), "up == 0", true);
  const model::Duration resend = model::Duration::Minutes(1);
  const model::Duration interval = model::Duration::Seconds(15);
  Down(true);
  ASSERT_TRUE(rule.Eval(env_, 0, {}, 0).ok());
  std::vector<model::Alert> sent = rule.AlertsToSend(0, resend, interval, "http://x:9090");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].starts_at, 0);
  EXPECT_EQ(sent[0].ends_at, 4 * kMin);  // 4 * max(resend_delay, interval)
  EXPECT_EQ(sent[0].generator_url, "http://x:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1");
  EXPECT_EQ(sent[0].annotations, model::Labels::FromStrings({"summary", "down"}));
  ASSERT_TRUE(rule.Eval(env_, 15'000, {}, 0).ok());
  EXPECT_TRUE(rule.AlertsToSend(15'000, resend, interval, "").empty());
  ASSERT_TRUE(rule.Eval(env_, kMin + 1, {}, 0).ok());
  EXPECT_EQ(rule.AlertsToSend(kMin + 1, resend, interval, "").size(), 1u);
  Down(false);
  ASSERT_TRUE(rule.Eval(env_, kMin + 15'000, {}, 0).ok());
  sent = rule.AlertsToSend(kMin + 15'000, resend, interval, "");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ends_at, kMin + 15'000);
  ASSERT_TRUE(rule.Eval(env_, kMin + 30'000, {}, 0).ok());
  EXPECT_TRUE(rule.AlertsToSend(kMin + 30'000, resend, interval, "").empty());
  // Resolved alerts keep being re-sent every resend delay during retention.
  ASSERT_TRUE(rule.Eval(env_, 3 * kMin, {}, 0).ok());
  EXPECT_EQ(rule.AlertsToSend(3 * kMin, resend, interval, "").size(), 1u);
}

TEST_F(AlertingRuleTest, PendingAlertsAreNotSent) {
  AlertingRule rule(AlertConfig(5 * kMin), "up == 0", true);
  Down(true);
  ASSERT_TRUE(rule.Eval(env_, 0, {}, 0).ok());
  EXPECT_TRUE(rule.AlertsToSend(0, model::Duration::Minutes(1), {}, "").empty());
}

TEST(GeneratorUrlTest, EscapesLikeGoQueryEscape) {
  EXPECT_EQ(GeneratorUrl("", R"(rate(x{a="b/c"}[5m]) > 0.5)"),
            "/graph?g0.expr=rate%28x%7Ba%3D%22b%2Fc%22%7D%5B5m%5D%29+%3E+0.5&g0.tab=1");
}

}  // namespace
}  // namespace osprey::rules
