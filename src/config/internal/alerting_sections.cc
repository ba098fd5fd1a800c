#include "config/internal/alerting_sections.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <set>
#include <string>
#include <unordered_map>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config::internal {
namespace {

// Checks the names a route node uses against the receivers and time intervals, pointing at
// the offending value. Walks the YAML beside the decoded tree so errors have positions.
Status CheckRouteReferences(const YamlDocument& doc, const YamlNode& node, const std::string& path,
                            const std::set<std::string>& receivers,
                            const std::set<std::string>& intervals) {
  if (!node.IsMapping()) return OkStatus();
  if (const YamlEntry* e = node.Find("receiver"); e != nullptr && e->value.IsScalar()) {
    const std::string& name = e->value.scalar();
    if (!name.empty() && receivers.count(name) == 0) {
      return doc.Error(e->value.mark(), "undefined receiver " + Quote(name) + " used in " + path);
    }
  }
  for (const char* key : {"mute_time_intervals", "active_time_intervals"}) {
    const YamlEntry* e = node.Find(key);
    if (e == nullptr || !e->value.IsSequence()) continue;
    for (const YamlNode& item : e->value.items()) {
      if (item.IsScalar() && intervals.count(item.scalar()) == 0) {
        return doc.Error(item.mark(),
                         "undefined time interval " + Quote(item.scalar()) + " used in " + path);
      }
    }
  }
  if (const YamlEntry* e = node.Find("routes"); e != nullptr && e->value.IsSequence()) {
    for (size_t i = 0; i < e->value.items().size(); ++i) {
      OSPREY_RETURN_IF_ERROR(CheckRouteReferences(
          doc, e->value.items()[i], IndexPath(JoinPath(path, "routes"), i), receivers, intervals));
    }
  }
  return OkStatus();
}

// The mark of the `name` value of items[i] of list `key`, or the list's.
YamlMark NameMark(const MappingDecoder& m, std::string_view key, size_t i) {
  const YamlNode* list = m.Get(key);
  if (list != nullptr && i < list->items().size()) {
    if (const YamlEntry* e = list->items()[i].Find("name")) return e->value.mark();
  }
  return m.ValueMark(key);
}

Status DecodeTemplates(const MappingDecoder& m, std::vector<std::string>* out) {
  OSPREY_RETURN_IF_ERROR(m.Optional("templates", out));
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i].empty()) {
      return m.ErrorAt(m.Get("templates")->items()[i].mark(), "empty template file path");
    }
  }
  return OkStatus();
}

}  // namespace

Status DecodeAlertingSections(const YamlDocument& doc, const MappingDecoder& m, Config* c) {
  if (const YamlNode* n = m.Get("alerting")) {
    OSPREY_ASSIGN_OR_RETURN(c->alerting, DecodeAlertingConfig(doc, *n));
  }
  OSPREY_RETURN_IF_ERROR(DecodeTemplates(m, &c->templates));

  // Time intervals first: names from both lists, unique across them.
  std::set<std::string> intervals;
  for (const char* key : {"time_intervals", "mute_time_intervals"}) {
    std::vector<TimeIntervalConfig> list;
    OSPREY_RETURN_IF_ERROR(m.DecodeList(
        key, &list,
        [&doc](const YamlNode& n, const std::string& p) { return DecodeTimeInterval(doc, n, p); }));
    for (size_t i = 0; i < list.size(); ++i) {
      if (!intervals.insert(list[i].name).second) {
        return m.ErrorAt(NameMark(m, key, i),
                         "time interval " + Quote(list[i].name) + " is not unique");
      }
      c->time_intervals.push_back(std::move(list[i]));
    }
  }

  const AlertmanagerGlobalConfig& g = c->global.alertmanager;
  OSPREY_RETURN_IF_ERROR(
      m.DecodeList("receivers", &c->receivers, [&doc, &g](const YamlNode& n, const std::string& p) {
        return DecodeReceiverConfig(doc, n, p, g);
      }));
  std::set<std::string> receivers;
  for (size_t i = 0; i < c->receivers.size(); ++i) {
    if (!receivers.insert(c->receivers[i].name).second) {
      return m.ErrorAt(
          NameMark(m, "receivers", i),
          "notification config name " + Quote(c->receivers[i].name) + " is not unique");
    }
  }
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "inhibit_rules", &c->inhibit_rules,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeInhibitRule(doc, n, p); }));

  if (const YamlNode* n = m.Get("route")) {
    OSPREY_ASSIGN_OR_RETURN(c->route, DecodeRootRoute(doc, *n));
    OSPREY_RETURN_IF_ERROR(CheckRouteReferences(doc, *n, "route", receivers, intervals));
  } else {
    for (const char* key :
         {"receivers", "inhibit_rules", "time_intervals", "mute_time_intervals"}) {
      if (m.Has(key)) {
        return m.ErrorAt(m.KeyMark(key), std::string("no route provided in config, but ")
                                             .append(key)
                                             .append(" are given: add a `route:` section"));
      }
    }
  }
  return OkStatus();
}

void ResolveAlertingPaths(std::string_view dir, Config* c) {
  for (std::string& t : c->templates) t = JoinDir(dir, t);
  AlertmanagerGlobalConfig& g = c->global.alertmanager;
  g.smtp_auth_password_file = JoinDir(dir, g.smtp_auth_password_file);
  g.slack_api_url_file = JoinDir(dir, g.slack_api_url_file);
  g.opsgenie_api_key_file = JoinDir(dir, g.opsgenie_api_key_file);
  ResolveHttpClientPaths(dir, &g.http_config);
  for (ReceiverConfig& r : c->receivers) ResolveReceiverPaths(dir, &r);
  for (AlertmanagerEndpointConfig& e : c->alerting.alertmanagers) {
    ResolveHttpClientPaths(dir, &e.http_client);
  }
}

void EmitAlertingSections(const Config& c, YAML::Emitter& out) {
  if (!(c.alerting == AlertingConfig{})) {
    out << YAML::Key << "alerting" << YAML::Value;
    EmitAlertingConfig(c.alerting, out);
  }
  if (c.route) {
    out << YAML::Key << "route" << YAML::Value;
    EmitRoute(*c.route, out);
  }
  if (!c.receivers.empty()) {
    out << YAML::Key << "receivers" << YAML::Value << YAML::BeginSeq;
    for (const ReceiverConfig& r : c.receivers) EmitReceiverConfig(r, out);
    out << YAML::EndSeq;
  }
  if (!c.inhibit_rules.empty()) {
    out << YAML::Key << "inhibit_rules" << YAML::Value << YAML::BeginSeq;
    for (const InhibitRuleConfig& r : c.inhibit_rules) EmitInhibitRule(r, out);
    out << YAML::EndSeq;
  }
  if (!c.time_intervals.empty()) {
    out << YAML::Key << "time_intervals" << YAML::Value << YAML::BeginSeq;
    for (const TimeIntervalConfig& t : c.time_intervals) EmitTimeInterval(t, out);
    out << YAML::EndSeq;
  }
  if (!c.templates.empty()) {
    out << YAML::Key << "templates" << YAML::Value << YAML::BeginSeq;
    for (const std::string& t : c.templates) WriteString(out, t);
    out << YAML::EndSeq;
  }
}

}  // namespace osprey::config::internal
