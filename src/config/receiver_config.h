// The `receivers:` section of osprey.yml, as in Alertmanager's alertmanager.yml (0.25
// config/notifiers.go), plus Osprey's own sms_configs. Each receiver is a name and lists of
// integration configs; the alerting/notifiers module turns each entry into a Notifier.
//
//   receivers:
//     - name: team-a
//       webhook_configs: [{url: "http://hooks.internal/alert"}]
//       email_configs: [{to: "oncall@example.org"}]
//
// Values are effective after loading: the integration's defaults and the `global:` section's
// settings (smtp_*, slack_api_url, pagerduty_url, opsgenie_*, telegram_api_url, http_config)
// are already filled in, so a notifier never looks at GlobalConfig. Fields documented as
// templates hold Go text/template source (tmpl/template.h), expanded per notification with
// Alertmanager's template data; their defaults invoke the named templates that the notifiers
// module defines ("slack.default.title", ...). Secrets (marked below) print as "<secret>" in
// Config::ToYaml. A `*_file` field names a file whose content (trimmed of surrounding
// whitespace) replaces the secret; the notifier reads it at send time, as Alertmanager does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/http_client_config.h"
#include "config/yaml_decoder.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

struct AlertmanagerGlobalConfig;

// webhook_configs: POSTs Alertmanager's webhook JSON (version "4") to `url`.
struct WebhookConfig {
  bool send_resolved = true;
  std::string url;       // http(s) with a host; or set url_file.
  std::string url_file;  // File holding the URL. Exactly one of url and url_file is set.
  // At most this many alerts per message (the rest are counted in truncatedAlerts); 0: all.
  uint64_t max_alerts = 0;
  HttpClientConfig http_config;  // Defaults to global.http_config when absent.
  friend bool operator==(const WebhookConfig&, const WebhookConfig&) = default;
};

// email_configs: one SMTP message per notification.
struct EmailConfig {
  bool send_resolved = false;
  std::string to;                  // Template; comma-separated addresses. Required.
  std::string from;                // Template. Default: global.smtp_from. Required after defaults.
  std::string smarthost;           // "host:port". Default: global.smtp_smarthost. Required after.
  std::string hello;               // EHLO name. Default: global.smtp_hello ("localhost").
  std::string auth_username;       // Default: global.smtp_auth_username.
  std::string auth_password;       // Secret. Default: global.smtp_auth_password.
  std::string auth_password_file;  // Default: global.smtp_auth_password_file.
  std::string auth_secret;         // Secret (CRAM-MD5). Default: global.smtp_auth_secret.
  std::string auth_identity;       // PLAIN identity. Default: global.smtp_auth_identity.
  // Header name (canonical MIME case, e.g. "Subject", "X-Team") -> template. Always holds
  // "Subject" (default `{{ template "email.default.subject" . }}`), "To" (default: `to`) and
  // "From" (default: `from`). Names differing only in case are a load error.
  std::map<std::string, std::string> headers;
  std::string html = R"({{ template "email.default.html" . }})";  // Template; "" for none.
  std::string text;                                               // Template; "" for none.
  bool require_tls = true;  // STARTTLS required. Default: global.smtp_require_tls.
  TlsConfig tls_config;
  friend bool operator==(const EmailConfig&, const EmailConfig&) = default;
};

// One attachment field of a Slack message.
struct SlackField {
  std::string title;                // Template. Required.
  std::string value;                // Template. Required.
  std::optional<bool> short_field;  // YAML key "short"; nullopt: the config's short_fields.
  friend bool operator==(const SlackField&, const SlackField&) = default;
};

// slack_configs: posts one attachment to an incoming webhook or chat.postMessage URL.
struct SlackConfig {
  bool send_resolved = false;
  std::string api_url;       // Secret. Default: global.slack_api_url. One of these required.
  std::string api_url_file;  // Default: global.slack_api_url_file.
  std::string channel;       // Template.
  std::string username = R"({{ template "slack.default.username" . }})";
  std::string color = R"({{ if eq .Status "firing" }}danger{{ else }}good{{ end }})";
  std::string title = R"({{ template "slack.default.title" . }})";
  std::string title_link = R"({{ template "slack.default.titlelink" . }})";
  std::string pretext = R"({{ template "slack.default.pretext" . }})";
  std::string text = R"({{ template "slack.default.text" . }})";
  std::string fallback = R"({{ template "slack.default.fallback" . }})";
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
  std::string footer = R"({{ template "slack.default.footer" . }})";
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
  std::string image_url;
  std::string thumb_url;
  bool short_fields = false;
  bool link_names = false;
  std::vector<std::string> mrkdwn_in;
  std::vector<SlackField> fields;
  HttpClientConfig http_config;
  friend bool operator==(const SlackConfig&, const SlackConfig&) = default;
};

// msteams_configs (Alertmanager 0.26's form): posts a MessageCard to an incoming webhook.
struct MsTeamsConfig {
  bool send_resolved = true;
  std::string webhook_url;  // Secret. Required (or webhook_url_file).
  std::string webhook_url_file;
  std::string title = R"({{ template "msteams.default.title" . }})";
  std::string summary = R"({{ template "msteams.default.summary" . }})";
  std::string text = R"({{ template "msteams.default.text" . }})";
  HttpClientConfig http_config;
  friend bool operator==(const MsTeamsConfig&, const MsTeamsConfig&) = default;
};

// telegram_configs: sendMessage through the Bot API.
struct TelegramConfig {
  bool send_resolved = true;
  std::string api_url;    // Default: global.telegram_api_url ("https://api.telegram.org").
  std::string bot_token;  // Secret. Required (or bot_token_file).
  std::string bot_token_file;
  int64_t chat_id = 0;  // Required, non-zero.
  std::string message = R"({{ template "telegram.default.message" . }})";
  bool disable_notifications = false;
  std::string parse_mode = "HTML";  // "Markdown", "MarkdownV2", "HTML" or "".
  HttpClientConfig http_config;
  friend bool operator==(const TelegramConfig&, const TelegramConfig&) = default;
};

