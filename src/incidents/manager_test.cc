// The incident lifecycle driven by alert group flushes, and what people do to incidents.
#include "incidents/manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "incidents/internal/manager_test_util.h"

namespace osprey::incidents::internal {
namespace {

using ::testing::ElementsAre;

using ManagerTest = ManagerFixture;

TEST_F(ManagerTest, FiringGroupOpensAnIncidentAndNotifiesLevelOne) {
  Open();
  Flush({FiringAlert("HighLatency", {"service", "web", "severity", "page"},
                     {"summary", "Web is slow"}),
         FiringAlert("HighErrors", {"service", "api", "severity", "warning"})});
  std::vector<Incident> all = All();
  ASSERT_EQ(all.size(), 1u);
  const Incident& inc = all[0];
  EXPECT_EQ(inc.id, 1);
  EXPECT_EQ(inc.group_key, "g1");
  EXPECT_EQ(inc.receiver, "ops");
  EXPECT_EQ(inc.title, "Web is slow");
  EXPECT_EQ(inc.state, State::kTriggered);
  EXPECT_EQ(inc.severity, Severity::kCritical);  // "page" maps to critical, the highest
  EXPECT_EQ(inc.services, (std::vector<std::string>{"api", "web"}));
  EXPECT_EQ(inc.policy, "ops");
  EXPECT_EQ(inc.opened_at_ms, kStart);
  EXPECT_EQ(inc.escalation_level, 0);
  EXPECT_EQ(inc.next_escalation_at_ms, kStart + 10 * kMinute);
  EXPECT_EQ(inc.alerts.size(), 2u);
  EXPECT_EQ(Kinds(1),
            (std::vector<std::string>{"opened", "alert_fired", "alert_fired", "notified"}));
  std::vector<FakeContacts::Sent> sent = contacts_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].person, "alice");
  EXPECT_EQ(sent[0].level, 0);
  EXPECT_EQ(sent[0].incident_url, "http://osprey.test/incidents/1");
  EXPECT_EQ(sent[0].ack_url.rfind("http://osprey.test/ack/ok.1.alice.", 0), 0u);
  EXPECT_THAT(Messages(1, EventKind::kNotified),
              ElementsAre("notified alice by email alice@example.com (level 1): ok"));
  EXPECT_TRUE(HasSample("osprey_incidents_open{severity=\"critical\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incidents_opened_total{severity=\"critical\",service=\"web\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incidents_opened_total{severity=\"critical\",service=\"api\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incident_notifications_total{method=\"email\",outcome=\"ok\"} 1"));
}

TEST_F(ManagerTest, TitleFallsBackToTitleAnnotationThenAlertnameAndGroupLabels) {
  Open();
  Flush({FiringAlert("A", {}, {"title", "From title"})}, "g1");
  Flush({FiringAlert("B")}, "g2");
  std::vector<Incident> all = All();  // newest first
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].title, "From title");
  EXPECT_EQ(all[0].title, "B {team=\"web\"}");
}

TEST_F(ManagerTest, SeverityFromLabelMapOrDefault) {
  struct Case {
    std::vector<std::string> values;  // severity label of each alert; "" none
    Severity want;
  };
  const std::vector<Case> cases = {
      {{"critical"}, Severity::kCritical}, {{"info"}, Severity::kInfo},
      {{"page"}, Severity::kCritical},     {{"bogus"}, Severity::kWarning},
      {{""}, Severity::kWarning},          {{"info", "warning"}, Severity::kWarning},
      {{"info", "info"}, Severity::kInfo}, {{"warning", "critical", "info"}, Severity::kCritical},
  };
  Open();
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(n);
    std::vector<model::Alert> alerts;
    for (size_t i = 0; i < c.values.size(); ++i) {
      alerts.push_back(
          FiringAlert(std::string("A").append(std::to_string(i)), {"severity", c.values[i]}));
    }
    Flush(alerts, std::string("g").append(std::to_string(n++)));
    EXPECT_EQ(All()[0].severity, c.want);
  }
}

