// Escalation through policy levels, on-call gaps, automated responses and restarts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "incidents/internal/manager_test_util.h"
#include "incidents/manager.h"

namespace osprey::incidents::internal {
namespace {

using ::testing::ElementsAre;

using EscalationTest = ManagerFixture;

std::vector<int64_t> SentTimes(Manager& m, int64_t id) {
  std::vector<int64_t> out;
  const std::vector<Event> timeline = m.Timeline(id).value();
  for (const Event& e : timeline) {
    if (e.kind == EventKind::kNotified) out.push_back(e.at_ms);
  }
  return out;
}

TEST_F(EscalationTest, UnacknowledgedIncidentEscalatesToTheNextLevel) {
  Open();
  Flush({FiringAlert("A")});
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice"}));
  Advance(10 * kMinute - 1);
  EXPECT_EQ(contacts_.people().size(), 1u);
  Advance(1);
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(contacts_.sent()[1].level, 1);
  Incident inc = m_->Get(1).value();
  EXPECT_EQ(inc.escalation_level, 1);
  EXPECT_EQ(inc.next_escalation_at_ms, 0);  // last level, no repeat
  EXPECT_THAT(Messages(1, EventKind::kEscalated),
              ElementsAre("not acknowledged within 10m: escalated to level 2"));
  EXPECT_EQ(SentTimes(*m_, 1), (std::vector<int64_t>{kStart, kStart + 10 * kMinute}));
  Advance(120 * kMinute);
  EXPECT_EQ(contacts_.people().size(), 2u);
}

TEST_F(EscalationTest, AcknowledgementStopsEscalation) {
  Open();
  Flush({FiringAlert("A")});
  Advance(9 * kMinute);
  ASSERT_TRUE(m_->Acknowledge(1, {"alice", "api"}).ok());
  EXPECT_EQ(m_->Get(1)->next_escalation_at_ms, 0);
  Advance(60 * kMinute);
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice"}));
  EXPECT_TRUE(Messages(1, EventKind::kEscalated).empty());
}

TEST_F(EscalationTest, RepeatStartsNewPassesOverTheLevels) {
  cfg_.escalation_policies[0].repeat = 1;
  Open();
  Flush({FiringAlert("A")});
  Advance(10 * kMinute);  // level 2
  Advance(5 * kMinute);   // pass 2, level 1
  Advance(10 * kMinute);  // pass 2, level 2
  Advance(60 * kMinute);  // exhausted
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice", "bob", "alice", "bob"}));
  EXPECT_EQ(SentTimes(*m_, 1),
            (std::vector<int64_t>{kStart, kStart + 10 * kMinute, kStart + 15 * kMinute,
                                  kStart + 25 * kMinute}));
  EXPECT_THAT(Messages(1, EventKind::kEscalated),
              ElementsAre("not acknowledged within 10m: escalated to level 2",
                          "not acknowledged within 5m: escalated to level 1 (repeat 1 of 1)",
                          "not acknowledged within 10m: escalated to level 2"));
  Incident inc = m_->Get(1).value();
  EXPECT_EQ(inc.escalation_pass, 1);
  EXPECT_EQ(inc.escalation_level, 1);
  EXPECT_EQ(inc.next_escalation_at_ms, 0);
}

TEST_F(EscalationTest, GapInTheScheduleNotifiesTheFallbackAndSaysSo) {
  oncall_.Set("primary", {});
  contacts_.Fail("carol");
  Open();
  Flush({FiringAlert("A")});
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"carol"}));
  EXPECT_THAT(Messages(1, EventKind::kOnCallGap),
              ElementsAre("nobody on call in schedule primary at level 1; notifying fallback "
                          "carol"));
  EXPECT_THAT(Messages(1, EventKind::kNotified),
              ElementsAre("notified carol by email carol@example.com (level 1): error smtp "
                          "down"));
  std::vector<Event> t = m_->Timeline(1).value();
  EXPECT_EQ(t.back().detail_json,
            R"({"contact":"carol@example.com","error":"smtp down","level":0,"method":"email",)"
            R"("ok":false,"pass":0,"person":"carol"})");
  EXPECT_TRUE(
      HasSample("osprey_incident_notifications_total{method=\"email\",outcome=\"error\"} 1"));
}

TEST_F(EscalationTest, ActionsRunOnOpenAndWhenStillUnacknowledged) {
  cfg_.escalation_policies[0].actions = {
      {.run = "restart", .on = config::ActionTriggerConfig::On::kOpen},
      {.run = "page-manager",
       .on = config::ActionTriggerConfig::On::kUnacknowledged,
       .after = model::Duration::Minutes(20)}};
  cfg_.routes.push_back(
      {.matchers = {"alertname=\"B\""},
       .actions = {{.run = "broken", .on = config::ActionTriggerConfig::On::kOpen}}});
  Open();
  Flush({FiringAlert("A")}, "g1");
  Flush({FiringAlert("B")}, "g2");
  ASSERT_TRUE(m_->Acknowledge(2, {"bob"}).ok());
  EXPECT_THAT(Messages(1, EventKind::kActionRun),
              ElementsAre("action restart (on open): ok (exit code 0)"));
  // Two workers: the open actions of one incident run in any order.
  EXPECT_THAT(Messages(2, EventKind::kActionRun),
              ::testing::UnorderedElementsAre("action broken (on open): failed (exit code 3)",
                                              "action restart (on open): ok (exit code 0)"));
  Advance(20 * kMinute);
  // Incident 2 was acknowledged: its pending trigger is gone.
  EXPECT_THAT(Messages(1, EventKind::kActionRun),
              ElementsAre("action restart (on open): ok (exit code 0)",
                          "action page-manager (on unacknowledged): ok (exit code 0)"));
  EXPECT_EQ(Messages(2, EventKind::kActionRun).size(), 2u);
  // The level 2 escalation (due at 10m) ran concurrently: find the action's event.
  std::vector<Event> t = m_->Timeline(1).value();
  std::erase_if(t, [](const Event& e) { return e.kind != EventKind::kActionRun; });
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].at_ms, kStart + 20 * kMinute);
  EXPECT_NE(t[1].detail_json.find(R"("output":"did page-manager")"), std::string::npos);
  EXPECT_TRUE(HasSample("osprey_incident_actions_total{action=\"restart\",outcome=\"ok\"} 2"));
  EXPECT_TRUE(HasSample("osprey_incident_actions_total{action=\"broken\",outcome=\"failed\"} 1"));
  Advance(60 * kMinute);
  EXPECT_EQ(actions_.runs().size(), 4u);
}

