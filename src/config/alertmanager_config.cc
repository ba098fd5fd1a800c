#include "config/alertmanager_config.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <set>
#include <string>

#include "config/internal/alerting_decode.h"
#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

const model::Duration kDefaultGroupWait = model::Duration::Seconds(30);
const model::Duration kDefaultGroupInterval = model::Duration::Minutes(5);
const model::Duration kDefaultRepeatInterval = model::Duration::Hours(4);

// "host:port" with a non-empty port, as Alertmanager's HostPort.
Status ValidateHostPort(const MappingDecoder& m, std::string_view key, std::string_view hp) {
  if (hp.empty()) return OkStatus();
  const size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos) {
    return m.ErrorAt(m.ValueMark(key), std::string("address ")
                                           .append(Quote(hp))
                                           .append(" for ")
                                           .append(key)
                                           .append(": missing port in address"));
  }
  if (colon + 1 == hp.size()) {
    return m.ErrorAt(m.ValueMark(key), std::string("address ")
                                           .append(Quote(hp))
                                           .append(" for ")
                                           .append(key)
                                           .append(": port must be specified"));
  }
  return OkStatus();
}

Status DecodeRoute(const YamlDocument& doc, const YamlNode& node, const std::string& path,
                   const RouteConfig* parent, RouteConfig* r) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path,
                           {"receiver", "group_by", "continue", "matchers", "match", "match_re",
                            "group_wait", "group_interval", "repeat_interval",
                            "mute_time_intervals", "active_time_intervals", "routes"}));
  if (parent != nullptr) {
    r->receiver = parent->receiver;
    r->group_by = parent->group_by;
    r->group_by_all = parent->group_by_all;
    r->group_wait = parent->group_wait;
    r->group_interval = parent->group_interval;
    r->repeat_interval = parent->repeat_interval;
  }
  std::string receiver;
  OSPREY_RETURN_IF_ERROR(m.Optional("receiver", &receiver));
  if (!receiver.empty()) r->receiver = receiver;
  if (parent == nullptr && r->receiver.empty()) {
    return m.ErrorAt(m.ValueMark("receiver"), "root route must specify a default receiver");
  }

  if (const YamlNode* n = m.Get("group_by")) {
    std::vector<std::string> names;
    OSPREY_RETURN_IF_ERROR(DecodeValue(doc, *n, "group_by", &names));
    std::vector<std::string> by;
    bool all = false;
    std::set<std::string> seen;
    for (size_t i = 0; i < names.size(); ++i) {
      const YamlMark at = n->items()[i].mark();
      if (names[i] == "...") {
        all = true;
        continue;
      }
      if (!internal::IsValidLabelName(names[i])) {
        return m.ErrorAt(at, "invalid label name " + Quote(names[i]) + " in group_by list");
      }
      if (!seen.insert(names[i]).second) {
        return m.ErrorAt(at, "duplicated label " + Quote(names[i]) + " in group_by");
      }
      by.push_back(names[i]);
    }
    if (all && !by.empty()) {
      return m.ErrorAt(n->mark(),
                       "cannot have wildcard group_by (`...`) and other labels at the same time");
    }
    // As Alertmanager's NewRoute: a list of names replaces the parent's, "..." alone sets
    // group_by_all, an empty list inherits.
    if (!by.empty()) {
      r->group_by = std::move(by);
      r->group_by_all = false;
    } else if (all) {
      r->group_by.clear();
      r->group_by_all = true;
    }
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("continue", &r->continue_matching));
  if (parent == nullptr && r->continue_matching) {
    return m.ErrorAt(m.ValueMark("continue"), "cannot have continue in root route");
  }

  OSPREY_RETURN_IF_ERROR(
      internal::DecodeMatchMap(m, "match", model::MatchType::kEqual, &r->matchers));
  OSPREY_RETURN_IF_ERROR(
      internal::DecodeMatchMap(m, "match_re", model::MatchType::kRegexMatch, &r->matchers));
  OSPREY_RETURN_IF_ERROR(internal::DecodeMatcherList(m, "matchers", &r->matchers));
  if (parent == nullptr && !r->matchers.empty()) {
    const char* key = m.Has("matchers") ? "matchers" : m.Has("match") ? "match" : "match_re";
    return m.ErrorAt(m.KeyMark(key), "root route must not have any matchers");
  }
  model::SortAlertMatchers(&r->matchers);

  OSPREY_RETURN_IF_ERROR(m.Optional("group_wait", &r->group_wait));
  if (m.Has("group_interval")) {
    OSPREY_RETURN_IF_ERROR(m.Optional("group_interval", &r->group_interval));
    if (r->group_interval.ms == 0) {
      return m.ErrorAt(m.ValueMark("group_interval"), "group_interval cannot be zero");
    }
  }
  if (m.Has("repeat_interval")) {
    OSPREY_RETURN_IF_ERROR(m.Optional("repeat_interval", &r->repeat_interval));
    if (r->repeat_interval.ms == 0) {
      return m.ErrorAt(m.ValueMark("repeat_interval"), "repeat_interval cannot be zero");
    }
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("mute_time_intervals", &r->mute_time_intervals));
  OSPREY_RETURN_IF_ERROR(m.Optional("active_time_intervals", &r->active_time_intervals));
  if (parent == nullptr && !r->mute_time_intervals.empty()) {
    return m.ErrorAt(m.KeyMark("mute_time_intervals"),
                     "root route must not have any mute time intervals");
  }
  if (parent == nullptr && !r->active_time_intervals.empty()) {
    return m.ErrorAt(m.KeyMark("active_time_intervals"),
                     "root route must not have any active time intervals");
  }

  if (const YamlNode* n = m.Get("routes")) {
    if (!n->IsSequence()) return TypeError(doc, *n, "a list", "routes");
    const std::string list_path = m.ChildPath("routes");
    r->routes.resize(n->items().size());
    for (size_t i = 0; i < n->items().size(); ++i) {
      OSPREY_RETURN_IF_ERROR(
          DecodeRoute(doc, n->items()[i], IndexPath(list_path, i), r, &r->routes[i]));
    }
  }
  return OkStatus();
}

