// Decoding of `receivers:` entries. Defaults and checks follow Alertmanager 0.25's
// config/notifiers.go and the receiver loop of config.go's Config.UnmarshalYAML (which copies
// the global settings into each integration).
#include "config/receiver_config.h"

#include <algorithm>
#include <set>
#include <string>

#include "config/alertmanager_config.h"
#include "config/internal/alerting_decode.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::AtMostOne;
using internal::Quote;

// `<what> in <path>` at the mapping.
Status ErrorIn(const MappingDecoder& m, std::string_view what) {
  return m.ErrorAt(m.node().mark(), std::string(what).append(" in ").append(m.path()));
}

Result<MappingDecoder> Open(const YamlDocument& doc, const YamlNode& node, const std::string& path,
                            std::vector<std::string_view> keys) {
  keys.push_back("send_resolved");
  keys.push_back("http_config");
  return MappingDecoder::Open(doc, node, path, std::move(keys));
}

// net/textproto.CanonicalMIMEHeaderKey: "x-team" -> "X-Team". Keys with characters outside
// the token set are returned unchanged, as in Go.
std::string CanonicalHeaderKey(std::string_view key) {
  for (char c : key) {
    if (c == ' ' || static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e ||
        std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos) {
      return std::string(key);
    }
  }
  std::string out(key);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

Result<WebhookConfig> DecodeWebhook(const YamlDocument& doc, const YamlNode& node,
                                    const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          Open(doc, node, path, {"url", "url_file", "max_alerts"}));
  WebhookConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("url", &c.url));
  OSPREY_RETURN_IF_ERROR(m.Optional("url_file", &c.url_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_alerts", &c.max_alerts));
  if (c.url.empty() && c.url_file.empty()) {
    return ErrorIn(m, "one of url or url_file must be configured");
  }
  OSPREY_RETURN_IF_ERROR(AtMostOne(m, "url", c.url, "url_file", c.url_file));
  if (!c.url.empty()) OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "url", c.url));
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<EmailConfig> DecodeEmail(const YamlDocument& doc, const YamlNode& node,
                                const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path,
                           {"send_resolved", "to", "from", "hello", "smarthost", "auth_username",
                            "auth_password", "auth_password_file", "auth_secret", "auth_identity",
                            "headers", "html", "text", "require_tls", "tls_config"}));
  EmailConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("to", &c.to));
  if (c.to.empty()) return ErrorIn(m, "missing to address in email config");
  OSPREY_RETURN_IF_ERROR(m.Optional("from", &c.from));
  OSPREY_RETURN_IF_ERROR(m.Optional("hello", &c.hello));
  OSPREY_RETURN_IF_ERROR(m.Optional("smarthost", &c.smarthost));
  OSPREY_RETURN_IF_ERROR(m.Optional("auth_username", &c.auth_username));
  OSPREY_RETURN_IF_ERROR(m.Optional("auth_password", &c.auth_password));
  OSPREY_RETURN_IF_ERROR(m.Optional("auth_password_file", &c.auth_password_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("auth_secret", &c.auth_secret));
  OSPREY_RETURN_IF_ERROR(m.Optional("auth_identity", &c.auth_identity));
  OSPREY_RETURN_IF_ERROR(m.Optional("html", &c.html));
  OSPREY_RETURN_IF_ERROR(m.Optional("text", &c.text));
  OSPREY_RETURN_IF_ERROR(
      AtMostOne(m, "auth_password", c.auth_password, "auth_password_file", c.auth_password_file));
  std::map<std::string, std::string> headers;
  OSPREY_RETURN_IF_ERROR(m.Optional("headers", &headers));
  for (const auto& [name, value] : headers) {
    const std::string canonical = CanonicalHeaderKey(name);
    if (!c.headers.emplace(canonical, value).second) {
      return m.ErrorAt(m.ValueMark("headers"),
                       "duplicate header " + Quote(canonical) + " in email config");
    }
  }
  if (const YamlNode* n = m.Get("tls_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.tls_config, DecodeTlsConfig(doc, *n, m.ChildPath("tls_config")));
  }
  // The global defaults.
  if (c.smarthost.empty()) {
    if (g.smtp_smarthost.empty()) return ErrorIn(m, "no global SMTP smarthost set");
    c.smarthost = g.smtp_smarthost;
  } else {
    const size_t colon = c.smarthost.rfind(':');
    if (colon == std::string::npos || colon + 1 == c.smarthost.size()) {
      return m.ErrorAt(m.ValueMark("smarthost"),
                       "address " + Quote(c.smarthost) + " for smarthost: missing port");
    }
  }
  if (c.from.empty()) {
    if (g.smtp_from.empty()) return ErrorIn(m, "no global SMTP from set");
    c.from = g.smtp_from;
  }
  if (c.hello.empty()) c.hello = g.smtp_hello;
  if (c.auth_username.empty()) c.auth_username = g.smtp_auth_username;
  if (c.auth_password.empty() && c.auth_password_file.empty()) {
    c.auth_password = g.smtp_auth_password;
    c.auth_password_file = g.smtp_auth_password_file;
  }
  if (c.auth_secret.empty()) c.auth_secret = g.smtp_auth_secret;
  if (c.auth_identity.empty()) c.auth_identity = g.smtp_auth_identity;
  c.require_tls = g.smtp_require_tls;
  OSPREY_RETURN_IF_ERROR(m.Optional("require_tls", &c.require_tls));
  c.headers.emplace("Subject", R"({{ template "email.default.subject" . }})");
  c.headers.emplace("To", c.to);
  c.headers.emplace("From", c.from);
  return c;
}

Result<SlackField> DecodeSlackField(const YamlDocument& doc, const YamlNode& node,
                                    const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"title", "value", "short"}));
  SlackField f;
  OSPREY_RETURN_IF_ERROR(m.Optional("title", &f.title));
  OSPREY_RETURN_IF_ERROR(m.Optional("value", &f.value));
  if (m.Has("short")) {
    bool s = false;
    OSPREY_RETURN_IF_ERROR(m.Optional("short", &s));
    f.short_field = s;
  }
  if (f.title.empty()) return ErrorIn(m, "missing title in Slack field configuration");
  if (f.value.empty()) return ErrorIn(m, "missing value in Slack field configuration");
  return f;
}

