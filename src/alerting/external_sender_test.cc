#include "alerting/external_sender.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "alerting/notifiers/capture_server_test_util.h"
#include "metrics/registry.h"

namespace osprey::alerting {
namespace {

using notifiers::testing::CapturedRequest;
using notifiers::testing::CaptureServer;

// Polls `done` until it holds or a generous deadline passes (a safety net, not a timing check).
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

std::string HostPort(const CaptureServer& s) {
  std::string url = s.Url("");
  return url.substr(std::string_view("http://").size());
}

config::AlertingConfig OneAlertmanager(std::vector<std::string> targets) {
  config::AlertingConfig c;
  config::AlertmanagerEndpointConfig am;
  am.static_configs.push_back({.targets = std::move(targets), .labels = {}});
  c.alertmanagers.push_back(std::move(am));
  return c;
}

model::Alert MakeAlert(std::string_view name, std::string_view instance = "a:9100") {
  return {.labels = model::Labels::FromStrings({"alertname", name, "instance", instance}),
          .annotations = model::Labels::FromStrings({"summary", "disk <full> & more"}),
          .starts_at = 1700000000123,
          .ends_at = 1700000060000,
          .generator_url = "http://osprey:9090/graph?g0.expr=up&g0.tab=1"};
}

// Drops alerts carrying `drop="true"` and sets `relabeled="yes"`: enough to see that the
// sender applies the function the factory built (the real relabeler lives in ingest).
Result<RelabelFunc> FakeRelabeler(std::span<const config::RelabelConfig> rules) {
  if (rules.empty()) return InvalidArgumentError("no rules");
  if (rules[0].regex == "(") return InvalidArgumentError("bad regex \"(\"");
  return RelabelFunc([](const model::Labels& in) -> std::optional<model::Labels> {
    if (in.Get("drop") == "true") return std::nullopt;
    return model::LabelsBuilder(in).Set("relabeled", "yes").Build();
  });
}

class ExternalSenderTest : public ::testing::Test {
 protected:
  ExternalAlertSender& Sender(size_t capacity = 10000) {
    sender_ = std::make_unique<ExternalAlertSender>(
        ExternalAlertSenderOptions{.registry = &registry_,
                                   .logger = &logger_,
                                   .relabeler_factory = FakeRelabeler,
                                   .queue_capacity = capacity});
    return *sender_;
  }
  double Metric(std::string_view series) {
    std::string text = registry_.ExpositionText();
    std::string key = std::string(series) + " ";
    for (size_t p = text.find(key); p != std::string::npos; p = text.find(key, p + 1)) {
      if (p == 0 || text[p - 1] == '\n') {
        return std::stod(text.substr(p + key.size(), text.find('\n', p) - p - key.size()));
      }
    }
    return -1;
  }

