// Decoding of the `incidents:` section (see incidents_config.h for its shape).
//
// The lists decode in dependency order (people, actions, schedules, escalation policies,
// routes) so that each cross-reference is checked against the names declared before it, at
// the position of the reference. Errors end with the entry's path, entries with a name
// showing it: `unknown person "dave" in incidents.schedules[0] ("primary").rotations[0]
// .participants`.
#include "config/incidents_config.h"

#include <string>

#include "config/internal/alerting_decode.h"
#include "config/internal/incidents_decode.h"
#include "config/internal/validate.h"
#include "model/alert_matchers.h"

namespace osprey::config {
namespace internal {

// Appends " in <path>" to a decoder error that does not name its place in the section yet
// (type and value errors name only the key).
Status InPath(Status s, std::string_view path) {
  if (s.ok() || s.message().find(" in incidents") != std::string::npos) return s;
  return Status(s.code(), std::string(s.message()).append(" in ").append(path));
}

// `<what> in <where>` at `mark`.
Status ErrorIn(const MappingDecoder& m, YamlMark mark, std::string what, std::string_view where) {
  return m.ErrorAt(mark, what.append(" in ").append(where));
}

// A list of names that must each be in `known`: `unknown <kind> "x" in <path>.<key>`.
Status DecodeRefs(const MappingDecoder& m, std::string_view key, const NameSet& known,
                  std::string_view kind, std::vector<std::string>* out) {
  OSPREY_RETURN_IF_ERROR(InPath(m.Optional(key, out), m.path()));
  for (size_t i = 0; i < out->size(); ++i) {
    if (!known.contains((*out)[i])) {
      return ErrorIn(m, m.Get(key)->items()[i].mark(),
                     std::string("unknown ").append(kind).append(" ").append(Quote((*out)[i])),
                     m.ChildPath(key));
    }
  }
  return OkStatus();
}

// One optional name that must be in `known` when set.
Status DecodeRef(const MappingDecoder& m, std::string_view key, const NameSet& known,
                 std::string_view kind, std::string* out) {
  OSPREY_RETURN_IF_ERROR(InPath(m.Optional(key, out), m.path()));
  if (out->empty() || known.contains(*out)) return OkStatus();
  return ErrorIn(m, m.ValueMark(key),
                 std::string("unknown ").append(kind).append(" ").append(Quote(*out)), m.path());
}

}  // namespace internal

namespace {

using internal::DecodeItems;
using internal::DecodeRef;
using internal::DecodeRefs;
using internal::ErrorIn;
using internal::InPath;
using internal::OpenMapping;
using internal::Quote;
using Known = internal::IncidentNames;

constexpr int kMaxRepeat = 10;

bool IsPersonName(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '@' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool HasSpace(std::string_view s) {
  for (char ch : s) {
    if (static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f) return true;
  }
  return false;
}

// local@domain with one "@", no whitespace, a dot-free local part allowed.
bool IsEmailAddress(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos && !HasSpace(s);
}

// E.164: "+" then 4 to 15 digits.
bool IsPhoneNumber(std::string_view s) {
  if (s.size() < 5 || s.size() > 16 || s[0] != '+') return false;
  for (char ch : s.substr(1)) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

bool IsChatHandle(std::string_view s) {
  return s.size() > 1 && (s[0] == '@' || s[0] == '#') && !HasSpace(s);
}

// --- people, notify ---

Result<PersonConfig> DecodePerson(const YamlDocument& doc, const YamlNode& node,
                                  const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      OpenMapping(doc, node, path, {"name", "full_name", "email", "sms", "chat", "webhook"}));
  PersonConfig p;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &p.name));
  if (!IsPersonName(p.name)) {
    return ErrorIn(
        m, m.ValueMark("name"),
        "invalid person name " + Quote(p.name) + ": use letters, digits and the characters _ . @ -",
        path);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("full_name", &p.full_name));
  OSPREY_RETURN_IF_ERROR(m.Optional("email", &p.email));
  if (!p.email.empty() && !IsEmailAddress(p.email)) {
    return ErrorIn(m, m.ValueMark("email"),
                   "invalid email " + Quote(p.email) + ": want name@domain", path);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("sms", &p.sms));
  if (!p.sms.empty() && !IsPhoneNumber(p.sms)) {
    return ErrorIn(m, m.ValueMark("sms"),
                   "invalid sms number " + Quote(p.sms) + ": want \"+\" and 4 to 15 digits", path);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("chat", &p.chat));
  if (!p.chat.empty() && !IsChatHandle(p.chat)) {
    return ErrorIn(m, m.ValueMark("chat"),
                   "invalid chat handle " + Quote(p.chat) + ": want \"@user\" or \"#channel\"",
                   path);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("webhook", &p.webhook));
  if (!p.webhook.empty())
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, "webhook", p.webhook));
  return p;
}

