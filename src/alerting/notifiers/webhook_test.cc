#include "alerting/notifiers/webhook.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "alerting/notifiers/capture_server_test_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/notifiers/notifiers_test_util.h"
#include "alerting/template_data.h"
#include "base/strings.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace osprey::alerting::notifiers {
namespace {

using testing::CaptureServer;
using testing::Context;
using testing::Deps;
using testing::TwoAlerts;

// What Alertmanager 0.25's webhook notifier sends for this notification (Go's encoder: struct
// field order, sorted map keys, HTML-safe escaping, RFC 3339 times, a trailing newline).
constexpr std::string_view kGolden =
    R"({"receiver":"team-a\\.web","status":"firing","alerts":[)"
    R"({"status":"firing","labels":{"alertname":"HighLatency","instance":"a:9090","job":"api"},)"
    R"("annotations":{"summary":"p99 \u003e 1s \u003cb\u003e"},"startsAt":"2023-11-14T22:13:20.123Z",)"
    R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://osprey:9090/graph?g0.expr=x\u0026g0.tab=1",)"
    R"("fingerprint":"FP1"},)"
    R"({"status":"resolved","labels":{"alertname":"HighLatency","instance":"b:9090","job":"api"},)"
    R"("annotations":{"summary":"p99 \u003e 1s \u003cb\u003e"},"startsAt":"2023-11-14T22:13:20Z",)"
    R"("endsAt":"2023-11-14T22:14:20.5Z","generatorURL":"http://osprey:9090/graph?g0.expr=x\u0026g0.tab=1",)"
    R"("fingerprint":"FP2"}],)"
    R"("groupLabels":{"alertname":"HighLatency"},"commonLabels":{"alertname":"HighLatency","job":"api"},)"
    R"("commonAnnotations":{"summary":"p99 \u003e 1s \u003cb\u003e"},"externalURL":"http://osprey.example:9090",)"
    R"("version":"4","groupKey":"{}/{job=\"api\"}:{alertname=\"HighLatency\"}","truncatedAlerts":0})"
    "\n";

std::string Golden(const std::vector<model::Alert>& alerts) {
  std::string g(kGolden);
  g = StrReplaceAll(g, "FP1", FingerprintText(alerts[0].Fingerprint()));
  return StrReplaceAll(g, "FP2", FingerprintText(alerts[1].Fingerprint()));
}

TEST(WebhookTest, PostsAlertmanagersExactJson) {
  CaptureServer server;
  Deps deps;
  config::WebhookConfig c;
  c.url = server.Url("/hook");
  auto n = NewWebhookNotifier(c, deps.deps);
  const auto alerts = TwoAlerts();
  NotifyResult r = n->Notify(Context(), alerts);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/hook");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].body, Golden(alerts));
  EXPECT_EQ(FingerprintText(alerts[0].Fingerprint()).size(), 16u);
  EXPECT_EQ(n->integration(), "webhook");
  EXPECT_TRUE(n->send_resolved());
}

TEST(WebhookTest, MaxAlertsTruncatesAndCountsTheRest) {
  const auto alerts = TwoAlerts();
  const std::string body =
      WebhookJson(MakeTemplateData(Context(), std::span(alerts).first(1)), "k", 1);
  EXPECT_NE(body.find(R"("truncatedAlerts":1})"), std::string::npos);
  CaptureServer server;
  Deps deps;
  config::WebhookConfig c;
  c.url = server.Url("/hook");
  c.max_alerts = 1;
  ASSERT_TRUE(NewWebhookNotifier(c, deps.deps)->Notify(Context(), alerts).status.ok());
  const std::string sent = server.Requests().at(0).body;
  EXPECT_NE(sent.find(R"("truncatedAlerts":1})"), std::string::npos);
  EXPECT_EQ(sent.find("b:9090"), std::string::npos);
}

TEST(WebhookTest, SendsBasicAuthAndBearerFromHttpConfig) {
  CaptureServer server;
  Deps deps;
  config::WebhookConfig c;
  c.url = server.Url("/hook");
  c.http_config.basic_auth =
      config::BasicAuth{.username = "u", .password = "p", .password_file = ""};
  ASSERT_TRUE(NewWebhookNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  c.http_config.basic_auth.reset();
  c.http_config.authorization =
      config::Authorization{.type = "Bearer", .credentials = "tok", .credentials_file = ""};
  ASSERT_TRUE(NewWebhookNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("Authorization"), "Basic dTpw");
  EXPECT_EQ(reqs[1].Header("Authorization"), "Bearer tok");
}

TEST(WebhookTest, ClassifiesResponsesForRetry) {
  struct Case {
    int status;
    bool ok;
    bool retry;
  };
  const Case cases[] = {{200, true, false}, {204, true, false}, {429, false, true},
                        {500, false, true}, {503, false, true}, {400, false, false},
                        {404, false, false}};
  CaptureServer server;
  Deps deps;
  config::WebhookConfig c;
  c.url = server.Url("/hook?token=secret");
  auto n = NewWebhookNotifier(c, deps.deps);
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.status);
    server.Reply(tc.status, std::string("why: ") + std::string(1000, 'x'));
    NotifyResult r = n->Notify(Context(), TwoAlerts());
    EXPECT_EQ(r.status.ok(), tc.ok);
    EXPECT_EQ(r.retry, tc.retry);
    if (!tc.ok) {
      const std::string& m = r.status.message();
      EXPECT_NE(m.find(std::string("unexpected status code ").append(std::to_string(tc.status))),
                std::string::npos)
          << m;
      EXPECT_NE(m.find("why: xxx"), std::string::npos) << m;
      EXPECT_LT(m.size(), 500u) << "the body excerpt is bounded";
      EXPECT_EQ(m.find("secret"), std::string::npos) << "the query may hold a token: " << m;
    }
  }
}