  metrics::Registry registry_;
  Logger logger_{LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}};
  std::unique_ptr<ExternalAlertSender> sender_;
};

TEST(EncodePostableAlertsTest, WritesAlertmanagerV2Json) {
  model::Alert resolved = MakeAlert("B");
  resolved.annotations = {};
  resolved.generator_url.clear();
  resolved.starts_at = 0;
  std::vector<model::Alert> alerts = {MakeAlert("A"), resolved};
  EXPECT_EQ(EncodePostableAlerts(alerts),
            R"([{"labels":{"alertname":"A","instance":"a:9100"},)"
            R"("annotations":{"summary":"disk \u003cfull\u003e \u0026 more"},)"
            R"("startsAt":"2023-11-14T22:13:20.123Z","endsAt":"2023-11-14T22:14:20.000Z",)"
            R"("generatorURL":"http://osprey:9090/graph?g0.expr=up\u0026g0.tab=1"},)"
            R"({"labels":{"alertname":"B","instance":"a:9100"},"annotations":{},)"
            R"("endsAt":"2023-11-14T22:14:20.000Z"}])");
  EXPECT_EQ(EncodePostableAlerts({}), "[]");
}

TEST_F(ExternalSenderTest, PostsExactJsonWithExternalLabelsToAlertsPath) {
  CaptureServer am;
  config::AlertingConfig c = OneAlertmanager({HostPort(am)});
  c.alertmanagers[0].path_prefix = "/am/";
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(
      s.ApplyConfig(c, model::Labels::FromStrings({"cluster", "eu1", "instance", "ext"})).ok());
  EXPECT_EQ(s.AlertmanagerUrls(), std::vector<std::string>{am.Url("/am/api/v2/alerts")});
  EXPECT_TRUE(s.HasAlertmanagers());
  EXPECT_EQ(Metric("prometheus_notifications_alertmanagers_discovered"), 1);
  EXPECT_EQ(Metric("prometheus_notifications_queue_capacity"), 10000);

  s.Send({MakeAlert("A")});
  ASSERT_TRUE(WaitFor([&] { return am.Requests().size() == 1; }));
  const CapturedRequest r = am.Requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/am/api/v2/alerts");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("User-Agent"), "Osprey");
  // The alert's own instance label wins over the external one.
  EXPECT_EQ(r.body, R"([{"labels":{"alertname":"A","cluster":"eu1","instance":"a:9100"},)"
                    R"("annotations":{"summary":"disk \u003cfull\u003e \u0026 more"},)"
                    R"("startsAt":"2023-11-14T22:13:20.123Z","endsAt":"2023-11-14T22:14:20.000Z",)"
                    R"("generatorURL":"http://osprey:9090/graph?g0.expr=up\u0026g0.tab=1"}])");
  const std::string url = am.Url("/am/api/v2/alerts");
  ASSERT_TRUE(WaitFor([&] {
    return Metric("prometheus_notifications_sent_total{alertmanager=\"" + url + "\"}") == 1;
  }));
  EXPECT_EQ(Metric("prometheus_notifications_errors_total{alertmanager=\"" + url + "\"}"), 0);
  EXPECT_EQ(Metric("prometheus_notifications_latency_seconds_count{alertmanager=\"" + url + "\"}"),
            1);
  EXPECT_EQ(Metric("prometheus_notifications_dropped_total"), 0);
}

TEST_F(ExternalSenderTest, SendsInBatchesOfAtMost64) {
  CaptureServer am;
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(OneAlertmanager({HostPort(am)}), {}).ok());
  std::vector<model::Alert> alerts;
  for (int i = 0; i < 150; ++i) alerts.push_back(MakeAlert("A", "host" + std::to_string(i)));
  s.Send(alerts);
  size_t total = 0;
  ASSERT_TRUE(WaitFor([&] {
    total = 0;
    for (const CapturedRequest& r : am.Requests()) {
      for (size_t p = r.body.find("\"alertname\""); p != std::string::npos;
           p = r.body.find("\"alertname\"", p + 1)) {
        ++total;
      }
    }
    return total == 150;
  }));
  const std::vector<CapturedRequest> requests = am.Requests();
  EXPECT_GE(requests.size(), 3u);
  for (const CapturedRequest& r : requests) {
    size_t n = 0;
    for (size_t p = r.body.find("\"alertname\""); p != std::string::npos;
         p = r.body.find("\"alertname\"", p + 1)) {
      ++n;
    }
    EXPECT_LE(n, 64u);
  }
  // First in, first out.
  EXPECT_NE(requests[0].body.find("\"instance\":\"host0\""), std::string::npos);
}

TEST_F(ExternalSenderTest, SendsAuthorizationHeaders) {
  CaptureServer basic;
  CaptureServer bearer;
  config::AlertingConfig c = OneAlertmanager({HostPort(basic)});
  c.alertmanagers[0].http_client.basic_auth = config::BasicAuth{.username = "u", .password = "p"};
  config::AlertmanagerEndpointConfig second;
  second.static_configs.push_back({.targets = {HostPort(bearer)}, .labels = {}});
  second.http_client.authorization = config::Authorization{.type = "Bearer", .credentials = "tok"};
  c.alertmanagers.push_back(second);
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(c, {}).ok());
  s.Send({MakeAlert("A")});
  ASSERT_TRUE(
      WaitFor([&] { return basic.Requests().size() == 1 && bearer.Requests().size() == 1; }));
  EXPECT_EQ(basic.Requests()[0].Header("Authorization"), "Basic dTpw");
  EXPECT_EQ(bearer.Requests()[0].Header("Authorization"), "Bearer tok");
}