Status DecodeNotify(const MappingDecoder& parent, IncidentNotifyConfig* out) {
  const YamlNode* n = parent.Get("notify");
  if (n == nullptr) return OkStatus();
  const YamlDocument& doc = parent.doc();
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          OpenMapping(doc, *n, parent.ChildPath("notify"), {"sms", "chat"}));
  if (const YamlNode* s = m.Get("sms")) {
    OSPREY_ASSIGN_OR_RETURN(MappingDecoder d, OpenMapping(doc, *s, m.ChildPath("sms"),
                                                          {"url", "method", "content_type",
                                                           "params", "message", "http_config"}));
    SmsConfig c;
    OSPREY_RETURN_IF_ERROR(d.Required("url", &c.url));
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(d, "url", c.url));
    OSPREY_RETURN_IF_ERROR(d.OptionalOneOf("method", {"POST", "PUT", "GET"}, &c.method));
    std::string content_type = "form";
    OSPREY_RETURN_IF_ERROR(d.OptionalOneOf("content_type", {"form", "json"}, &content_type));
    c.content_type =
        content_type == "json" ? SmsConfig::ContentType::kJson : SmsConfig::ContentType::kForm;
    OSPREY_RETURN_IF_ERROR(d.Optional("params", &c.params));
    if (c.params.empty()) c.params = {{"to", "{{ .To }}"}, {"message", "{{ .Message }}"}};
    OSPREY_RETURN_IF_ERROR(d.Optional("message", &c.message));
    OSPREY_ASSIGN_OR_RETURN(c.http_config, internal::DecodeNestedHttpConfig(d, {}));
    out->sms = std::move(c);
  }
  if (const YamlNode* c = m.Get("chat")) {
    OSPREY_ASSIGN_OR_RETURN(MappingDecoder d,
                            OpenMapping(doc, *c, m.ChildPath("chat"), {"url", "http_config"}));
    OSPREY_RETURN_IF_ERROR(d.Required("url", &out->chat_url));
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(d, "url", out->chat_url, /*allow_mask=*/true));
    OSPREY_ASSIGN_OR_RETURN(out->chat_http_config, internal::DecodeNestedHttpConfig(d, {}));
  }
  return OkStatus();
}

// A person's sms or chat needs its gateway in `notify`.
Status CheckContactGateways(const MappingDecoder& m, const IncidentsConfig& c) {
  for (size_t i = 0; i < c.people.size(); ++i) {
    const PersonConfig& p = c.people[i];
    const YamlNode& item = m.Get("people")->items()[i];
    const char* missing = nullptr;
    if (!p.sms.empty() && !c.notify.sms) missing = "sms";
    if (!p.chat.empty() && c.notify.chat_url.empty()) missing = "chat";
    if (missing == nullptr) continue;
    return ErrorIn(m, item.Find(missing)->value.mark(),
                   std::string("person ")
                       .append(Quote(p.name))
                       .append(" has a ")
                       .append(missing)
                       .append(" contact but incidents.notify.")
                       .append(missing)
                       .append(" is not configured"),
                   IndexPath(m.ChildPath("people"), i));
  }
  return OkStatus();
}

// --- actions and triggers ---

