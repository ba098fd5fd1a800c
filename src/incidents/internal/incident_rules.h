// The manager's view of the `incidents:` config, checked and compiled once per ApplyConfig
// (route matchers parsed, names indexed), and the pure rules that turn an alert group into
// an incident's fields (title, severity, services, policy). Immutable once built; shared
// between threads through a shared_ptr<const> so that a reload never changes the config
// under a running escalation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/incidents_config.h"
#include "incidents/incident.h"
#include "model/alert.h"
#include "model/labels.h"
#include "model/matcher.h"

namespace osprey::incidents::internal {

struct CompiledConfig {
  config::IncidentsConfig cfg;
  std::string external_url;                                 // Without a trailing '/'.
  std::vector<std::vector<model::Matcher>> route_matchers;  // One per cfg.routes entry.
  std::map<std::string, const config::EscalationPolicyConfig*, std::less<>> policies;
  std::map<std::string, const config::ActionConfig*, std::less<>> actions;
  std::map<std::string, const config::PersonConfig*, std::less<>> people;

  bool TracksReceiver(std::string_view receiver) const;
  const config::EscalationPolicyConfig* Policy(std::string_view name) const;
  const config::ActionConfig* Action(std::string_view name) const;
  bool HasPerson(std::string_view name) const;
};

// Validates (unknown policy, action, person or schedule names; bad matchers) and compiles.
// kInvalidArgument naming the entry.
Result<std::shared_ptr<const CompiledConfig>> Compile(const config::IncidentsConfig& cfg,
                                                      const std::string& external_url);

// What an alert group decides about a new incident.
struct GroupVerdict {
  std::string title;
  Severity severity = Severity::kWarning;
  std::vector<std::string> services;
  std::string policy;                                // "" none
  std::vector<config::ActionTriggerConfig> actions;  // policy's then the route's, deduplicated
};

// `alerts` as ToIncidentAlert made them. Requires: at least one of them fires.
GroupVerdict Judge(const CompiledConfig& c, const model::Labels& group_labels,
                   std::span<const IncidentAlert> alerts);

// The action triggers of an incident that already has a policy (reopen): the policy's plus
// those of the first route matching `common_labels`.
std::vector<config::ActionTriggerConfig> TriggersFor(const CompiledConfig& c,
                                                     const std::string& policy,
                                                     const model::Labels& common_labels);

// The group labels plus the labels every alert has with the same value.
model::Labels CommonLabels(const model::Labels& group_labels,
                           std::span<const IncidentAlert> alerts);

Severity SeverityOf(const CompiledConfig& c, const model::Labels& labels);
// Sorted unique values of the service label over `alerts`.
std::vector<std::string> ServicesOf(const CompiledConfig& c, std::span<const IncidentAlert> alerts);

// The escalation step after notifying (level, pass): the next level, or level 0 of the next
// pass while pass < repeat; nullopt when the policy is exhausted.
std::optional<std::pair<int, int>> NextStep(const config::EscalationPolicyConfig& p, int level,
                                            int pass);

// The incident's record of one alert at `now_ms`.
IncidentAlert ToIncidentAlert(const model::Alert& a, int64_t now_ms);

}  // namespace osprey::incidents::internal