TEST_F(ManagerTest, AnotherAlertOfTheGroupJoinsTheOpenIncident) {
  Open();
  model::Alert a = FiringAlert("A", {"service", "web"});
  model::Alert b = FiringAlert("B", {"service", "db"});
  Flush({a});
  Advance(kMinute);
  Flush({a, b});
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].alerts.size(), 2u);
  EXPECT_EQ(All()[0].services, (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(Kinds(1),
            (std::vector<std::string>{"opened", "alert_fired", "notified", "alert_fired"}));
  EXPECT_EQ(Messages(1, EventKind::kAlertFired)[1],
            "alert fired: B {alertname=\"B\", service=\"db\"}");
  // The same flush again changes nothing.
  Flush({a, b});
  EXPECT_EQ(Kinds(1).size(), 4u);
  EXPECT_EQ(contacts_.sent().size(), 1u);
}

TEST_F(ManagerTest, ResolvesWhenEveryAlertResolvedAndMeasuresTimeToResolve) {
  Open();
  model::Alert a = FiringAlert("A", {"service", "web", "severity", "critical"});
  model::Alert b = FiringAlert("B", {"service", "web", "severity", "critical"});
  Flush({a, b});
  Advance(3 * kMinute);
  Flush({ResolvedAlert(a, clock_.NowMillis()), b});
  EXPECT_EQ(All()[0].state, State::kTriggered);
  Advance(4 * kMinute);
  Flush({ResolvedAlert(a, kStart + 3 * kMinute), ResolvedAlert(b, clock_.NowMillis())});
  Incident inc = All()[0];
  EXPECT_EQ(inc.state, State::kResolved);
  EXPECT_EQ(inc.resolved_by, "system");
  EXPECT_EQ(inc.resolved_at_ms, kStart + 7 * kMinute);
  EXPECT_EQ(inc.next_escalation_at_ms, 0);
  EXPECT_EQ(TimeToResolve(inc), 7 * kMinute);
  EXPECT_EQ(Kinds(1), (std::vector<std::string>{"opened", "alert_fired", "alert_fired", "notified",
                                                "alert_resolved", "alert_resolved", "resolved"}));
  EXPECT_TRUE(HasSample(
      "osprey_incident_time_to_resolve_seconds_sum{severity=\"critical\",service=\"web\"} 420"));
  EXPECT_TRUE(HasSample(
      "osprey_incident_time_to_resolve_seconds_count{severity=\"critical\",service=\"web\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incidents_open{severity=\"critical\"} 0"));
  // No escalation after resolution.
  Advance(30 * kMinute);
  EXPECT_EQ(contacts_.sent().size(), 1u);
}

TEST_F(ManagerTest, NoAutoResolveWhenDisabled) {
  cfg_.auto_resolve = false;
  Open();
  model::Alert a = FiringAlert("A");
  Flush({a});
  Advance(kMinute);
  Flush({ResolvedAlert(a, clock_.NowMillis())});
  EXPECT_EQ(All()[0].state, State::kTriggered);
  EXPECT_EQ(Kinds(1).back(), "alert_resolved");
}

TEST_F(ManagerTest, FiringAgainWithinTheWindowReopensAfterItOpensANewIncident) {
  Open();  // reopen_window 30m
  model::Alert a = FiringAlert("A");
  Flush({a});
  Advance(kMinute);
  Flush({ResolvedAlert(a, clock_.NowMillis())});
  Advance(29 * kMinute);
  Flush({a});
  ASSERT_EQ(All().size(), 1u);
  Incident inc = All()[0];
  EXPECT_EQ(inc.state, State::kTriggered);
  EXPECT_EQ(inc.resolved_at_ms, 0);
  EXPECT_EQ(inc.escalation_level, 0);
  EXPECT_EQ(inc.next_escalation_at_ms, clock_.NowMillis() + 10 * kMinute);
  EXPECT_EQ(Kinds(1).back(), "notified");
  EXPECT_THAT(Messages(1, EventKind::kReopened),
              ElementsAre("reopened: fired again 1740s after it was resolved (reopen window "
                          "30m)"));
  EXPECT_EQ(contacts_.sent().size(), 2u);  // escalation restarted at level 1

  Advance(kMinute);
  Flush({ResolvedAlert(a, clock_.NowMillis())});
  Advance(30 * kMinute + 1);
  Flush({a});
  ASSERT_EQ(All().size(), 2u);
  EXPECT_EQ(All()[0].id, 2);
  EXPECT_EQ(All()[0].state, State::kTriggered);
  EXPECT_EQ(All()[1].state, State::kResolved);
  // MTTR counts the first resolution of incident 1 only (the reopen does not count again).
  EXPECT_TRUE(HasSample(
      "osprey_incident_time_to_resolve_seconds_count{severity=\"warning\",service=\"\"} 1"));
}

TEST_F(ManagerTest, OnlyConfiguredReceiversAndFiringGroupsOpenIncidents) {
  cfg_.receivers = {"ops"};
  Open();
  Flush({FiringAlert("A")}, "g1", "other");
  Flush({ResolvedAlert(FiringAlert("B"), kStart)}, "g2", "ops");
  Flush({}, "g3", "ops");
  EXPECT_TRUE(All().empty());
}

TEST_F(ManagerTest, RoutesPickThePolicyOnCommonLabels) {
  config::EscalationPolicyConfig db;
  db.name = "db";
  db.levels.push_back({.targets = {{.person = "carol"}}});
  cfg_.escalation_policies.push_back(db);
  cfg_.routes.push_back({.matchers = {"team=\"web\"", "service=~\"d.*\""}, .policy = "db"});
  Open();
  // Both alerts have service=db: common label, the route matches.
  Flush({FiringAlert("A", {"service", "db"}), FiringAlert("B", {"service", "db"})}, "g1");
  // Services differ: not a common label, default policy.
  Flush({FiringAlert("A", {"service", "db"}), FiringAlert("B", {"service", "dx"})}, "g2");
  std::vector<Incident> all = All();
  EXPECT_EQ(all[1].policy, "db");
  EXPECT_EQ(all[0].policy, "ops");
  EXPECT_EQ(contacts_.people(), (std::vector<std::string>{"carol", "alice"}));
}

TEST_F(ManagerTest, BadConfigIsRejectedAndTheOldOneStays) {
  Open();
  config::IncidentsConfig bad = cfg_;
  bad.routes.push_back({.matchers = {"a=~\"(\""}});
  Status s = m_->ApplyConfig(bad, "");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("routes[0].matchers"), std::string::npos) << s.ToString();
  bad = cfg_;
  bad.default_policy = "nope";
  EXPECT_EQ(m_->ApplyConfig(bad, "").code(), StatusCode::kInvalidArgument);
  Flush({FiringAlert("A")});
  EXPECT_EQ(All()[0].policy, "ops");
}