Result<SlackConfig> DecodeSlack(const YamlDocument& doc, const YamlNode& node,
                                const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      Open(doc, node, path,
           {"api_url",      "api_url_file", "channel",   "username",    "color",
            "title",        "title_link",   "pretext",   "text",        "fields",
            "short_fields", "footer",       "fallback",  "callback_id", "icon_emoji",
            "icon_url",     "image_url",    "thumb_url", "link_names",  "mrkdwn_in"}));
  SlackConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_url", &c.api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_url_file", &c.api_url_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("channel", &c.channel));
  OSPREY_RETURN_IF_ERROR(m.Optional("username", &c.username));
  OSPREY_RETURN_IF_ERROR(m.Optional("color", &c.color));
  OSPREY_RETURN_IF_ERROR(m.Optional("title", &c.title));
  OSPREY_RETURN_IF_ERROR(m.Optional("title_link", &c.title_link));
  OSPREY_RETURN_IF_ERROR(m.Optional("pretext", &c.pretext));
  OSPREY_RETURN_IF_ERROR(m.Optional("text", &c.text));
  OSPREY_RETURN_IF_ERROR(m.Optional("short_fields", &c.short_fields));
  OSPREY_RETURN_IF_ERROR(m.Optional("footer", &c.footer));
  OSPREY_RETURN_IF_ERROR(m.Optional("fallback", &c.fallback));
  OSPREY_RETURN_IF_ERROR(m.Optional("callback_id", &c.callback_id));
  OSPREY_RETURN_IF_ERROR(m.Optional("icon_emoji", &c.icon_emoji));
  OSPREY_RETURN_IF_ERROR(m.Optional("icon_url", &c.icon_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("image_url", &c.image_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("thumb_url", &c.thumb_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("link_names", &c.link_names));
  OSPREY_RETURN_IF_ERROR(m.Optional("mrkdwn_in", &c.mrkdwn_in));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "fields", &c.fields,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeSlackField(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(AtMostOne(m, "api_url", c.api_url, "api_url_file", c.api_url_file));
  if (!c.api_url.empty()) {
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "api_url", c.api_url, true));
  }
  if (c.api_url.empty() && c.api_url_file.empty()) {
    if (g.slack_api_url.empty() && g.slack_api_url_file.empty()) {
      return ErrorIn(m, "no global Slack API URL set either inline or in a file");
    }
    c.api_url = g.slack_api_url;
    c.api_url_file = g.slack_api_url_file;
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<MsTeamsConfig> DecodeMsTeams(const YamlDocument& doc, const YamlNode& node,
                                    const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      Open(doc, node, path, {"webhook_url", "webhook_url_file", "title", "summary", "text"}));
  MsTeamsConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("webhook_url", &c.webhook_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("webhook_url_file", &c.webhook_url_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("title", &c.title));
  OSPREY_RETURN_IF_ERROR(m.Optional("summary", &c.summary));
  OSPREY_RETURN_IF_ERROR(m.Optional("text", &c.text));
  if (c.webhook_url.empty() && c.webhook_url_file.empty()) {
    return ErrorIn(m, "one of webhook_url or webhook_url_file must be configured");
  }
  OSPREY_RETURN_IF_ERROR(
      AtMostOne(m, "webhook_url", c.webhook_url, "webhook_url_file", c.webhook_url_file));
  if (!c.webhook_url.empty()) {
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "webhook_url", c.webhook_url, true));
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<TelegramConfig> DecodeTelegram(const YamlDocument& doc, const YamlNode& node,
                                      const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          Open(doc, node, path,
                               {"api_url", "bot_token", "bot_token_file", "chat_id", "message",
                                "disable_notifications", "parse_mode"}));
  TelegramConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_url", &c.api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("bot_token", &c.bot_token));
  OSPREY_RETURN_IF_ERROR(m.Optional("bot_token_file", &c.bot_token_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("chat_id", &c.chat_id));
  OSPREY_RETURN_IF_ERROR(m.Optional("message", &c.message));
  OSPREY_RETURN_IF_ERROR(m.Optional("disable_notifications", &c.disable_notifications));
  OSPREY_RETURN_IF_ERROR(
      m.OptionalOneOf("parse_mode", {"Markdown", "MarkdownV2", "HTML", ""}, &c.parse_mode));
  if (c.bot_token.empty() && c.bot_token_file.empty()) {
    return ErrorIn(m, "missing bot_token on telegram_config");
  }
  OSPREY_RETURN_IF_ERROR(
      AtMostOne(m, "bot_token", c.bot_token, "bot_token_file", c.bot_token_file));
  if (c.chat_id == 0) return ErrorIn(m, "missing chat_id on telegram_config");
  if (c.api_url.empty()) {
    c.api_url = g.telegram_api_url;
  } else {
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "api_url", c.api_url));
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<PagerdutyImage> DecodePagerdutyImage(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"src", "alt", "href"}));
  PagerdutyImage i;
  OSPREY_RETURN_IF_ERROR(m.Optional("src", &i.src));
  OSPREY_RETURN_IF_ERROR(m.Optional("alt", &i.alt));
  OSPREY_RETURN_IF_ERROR(m.Optional("href", &i.href));
  return i;
}