void EmitDurationEntry(YAML::Emitter& out, const char* key, model::Duration d) {
  out << YAML::Key << key << YAML::Value << model::FormatDuration(d);
}

}  // namespace

const std::vector<std::string_view> kAlertmanagerGlobalKeys = {
    "resolve_timeout",       "http_config",        "smtp_from",          "smtp_hello",
    "smtp_smarthost",        "smtp_auth_username", "smtp_auth_password", "smtp_auth_password_file",
    "smtp_auth_secret",      "smtp_auth_identity", "smtp_require_tls",   "slack_api_url",
    "slack_api_url_file",    "pagerduty_url",      "opsgenie_api_url",   "opsgenie_api_key",
    "opsgenie_api_key_file", "telegram_api_url",   "external_url",
};

Result<AlertmanagerGlobalConfig> DecodeAlertmanagerGlobal(const MappingDecoder& m) {
  AlertmanagerGlobalConfig g;
  OSPREY_RETURN_IF_ERROR(m.Optional("resolve_timeout", &g.resolve_timeout));
  if (m.Has("resolve_timeout") && g.resolve_timeout.ms == 0) {
    return m.ErrorAt(m.ValueMark("resolve_timeout"), "resolve_timeout cannot be zero");
  }
  OSPREY_ASSIGN_OR_RETURN(g.http_config, internal::DecodeNestedHttpConfig(m, g.http_config));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_from", &g.smtp_from));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_hello", &g.smtp_hello));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_smarthost", &g.smtp_smarthost));
  OSPREY_RETURN_IF_ERROR(ValidateHostPort(m, "smtp_smarthost", g.smtp_smarthost));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_auth_username", &g.smtp_auth_username));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_auth_password", &g.smtp_auth_password));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_auth_password_file", &g.smtp_auth_password_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_auth_secret", &g.smtp_auth_secret));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_auth_identity", &g.smtp_auth_identity));
  OSPREY_RETURN_IF_ERROR(m.Optional("smtp_require_tls", &g.smtp_require_tls));
  OSPREY_RETURN_IF_ERROR(m.Optional("slack_api_url", &g.slack_api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("slack_api_url_file", &g.slack_api_url_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("pagerduty_url", &g.pagerduty_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("opsgenie_api_url", &g.opsgenie_api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("opsgenie_api_key", &g.opsgenie_api_key));
  OSPREY_RETURN_IF_ERROR(m.Optional("opsgenie_api_key_file", &g.opsgenie_api_key_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("telegram_api_url", &g.telegram_api_url));
  OSPREY_RETURN_IF_ERROR(m.Optional("external_url", &g.external_url));
  OSPREY_RETURN_IF_ERROR(internal::AtMostOne(m, "smtp_auth_password", g.smtp_auth_password,
                                             "smtp_auth_password_file", g.smtp_auth_password_file));
  OSPREY_RETURN_IF_ERROR(internal::AtMostOne(m, "slack_api_url", g.slack_api_url,
                                             "slack_api_url_file", g.slack_api_url_file));
  OSPREY_RETURN_IF_ERROR(internal::AtMostOne(m, "opsgenie_api_key", g.opsgenie_api_key,
                                             "opsgenie_api_key_file", g.opsgenie_api_key_file));
  if (!g.slack_api_url.empty()) {
    OSPREY_RETURN_IF_ERROR(
        internal::ValidateHttpUrl(m, "slack_api_url", g.slack_api_url, /*allow_mask=*/true));
  }
  for (const char* key :
       {"pagerduty_url", "opsgenie_api_url", "telegram_api_url", "external_url"}) {
    if (!m.Has(key)) continue;
    std::string value;
    OSPREY_RETURN_IF_ERROR(m.Optional(key, &value));
    OSPREY_RETURN_IF_ERROR(internal::ValidateHttpUrl(m, key, value));
  }
  // Alertmanager appends the slash the OpsGenie API paths are joined to.
  if (!g.opsgenie_api_url.empty() && g.opsgenie_api_url.back() != '/') g.opsgenie_api_url += '/';
  return g;
}

Result<RouteConfig> DecodeRootRoute(const YamlDocument& doc, const YamlNode& node) {
  RouteConfig r;
  r.group_wait = kDefaultGroupWait;
  r.group_interval = kDefaultGroupInterval;
  r.repeat_interval = kDefaultRepeatInterval;
  OSPREY_RETURN_IF_ERROR(DecodeRoute(doc, node, "route", nullptr, &r));
  return r;
}

Result<InhibitRuleConfig> DecodeInhibitRule(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path,
                           {"source_matchers", "target_matchers", "source_match", "source_match_re",
                            "target_match", "target_match_re", "equal"}));
  InhibitRuleConfig r;
  OSPREY_RETURN_IF_ERROR(
      internal::DecodeMatchMap(m, "source_match", model::MatchType::kEqual, &r.source_matchers));
  OSPREY_RETURN_IF_ERROR(internal::DecodeMatchMap(
      m, "source_match_re", model::MatchType::kRegexMatch, &r.source_matchers));
  OSPREY_RETURN_IF_ERROR(internal::DecodeMatcherList(m, "source_matchers", &r.source_matchers));
  OSPREY_RETURN_IF_ERROR(
      internal::DecodeMatchMap(m, "target_match", model::MatchType::kEqual, &r.target_matchers));
  OSPREY_RETURN_IF_ERROR(internal::DecodeMatchMap(
      m, "target_match_re", model::MatchType::kRegexMatch, &r.target_matchers));
  OSPREY_RETURN_IF_ERROR(internal::DecodeMatcherList(m, "target_matchers", &r.target_matchers));
  model::SortAlertMatchers(&r.source_matchers);
  model::SortAlertMatchers(&r.target_matchers);
  OSPREY_RETURN_IF_ERROR(m.Optional("equal", &r.equal));
  for (size_t i = 0; i < r.equal.size(); ++i) {
    if (!internal::IsValidLabelName(r.equal[i])) {
      return m.ErrorAt(m.Get("equal")->items()[i].mark(),
                       "invalid label name " + Quote(r.equal[i]) + " in equal");
    }
  }
  return r;
}

namespace {

Result<AlertmanagerEndpointConfig> DecodeEndpoint(const YamlDocument& doc, const YamlNode& node,
                                                  const std::string& path) {
  std::vector<std::string_view> keys = {"static_configs", "scheme",      "path_prefix",
                                        "timeout",        "api_version", "relabel_configs"};
  keys.insert(keys.end(), std::begin(kHttpClientConfigKeys), std::end(kHttpClientConfigKeys));
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, path, keys));
  AlertmanagerEndpointConfig e;
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "static_configs", &e.static_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeStaticConfig(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("scheme", {"http", "https"}, &e.scheme));
  OSPREY_RETURN_IF_ERROR(m.Optional("path_prefix", &e.path_prefix));
  OSPREY_RETURN_IF_ERROR(m.Optional("timeout", &e.timeout));
  if (m.Has("api_version")) {
    std::string v;
    OSPREY_RETURN_IF_ERROR(m.Optional("api_version", &v));
    if (v != "v2") {
      return m.ErrorAt(m.ValueMark("api_version"),
                       "expected Alertmanager api version to be one of [v2], got " + Quote(v));
    }
  }
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "relabel_configs", &e.relabel_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeRelabelConfig(doc, n, p); }));
  OSPREY_ASSIGN_OR_RETURN(e.http_client, DecodeHttpClientConfig(m));
  return e;
}

}  // namespace

