// The whole path of issue #8 with a fake clock, through the real pieces the server wires:
// a rule (rules::Manager over PromQL on a MemStorage) fires, Osprey's Alertmanager
// (AlertingStack) routes it to a webhook receiver, the incident manager opens an incident,
// notifies level 1 (a webhook contact), nobody acknowledges, level 2 is notified after
// escalate_after, the signed link from the notification acknowledges, the alert resolves and
// the incident auto-resolves. The timeline and MTTA/MTTR are checked exactly, and the whole
// process is restarted in the middle (after level 2) without changing anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "alerting/notifiers/capture_server_test_util.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "config/config.h"
#include "incidents/ack_links.h"
#include "incidents/action_runner.h"
#include "incidents/contact_sender.h"
#include "incidents/manager.h"
#include "incidents/oncall.h"
#include "metrics/registry.h"
#include "promql/engine.h"
#include "rules/manager.h"
#include "server/alerting_stack.h"
#include "storage/mem_storage.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using alerting::notifiers::testing::CaptureServer;

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;
// Monday 2026-11-02 10:00:00 UTC: alice's week of the rotation that started at 09:00.
constexpr int64_t kT0 = 1'793'613'600'000;

std::string ConfigYaml(const CaptureServer& receiver, const CaptureServer& alice,
                       const CaptureServer& bob, const std::string& rules_glob) {
  std::string y;
  y += "global:\n  evaluation_interval: 1m\n";
  y += "rule_files: ['" + rules_glob + "']\n";
  y += "route:\n  receiver: ops\n  group_by: [alertname]\n  group_wait: 30s\n"
       "  group_interval: 5m\n  repeat_interval: 4h\n";
  y += "receivers:\n  - name: ops\n    webhook_configs:\n      - url: '" + receiver.Url("/ops") +
       "'\n";
  y += "incidents:\n  default_policy: ops\n  people:\n";
  y += "    - {name: alice, webhook: '" + alice.Url("/alice") + "'}\n";
  y += "    - {name: bob, webhook: '" + bob.Url("/bob") + "'}\n";
  y += R"(  schedules:
    - name: primary
      time_zone: UTC
      rotations:
        - name: weekly
          start: 2026-11-02T09:00:00
          hand_off: weekly
          participants: [alice, bob]
  escalation_policies:
    - name: ops
      levels:
        - targets: [{schedule: primary}]
          escalate_after: 10m
        - targets: [{person: bob}]
          escalate_after: 10m
)";
  return y;
}

constexpr char kRules[] = R"(groups:
  - name: api
    rules:
      - alert: ApiDown
        expr: up{job="api"} == 0
        labels: {severity: critical, service: api}
        annotations: {summary: "API is down"}
)";

// The ack link's token: the last path element of ack_url in a contact webhook body.
std::string AckToken(const std::string& body) {
  const std::string key = "\"ack_url\":\"";
  size_t at = body.find(key);
  if (at == std::string::npos) return "";
  size_t end = body.find('"', at + key.size());
  std::string url = body.substr(at + key.size(), end - at - key.size());
  return url.substr(url.rfind('/') + 1);
}

class IncidentFlowTest : public ::testing::Test {
 protected:
  // One Osprey process's worth of state; the storage, the capture servers and the data
  // directory survive a "restart".
  struct Process {
    metrics::Registry registry;
    std::unique_ptr<incidents::OnCallSchedules> oncall;
    std::unique_ptr<incidents::ConfiguredContactSender> contacts;
    std::unique_ptr<incidents::ConfiguredActionRunner> actions;
    std::unique_ptr<incidents::HmacAckLinks> ack_links;
    std::unique_ptr<incidents::Manager> incidents;
    std::unique_ptr<AlertingStack> alerting;
    std::unique_ptr<rules::Manager> rules;
  };

