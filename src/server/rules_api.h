// The rules views of the HTTP API: /api/v1/rules and /api/v1/alerts, in Prometheus's JSON
// shapes (web/api/v1/api.go), read from rule group snapshots.
#pragma once

#include <functional>
#include <vector>

#include "http/router.h"
#include "rules/rule.h"

namespace osprey::server {

// Returns the current rule groups (rules::Manager::Snapshot). Thread-safe.
using RuleGroupsFunc = std::function<std::vector<rules::GroupSnapshot>()>;

// GET /api/v1/rules: groups with their rules; filters type=alert|record, rule_name[],
//   rule_group[], file[], match[] (on the rules' labels) and exclude_alerts.
// GET /api/v1/alerts: the active (pending and firing) alerts of every alerting rule.
void RegisterRulesRoutes(http::Router& router, RuleGroupsFunc groups);

}  // namespace osprey::server