Result<PagerdutyLink> DecodePagerdutyLink(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"href", "text"}));
  PagerdutyLink l;
  OSPREY_RETURN_IF_ERROR(m.Optional("href", &l.href));
  OSPREY_RETURN_IF_ERROR(m.Optional("text", &l.text));
  return l;
}

Result<PagerdutyConfig> DecodePagerduty(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path,
                                        const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m, Open(doc, node, path,
                             {"routing_key", "routing_key_file", "service_key", "service_key_file",
                              "url", "client", "client_url", "description", "details", "images",
                              "links", "source", "severity", "class", "component", "group"}));
  PagerdutyConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("routing_key", &c.routing_key));
  OSPREY_RETURN_IF_ERROR(m.Optional("routing_key_file", &c.routing_key_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("service_key", &c.service_key));
  OSPREY_RETURN_IF_ERROR(m.Optional("service_key_file", &c.service_key_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("url", &c.url));
  OSPREY_RETURN_IF_ERROR(m.Optional("client", &c.client));
  OSPREY_RETURN_IF_ERROR(m.Optional("client_url", &c.client_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("description", &c.description));
  OSPREY_RETURN_IF_ERROR(m.Optional("details", &c.details));
  OSPREY_RETURN_IF_ERROR(m.Optional("source", &c.source));
  OSPREY_RETURN_IF_ERROR(m.Optional("severity", &c.severity));
  OSPREY_RETURN_IF_ERROR(m.Optional("class", &c.class_name));
  OSPREY_RETURN_IF_ERROR(m.Optional("component", &c.component));
  OSPREY_RETURN_IF_ERROR(m.Optional("group", &c.group));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "images", &c.images,
      [&doc](const YamlNode& n, const std::string& p) { return DecodePagerdutyImage(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "links", &c.links,
      [&doc](const YamlNode& n, const std::string& p) { return DecodePagerdutyLink(doc, n, p); }));
  if (c.routing_key.empty() && c.routing_key_file.empty() && c.service_key.empty() &&
      c.service_key_file.empty()) {
    return ErrorIn(m, "missing service or routing key in PagerDuty config");
  }
  OSPREY_RETURN_IF_ERROR(
      AtMostOne(m, "routing_key", c.routing_key, "routing_key_file", c.routing_key_file));
  OSPREY_RETURN_IF_ERROR(
      AtMostOne(m, "service_key", c.service_key, "service_key_file", c.service_key_file));
  if (c.source.empty()) c.source = c.client;
  static constexpr std::pair<std::string_view, std::string_view> kDefaultDetails[] = {
      {"firing", R"({{ template "pagerduty.default.instances" .Alerts.Firing }})"},
      {"resolved", R"({{ template "pagerduty.default.instances" .Alerts.Resolved }})"},
      {"num_firing", "{{ .Alerts.Firing | len }}"},
      {"num_resolved", "{{ .Alerts.Resolved | len }}"},
  };
  for (const auto& [k, v] : kDefaultDetails) c.details.emplace(std::string(k), std::string(v));
  if (c.url.empty()) {
    c.url = g.pagerduty_url;
  } else {
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "url", c.url));
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<OpsGenieResponder> DecodeResponder(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m, MappingDecoder::Open(doc, node, path, {"id", "name", "username", "type"}));
  OpsGenieResponder r;
  OSPREY_RETURN_IF_ERROR(m.Optional("id", &r.id));
  OSPREY_RETURN_IF_ERROR(m.Optional("name", &r.name));
  OSPREY_RETURN_IF_ERROR(m.Optional("username", &r.username));
  OSPREY_RETURN_IF_ERROR(m.Optional("type", &r.type));
  if (r.id.empty() && r.name.empty() && r.username.empty()) {
    return ErrorIn(m, "responder has to have at least one of id, username or name specified");
  }
  if (r.type.find("{{") == std::string::npos) {
    r.type = internal::Lower(r.type);
    static constexpr std::string_view kTypes[] = {"team", "teams", "user", "escalation",
                                                  "schedule"};
    if (std::find(std::begin(kTypes), std::end(kTypes), r.type) == std::end(kTypes)) {
      return m.ErrorAt(m.ValueMark("type"),
                       "responder type " + Quote(r.type) +
                           " does not match valid options ^(team|teams|user|escalation|schedule)$");
    }
  }
  return r;
}

Result<OpsGenieConfig> DecodeOpsGenie(const YamlDocument& doc, const YamlNode& node,
                                      const std::string& path, const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      Open(doc, node, path,
           {"api_key", "api_key_file", "api_url", "message", "description", "source", "details",
            "entity", "responders", "actions", "tags", "note", "priority", "update_alerts"}));
  OpsGenieConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_key", &c.api_key));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_key_file", &c.api_key_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("api_url", &c.api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("message", &c.message));
  OSPREY_RETURN_IF_ERROR(m.Optional("description", &c.description));
  OSPREY_RETURN_IF_ERROR(m.Optional("source", &c.source));
  OSPREY_RETURN_IF_ERROR(m.Optional("details", &c.details));
  OSPREY_RETURN_IF_ERROR(m.Optional("entity", &c.entity));
  OSPREY_RETURN_IF_ERROR(m.Optional("actions", &c.actions));
  OSPREY_RETURN_IF_ERROR(m.Optional("tags", &c.tags));
  OSPREY_RETURN_IF_ERROR(m.Optional("note", &c.note));
  OSPREY_RETURN_IF_ERROR(m.Optional("priority", &c.priority));
  OSPREY_RETURN_IF_ERROR(m.Optional("update_alerts", &c.update_alerts));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "responders", &c.responders,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeResponder(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(AtMostOne(m, "api_key", c.api_key, "api_key_file", c.api_key_file));
  if (c.api_url.empty()) {
    c.api_url = g.opsgenie_api_url;
  } else {
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "api_url", c.api_url));
    if (c.api_url.back() != '/') c.api_url += '/';
  }
  if (c.api_key.empty() && c.api_key_file.empty()) {
    if (g.opsgenie_api_key.empty() && g.opsgenie_api_key_file.empty()) {
      return ErrorIn(m, "no global OpsGenie API Key set either inline or in a file");
    }
    c.api_key = g.opsgenie_api_key;
    c.api_key_file = g.opsgenie_api_key_file;
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

Result<SmsConfig> DecodeSms(const YamlDocument& doc, const YamlNode& node, const std::string& path,
                            const AlertmanagerGlobalConfig& g) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      Open(doc, node, path, {"url", "method", "content_type", "params", "to", "message"}));
  SmsConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_resolved", &c.send_resolved));
  OSPREY_RETURN_IF_ERROR(m.Required("url", &c.url));
  OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "url", c.url));
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("method", {"POST", "PUT", "GET"}, &c.method));
  std::string content_type = "form";
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("content_type", {"form", "json"}, &content_type));
  c.content_type =
      content_type == "json" ? SmsConfig::ContentType::kJson : SmsConfig::ContentType::kForm;
  OSPREY_RETURN_IF_ERROR(m.Optional("params", &c.params));
  OSPREY_RETURN_IF_ERROR(m.Optional("to", &c.to));
  OSPREY_RETURN_IF_ERROR(m.Optional("message", &c.message));
  if (c.to.empty()) return ErrorIn(m, "missing to numbers in sms config");
  for (size_t i = 0; i < c.to.size(); ++i) {
    if (c.to[i].empty()) {
      return m.ErrorAt(m.Get("to")->items()[i].mark(), "empty phone number in sms config");
    }
  }
  if (c.params.empty()) {
    c.params = {{"to", "{{ .To }}"}, {"message", "{{ .Message }}"}};
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  return c;
}

}  // namespace