  void SetUp() override {
    dir_.WriteFile("rules/api.yml", kRules);
    auto cfg = config::ParseConfig(ConfigYaml(receiver_, alice_, bob_, dir_.Join("rules/*.yml")),
                                   "osprey.yml");
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    cfg_ = std::move(cfg).value();
    // The API has been down for a while: whatever time the rule group is aligned to, its
    // first evaluation finds it down.
    for (int64_t t = kT0 - 5 * kMin; t < kT0; t += 10 * kSec) Write(t, 0);
    Start();
  }
  void TearDown() override { Stop(); }

  void Start() {
    p_ = std::make_unique<Process>();
    auto oncall = incidents::OnCallSchedules::Build(cfg_.incidents);
    ASSERT_TRUE(oncall.ok()) << oncall.status().ToString();
    p_->oncall = std::move(oncall).value();
    p_->contacts = std::make_unique<incidents::ConfiguredContactSender>(
        clock_, incidents::ContactSenderOptions{.people = cfg_.incidents.people,
                                                .notify = cfg_.incidents.notify,
                                                .global = cfg_.global.alertmanager});
    p_->actions = std::make_unique<incidents::ConfiguredActionRunner>(clock_, kExternalUrl);
    auto links = incidents::HmacAckLinks::Open(dir_.Join("incidents.key"), 24 * 60 * kMin);
    ASSERT_TRUE(links.ok()) << links.status().ToString();
    p_->ack_links = std::move(links).value();
    auto m = incidents::Manager::Open({.db_path = dir_.Join("incidents.db"),
                                       .clock = &clock_,
                                       .registry = &p_->registry,
                                       .logger = &logger_,
                                       .oncall = p_->oncall.get(),
                                       .contacts = p_->contacts.get(),
                                       .actions = p_->actions.get(),
                                       .ack_links = p_->ack_links.get()});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    p_->incidents = std::move(m).value();
    ASSERT_TRUE(p_->incidents->ApplyConfig(cfg_.incidents, kExternalUrl).ok());
    auto stack = AlertingStack::Open({.data_dir = dir_.Join("alerting"),
                                      .fs = &fs_,
                                      .clock = &clock_,
                                      .registry = &p_->registry,
                                      .logger = &logger_,
                                      .observer = p_->incidents->observer()});
    ASSERT_TRUE(stack.ok()) << stack.status().ToString();
    p_->alerting = std::move(stack).value();
    ASSERT_TRUE(p_->alerting->ApplyConfig(cfg_, kExternalUrl).ok());
    AlertingStack* alerting = p_->alerting.get();
    p_->rules = std::make_unique<rules::Manager>(
        rules::ManagerOptions{.restore_queryable = &db_, .run_groups = false},
        [this](std::string_view expr, model::Timestamp at) -> Result<promql::Vector> {
          OSPREY_ASSIGN_OR_RETURN(promql::QueryResult r, engine_.Instant(db_, expr, at));
          return std::move(r.vector);
        },
        db_, [alerting](std::vector<model::Alert> alerts) { (void)alerting->Put(alerts); }, clock_,
        p_->registry);
    std::vector<std::string> files = {dir_.Join("rules/api.yml")};
    ASSERT_TRUE(
        p_->rules
            ->Update(files, {.interval = model::Duration::Minutes(1), .external_url = kExternalUrl})
            .ok());
    p_->rules->RestoreForTest(clock_.NowMillis());
  }

  void Stop() {
    if (p_ == nullptr) return;
    p_->rules->Stop();
    p_->alerting->Shutdown();
    p_->incidents->Shutdown();
    p_.reset();
  }