TEST_F(EscalationTest, ActionRemovedByAReloadIsAFailureOnTheTimelineAndInTheMetric) {
  cfg_.escalation_policies[0].actions = {{.run = "page-manager",
                                          .on = config::ActionTriggerConfig::On::kUnacknowledged,
                                          .after = model::Duration::Minutes(20)}};
  Open();
  Flush({FiringAlert("A")});
  // The reload drops the action while its trigger is pending.
  cfg_.escalation_policies[0].actions.clear();
  std::erase_if(cfg_.actions,
                [](const config::ActionConfig& a) { return a.name == "page-manager"; });
  ASSERT_TRUE(m_->ApplyConfig(cfg_, "http://osprey.test/").ok());
  Advance(20 * kMinute);
  EXPECT_TRUE(actions_.runs().empty());
  // A pending trigger survives the reload (like a restart) and finds its action gone.
  EXPECT_THAT(Messages(1, EventKind::kActionRun),
              ElementsAre("action page-manager (on unacknowledged): failed: unknown action "
                          "\"page-manager\""));
  EXPECT_TRUE(
      HasSample("osprey_incident_actions_total{action=\"page-manager\",outcome=\"failed\"} 1"));
}

TEST_F(EscalationTest, DryRunActionSaysWhatItWouldRun) {
  cfg_.actions[0].dry_run = true;  // restart
  cfg_.escalation_policies[0].actions = {
      {.run = "restart", .on = config::ActionTriggerConfig::On::kOpen}};
  Open();
  Flush({FiringAlert("A")});
  EXPECT_THAT(Messages(1, EventKind::kActionRun),
              ElementsAre("action restart (on open): dry run, would run /usr/bin/restart"));
  EXPECT_TRUE(HasSample("osprey_incident_actions_total{action=\"restart\",outcome=\"dry_run\"} 1"));
  std::vector<Event> t = m_->Timeline(1).value();
  std::erase_if(t, [](const Event& e) { return e.kind != EventKind::kActionRun; });
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].detail_json.find("exit_code"), std::string::npos) << t[0].detail_json;
}

TEST_F(EscalationTest, HangingActionDoesNotDelayNotifications) {
  cfg_.escalation_policies[0].actions = {
      {.run = "hang", .on = config::ActionTriggerConfig::On::kOpen}};
  Open();
  // Not Flush(): waiting for idle would wait for the hanging action.
  std::vector<model::Alert> alerts = {FiringAlert("A")};
  m_->observer()->OnFlush(Request("g1"), alerts);
  ASSERT_TRUE(actions_.WaitForCount(1));
  ASSERT_TRUE(contacts_.WaitForCount(1));
  clock_.Advance(10 * kMinute);
  ASSERT_TRUE(contacts_.WaitForCount(2));  // level 2 while the action still hangs
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(Messages(1, EventKind::kActionRun).empty());
  actions_.Release();
  m_->WaitIdleForTest();
  EXPECT_THAT(Messages(1, EventKind::kActionRun),
              ElementsAre("action hang (on open): ok (exit code 0)"));
}

TEST_F(EscalationTest, RestartMidEscalationResumesWithoutRepeating) {
  cfg_.escalation_policies[0].actions = {{.run = "page-manager",
                                          .on = config::ActionTriggerConfig::On::kUnacknowledged,
                                          .after = model::Duration::Minutes(12)}};
  Open();
  Flush({FiringAlert("A")});
  Advance(5 * kMinute);
  Open();  // a new manager on the same database
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice"}));
  Advance(5 * kMinute - 1);
  EXPECT_EQ(contacts_.people().size(), 1u);
  Advance(1);
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(SentTimes(*m_, 1), (std::vector<int64_t>{kStart, kStart + 10 * kMinute}));
  // The pending action survives too, and runs once, at its time.
  EXPECT_TRUE(actions_.runs().empty());
  Advance(2 * kMinute);
  EXPECT_EQ(actions_.runs().size(), 1u);
  Open();
  Advance(60 * kMinute);
  EXPECT_EQ(actions_.runs().size(), 1u);
  EXPECT_EQ(contacts_.people().size(), 2u);
}

TEST_F(EscalationTest, EscalationDueDuringDowntimeFiresAtStart) {
  Open();
  Flush({FiringAlert("A")});
  m_.reset();
  clock_.Advance(30 * kMinute);
  Open();
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(Messages(1, EventKind::kEscalated).size(), 1u);
}

TEST_F(EscalationTest, NoPolicyNotifiesNobody) {
  cfg_.default_policy.clear();
  Open();
  Flush({FiringAlert("A")});
  Incident inc = All().at(0);
  EXPECT_EQ(inc.policy, "");
  EXPECT_EQ(inc.escalation_level, -1);
  Advance(60 * kMinute);
  EXPECT_TRUE(contacts_.sent().empty());
}

}  // namespace
}  // namespace osprey::incidents::internal
