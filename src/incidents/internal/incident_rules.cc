#include "incidents/internal/incident_rules.h"

#include <algorithm>
#include <set>
#include <utility>

#include "model/alert_matchers.h"

namespace osprey::incidents::internal {
namespace {

int Rank(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return 3;
    case Severity::kWarning:
      return 2;
    case Severity::kInfo:
      return 1;
  }
  return 0;
}

bool MatchesAll(const std::vector<model::Matcher>& ms, const model::Labels& labels) {
  for (const model::Matcher& m : ms) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

void AddTriggers(std::vector<config::ActionTriggerConfig>& out,
                 const std::vector<config::ActionTriggerConfig>& more) {
  for (const config::ActionTriggerConfig& t : more) {
    const bool dup = std::any_of(out.begin(), out.end(),
                                 [&](const auto& o) { return o.run == t.run && o.on == t.on; });
    if (!dup) out.push_back(t);
  }
}

Status Unknown(std::string_view what, std::string_view name, std::string_view where) {
  return InvalidArgumentError(std::string("incidents: unknown ")
                                  .append(what)
                                  .append(" \"")
                                  .append(name)
                                  .append("\" in ")
                                  .append(where));
}

}  // namespace

bool CompiledConfig::TracksReceiver(std::string_view receiver) const {
  if (!cfg.enabled) return false;
  if (cfg.receivers.empty()) return true;
  return std::find(cfg.receivers.begin(), cfg.receivers.end(), receiver) != cfg.receivers.end();
}

const config::EscalationPolicyConfig* CompiledConfig::Policy(std::string_view name) const {
  auto it = policies.find(name);
  return it == policies.end() ? nullptr : it->second;
}

const config::ActionConfig* CompiledConfig::Action(std::string_view name) const {
  auto it = actions.find(name);
  return it == actions.end() ? nullptr : it->second;
}

bool CompiledConfig::HasPerson(std::string_view name) const { return people.contains(name); }

Result<std::shared_ptr<const CompiledConfig>> Compile(const config::IncidentsConfig& cfg,
                                                      const std::string& external_url) {
  auto c = std::make_shared<CompiledConfig>();
  c->cfg = cfg;
  c->external_url = external_url;
  while (!c->external_url.empty() && c->external_url.back() == '/') c->external_url.pop_back();
  // Pointers into c->cfg, which never moves again (c is heap-allocated and then const).
  for (const auto& p : c->cfg.people) c->people[p.name] = &p;
  for (const auto& a : c->cfg.actions) c->actions[a.name] = &a;
  for (const auto& p : c->cfg.escalation_policies) c->policies[p.name] = &p;
  std::set<std::string, std::less<>> schedules;
  for (const auto& s : c->cfg.schedules) schedules.insert(s.name);

  auto check_triggers = [&](const std::vector<config::ActionTriggerConfig>& ts,
                            const std::string& where) -> Status {
    for (const auto& t : ts) {
      if (!c->actions.contains(t.run)) return Unknown("action", t.run, where);
    }
    return OkStatus();
  };
  for (const auto& p : c->cfg.escalation_policies) {
    const std::string where = std::string("escalation policy \"").append(p.name).append("\"");
    if (p.levels.empty()) {
      return InvalidArgumentError(
          std::string("incidents: ").append(where).append(" has no levels"));
    }
    for (const auto& l : p.levels) {
      for (const auto& t : l.targets) {
        if (!t.person.empty() && !c->HasPerson(t.person)) return Unknown("person", t.person, where);
        if (!t.schedule.empty() && !schedules.contains(t.schedule)) {
          return Unknown("schedule", t.schedule, where);
        }
      }
    }
    for (const auto& f : p.fallback) {
      if (!c->HasPerson(f)) return Unknown("person", f, where);
    }
    OSPREY_RETURN_IF_ERROR(check_triggers(p.actions, where));
  }
  if (!c->cfg.default_policy.empty() && c->Policy(c->cfg.default_policy) == nullptr) {
    return Unknown("policy", c->cfg.default_policy, "default_policy");
  }
  for (size_t i = 0; i < c->cfg.routes.size(); ++i) {
    const auto& r = c->cfg.routes[i];
    const std::string where = std::string("routes[").append(std::to_string(i)).append("]");
    if (!r.policy.empty() && c->Policy(r.policy) == nullptr) {
      return Unknown("policy", r.policy, where);
    }
    OSPREY_RETURN_IF_ERROR(check_triggers(r.actions, where));
    std::vector<model::Matcher> ms;
    for (const std::string& text : r.matchers) {
      Result<model::Matcher> m = model::ParseAlertMatcher(text);
      if (!m.ok()) {
        return InvalidArgumentError(std::string("incidents: ")
                                        .append(where)
                                        .append(".matchers: ")
                                        .append(m.status().message()));
      }
      ms.push_back(std::move(*m));
    }
    c->route_matchers.push_back(std::move(ms));
  }
  return std::shared_ptr<const CompiledConfig>(std::move(c));
}

Severity SeverityOf(const CompiledConfig& c, const model::Labels& labels) {
  const std::string_view v = labels.Get(c.cfg.severity_label);
  if (v.empty()) return c.cfg.default_severity;
  if (auto it = c.cfg.severity_map.find(std::string(v)); it != c.cfg.severity_map.end()) {
    return it->second;
  }
  Result<Severity> s = config::ParseIncidentSeverity(v);
  return s.ok() ? *s : c.cfg.default_severity;
}

std::vector<std::string> ServicesOf(const CompiledConfig& c,
                                    std::span<const IncidentAlert> alerts) {
  std::set<std::string> out;
  for (const IncidentAlert& a : alerts) {
    const std::string_view s = a.labels.Get(c.cfg.service_label);
    if (!s.empty()) out.emplace(s);
  }
  return {out.begin(), out.end()};
}

model::Labels CommonLabels(const model::Labels& group_labels,
                           std::span<const IncidentAlert> alerts) {
  model::LabelsBuilder b(group_labels);
  if (!alerts.empty()) {
    for (const model::Label& l : alerts[0].labels) {
      if (group_labels.Has(l.name)) continue;
      const bool everywhere = std::all_of(alerts.begin() + 1, alerts.end(), [&](const auto& a) {
        return a.labels.Get(l.name) == l.value;
      });
      if (everywhere) b.Set(l.name, l.value);
    }
  }
  return b.Build();
}

std::vector<config::ActionTriggerConfig> TriggersFor(const CompiledConfig& c,
                                                     const std::string& policy,
                                                     const model::Labels& common_labels) {
  std::vector<config::ActionTriggerConfig> out;
  if (const auto* p = c.Policy(policy)) AddTriggers(out, p->actions);
  for (size_t i = 0; i < c.cfg.routes.size(); ++i) {
    if (MatchesAll(c.route_matchers[i], common_labels)) {
      AddTriggers(out, c.cfg.routes[i].actions);
      break;
    }
  }
  return out;
}

GroupVerdict Judge(const CompiledConfig& c, const model::Labels& group_labels,
                   std::span<const IncidentAlert> alerts) {
  GroupVerdict v;
  const IncidentAlert* first = nullptr;
  bool any = false;
  for (const IncidentAlert& a : alerts) {
    if (!a.firing) continue;
    if (first == nullptr) first = &a;
    const Severity s = SeverityOf(c, a.labels);
    if (!any || Rank(s) > Rank(v.severity)) v.severity = s;
    any = true;
  }
  if (!any) v.severity = c.cfg.default_severity;
  if (first != nullptr) {
    auto annotation = [&](std::string_view name) -> std::string {
      for (const auto& [k, val] : first->annotations) {
        if (k == name) return val;
      }
      return "";
    };
    v.title = annotation("summary");
    if (v.title.empty()) v.title = annotation("title");
    if (v.title.empty()) {
      v.title = std::string(first->labels.Get("alertname"));
      if (!group_labels.empty()) {
        if (!v.title.empty()) v.title.push_back(' ');
        v.title.append(group_labels.ToString());
      }
    }
  }
  v.services = ServicesOf(c, alerts);

  const model::Labels common = CommonLabels(group_labels, alerts);
  v.policy = c.cfg.default_policy;
  for (size_t i = 0; i < c.cfg.routes.size(); ++i) {
    if (MatchesAll(c.route_matchers[i], common)) {
      if (!c.cfg.routes[i].policy.empty()) v.policy = c.cfg.routes[i].policy;
      break;
    }
  }
  v.actions = TriggersFor(c, v.policy, common);
  return v;
}

std::optional<std::pair<int, int>> NextStep(const config::EscalationPolicyConfig& p, int level,
                                            int pass) {
  if (level + 1 < static_cast<int>(p.levels.size())) return std::make_pair(level + 1, pass);
  if (pass < p.repeat) return std::make_pair(0, pass + 1);
  return std::nullopt;
}

IncidentAlert ToIncidentAlert(const model::Alert& a, int64_t now_ms) {
  IncidentAlert out;
  out.fingerprint = a.Fingerprint();
  out.labels = a.labels;
  for (const model::Label& l : a.annotations) out.annotations.emplace_back(l.name, l.value);
  out.starts_at_ms = a.starts_at;
  out.firing = !a.ResolvedAt(now_ms);
  out.ends_at_ms = out.firing ? 0 : a.ends_at;
  out.generator_url = a.generator_url;
  return out;
}

}  // namespace osprey::incidents::internal