Result<ActionConfig> DecodeAction(const YamlDocument& doc, const YamlNode& node,
                                  const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, OpenMapping(doc, node, path,
                                                        {"name", "http", "command", "timeout",
                                                         "rate_limit", "dry_run"}));
  ActionConfig a;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &a.name));
  if (m.Has("http") == m.Has("command")) {
    return ErrorIn(m, m.Has("command") ? m.KeyMark("command") : node.mark(),
                   m.Has("http") ? "action has both http and command: give exactly one"
                                 : "action needs one of http and command",
                   path);
  }
  if (const YamlNode* h = m.Get("http")) {
    const std::string hpath = m.ChildPath("http");
    OSPREY_ASSIGN_OR_RETURN(
        MappingDecoder d,
        OpenMapping(doc, *h, hpath, {"url", "method", "headers", "body", "http_config"}));
    ActionConfig::Http http;
    OSPREY_RETURN_IF_ERROR(InPath(d.Required("url", &http.url), hpath));
    if (!http.url.starts_with("http://") && !http.url.starts_with("https://") &&
        !http.url.starts_with("{{")) {
      return ErrorIn(d, d.ValueMark("url"),
                     "invalid url " + Quote(http.url) +
                         ": must start with http://, https:// or a template \"{{\"",
                     hpath);
    }
    OSPREY_RETURN_IF_ERROR(InPath(
        d.OptionalOneOf("method", {"GET", "POST", "PUT", "PATCH", "DELETE"}, &http.method), hpath));
    OSPREY_RETURN_IF_ERROR(InPath(d.Optional("headers", &http.headers), hpath));
    OSPREY_RETURN_IF_ERROR(InPath(d.Optional("body", &http.body), hpath));
    OSPREY_ASSIGN_OR_RETURN(http.http_config, internal::DecodeNestedHttpConfig(d, {}));
    a.http = std::move(http);
  }
  if (const YamlNode* c = m.Get("command")) {
    const std::string cpath = m.ChildPath("command");
    OSPREY_ASSIGN_OR_RETURN(MappingDecoder d, OpenMapping(doc, *c, cpath, {"path", "args"}));
    ActionConfig::Command command;
    OSPREY_RETURN_IF_ERROR(InPath(d.Required("path", &command.path), cpath));
    if (!command.path.starts_with("/")) {
      return ErrorIn(d, d.ValueMark("path"),
                     "command path " + Quote(command.path) +
                         " is not absolute (commands run without a shell or PATH lookup)",
                     cpath);
    }
    OSPREY_RETURN_IF_ERROR(InPath(d.Optional("args", &command.args), cpath));
    a.command = std::move(command);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("timeout", &a.timeout));
  if (a.timeout.ms <= 0) {
    return ErrorIn(m, m.ValueMark("timeout"), "timeout must be greater than 0", path);
  }
  if (const YamlNode* r = m.Get("rate_limit")) {
    const std::string rpath = m.ChildPath("rate_limit");
    OSPREY_ASSIGN_OR_RETURN(MappingDecoder d, OpenMapping(doc, *r, rpath, {"max", "per"}));
    int64_t max = 0;
    OSPREY_RETURN_IF_ERROR(InPath(d.Optional("max", &max), rpath));
    if (max < 0 || max > 1'000'000) {
      return ErrorIn(
          d, d.ValueMark("max"),
          "invalid rate_limit.max " + std::to_string(max) + ": must be 0 (unlimited) to 1000000",
          rpath);
    }
    a.rate_limit_max = static_cast<int>(max);
    OSPREY_RETURN_IF_ERROR(InPath(d.Optional("per", &a.rate_limit_per), rpath));
    if (a.rate_limit_per.ms <= 0) {
      return ErrorIn(d, d.ValueMark("per"), "rate_limit.per must be greater than 0", rpath);
    }
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("dry_run", &a.dry_run));
  return a;
}

Result<ActionTriggerConfig> DecodeTrigger(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, OpenMapping(doc, node, path, {"run", "on", "after"}));
  ActionTriggerConfig t;
  OSPREY_RETURN_IF_ERROR(m.Required("run", &t.run));
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "run", known.actions, "action", &t.run));
  std::string on = "open";
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("on", {"open", "unacknowledged"}, &on));
  OSPREY_RETURN_IF_ERROR(m.Optional("after", &t.after));
  if (on == "open") {
    t.on = ActionTriggerConfig::On::kOpen;
    if (t.after.ms != 0) {
      return ErrorIn(m, m.ValueMark("after"), "after applies only to on: unacknowledged", path);
    }
  } else {
    t.on = ActionTriggerConfig::On::kUnacknowledged;
    if (t.after.ms <= 0) {
      return ErrorIn(m, m.ValueMark("after"),
                     "on: unacknowledged needs after, a duration greater than 0", path);
    }
  }
  return t;
}

Status DecodeTriggers(const MappingDecoder& m, const Known& known,
                      std::vector<ActionTriggerConfig>* out) {
  return DecodeItems(m, "actions", out, nullptr, [&](const YamlNode& n, const std::string& p) {
    return DecodeTrigger(m.doc(), n, p, known);
  });
}

// --- escalation policies and routes ---

