// receivers: each integration's defaults, and the global settings copied into it.
#include "config/receiver_config.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace osprey::config {
namespace {

ReceiverConfig ParseReceiver(std::string_view global, std::string_view receiver_body) {
  std::string text = "global:\n";
  text.append(global);
  text.append("\nroute: {receiver: r}\nreceivers:\n  - name: r\n");
  text.append(receiver_body);
  Result<Config> c = ParseConfig(text, "osprey.yml");
  EXPECT_TRUE(c.ok()) << c.status().ToString() << "\n" << text;
  if (!c.ok() || c->receivers.empty()) return {};
  return c->receivers[0];
}

TEST(ReceiverConfigTest, WebhookDefaultsAndGlobalHttpConfig) {
  const ReceiverConfig r =
      ParseReceiver("  http_config: {authorization: {credentials: tok}}",
                    "    webhook_configs:\n      - url: http://h/a\n      - url: http://h/b\n"
                    "        http_config: {basic_auth: {username: u}}\n");
  ASSERT_EQ(r.webhook_configs.size(), 2u);
  const WebhookConfig& a = r.webhook_configs[0];
  EXPECT_TRUE(a.send_resolved);
  EXPECT_EQ(a.max_alerts, 0u);
  ASSERT_TRUE(a.http_config.authorization.has_value());  // From global.
  EXPECT_EQ(a.http_config.authorization->credentials, "tok");
  const WebhookConfig& b = r.webhook_configs[1];
  EXPECT_FALSE(b.http_config.authorization.has_value());  // Its own replaces the global one.
  EXPECT_TRUE(b.http_config.basic_auth.has_value());
}

TEST(ReceiverConfigTest, EmailTakesGlobalSmtpSettings) {
  const ReceiverConfig r = ParseReceiver(
      "  smtp_smarthost: smtp:587\n  smtp_from: am@x\n  smtp_auth_username: u\n"
      "  smtp_auth_password: p\n  smtp_require_tls: false",
      "    email_configs:\n      - to: a@x\n        headers: {x-team: ops, subject: Hi}\n"
      "      - to: b@x\n        from: other@x\n        smarthost: relay:25\n"
      "        auth_password_file: /pw\n        require_tls: true\n");
  ASSERT_EQ(r.email_configs.size(), 2u);
  const EmailConfig& a = r.email_configs[0];
  EXPECT_FALSE(a.send_resolved);
  EXPECT_EQ(a.smarthost, "smtp:587");
  EXPECT_EQ(a.from, "am@x");
  EXPECT_EQ(a.hello, "localhost");
  EXPECT_EQ(a.auth_username, "u");
  EXPECT_EQ(a.auth_password, "p");
  EXPECT_FALSE(a.require_tls);
  EXPECT_EQ(a.html, R"({{ template "email.default.html" . }})");
  EXPECT_EQ(a.text, "");
  EXPECT_EQ(a.headers, (std::map<std::string, std::string>{
                           {"From", "am@x"}, {"Subject", "Hi"}, {"To", "a@x"}, {"X-Team", "ops"}}));
  const EmailConfig& b = r.email_configs[1];
  EXPECT_EQ(b.smarthost, "relay:25");
  EXPECT_EQ(b.from, "other@x");
  EXPECT_EQ(b.auth_password, "");  // Its own file wins over the global password.
  EXPECT_EQ(b.auth_password_file, "/pw");
  EXPECT_TRUE(b.require_tls);
  EXPECT_EQ(b.headers.at("Subject"), R"({{ template "email.default.subject" . }})");
}

TEST(ReceiverConfigTest, SlackDefaultsAreAlertmanagersTemplates) {
  const ReceiverConfig r = ParseReceiver("  slack_api_url: https://hooks.slack.com/x",
                                         "    slack_configs: [{channel: '#a'}]\n");
  ASSERT_EQ(r.slack_configs.size(), 1u);
  const SlackConfig& s = r.slack_configs[0];
  EXPECT_EQ(s.api_url, "https://hooks.slack.com/x");
  EXPECT_FALSE(s.send_resolved);
  EXPECT_EQ(s.title, R"({{ template "slack.default.title" . }})");
  EXPECT_EQ(s.text, R"({{ template "slack.default.text" . }})");
  EXPECT_EQ(s.color, R"({{ if eq .Status "firing" }}danger{{ else }}good{{ end }})");
}

TEST(ReceiverConfigTest, PagerdutyOpsGenieTelegramMsTeamsDefaults) {
  const ReceiverConfig r = ParseReceiver(
      "  opsgenie_api_key: k\n  opsgenie_api_url: https://api.eu.opsgenie.com",
      "    pagerduty_configs: [{routing_key: rk, client: osprey, details: {firing: mine}}]\n"
      "    opsgenie_configs: [{responders: [{name: ops, type: Team}]}]\n"
      "    telegram_configs: [{bot_token: t, chat_id: -100}]\n"
      "    msteams_configs: [{webhook_url: 'https://outlook.office.com/webhook/x'}]\n");
  ASSERT_EQ(r.pagerduty_configs.size(), 1u);
  const PagerdutyConfig& pd = r.pagerduty_configs[0];
  EXPECT_TRUE(pd.send_resolved);
  EXPECT_EQ(pd.url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(pd.source, "osprey");  // Defaults to client.
  EXPECT_EQ(pd.details.at("firing"), "mine");
  EXPECT_EQ(pd.details.at("num_firing"), "{{ .Alerts.Firing | len }}");
  EXPECT_EQ(pd.details.size(), 4u);
  const OpsGenieConfig& og = r.opsgenie_configs[0];
  EXPECT_EQ(og.api_key, "k");
  EXPECT_EQ(og.api_url, "https://api.eu.opsgenie.com/");  // Slash appended.
  EXPECT_EQ(og.responders[0].type, "team");               // Lower-cased.
  const TelegramConfig& tg = r.telegram_configs[0];
  EXPECT_EQ(tg.api_url, "https://api.telegram.org");
  EXPECT_EQ(tg.chat_id, -100);
  EXPECT_EQ(tg.parse_mode, "HTML");
  EXPECT_TRUE(tg.send_resolved);
  const MsTeamsConfig& ms = r.msteams_configs[0];
  EXPECT_TRUE(ms.send_resolved);
  EXPECT_EQ(ms.title, R"({{ template "msteams.default.title" . }})");
}

TEST(ReceiverConfigTest, SmsGenericProvider) {
  const ReceiverConfig r = ParseReceiver(
      "  resolve_timeout: 5m",
      "    sms_configs:\n"
      "      - url: https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json\n"
      "        http_config: {basic_auth: {username: AC1, password: secret}}\n"
      "        params: {To: '{{ .To }}', From: '+15550001', Body: '{{ .Message }}'}\n"
      "        to: ['+15550002', '+15550003']\n"
      "      - url: http://sms.local/send\n        to: ['1']\n        content_type: json\n"
      "        method: PUT\n");
  ASSERT_EQ(r.sms_configs.size(), 2u);
  const SmsConfig& tw = r.sms_configs[0];
  EXPECT_FALSE(tw.send_resolved);
  EXPECT_EQ(tw.method, "POST");
  EXPECT_EQ(tw.content_type, SmsConfig::ContentType::kForm);
  EXPECT_EQ(tw.params.size(), 3u);
  EXPECT_EQ(tw.to, (std::vector<std::string>{"+15550002", "+15550003"}));
  EXPECT_EQ(tw.message, R"({{ template "sms.default.message" . }})");
  ASSERT_TRUE(tw.http_config.basic_auth.has_value());
  const SmsConfig& local = r.sms_configs[1];
  EXPECT_EQ(local.content_type, SmsConfig::ContentType::kJson);
  EXPECT_EQ(local.method, "PUT");
  EXPECT_EQ(local.params, (std::map<std::string, std::string>{{"message", "{{ .Message }}"},
                                                              {"to", "{{ .To }}"}}));
}

TEST(ReceiverConfigTest, ReceiverWithoutIntegrationsIsValid) {
  const ReceiverConfig r = ParseReceiver("  resolve_timeout: 1m", "");
  EXPECT_EQ(r.name, "r");
  EXPECT_TRUE(r.webhook_configs.empty());
}

}  // namespace
}  // namespace osprey::config
