// Request shapes of the chat, incident and SMS integrations, against a capturing server.
#include <gtest/gtest.h>

#include "alerting/notifiers/capture_server_test_util.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/notifiers/notifiers_test_util.h"
#include "alerting/template_data.h"
#include "testing/child_process.h"

namespace osprey::alerting::notifiers {
namespace {

using testing::CaptureServer;
using testing::Context;
using testing::Deps;
using testing::TwoAlerts;

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Concatenation without `"literal" + std::string` (g++ 12's false -Wrestrict).
template <typename... T>
std::string Cat(const T&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

std::vector<model::Alert> ResolvedOnly() {
  auto alerts = TwoAlerts();
  alerts.erase(alerts.begin());
  return alerts;
}

// An incoming webhook's path is its token: neither a refusal nor a network error shows it.
TEST(SlackTest, ErrorsShowOnlyTheHostOfTheWebhook) {
  CaptureServer server;
  Deps deps;
  config::SlackConfig c;
  c.api_url = server.Url("/services/T0/B0/s3cretToken");
  server.Reply(404, "no_team");
  NotifyResult refused = NewSlackNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  ASSERT_FALSE(refused.status.ok());
  EXPECT_TRUE(Contains(refused.status.message(), "/<secret>")) << refused.status.message();
  EXPECT_FALSE(Contains(refused.status.message(), "s3cretToken")) << refused.status.message();

  config::MsTeamsConfig t;
  t.webhook_url = std::string("http://127.0.0.1:")
                      .append(std::to_string(osprey::testing::FreeLocalPort()))
                      .append("/webhookb2/s3cretToken");
  NotifyResult down = NewMsTeamsNotifier(t, deps.deps)->Notify(Context(), TwoAlerts());
  ASSERT_FALSE(down.status.ok());
  EXPECT_TRUE(down.retry);
  EXPECT_FALSE(Contains(down.status.message(), "s3cretToken")) << down.status.message();
}

TEST(SlackTest, PostsOneAttachmentWithDefaultTemplates) {
  CaptureServer server;
  Deps deps;
  config::SlackConfig c;
  c.api_url = server.Url("/services/T/B/X");
  c.channel = "#alerts";
  c.fields.push_back({.title = "Job", .value = "{{ .CommonLabels.job }}", .short_field = {}});
  ASSERT_TRUE(NewSlackNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string& b = reqs[0].body;
  EXPECT_EQ(reqs[0].target, "/services/T/B/X");
  EXPECT_TRUE(Contains(b, R"({"channel":"#alerts","username":"Osprey","attachments":[{)")) << b;
  EXPECT_TRUE(Contains(b, R"j("title":"[FIRING:1] HighLatency (api)")j")) << b;
  EXPECT_TRUE(
      Contains(b, R"("title_link":"http://osprey.example:9090/alerting?receiver=team-a%5C.web")"))
      << b;
  EXPECT_TRUE(Contains(b, R"("color":"danger")")) << b;
  EXPECT_TRUE(Contains(b, R"("fields":[{"title":"Job","value":"api","short":false}])")) << b;
  EXPECT_TRUE(Contains(b, R"("mrkdwn_in":["fallback","pretext","text"])")) << b;
  // Every default message links to the alert in Osprey.
  EXPECT_TRUE(
      Contains(b, Cat("/alerting?fingerprint=", FingerprintText(TwoAlerts()[0].Fingerprint()))))
      << b;
  EXPECT_EQ(deps.TemplateErrors("slack"), 0);
}

TEST(MsTeamsTest, PostsAMessageCard) {
  CaptureServer server;
  Deps deps;
  config::MsTeamsConfig c;
  c.webhook_url = server.Url("/webhookb2/x");
  ASSERT_TRUE(NewMsTeamsNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  const std::string b = server.Requests().at(0).body;
  EXPECT_TRUE(Contains(
      b, R"({"@context":"http://schema.org/extensions","@type":"MessageCard",)"
         R"j("title":"[FIRING:1] HighLatency (api)","summary":"[FIRING:1] HighLatency (api)",)j"))
      << b;
  EXPECT_TRUE(Contains(b, R"("themeColor":"8C1A1A"})")) << b;
  EXPECT_TRUE(Contains(b, "Open in Osprey")) << b;
  ASSERT_TRUE(NewMsTeamsNotifier(c, deps.deps)->Notify(Context(), ResolvedOnly()).status.ok());
  EXPECT_TRUE(Contains(server.Requests().at(1).body, R"("themeColor":"2DC72D"})"));
}

TEST(TelegramTest, CallsSendMessageWithTheBotToken) {
  CaptureServer server;
  Deps deps;
  config::TelegramConfig c;
  c.api_url = server.Url("");
  c.bot_token = "123:ABC";
  c.chat_id = -1001234;
  c.disable_notifications = true;
  ASSERT_TRUE(NewTelegramNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  auto req = server.Requests().at(0);
  EXPECT_EQ(req.target, "/bot123:ABC/sendMessage");
  EXPECT_TRUE(Contains(req.body, R"({"chat_id":-1001234,"text":")")) << req.body;
  EXPECT_TRUE(Contains(req.body, R"("parse_mode":"HTML","disable_notification":true)")) << req.body;
  // HTML parse mode: label values are escaped, links are anchors.
  EXPECT_TRUE(Contains(req.body, R"(p99 \u0026gt; 1s \u0026lt;b\u0026gt;)")) << req.body;
  EXPECT_TRUE(
      Contains(req.body, R"(\u003ca href=\"http://osprey.example:9090/alerting?fingerprint=)"))
      << req.body;

  server.Reply(401, R"({"ok":false,"description":"Unauthorized"})");
  NotifyResult r = NewTelegramNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.retry);
  EXPECT_FALSE(Contains(r.status.message(), "123:ABC")) << r.status.message();
}

TEST(PagerdutyTest, TriggersAndResolvesWithTheGroupKeysHash) {
  CaptureServer server;
  Deps deps;
  config::PagerdutyConfig c;
  c.routing_key = "rk";
  c.url = server.Url("/v2/enqueue");
  c.description = std::string(2000, 'd');
  c.links.push_back({.href = "{{ .ExternalURL }}/alerting", .text = "Osprey"});
  auto n = NewPagerdutyNotifier(c, deps.deps);
  ASSERT_TRUE(n.ok());
  ASSERT_TRUE((*n)->Notify(Context(), TwoAlerts()).status.ok());
  ASSERT_TRUE((*n)->Notify(Context(), ResolvedOnly()).status.ok());
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  const std::string dedup = internal::Sha256Hex(Context().group_key);
  const std::string& t = reqs[0].body;
  EXPECT_TRUE(Contains(t, Cat(R"({"routing_key":"rk","dedup_key":")", dedup,
                              R"(","event_action":"trigger","payload":{"summary":")")))
      << t;
  EXPECT_TRUE(Contains(t, Cat(std::string(1023, 'd'),
                              "\u2026\",\"source\":\"Osprey\",\"severity\":\"error\","
                              "\"custom_details\":{")))
      << t;
  EXPECT_TRUE(Contains(t, R"("num_firing":"1","num_resolved":"1")")) << t;
  EXPECT_TRUE(Contains(
      t, R"("client":"Osprey","client_url":"http://osprey.example:9090/alerting?receiver=)"))
      << t;
  EXPECT_TRUE(
      Contains(t, R"("links":[{"href":"http://osprey.example:9090/alerting","text":"Osprey"}])"))
      << t;
  EXPECT_TRUE(Contains(reqs[1].body, R"("event_action":"resolve")")) << reqs[1].body;
  EXPECT_TRUE(Contains(reqs[1].body, dedup));
}

TEST(OpsGenieTest, CreatesWithAliasAndClosesOnResolve) {
  CaptureServer server;
  Deps deps;
  config::OpsGenieConfig c;
  c.api_key = "key1";
  c.api_url = server.Url("/");
  c.tags = "a, b,,c";
  c.priority = "P2";
  config::OpsGenieResponder teams;
  teams.name = "ops,dba";
  teams.type = "teams";
  c.responders.push_back(teams);
  auto n = NewOpsGenieNotifier(c, deps.deps);
  ASSERT_TRUE(n->Notify(Context(), TwoAlerts()).status.ok());
  ASSERT_TRUE(n->Notify(Context(), ResolvedOnly()).status.ok());
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  const std::string alias = internal::Sha256Hex(Context().group_key);
  EXPECT_EQ(reqs[0].target, "/v2/alerts");
  EXPECT_EQ(reqs[0].Header("Authorization"), "GenieKey key1");
  const std::string& b = reqs[0].body;
  EXPECT_TRUE(
      Contains(b, Cat(R"({"alias":")", alias, R"j(","message":"[FIRING:1] HighLatency (api)")j")))
      << b;
  EXPECT_TRUE(Contains(b, R"("details":{"alertname":"HighLatency","job":"api"})")) << b;
  EXPECT_TRUE(
      Contains(b, R"("responders":[{"name":"ops","type":"team"},{"name":"dba","type":"team"}])"))
      << b;
  EXPECT_TRUE(Contains(b, R"("tags":["a","b","c"],"priority":"P2")")) << b;
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].target, Cat("/v2/alerts/", alias, "/close?identifierType=alias"));
  EXPECT_EQ(reqs[1].Header("Authorization"), "GenieKey key1");
}

TEST(SmsTest, TwilioExampleSendsTwiliosFormFieldsPerNumber) {
  CaptureServer server;
  Deps deps;
  config::SmsConfig c;
  c.url = server.Url("/2010-04-01/Accounts/AC123/Messages.json");
  c.http_config.basic_auth =
      config::BasicAuth{.username = "AC123", .password = "tok", .password_file = ""};
  c.params = {{"To", "{{ .To }}"}, {"From", "+15550001"}, {"Body", "{{ .Message }}"}};
  c.to = {"+15551111", "+15552222"};
  c.message = "{{ .Status }}: {{ .CommonLabels.alertname }} & more";
  ASSERT_TRUE(NewSmsNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(reqs[0].Header("Authorization"), "Basic QUMxMjM6dG9r");
  EXPECT_EQ(reqs[0].body, "Body=firing%3A+HighLatency+%26+more&From=%2B15550001&To=%2B15551111");
  EXPECT_EQ(reqs[1].body, "Body=firing%3A+HighLatency+%26+more&From=%2B15550001&To=%2B15552222");
}

TEST(SmsTest, JsonBodyAndDefaultParams) {
  CaptureServer server;
  Deps deps;
  config::SmsConfig c;
  c.url = server.Url("/send");
  c.content_type = config::SmsConfig::ContentType::kJson;
  c.to = {"+15551111"};
  ASSERT_TRUE(NewSmsNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  auto req = server.Requests().at(0);
  EXPECT_EQ(req.Header("Content-Type"), "application/json");
  EXPECT_TRUE(Contains(req.body, R"j({"message":"[FIRING:1] HighLatency (api))j")) << req.body;
  EXPECT_TRUE(Contains(req.body, R"(","to":"+15551111"})")) << req.body;
}

TEST(TemplateErrorTest, ErrorTextReplacesTheFieldAndIsCounted) {
  CaptureServer server;
  Deps deps;
  config::SlackConfig c;
  c.api_url = server.Url("/hook");
  c.title = "{{ template \"no.such.template\" . }}";
  NotifyResult r = NewSlackNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const std::string b = server.Requests().at(0).body;
  EXPECT_TRUE(Contains(b, "no.such.template")) << b;
  EXPECT_EQ(deps.TemplateErrors("slack"), 1);
}

TEST(TemplateFilesTest, UserFilesRedefineDefaults) {
  CaptureServer server;
  Deps deps(std::vector<std::pair<std::string, std::string>>{
      {"mine.tmpl", R"({{ define "slack.default.title" }}custom {{ .Status }}{{ end }})"}});
  config::SlackConfig c;
  c.api_url = server.Url("/hook");
  ASSERT_TRUE(NewSlackNotifier(c, deps.deps)->Notify(Context(), TwoAlerts()).status.ok());
  EXPECT_TRUE(Contains(server.Requests().at(0).body, R"("title":"custom firing")"));
  EXPECT_FALSE(NotificationTemplates::FromTexts(std::vector<std::pair<std::string, std::string>>{
                                                    {"bad.tmpl", "{{ define \"x\" }}"}})
                   .ok());
}

TEST(BuildNotifiersTest, BuildsEveryIntegrationOfAReceiver) {
  Deps deps;
  config::ReceiverConfig r;
  r.name = "all";
  r.webhook_configs.resize(2);
  r.email_configs.resize(1);
  r.slack_configs.resize(1);
  r.msteams_configs.resize(1);
  r.telegram_configs.resize(1);
  r.pagerduty_configs.resize(1);
  r.opsgenie_configs.resize(1);
  r.sms_configs.resize(1);
  auto n = BuildNotifiers(r, deps.deps);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  std::vector<std::string> names;
  for (const auto& x : *n) names.emplace_back(x->integration());
  EXPECT_EQ(names, (std::vector<std::string>{"webhook", "webhook", "email", "slack", "msteams",
                                             "telegram", "pagerduty", "opsgenie", "sms"}));
}

}  // namespace
}  // namespace osprey::alerting::notifiers