Result<EscalationTargetConfig> DecodeTarget(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, OpenMapping(doc, node, path, {"schedule", "person"}));
  EscalationTargetConfig t;
  if (m.Has("schedule") == m.Has("person")) {
    return ErrorIn(m, node.mark(), "target needs exactly one of schedule and person", path);
  }
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "schedule", known.schedules, "schedule", &t.schedule));
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "person", known.people, "person", &t.person));
  return t;
}

Result<EscalationLevelConfig> DecodeLevel(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          OpenMapping(doc, node, path, {"targets", "escalate_after"}));
  EscalationLevelConfig l;
  if (!m.Has("targets")) return m.MissingError("targets");
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "targets", &l.targets, nullptr,
      [&](const YamlNode& n, const std::string& p) { return DecodeTarget(doc, n, p, known); }));
  if (l.targets.empty()) {
    return ErrorIn(m, m.ValueMark("targets"), "targets must not be empty", path);
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("escalate_after", &l.escalate_after));
  if (l.escalate_after.ms <= 0) {
    return ErrorIn(m, m.ValueMark("escalate_after"), "escalate_after must be greater than 0", path);
  }
  return l;
}

Result<EscalationPolicyConfig> DecodePolicy(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      OpenMapping(doc, node, path, {"name", "levels", "repeat", "fallback", "actions"}));
  EscalationPolicyConfig p;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &p.name));
  if (!m.Has("levels")) return m.MissingError("levels");
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "levels", &p.levels, nullptr,
      [&](const YamlNode& n, const std::string& lp) { return DecodeLevel(doc, n, lp, known); }));
  if (p.levels.empty()) {
    return ErrorIn(m, m.ValueMark("levels"), "levels must not be empty", path);
  }
  int64_t repeat = 0;
  OSPREY_RETURN_IF_ERROR(m.Optional("repeat", &repeat));
  if (repeat < 0 || repeat > kMaxRepeat) {
    return ErrorIn(m, m.ValueMark("repeat"),
                   "invalid repeat " + std::to_string(repeat) + ": must be 0 to 10", path);
  }
  p.repeat = static_cast<int>(repeat);
  OSPREY_RETURN_IF_ERROR(DecodeRefs(m, "fallback", known.people, "person", &p.fallback));
  OSPREY_RETURN_IF_ERROR(DecodeTriggers(m, known, &p.actions));
  return p;
}

Result<IncidentRouteConfig> DecodeRoute(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          OpenMapping(doc, node, path, {"matchers", "policy", "actions"}));
  IncidentRouteConfig r;
  OSPREY_RETURN_IF_ERROR(m.Optional("matchers", &r.matchers));
  for (size_t i = 0; i < r.matchers.size(); ++i) {
    Result<std::vector<model::Matcher>> ms = model::ParseAlertMatchers(r.matchers[i]);
    if (!ms.ok()) {
      return ErrorIn(m, m.Get("matchers")->items()[i].mark(),
                     "invalid matcher " + Quote(r.matchers[i]) + ": " + ms.status().message(),
                     m.ChildPath("matchers"));
    }
  }
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "policy", known.policies, "escalation policy", &r.policy));
  OSPREY_RETURN_IF_ERROR(DecodeTriggers(m, known, &r.actions));
  return r;
}

// severity_label, service_label: label names.
Status DecodeLabelName(const MappingDecoder& m, std::string_view key, std::string* out) {
  OSPREY_RETURN_IF_ERROR(m.Optional(key, out));
  if (internal::IsValidLabelName(*out)) return OkStatus();
  return ErrorIn(m, m.ValueMark(key),
                 "invalid label name " + Quote(*out) + " for " + std::string(key), m.path());
}

Status DecodeSeverities(const MappingDecoder& m, IncidentsConfig* c) {
  std::map<std::string, std::string> raw;
  OSPREY_RETURN_IF_ERROR(m.Optional("severity_map", &raw));
  for (const auto& [value, severity] : raw) {
    Result<IncidentSeverity> s = ParseIncidentSeverity(severity);
    if (!s.ok()) {
      return ErrorIn(m, m.Get("severity_map")->Find(value)->value.mark(),
                     "invalid severity " + Quote(severity) + " for severity_map." + value +
                         ": must be one of \"critical\", \"warning\", \"info\"",
                     m.path());
    }
    c->severity_map[value] = *s;
  }
  std::string def(IncidentSeverityName(c->default_severity));
  OSPREY_RETURN_IF_ERROR(
      InPath(m.OptionalOneOf("default_severity", {"critical", "warning", "info"}, &def), m.path()));
  c->default_severity = *ParseIncidentSeverity(def);
  return OkStatus();
}

}  // namespace