TEST_F(ExternalSenderTest, FailingAlertmanagerIsCountedAndDoesNotStopTheOther) {
  CaptureServer failing;
  failing.Reply(500, "boom");
  CaptureServer ok;
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(OneAlertmanager({HostPort(failing), HostPort(ok)}), {}).ok());
  s.Send({MakeAlert("A"), MakeAlert("B")});
  ASSERT_TRUE(WaitFor([&] { return ok.Requests().size() == 1 && failing.Requests().size() == 1; }));
  const std::string bad_url = failing.Url("/api/v2/alerts");
  const std::string good_url = ok.Url("/api/v2/alerts");
  ASSERT_TRUE(WaitFor([&] {
    return Metric("prometheus_notifications_errors_total{alertmanager=\"" + bad_url + "\"}") == 2 &&
           Metric("prometheus_notifications_sent_total{alertmanager=\"" + good_url + "\"}") == 2;
  }));
  EXPECT_EQ(Metric("prometheus_notifications_errors_total{alertmanager=\"" + good_url + "\"}"), 0);
  // One Alertmanager took the batch: nothing is dropped.
  EXPECT_EQ(Metric("prometheus_notifications_dropped_total"), 0);
}

TEST_F(ExternalSenderTest, BatchNoAlertmanagerTookIsDropped) {
  CaptureServer failing;
  failing.Reply(503, "down");
  ExternalAlertSender& s = Sender();
  // The second target refuses connections: a port nothing listens on after the server stops.
  std::string refused;
  {
    CaptureServer gone;
    refused = HostPort(gone);
  }
  ASSERT_TRUE(s.ApplyConfig(OneAlertmanager({HostPort(failing), refused}), {}).ok());
  s.Send({MakeAlert("A"), MakeAlert("B"), MakeAlert("C")});
  ASSERT_TRUE(WaitFor([&] { return Metric("prometheus_notifications_dropped_total") == 3; }));
  EXPECT_EQ(Metric(std::string("prometheus_notifications_errors_total{alertmanager=\"http://")
                       .append(refused)
                       .append("/api/v2/alerts\"}")),
            3);
}

TEST_F(ExternalSenderTest, FullQueueDropsOldestAndCounts) {
  CaptureServer am;
  ExternalAlertSender& s = Sender(/*capacity=*/3);
  ASSERT_TRUE(s.ApplyConfig(OneAlertmanager({HostPort(am)}), {}).ok());
  // One Send is queued under one lock: the sending thread cannot take any before the drop.
  s.Send({MakeAlert("A1"), MakeAlert("A2"), MakeAlert("A3"), MakeAlert("A4"), MakeAlert("A5")});
  EXPECT_EQ(Metric("prometheus_notifications_dropped_total"), 2);
  ASSERT_TRUE(WaitFor([&] { return !am.Requests().empty(); }));
  std::string bodies;
  ASSERT_TRUE(WaitFor([&] {
    bodies.clear();
    for (const CapturedRequest& r : am.Requests()) bodies += r.body;
    return bodies.find("\"A5\"") != std::string::npos;
  }));
  EXPECT_EQ(bodies.find("\"A1\""), std::string::npos);
  EXPECT_EQ(bodies.find("\"A2\""), std::string::npos);
  EXPECT_NE(bodies.find("\"A3\""), std::string::npos);
  EXPECT_NE(bodies.find("\"A4\""), std::string::npos);
}

