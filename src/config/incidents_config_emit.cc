// The `incidents:` section as YAML for Config::ToYaml: every value written out (defaults
// included) so that ParseConfig(ToYaml()) gives back the same IncidentsConfig; secrets
// (notify.chat.url, http_config credentials) become "<secret>".
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <string>

#include "config/incidents_config.h"
#include "config/internal/alerting_decode.h"
#include "config/internal/emit.h"
#include "config/internal/incidents_decode.h"
#include "config/receiver_config.h"

namespace osprey::config {
namespace {

using internal::WriteString;
using internal::WriteStringEntry;

using internal::FormatLocalDateTime;

void EmitDuration(YAML::Emitter& out, std::string_view key, model::Duration d) {
  out << YAML::Key << std::string(key) << YAML::Value << model::FormatDuration(d);
}

void EmitList(YAML::Emitter& out, std::string_view key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& s : v) WriteString(out, s);
  out << YAML::EndSeq;
}

void EmitTriggers(YAML::Emitter& out, const std::vector<ActionTriggerConfig>& triggers) {
  if (triggers.empty()) return;
  out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
  for (const ActionTriggerConfig& t : triggers) {
    out << YAML::Flow << YAML::BeginMap;
    WriteStringEntry(out, "run", t.run);
    if (t.on == ActionTriggerConfig::On::kOpen) {
      WriteStringEntry(out, "on", "open");
    } else {
      WriteStringEntry(out, "on", "unacknowledged");
      EmitDuration(out, "after", t.after);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void EmitPerson(YAML::Emitter& out, const PersonConfig& p) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", p.name);
  internal::EmitIfSet(out, "full_name", p.full_name);
  internal::EmitIfSet(out, "email", p.email);
  internal::EmitIfSet(out, "sms", p.sms);
  internal::EmitIfSet(out, "chat", p.chat);
  internal::EmitIfSet(out, "webhook", p.webhook);
  out << YAML::EndMap;
}

void EmitNotify(YAML::Emitter& out, const IncidentNotifyConfig& n) {
  if (n == IncidentNotifyConfig{}) return;
  out << YAML::Key << "notify" << YAML::Value << YAML::BeginMap;
  if (n.sms) {
    const SmsConfig& s = *n.sms;
    out << YAML::Key << "sms" << YAML::Value << YAML::BeginMap;
    WriteStringEntry(out, "url", s.url);
    WriteStringEntry(out, "method", s.method);
    WriteStringEntry(out, "content_type", SmsContentTypeName(s.content_type));
    internal::EmitStringMapEntry(out, "params", s.params);
    WriteStringEntry(out, "message", s.message);
    internal::EmitNestedHttpConfig(out, s.http_config);
    out << YAML::EndMap;
  }
  if (!n.chat_url.empty()) {
    out << YAML::Key << "chat" << YAML::Value << YAML::BeginMap;
    internal::EmitSecretIfSet(out, "url", n.chat_url);
    internal::EmitNestedHttpConfig(out, n.chat_http_config);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void EmitRotation(YAML::Emitter& out, const RotationConfig& r) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", r.name);
  WriteStringEntry(out, "start", FormatLocalDateTime(r.start));
  if (r.end) WriteStringEntry(out, "end", FormatLocalDateTime(*r.end));
  switch (r.hand_off) {
    case RotationConfig::HandOff::kDaily:
      WriteStringEntry(out, "hand_off", "daily");
      break;
    case RotationConfig::HandOff::kWeekly:
      WriteStringEntry(out, "hand_off", "weekly");
      break;
    case RotationConfig::HandOff::kCustom:
      EmitDuration(out, "hand_off", r.shift_length);
      break;
  }
  EmitList(out, "participants", r.participants);
  if (!r.restrictions.empty()) {
    out << YAML::Key << "restrictions" << YAML::Value << YAML::BeginSeq;
    for (const TimeIntervalSpec& s : r.restrictions) EmitTimeIntervalSpec(s, out);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void EmitSchedule(YAML::Emitter& out, const ScheduleConfig& s) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", s.name);
  WriteStringEntry(out, "time_zone", s.time_zone);
  out << YAML::Key << "rotations" << YAML::Value << YAML::BeginSeq;
  for (const RotationConfig& r : s.rotations) EmitRotation(out, r);
  out << YAML::EndSeq;
  if (!s.overrides.empty()) {
    out << YAML::Key << "overrides" << YAML::Value << YAML::BeginSeq;
    for (const ScheduleOverrideConfig& o : s.overrides) {
      out << YAML::BeginMap;
      WriteStringEntry(out, "person", o.person);
      WriteStringEntry(out, "start", FormatLocalDateTime(o.start));
      WriteStringEntry(out, "end", FormatLocalDateTime(o.end));
      internal::EmitIfSet(out, "replaces", o.replaces);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void EmitPolicy(YAML::Emitter& out, const EscalationPolicyConfig& p) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", p.name);
  out << YAML::Key << "repeat" << YAML::Value << p.repeat;
  EmitList(out, "fallback", p.fallback);
  out << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (const EscalationLevelConfig& l : p.levels) {
    out << YAML::BeginMap;
    out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
    for (const EscalationTargetConfig& t : l.targets) {
      out << YAML::Flow << YAML::BeginMap;
      if (!t.schedule.empty()) WriteStringEntry(out, "schedule", t.schedule);
      if (!t.person.empty()) WriteStringEntry(out, "person", t.person);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    EmitDuration(out, "escalate_after", l.escalate_after);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  EmitTriggers(out, p.actions);
  out << YAML::EndMap;
}

void EmitAction(YAML::Emitter& out, const ActionConfig& a) {
  out << YAML::BeginMap;
  WriteStringEntry(out, "name", a.name);
  if (a.http) {
    out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
    WriteStringEntry(out, "url", a.http->url);
    WriteStringEntry(out, "method", a.http->method);
    if (!a.http->headers.empty()) internal::EmitStringMapEntry(out, "headers", a.http->headers);
    internal::EmitIfSet(out, "body", a.http->body);
    internal::EmitNestedHttpConfig(out, a.http->http_config);
    out << YAML::EndMap;
  }
  if (a.command) {
    out << YAML::Key << "command" << YAML::Value << YAML::BeginMap;
    WriteStringEntry(out, "path", a.command->path);
    if (!a.command->args.empty()) internal::EmitStringListEntry(out, "args", a.command->args);
    out << YAML::EndMap;
  }
  EmitDuration(out, "timeout", a.timeout);
  out << YAML::Key << "rate_limit" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "max" << YAML::Value << a.rate_limit_max;
  EmitDuration(out, "per", a.rate_limit_per);
  out << YAML::EndMap;
  out << YAML::Key << "dry_run" << YAML::Value << a.dry_run;
  out << YAML::EndMap;
}

}  // namespace

void EmitIncidentsConfig(const IncidentsConfig& c, YAML::Emitter& out) {
  if (!c.enabled && c == IncidentsConfig{}) return;
  out << YAML::Key << "incidents" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.enabled;
  EmitList(out, "receivers", c.receivers);
  WriteStringEntry(out, "severity_label", c.severity_label);
  if (!c.severity_map.empty()) {
    out << YAML::Key << "severity_map" << YAML::Value << YAML::BeginMap;
    for (const auto& [value, severity] : c.severity_map) {
      WriteStringEntry(out, value, IncidentSeverityName(severity));
    }
    out << YAML::EndMap;
  }
  WriteStringEntry(out, "default_severity", IncidentSeverityName(c.default_severity));
  WriteStringEntry(out, "service_label", c.service_label);
  out << YAML::Key << "auto_resolve" << YAML::Value << c.auto_resolve;
  EmitDuration(out, "reopen_window", c.reopen_window);
  EmitDuration(out, "ack_link_ttl", c.ack_link_ttl);
  internal::EmitIfSet(out, "ack_secret_file", c.ack_secret_file);
  internal::EmitIfSet(out, "default_policy", c.default_policy);
  if (!c.routes.empty()) {
    out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const IncidentRouteConfig& r : c.routes) {
      out << YAML::BeginMap;
      EmitList(out, "matchers", r.matchers);
      internal::EmitIfSet(out, "policy", r.policy);
      EmitTriggers(out, r.actions);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!c.people.empty()) {
    out << YAML::Key << "people" << YAML::Value << YAML::BeginSeq;
    for (const PersonConfig& p : c.people) EmitPerson(out, p);
    out << YAML::EndSeq;
  }
  EmitNotify(out, c.notify);
  if (!c.schedules.empty()) {
    out << YAML::Key << "schedules" << YAML::Value << YAML::BeginSeq;
    for (const ScheduleConfig& s : c.schedules) EmitSchedule(out, s);
    out << YAML::EndSeq;
  }
  if (!c.escalation_policies.empty()) {
    out << YAML::Key << "escalation_policies" << YAML::Value << YAML::BeginSeq;
    for (const EscalationPolicyConfig& p : c.escalation_policies) EmitPolicy(out, p);
    out << YAML::EndSeq;
  }
  if (!c.actions.empty()) {
    out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
    for (const ActionConfig& a : c.actions) EmitAction(out, a);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

}  // namespace osprey::config