Result<AlertingConfig> DecodeAlertingConfig(const YamlDocument& doc, const YamlNode& node) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, "alerting", {"alert_relabel_configs", "alertmanagers"}));
  AlertingConfig a;
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "alert_relabel_configs", &a.alert_relabel_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeRelabelConfig(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "alertmanagers", &a.alertmanagers,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeEndpoint(doc, n, p); }));
  return a;
}

bool operator==(const RouteConfig& a, const RouteConfig& b) {
  return a.receiver == b.receiver && a.group_by == b.group_by && a.group_by_all == b.group_by_all &&
         model::SameMatchers(a.matchers, b.matchers) &&
         a.continue_matching == b.continue_matching && a.group_wait == b.group_wait &&
         a.group_interval == b.group_interval && a.repeat_interval == b.repeat_interval &&
         a.mute_time_intervals == b.mute_time_intervals &&
         a.active_time_intervals == b.active_time_intervals && a.routes == b.routes;
}

bool operator==(const InhibitRuleConfig& a, const InhibitRuleConfig& b) {
  return model::SameMatchers(a.source_matchers, b.source_matchers) &&
         model::SameMatchers(a.target_matchers, b.target_matchers) && a.equal == b.equal;
}

void EmitAlertmanagerGlobal(const AlertmanagerGlobalConfig& g, YAML::Emitter& out) {
  EmitDurationEntry(out, "resolve_timeout", g.resolve_timeout);
  internal::EmitNestedHttpConfig(out, g.http_config);
  internal::EmitIfSet(out, "smtp_from", g.smtp_from);
  internal::WriteStringEntry(out, "smtp_hello", g.smtp_hello);
  internal::EmitIfSet(out, "smtp_smarthost", g.smtp_smarthost);
  internal::EmitIfSet(out, "smtp_auth_username", g.smtp_auth_username);
  internal::EmitSecretIfSet(out, "smtp_auth_password", g.smtp_auth_password);
  internal::EmitIfSet(out, "smtp_auth_password_file", g.smtp_auth_password_file);
  internal::EmitSecretIfSet(out, "smtp_auth_secret", g.smtp_auth_secret);
  internal::EmitIfSet(out, "smtp_auth_identity", g.smtp_auth_identity);
  out << YAML::Key << "smtp_require_tls" << YAML::Value << g.smtp_require_tls;
  internal::EmitSecretIfSet(out, "slack_api_url", g.slack_api_url);
  internal::EmitIfSet(out, "slack_api_url_file", g.slack_api_url_file);
  internal::EmitIfSet(out, "pagerduty_url", g.pagerduty_url);
  internal::EmitIfSet(out, "opsgenie_api_url", g.opsgenie_api_url);
  internal::EmitSecretIfSet(out, "opsgenie_api_key", g.opsgenie_api_key);
  internal::EmitIfSet(out, "opsgenie_api_key_file", g.opsgenie_api_key_file);
  internal::EmitIfSet(out, "telegram_api_url", g.telegram_api_url);
  internal::EmitIfSet(out, "external_url", g.external_url);
}