TEST_F(ExternalSenderTest, AppliesRelabelingToTargetsAndAlerts) {
  CaptureServer am;
  config::AlertingConfig c = OneAlertmanager({HostPort(am), "dropped:9093"});
  c.alertmanagers[0].static_configs[0].labels = {{"drop", "false"}};
  config::AlertmanagerEndpointConfig dropped;
  dropped.static_configs.push_back({.targets = {"x:1"}, .labels = {{"drop", "true"}}});
  dropped.relabel_configs.push_back({});
  c.alertmanagers.push_back(dropped);
  c.alert_relabel_configs.push_back({});
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(c, {}).ok());
  EXPECT_EQ(s.AlertmanagerUrls().size(), 2u);  // x:1 dropped by its relabel_configs

  model::Alert keep = MakeAlert("Keep");
  model::Alert drop = MakeAlert("Drop");
  drop.labels = model::LabelsBuilder(drop.labels).Set("drop", "true").Build();
  s.Send({drop, keep});
  ASSERT_TRUE(WaitFor([&] { return am.Requests().size() == 1; }));
  const std::string body = am.Requests()[0].body;
  EXPECT_EQ(body.find("\"Drop\""), std::string::npos);
  EXPECT_NE(body.find(R"("alertname":"Keep","instance":"a:9100","relabeled":"yes")"),
            std::string::npos)
      << body;
}

TEST_F(ExternalSenderTest, RejectsBadConfigsAndKeepsThePreviousOne) {
  CaptureServer am;
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(OneAlertmanager({HostPort(am)}), {}).ok());

  config::AlertingConfig bad_regex = OneAlertmanager({"a:1"});
  bad_regex.alertmanagers[0].relabel_configs.push_back({.regex = "("});
  Status st = s.ApplyConfig(bad_regex, {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("alerting.alertmanagers[0].relabel_configs"), std::string::npos)
      << st.ToString();

  config::AlertingConfig bad_address = OneAlertmanager({"a:1/path"});
  st = s.ApplyConfig(bad_address, {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("a:1/path"), std::string::npos) << st.ToString();

  config::AlertingConfig v1 = OneAlertmanager({"a:1"});
  v1.alertmanagers[0].api_version = "v1";
  EXPECT_EQ(s.ApplyConfig(v1, {}).code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(s.AlertmanagerUrls(), std::vector<std::string>{am.Url("/api/v2/alerts")});

  // Without a factory, relabeling rules are rejected with a clear error.
  metrics::Registry other;
  ExternalAlertSender plain({.registry = &other, .logger = &logger_});
  config::AlertingConfig relabel = OneAlertmanager({"a:1"});
  relabel.alert_relabel_configs.push_back({});
  st = plain.ApplyConfig(relabel, {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("alerting.alert_relabel_configs"), std::string::npos);
}

TEST_F(ExternalSenderTest, NoAlertmanagersMeansNothingQueuedAndStopIsIdempotent) {
  ExternalAlertSender& s = Sender();
  EXPECT_FALSE(s.HasAlertmanagers());
  s.Send({MakeAlert("A")});
  EXPECT_EQ(s.QueueLengthForTest(), 0u);
  EXPECT_EQ(Metric("prometheus_notifications_alertmanagers_discovered"), 0);
  s.Stop();
  s.Stop();
}

TEST_F(ExternalSenderTest, StoppedSenderQueuesNothing) {
  CaptureServer am;
  config::AlertingConfig c = OneAlertmanager({HostPort(am)});
  c.alertmanagers[0].timeout = model::Duration::Seconds(3600);
  ExternalAlertSender& s = Sender();
  ASSERT_TRUE(s.ApplyConfig(c, {}).ok());
  s.Send({MakeAlert("A")});
  ASSERT_TRUE(WaitFor([&] { return am.Requests().size() == 1; }));
  s.Stop();
  s.Send({MakeAlert("B")});
  EXPECT_EQ(s.QueueLengthForTest(), 0u);
}

}  // namespace
}  // namespace osprey::alerting