TEST(WebhookTest, NetworkErrorsAreRetryable) {
  Deps deps;
  config::WebhookConfig c;
  c.url = std::string("http://127.0.0.1:")
              .append(std::to_string(osprey::testing::FreeLocalPort()))
              .append("/hook?token=s3cret");
  NotifyResult r = NewWebhookNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.retry);
  EXPECT_EQ(r.status.message().rfind("webhook: ", 0), 0u) << r.status.message();
  // The client's error names the URL: only its redacted form may show.
  EXPECT_EQ(r.status.message().find("s3cret"), std::string::npos) << r.status.message();
}

TEST(WebhookTest, UrlFileIsReadAtSendTime) {
  CaptureServer server;
  Deps deps;
  config::WebhookConfig c;
  c.url_file = "/nonexistent/osprey/url";
  NotifyResult r = NewWebhookNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("/nonexistent/osprey/url"), std::string::npos);
}

// The value of the first `"key":"..."` in a JSON text, or "".
std::string JsonStringField(std::string_view json, std::string_view key) {
  const std::string needle = std::string("\"").append(key).append("\":\"");
  const size_t p = json.find(needle);
  if (p == std::string_view::npos) return "";
  std::string out;
  for (size_t i = p + needle.size(); i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) ++i;
    out += json[i];
  }
  return out;
}

// The real Alertmanager, given the same alert, posts the same bytes as WebhookJson (after
// swapping in its fingerprint: Osprey hashes labels differently).
TEST(WebhookTest, MatchesTheRealAlertmanagersBody) {
  const std::string am = osprey::testing::FindExecutable({"/usr/bin/prometheus-alertmanager"});
  if (am.empty()) {
    if (osprey::testing::RunningUnderCi()) FAIL() << "prometheus-alertmanager is required";
    GTEST_SKIP() << "prometheus-alertmanager not installed";
  }
  CaptureServer hook;
  osprey::testing::TempDir dir;
  const std::string config = dir.WriteFile(
      "alertmanager.yml", std::string("route:\n  receiver: hook\n  group_by: [alertname]\n")
                              .append("  group_wait: 10ms\nreceivers:\n  - name: hook\n")
                              .append("    webhook_configs:\n      - url: ")
                              .append(hook.Url("/hook"))
                              .append("\n"));
  const int port = osprey::testing::FreeLocalPort();
  auto proc = osprey::testing::ChildProcess::Start(
      {am, std::string("--config.file=").append(config),
       std::string("--storage.path=").append(dir.Join("data")),
       std::string("--web.listen-address=127.0.0.1:").append(std::to_string(port)),
       "--cluster.listen-address=", "--web.external-url=http://osprey.example:9090"},
      dir.Join("am.log"));
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  ASSERT_TRUE(osprey::testing::WaitForPort(port)) << (*proc)->Log();
  const std::string alert =
      R"([{"labels":{"alertname":"HighLatency","instance":"a:9090","job":"api"},)"
      R"("annotations":{"summary":"p99 > 1s <b>"},"startsAt":"2023-11-14T22:13:20.123Z",)"
      R"("generatorURL":"http://osprey:9090/graph?g0.expr=x&g0.tab=1"}])";
  auto posted = osprey::testing::HttpPost(port, "/api/v2/alerts", alert, "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  ASSERT_EQ(posted->status, 200) << posted->body;
  // Alertmanager delivers after group_wait; wait for the request (bounded).
  std::vector<testing::CapturedRequest> reqs;
  for (int i = 0; i < 1000 && reqs.empty(); ++i) {
    reqs = hook.Requests();
    if (reqs.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(reqs.size(), 1u) << (*proc)->Log();
  const std::string& got = reqs[0].body;

  auto alerts = TwoAlerts();
  alerts.resize(1);
  NotifyContext ctx = Context();
  ctx.receiver = "hook";
  ctx.group_key = JsonStringField(got, "groupKey");
  std::string want = WebhookJson(MakeTemplateData(ctx, alerts), ctx.group_key, 0);
  want = StrReplaceAll(want, FingerprintText(alerts[0].Fingerprint()),
                       JsonStringField(got, "fingerprint"));
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace osprey::alerting::notifiers