std::string_view SmsContentTypeName(SmsConfig::ContentType t) {
  return t == SmsConfig::ContentType::kJson ? "json" : "form";
}

Result<ReceiverConfig> DecodeReceiverConfig(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path,
                                            const AlertmanagerGlobalConfig& global) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(
          doc, node, path,
          {"name", "webhook_configs", "email_configs", "slack_configs", "msteams_configs",
           "telegram_configs", "pagerduty_configs", "opsgenie_configs", "sms_configs"}));
  ReceiverConfig r;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &r.name));
  if (r.name.empty()) return m.ErrorAt(m.ValueMark("name"), "missing name in receiver " + path);
  const auto& g = global;
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "webhook_configs", &r.webhook_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeWebhook(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "email_configs", &r.email_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeEmail(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "slack_configs", &r.slack_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeSlack(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "msteams_configs", &r.msteams_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeMsTeams(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "telegram_configs", &r.telegram_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeTelegram(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "pagerduty_configs", &r.pagerduty_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodePagerduty(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "opsgenie_configs", &r.opsgenie_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeOpsGenie(doc, n, p, g); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "sms_configs", &r.sms_configs,
      [&](const YamlNode& n, const std::string& p) { return DecodeSms(doc, n, p, g); }));
  return r;
}

}  // namespace osprey::config