struct PagerdutyImage {
  std::string src, alt, href;  // Templates.
  friend bool operator==(const PagerdutyImage&, const PagerdutyImage&) = default;
};
struct PagerdutyLink {
  std::string href, text;  // Templates.
  friend bool operator==(const PagerdutyLink&, const PagerdutyLink&) = default;
};

// pagerduty_configs: Events API v2 when routing_key is set, v1 when service_key is.
struct PagerdutyConfig {
  bool send_resolved = true;
  std::string routing_key;  // Secret. Exactly one of the four key fields is set.
  std::string routing_key_file;
  std::string service_key;  // Secret.
  std::string service_key_file;
  std::string url;  // Default: global.pagerduty_url.
  std::string client = R"({{ template "pagerduty.default.client" . }})";
  std::string client_url = R"({{ template "pagerduty.default.clientURL" . }})";
  std::string description = R"({{ template "pagerduty.default.description" .}})";
  // Templates. The defaults "firing", "resolved", "num_firing", "num_resolved" are added
  // unless the user's map sets those keys.
  std::map<std::string, std::string> details;
  std::vector<PagerdutyImage> images;
  std::vector<PagerdutyLink> links;
  std::string source;              // Template. Default: `client`.
  std::string severity = "error";  // Template. Alertmanager sends "error" when unset.
  std::string class_name;          // YAML key "class". Template.
  std::string component;           // Template.
  std::string group;               // Template.
  HttpClientConfig http_config;
  friend bool operator==(const PagerdutyConfig&, const PagerdutyConfig&) = default;
};

struct OpsGenieResponder {
  std::string id, name, username;  // Templates; at least one set.
  std::string type;                // Template: team, teams, user, escalation or schedule.
  friend bool operator==(const OpsGenieResponder&, const OpsGenieResponder&) = default;
};

// opsgenie_configs: the Alert API v2.
struct OpsGenieConfig {
  bool send_resolved = true;
  std::string api_key;       // Secret. Default: global.opsgenie_api_key. One of these required.
  std::string api_key_file;  // Default: global.opsgenie_api_key_file.
  std::string api_url;       // Default: global.opsgenie_api_url.
  std::string message = R"({{ template "opsgenie.default.message" . }})";
  std::string description = R"({{ template "opsgenie.default.description" . }})";
  std::string source = R"({{ template "opsgenie.default.source" . }})";
  std::map<std::string, std::string> details;  // Templates.
  std::string entity;                          // Template.
  std::vector<OpsGenieResponder> responders;
  std::string actions;   // Template; comma-separated.
  std::string tags;      // Template; comma-separated.
  std::string note;      // Template.
  std::string priority;  // Template: P1..P5.
  bool update_alerts = false;
  HttpClientConfig http_config;
  friend bool operator==(const OpsGenieConfig&, const OpsGenieConfig&) = default;
};

// sms_configs (Osprey's own): a generic HTTP SMS gateway. One request per number in `to`,
// with each of `params` expanded (the templates see Alertmanager's data plus .To, the number,
// and .Message, the expanded `message`) and sent as a form or JSON body. Twilio:
//   url: https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json
//   http_config: {basic_auth: {username: AC..., password: ...}}
//   params: {To: '{{ .To }}', From: '+15550001', Body: '{{ .Message }}'}
struct SmsConfig {
  enum class ContentType { kForm, kJson };

  bool send_resolved = false;
  std::string url;              // http(s) with a host. Required.
  std::string method = "POST";  // POST, PUT or GET (GET sends params in the query string).
  ContentType content_type = ContentType::kForm;  // YAML "form" or "json".
  // Parameter name -> template. When the config gives none, loading fills in
  // {"to": "{{ .To }}", "message": "{{ .Message }}"}.
  std::map<std::string, std::string> params;
  std::vector<std::string> to;  // Phone numbers. Required, non-empty.
  std::string message = R"({{ template "sms.default.message" . }})";
  HttpClientConfig http_config;
  friend bool operator==(const SmsConfig&, const SmsConfig&) = default;
};

// "form", "json".
std::string_view SmsContentTypeName(SmsConfig::ContentType t);

// One entry of `receivers:`. A receiver with no integrations is valid (alerts routed to it
// are dropped, as in Alertmanager's "null" receiver).
struct ReceiverConfig {
  std::string name;  // Unique, non-empty.
  std::vector<WebhookConfig> webhook_configs;
  std::vector<EmailConfig> email_configs;
  std::vector<SlackConfig> slack_configs;
  std::vector<MsTeamsConfig> msteams_configs;
  std::vector<TelegramConfig> telegram_configs;
  std::vector<PagerdutyConfig> pagerduty_configs;
  std::vector<OpsGenieConfig> opsgenie_configs;
  std::vector<SmsConfig> sms_configs;
  friend bool operator==(const ReceiverConfig&, const ReceiverConfig&) = default;
};

// Decodes one receiver and validates it, filling in defaults from `global` (which must be
// decoded first). Does not check name uniqueness.
Result<ReceiverConfig> DecodeReceiverConfig(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path,
                                            const AlertmanagerGlobalConfig& global);

// Makes *_file paths and TLS file paths relative to `dir`.
void ResolveReceiverPaths(std::string_view dir, ReceiverConfig* r);

// Emits one receiver as a mapping, secrets masked. Requires: EscapeNonAscii output.
void EmitReceiverConfig(const ReceiverConfig& r, YAML::Emitter& out);

}  // namespace osprey::config
