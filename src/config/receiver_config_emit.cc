// ToYaml and path resolution of `receivers:` entries.
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include "config/internal/alerting_decode.h"
#include "config/internal/emit.h"
#include "config/internal/validate.h"
#include "config/receiver_config.h"

namespace osprey::config {
namespace {

using internal::EmitIfSet;
using internal::EmitSecretIfSet;
using internal::WriteStringEntry;

void EmitBool(YAML::Emitter& out, const char* key, bool v) {
  out << YAML::Key << key << YAML::Value << v;
}

template <typename T, typename EmitFn>
void EmitList(YAML::Emitter& out, const char* key, const std::vector<T>& items, EmitFn emit) {
  if (items.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const T& item : items) {
    out << YAML::BeginMap;
    emit(item);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void Resolve(std::string_view dir, std::string* path) { *path = internal::JoinDir(dir, *path); }

}  // namespace

void EmitReceiverConfig(const ReceiverConfig& r, YAML::Emitter& out) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", r.name);
  EmitList(out, "webhook_configs", r.webhook_configs, [&out](const WebhookConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    EmitIfSet(out, "url", c.url);
    EmitIfSet(out, "url_file", c.url_file);
    out << YAML::Key << "max_alerts" << YAML::Value << c.max_alerts;
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "email_configs", r.email_configs, [&out](const EmailConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    WriteStringEntry(out, "to", c.to);
    WriteStringEntry(out, "from", c.from);
    WriteStringEntry(out, "hello", c.hello);
    WriteStringEntry(out, "smarthost", c.smarthost);
    EmitIfSet(out, "auth_username", c.auth_username);
    EmitSecretIfSet(out, "auth_password", c.auth_password);
    EmitIfSet(out, "auth_password_file", c.auth_password_file);
    EmitSecretIfSet(out, "auth_secret", c.auth_secret);
    EmitIfSet(out, "auth_identity", c.auth_identity);
    internal::EmitStringMapEntry(out, "headers", c.headers);
    WriteStringEntry(out, "html", c.html);
    WriteStringEntry(out, "text", c.text);
    EmitBool(out, "require_tls", c.require_tls);
    out << YAML::Key << "tls_config" << YAML::Value;
    EmitTlsConfig(c.tls_config, out);
  });
  EmitList(out, "slack_configs", r.slack_configs, [&out](const SlackConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    EmitSecretIfSet(out, "api_url", c.api_url);
    EmitIfSet(out, "api_url_file", c.api_url_file);
    WriteStringEntry(out, "channel", c.channel);
    WriteStringEntry(out, "username", c.username);
    WriteStringEntry(out, "color", c.color);
    WriteStringEntry(out, "title", c.title);
    WriteStringEntry(out, "title_link", c.title_link);
    WriteStringEntry(out, "pretext", c.pretext);
    WriteStringEntry(out, "text", c.text);
    if (!c.fields.empty()) {
      out << YAML::Key << "fields" << YAML::Value << YAML::BeginSeq;
      for (const SlackField& f : c.fields) {
        out << YAML::BeginMap;
        WriteStringEntry(out, "title", f.title);
        WriteStringEntry(out, "value", f.value);
        if (f.short_field) EmitBool(out, "short", *f.short_field);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    EmitBool(out, "short_fields", c.short_fields);
    WriteStringEntry(out, "footer", c.footer);
    WriteStringEntry(out, "fallback", c.fallback);
    WriteStringEntry(out, "callback_id", c.callback_id);
    WriteStringEntry(out, "icon_emoji", c.icon_emoji);
    WriteStringEntry(out, "icon_url", c.icon_url);
    WriteStringEntry(out, "image_url", c.image_url);
    WriteStringEntry(out, "thumb_url", c.thumb_url);
    EmitBool(out, "link_names", c.link_names);
    if (!c.mrkdwn_in.empty()) internal::EmitStringListEntry(out, "mrkdwn_in", c.mrkdwn_in);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "msteams_configs", r.msteams_configs, [&out](const MsTeamsConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    EmitSecretIfSet(out, "webhook_url", c.webhook_url);
    EmitIfSet(out, "webhook_url_file", c.webhook_url_file);
    WriteStringEntry(out, "title", c.title);
    WriteStringEntry(out, "summary", c.summary);
    WriteStringEntry(out, "text", c.text);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "telegram_configs", r.telegram_configs, [&out](const TelegramConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    WriteStringEntry(out, "api_url", c.api_url);
    EmitSecretIfSet(out, "bot_token", c.bot_token);
    EmitIfSet(out, "bot_token_file", c.bot_token_file);
    out << YAML::Key << "chat_id" << YAML::Value << c.chat_id;
    WriteStringEntry(out, "message", c.message);
    EmitBool(out, "disable_notifications", c.disable_notifications);
    WriteStringEntry(out, "parse_mode", c.parse_mode);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "pagerduty_configs", r.pagerduty_configs, [&out](const PagerdutyConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    EmitSecretIfSet(out, "routing_key", c.routing_key);
    EmitIfSet(out, "routing_key_file", c.routing_key_file);
    EmitSecretIfSet(out, "service_key", c.service_key);
    EmitIfSet(out, "service_key_file", c.service_key_file);
    WriteStringEntry(out, "url", c.url);
    WriteStringEntry(out, "client", c.client);
    WriteStringEntry(out, "client_url", c.client_url);
    WriteStringEntry(out, "description", c.description);
    internal::EmitStringMapEntry(out, "details", c.details);
    EmitList(out, "images", c.images, [&out](const PagerdutyImage& i) {
      WriteStringEntry(out, "src", i.src);
      WriteStringEntry(out, "alt", i.alt);
      WriteStringEntry(out, "href", i.href);
    });
    EmitList(out, "links", c.links, [&out](const PagerdutyLink& l) {
      WriteStringEntry(out, "href", l.href);
      WriteStringEntry(out, "text", l.text);
    });
    WriteStringEntry(out, "source", c.source);
    WriteStringEntry(out, "severity", c.severity);
    WriteStringEntry(out, "class", c.class_name);
    WriteStringEntry(out, "component", c.component);
    WriteStringEntry(out, "group", c.group);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "opsgenie_configs", r.opsgenie_configs, [&out](const OpsGenieConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    EmitSecretIfSet(out, "api_key", c.api_key);
    EmitIfSet(out, "api_key_file", c.api_key_file);
    WriteStringEntry(out, "api_url", c.api_url);
    WriteStringEntry(out, "message", c.message);
    WriteStringEntry(out, "description", c.description);
    WriteStringEntry(out, "source", c.source);
    if (!c.details.empty()) internal::EmitStringMapEntry(out, "details", c.details);
    WriteStringEntry(out, "entity", c.entity);
    EmitList(out, "responders", c.responders, [&out](const OpsGenieResponder& x) {
      EmitIfSet(out, "id", x.id);
      EmitIfSet(out, "name", x.name);
      EmitIfSet(out, "username", x.username);
      WriteStringEntry(out, "type", x.type);
    });
    WriteStringEntry(out, "actions", c.actions);
    WriteStringEntry(out, "tags", c.tags);
    WriteStringEntry(out, "note", c.note);
    WriteStringEntry(out, "priority", c.priority);
    EmitBool(out, "update_alerts", c.update_alerts);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  EmitList(out, "sms_configs", r.sms_configs, [&out](const SmsConfig& c) {
    EmitBool(out, "send_resolved", c.send_resolved);
    WriteStringEntry(out, "url", c.url);
    WriteStringEntry(out, "method", c.method);
    WriteStringEntry(out, "content_type", SmsContentTypeName(c.content_type));
    internal::EmitStringMapEntry(out, "params", c.params);
    internal::EmitStringListEntry(out, "to", c.to);
    WriteStringEntry(out, "message", c.message);
    internal::EmitNestedHttpConfig(out, c.http_config);
  });
  out << YAML::EndMap;
}

void ResolveReceiverPaths(std::string_view dir, ReceiverConfig* r) {
  for (WebhookConfig& c : r->webhook_configs) {
    Resolve(dir, &c.url_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (EmailConfig& c : r->email_configs) {
    Resolve(dir, &c.auth_password_file);
    Resolve(dir, &c.tls_config.ca_file);
    Resolve(dir, &c.tls_config.cert_file);
    Resolve(dir, &c.tls_config.key_file);
  }
  for (SlackConfig& c : r->slack_configs) {
    Resolve(dir, &c.api_url_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (MsTeamsConfig& c : r->msteams_configs) {
    Resolve(dir, &c.webhook_url_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (TelegramConfig& c : r->telegram_configs) {
    Resolve(dir, &c.bot_token_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (PagerdutyConfig& c : r->pagerduty_configs) {
    Resolve(dir, &c.routing_key_file);
    Resolve(dir, &c.service_key_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (OpsGenieConfig& c : r->opsgenie_configs) {
    Resolve(dir, &c.api_key_file);
    ResolveHttpClientPaths(dir, &c.http_config);
  }
  for (SmsConfig& c : r->sms_configs) ResolveHttpClientPaths(dir, &c.http_config);
}

}  // namespace osprey::config