TEST_F(ManagerTest, PipelineNotificationsGoOnTheTimeline) {
  Open();
  Flush({FiringAlert("A"), FiringAlert("B")});
  m_->observer()->OnNotified(Request("g1"), "webhook", 0, 2, 0, OkStatus());
  m_->observer()->OnNotified(Request("g1"), "email", 1, 2, 0, UnavailableError("smtp down"));
  m_->observer()->OnNotified(Request("g9"), "email", 0, 1, 0, OkStatus());  // no incident
  EXPECT_THAT(Messages(1, EventKind::kNotified),
              ElementsAre("notified alice by email alice@example.com (level 1): ok",
                          "receiver ops via webhook[0]: 2 firing, 0 resolved: ok",
                          "receiver ops via email[1]: 2 firing, 0 resolved: error smtp down"));
}

TEST_F(ManagerTest, AcknowledgeResolveNoteAssignAndSeverityAreRecorded) {
  Open();
  Flush({FiringAlert("A", {"service", "web"})});
  Advance(5 * kMinute);
  ASSERT_TRUE(m_->Acknowledge(1, {"alice", "api"}).ok());
  Status again = m_->Acknowledge(1, {"bob", "cli"});
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "incident 1 is already acknowledged by alice");
  EXPECT_EQ(m_->Acknowledge(7, {"bob", "cli"}).code(), StatusCode::kNotFound);
  ASSERT_TRUE(m_->AddNote(1, {"bob", "ui"}, "looking at the load balancer").ok());
  EXPECT_EQ(m_->AddNote(1, {"bob", "ui"}, "  ").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(m_->Assign(1, {"alice", "api"}, "bob").ok());
  EXPECT_EQ(m_->Assign(1, {"alice", "api"}, "dave").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(m_->SetSeverity(1, {"bob", "cli"}, Severity::kCritical).ok());
  Advance(5 * kMinute);
  ASSERT_TRUE(m_->Resolve(1, {"bob", "cli"}).ok());
  EXPECT_EQ(m_->Resolve(1, {"bob", "cli"}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(m_->Acknowledge(1, {"bob", "cli"}).code(), StatusCode::kFailedPrecondition);

  Incident inc = m_->Get(1).value();
  EXPECT_EQ(inc.state, State::kResolved);
  EXPECT_EQ(inc.acknowledged_by, "alice");
  EXPECT_EQ(inc.assignee, "bob");
  EXPECT_EQ(inc.severity, Severity::kCritical);
  EXPECT_EQ(TimeToAcknowledge(inc), 5 * kMinute);
  EXPECT_EQ(TimeToResolve(inc), 10 * kMinute);
  std::vector<Event> t = m_->Timeline(1).value();
  std::vector<std::string> tail;
  for (size_t i = 3; i < t.size(); ++i) tail.push_back(t[i].actor + ": " + t[i].message);
  EXPECT_EQ(tail, (std::vector<std::string>{
                      "alice: acknowledged by alice via api",
                      "bob: looking at the load balancer",
                      "alice: assigned to bob by alice via api",
                      "bob: severity changed from warning to critical by bob via cli",
                      "bob: resolved by bob via cli",
                  }));
  EXPECT_EQ(t[3].at_ms, kStart + 5 * kMinute);
  EXPECT_EQ(t[3].detail_json, R"({"via":"api"})");
  EXPECT_EQ(m_->Timeline(99).status().code(), StatusCode::kNotFound);
  // MTTA is labelled with the severity at acknowledgement, MTTR at resolution.
  EXPECT_TRUE(HasSample(
      "osprey_incident_time_to_acknowledge_seconds_sum{severity=\"warning\",service=\"web\"} "
      "300"));
  EXPECT_TRUE(HasSample(
      "osprey_incident_time_to_resolve_seconds_sum{severity=\"critical\",service=\"web\"} 600"));
}

TEST_F(ManagerTest, ListFiltersByStateSeverityAndService) {
  Open();
  Flush({FiringAlert("A", {"service", "web", "severity", "critical"})}, "g1");
  Flush({FiringAlert("B", {"service", "db"})}, "g2");
  Flush({FiringAlert("C", {"service", "web"})}, "g3");
  ASSERT_TRUE(m_->Resolve(3, {"alice"}).ok());
  auto ids = [&](IncidentFilter f) {
    std::vector<int64_t> out;
    for (const Incident& i : m_->List(f)) out.push_back(i.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(ids({.service = "web"}), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(ids({.open_only = true}), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(ids({.state = State::kResolved}), (std::vector<int64_t>{3}));
  EXPECT_EQ(ids({.severity = Severity::kCritical}), (std::vector<int64_t>{1}));
  EXPECT_EQ(ids({.limit = 1}), (std::vector<int64_t>{3}));
}

TEST_F(ManagerTest, AckLinkAcknowledgesOnceAndRejectsForgedExpiredAndReused) {
  Open();
  Flush({FiringAlert("A")});
  const std::string url = contacts_.sent().at(0).ack_url;
  const std::string token = url.substr(url.rfind('/') + 1);

  EXPECT_EQ(m_->AcknowledgeByLink("garbage").status().code(), StatusCode::kPermissionDenied);
  Result<Incident> acked = m_->AcknowledgeByLink(token);
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EXPECT_EQ(acked->state, State::kAcknowledged);
  EXPECT_EQ(acked->acknowledged_by, "alice");
  EXPECT_EQ(Messages(1, EventKind::kAcknowledged),
            (std::vector<std::string>{"acknowledged by alice via ack-link"}));
  Result<Incident> reused = m_->AcknowledgeByLink(token);
  EXPECT_EQ(reused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(reused.status().message().find("link already used"), std::string::npos);

  Flush({FiringAlert("B")}, "g2");
  const std::string url2 = contacts_.sent().at(1).ack_url;
  clock_.Advance(FakeAckLinks::kTtl + 1);
  EXPECT_EQ(m_->AcknowledgeByLink(url2.substr(url2.rfind('/') + 1)).status().code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(HasSample("osprey_incident_ack_links_total{outcome=\"ok\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incident_ack_links_total{outcome=\"forged\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incident_ack_links_total{outcome=\"expired\"} 1"));
  EXPECT_TRUE(HasSample("osprey_incident_ack_links_total{outcome=\"reused\"} 1"));
}

TEST_F(ManagerTest, OnCallNowAndNext) {
  Open();
  oncall_.Set("primary", {"alice", "bob"});
  std::vector<Manager::OnCallEntry> e = m_->OnCallNow();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].schedule, "primary");
  EXPECT_EQ(e[0].now, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(e[0].next, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(e[0].next_change_at_ms, kStart + 60 * kMinute);
}

TEST_F(ManagerTest, CorruptDatabaseIsDataLoss) {
  dir_.WriteFile("incidents.db", std::string(8192, 'x'));
  auto m = Manager::Open({.db_path = dir_.Join("incidents.db"), .clock = &clock_});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss) << m.status().ToString();
}

}  // namespace
}  // namespace osprey::incidents::internal