std::string_view IncidentSeverityName(IncidentSeverity s) {
  switch (s) {
    case IncidentSeverity::kCritical:
      return "critical";
    case IncidentSeverity::kWarning:
      return "warning";
    case IncidentSeverity::kInfo:
      return "info";
  }
  return "warning";
}

Result<IncidentSeverity> ParseIncidentSeverity(std::string_view s) {
  if (s == "critical") return IncidentSeverity::kCritical;
  if (s == "warning") return IncidentSeverity::kWarning;
  if (s == "info") return IncidentSeverity::kInfo;
  return Status(StatusCode::kInvalidArgument,
                "invalid severity " + Quote(s) + ": must be critical, warning or info");
}

Status DecodeIncidentsConfig(const MappingDecoder& root, IncidentsConfig* out) {
  const YamlNode* n = root.Get("incidents");
  if (n == nullptr) return OkStatus();
  const YamlDocument& doc = root.doc();
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      OpenMapping(doc, *n, "incidents",
                  {"enabled", "receivers", "severity_label", "severity_map", "default_severity",
                   "service_label", "auto_resolve", "reopen_window", "ack_link_ttl",
                   "ack_secret_file", "default_policy", "routes", "people", "notify", "schedules",
                   "escalation_policies", "actions"}));
  IncidentsConfig c;
  c.enabled = true;
  Status s = [&]() -> Status {
    OSPREY_RETURN_IF_ERROR(m.Optional("enabled", &c.enabled));
    OSPREY_RETURN_IF_ERROR(m.Optional("receivers", &c.receivers));
    OSPREY_RETURN_IF_ERROR(DecodeLabelName(m, "severity_label", &c.severity_label));
    OSPREY_RETURN_IF_ERROR(DecodeSeverities(m, &c));
    OSPREY_RETURN_IF_ERROR(DecodeLabelName(m, "service_label", &c.service_label));
    OSPREY_RETURN_IF_ERROR(m.Optional("auto_resolve", &c.auto_resolve));
    OSPREY_RETURN_IF_ERROR(m.Optional("reopen_window", &c.reopen_window));
    OSPREY_RETURN_IF_ERROR(m.Optional("ack_link_ttl", &c.ack_link_ttl));
    if (c.ack_link_ttl.ms <= 0) {
      return ErrorIn(m, m.ValueMark("ack_link_ttl"), "ack_link_ttl must be greater than 0",
                     m.path());
    }
    return m.Optional("ack_secret_file", &c.ack_secret_file);
  }();
  OSPREY_RETURN_IF_ERROR(InPath(std::move(s), "incidents"));

  Known known;
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "people", &c.people, &known.people,
      [&](const YamlNode& item, const std::string& p) { return DecodePerson(doc, item, p); }));
  OSPREY_RETURN_IF_ERROR(InPath(DecodeNotify(m, &c.notify), "incidents.notify"));
  OSPREY_RETURN_IF_ERROR(CheckContactGateways(m, c));
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "actions", &c.actions, &known.actions,
      [&](const YamlNode& item, const std::string& p) { return DecodeAction(doc, item, p); }));
  OSPREY_RETURN_IF_ERROR(DecodeItems(m, "schedules", &c.schedules, &known.schedules,
                                     [&](const YamlNode& item, const std::string& p) {
                                       return internal::DecodeIncidentSchedule(doc, item, p, known);
                                     }));
  OSPREY_RETURN_IF_ERROR(DecodeItems(m, "escalation_policies", &c.escalation_policies,
                                     &known.policies,
                                     [&](const YamlNode& item, const std::string& p) {
                                       return DecodePolicy(doc, item, p, known);
                                     }));
  OSPREY_RETURN_IF_ERROR(
      DecodeRef(m, "default_policy", known.policies, "escalation policy", &c.default_policy));
  OSPREY_RETURN_IF_ERROR(
      DecodeItems(m, "routes", &c.routes, nullptr, [&](const YamlNode& item, const std::string& p) {
        return DecodeRoute(doc, item, p, known);
      }));
  *out = std::move(c);
  return OkStatus();
}

}  // namespace osprey::config