void EmitRoute(const RouteConfig& r, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::WriteStringEntry(out, "receiver", r.receiver);
  if (r.group_by_all) {
    internal::EmitStringListEntry(out, "group_by", {"..."});
  } else if (!r.group_by.empty()) {
    internal::EmitStringListEntry(out, "group_by", r.group_by);
  }
  if (r.continue_matching) out << YAML::Key << "continue" << YAML::Value << true;
  internal::EmitMatchersEntry(out, "matchers", r.matchers);
  EmitDurationEntry(out, "group_wait", r.group_wait);
  EmitDurationEntry(out, "group_interval", r.group_interval);
  EmitDurationEntry(out, "repeat_interval", r.repeat_interval);
  if (!r.mute_time_intervals.empty()) {
    internal::EmitStringListEntry(out, "mute_time_intervals", r.mute_time_intervals);
  }
  if (!r.active_time_intervals.empty()) {
    internal::EmitStringListEntry(out, "active_time_intervals", r.active_time_intervals);
  }
  if (!r.routes.empty()) {
    out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const RouteConfig& child : r.routes) EmitRoute(child, out);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void EmitInhibitRule(const InhibitRuleConfig& r, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::EmitMatchersEntry(out, "source_matchers", r.source_matchers);
  internal::EmitMatchersEntry(out, "target_matchers", r.target_matchers);
  if (!r.equal.empty()) internal::EmitStringListEntry(out, "equal", r.equal);
  out << YAML::EndMap;
}

void EmitAlertingConfig(const AlertingConfig& a, YAML::Emitter& out) {
  out << YAML::BeginMap;
  if (!a.alert_relabel_configs.empty()) {
    out << YAML::Key << "alert_relabel_configs" << YAML::Value << YAML::BeginSeq;
    for (const RelabelConfig& r : a.alert_relabel_configs) EmitRelabelConfig(r, out);
    out << YAML::EndSeq;
  }
  if (!a.alertmanagers.empty()) {
    out << YAML::Key << "alertmanagers" << YAML::Value << YAML::BeginSeq;
    for (const AlertmanagerEndpointConfig& e : a.alertmanagers) {
      out << YAML::BeginMap;
      if (!e.static_configs.empty()) {
        out << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
        for (const StaticConfig& s : e.static_configs) {
          out << YAML::BeginMap;
          internal::EmitStringListEntry(out, "targets", s.targets);
          if (!s.labels.empty()) internal::EmitStringMapEntry(out, "labels", s.labels);
          out << YAML::EndMap;
        }
        out << YAML::EndSeq;
      }
      internal::WriteStringEntry(out, "scheme", e.scheme);
      internal::EmitIfSet(out, "path_prefix", e.path_prefix);
      EmitDurationEntry(out, "timeout", e.timeout);
      internal::WriteStringEntry(out, "api_version", e.api_version);
      if (!e.relabel_configs.empty()) {
        out << YAML::Key << "relabel_configs" << YAML::Value << YAML::BeginSeq;
        for (const RelabelConfig& r : e.relabel_configs) EmitRelabelConfig(r, out);
        out << YAML::EndSeq;
      }
      EmitHttpClientConfig(e.http_client, out);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

}  // namespace osprey::config