  void Write(int64_t t, double up) {
    auto app = db_.NewAppender();
    ASSERT_TRUE(app->Append(storage::kNoRef, model::Labels({{"__name__", "up"}, {"job", "api"}}),
                            {.t = t, .v = up})
                    .ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  // Advances the clock by `ms` in steps of at most 10 s, writing up{job="api"} = up at each
  // step as a 10 s scrape would, evaluating the rules at each minute boundary and letting every
  // timer due by then run.
  void Run(int64_t ms, double up) {
    const int64_t end = clock_.NowMillis() + ms;
    while (clock_.NowMillis() < end) {
      const int64_t now = clock_.NowMillis();
      Write(now, up);
      if (now % kMin == 0) p_->rules->EvalForTest(now);
      Settle();
      clock_.Advance(std::min<int64_t>(10 * kSec, end - now));
    }
    Settle();
  }
  void Settle() {
    for (int i = 0; i < 3; ++i) {
      p_->alerting->WaitIdleForTest();
      p_->incidents->WaitIdleForTest();
    }
  }

  static constexpr char kExternalUrl[] = "http://osprey.test";
  testing::TempDir dir_;
  testing::FakeClock clock_{kT0};
  Logger logger_{LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}};
  PosixFileSystem fs_;
  storage::MemStorage db_;
  promql::Engine engine_{promql::EngineOptions{}};
  CaptureServer receiver_, alice_, bob_;
  config::Config cfg_;
  std::unique_ptr<Process> p_;
};

TEST_F(IncidentFlowTest, FiresEscalatesIsAcknowledgedByLinkAndAutoResolves) {
  // 10:00 the API is down. The rule fires, the group is flushed (at once: the alert is older
  // than group_wait) and the receiver and level 1 (alice, on call this week) are notified.
  Run(30 * kSec, 0);
  ASSERT_EQ(receiver_.Requests().size(), 1u);
  ASSERT_EQ(alice_.Requests().size(), 1u);
  EXPECT_TRUE(bob_.Requests().empty());
  std::vector<incidents::Incident> open = p_->incidents->List({.open_only = true});
  ASSERT_EQ(open.size(), 1u);
  const int64_t id = open[0].id;
  const int64_t opened = open[0].opened_at_ms;
  EXPECT_GE(opened, kT0);
  EXPECT_LE(opened, kT0 + 30 * kSec);
  EXPECT_EQ(open[0].title, "API is down");
  EXPECT_EQ(open[0].severity, config::IncidentSeverity::kCritical);
  EXPECT_EQ(open[0].services, std::vector<std::string>{"api"});
  EXPECT_EQ(open[0].state, incidents::State::kTriggered);
  EXPECT_EQ(open[0].policy, "ops");
  EXPECT_EQ(open[0].next_escalation_at_ms, opened + 10 * kMin);
  EXPECT_NE(alice_.Requests()[0].body.find("\"title\":\"API is down\""), std::string::npos)
      << alice_.Requests()[0].body;

  // Nobody acknowledges: 10 minutes after the incident opened, level 2 (bob) is notified.
  Run(opened + 10 * kMin - kSec - clock_.NowMillis(), 0);
  EXPECT_TRUE(bob_.Requests().empty());
  Run(kSec, 0);
  ASSERT_EQ(bob_.Requests().size(), 1u);
  EXPECT_EQ(alice_.Requests().size(), 1u);

  // A restart in the middle: nothing is sent twice, nothing is lost.
  Run(2 * kMin, 0);
  Stop();
  Start();
  Run(5 * kMin, 0);
  EXPECT_EQ(receiver_.Requests().size(), 1u);
  EXPECT_EQ(alice_.Requests().size(), 1u);
  EXPECT_EQ(bob_.Requests().size(), 1u);
  ASSERT_EQ(p_->incidents->List({}).size(), 1u);

  // Alice acknowledges with the link from her notification; a second click is refused.
  const int64_t ack_at = clock_.NowMillis();
  const std::string token = AckToken(alice_.Requests()[0].body);
  ASSERT_FALSE(token.empty()) << alice_.Requests()[0].body;
  auto acked = p_->incidents->AcknowledgeByLink(token);
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EXPECT_EQ(acked->state, incidents::State::kAcknowledged);
  EXPECT_EQ(acked->acknowledged_by, "alice");
  EXPECT_EQ(acked->next_escalation_at_ms, 0);
  EXPECT_EQ(p_->incidents->AcknowledgeByLink(token).status().code(), StatusCode::kAlreadyExists);

  // The API comes back; the rule resolves, the receiver hears of it at the next group
  // interval, and the incident resolves with it.
  Run(12 * kMin, 1);
  auto done = p_->incidents->Get(id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, incidents::State::kResolved);
  EXPECT_EQ(done->resolved_by, "system");
  EXPECT_EQ(bob_.Requests().size(), 1u);  // acknowledged: no more escalation
  ASSERT_EQ(receiver_.Requests().size(), 2u);
  EXPECT_NE(receiver_.Requests()[1].body.find("\"status\":\"resolved\""), std::string::npos);
  const int64_t resolved = done->resolved_at_ms;
  EXPECT_GT(resolved, ack_at);
  EXPECT_EQ(incidents::TimeToAcknowledge(*done), ack_at - opened);
  EXPECT_EQ(incidents::TimeToResolve(*done), resolved - opened);

  // The timeline tells the story. Events at the same instant come from concurrent senders:
  // compare them sorted by time, then kind.
  auto timeline = p_->incidents->Timeline(id);
  ASSERT_TRUE(timeline.ok());
  std::vector<std::string> got;
  for (const incidents::Event& e : *timeline) {
    std::string at = e.at_ms == opened   ? "opened"
                     : e.at_ms == ack_at ? "ack_at"
                     : e.at_ms == resolved
                         ? "resolved"
                         : "opened+" + std::to_string((e.at_ms - opened) / kSec) + "s";
    got.push_back(at.append(" ")
                      .append(incidents::EventKindName(e.kind))
                      .append(" [")
                      .append(e.actor)
                      .append("] ")
                      .append(e.message));
  }
  std::stable_sort(got.begin(), got.end(), [&](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& x) {
      if (x.starts_with("opened ")) return 0;
      if (x.starts_with("opened+")) return 1;
      if (x.starts_with("ack_at")) return 2;
      return 3;
    };
    return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
  });
  const std::string alice_url = alice_.Url("/alice"), bob_url = bob_.Url("/bob");
  const std::string alert =
      "ApiDown {alertname=\"ApiDown\", job=\"api\", service=\"api\", severity=\"critical\"}";
  EXPECT_EQ(
      got,
      (std::vector<std::string>{
          "opened alert_fired [system] alert fired: " + alert,
          "opened notified [system] notified alice by webhook " + alice_url + " (level 1): ok",
          "opened notified [system] receiver ops via webhook[0]: 1 firing, 0 "
          "resolved: ok",
          "opened opened [system] opened: API is down",
          "opened+600s escalated [system] not acknowledged within 10m: escalated to "
          "level 2",
          "opened+600s notified [system] notified bob by webhook " + bob_url + " (level 2): ok",
          "ack_at acknowledged [alice] acknowledged by alice via ack-link",
          "resolved alert_resolved [system] alert resolved: " + alert,
          "resolved notified [system] receiver ops via webhook[0]: 0 firing, 1 "
          "resolved: ok",
          "resolved resolved [system] resolved by system via system",
      }));

  // MTTA and MTTR as metrics by service and severity (this process saw the ack and the
  // resolution; the restart happened before).
  const std::string text = p_->registry.ExpositionText();
  EXPECT_NE(text.find("osprey_incident_time_to_acknowledge_seconds_sum{severity=\"critical\","
                      "service=\"api\"} " +
                      std::to_string((ack_at - opened) / kSec)),
            std::string::npos);
  EXPECT_NE(text.find("osprey_incident_time_to_resolve_seconds_sum{severity=\"critical\","
                      "service=\"api\"} " +
                      std::to_string((resolved - opened) / kSec)),
            std::string::npos);
  EXPECT_NE(text.find("osprey_incident_ack_links_total{outcome=\"reused\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace osprey::server
