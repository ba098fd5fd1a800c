// The incidents HTTP API (docs/api.md, "Incidents"): list, read and act on incidents, who is
// on call, and the one-click acknowledgement page behind the links in notifications.
//
//   GET  /api/v1/incidents?state=&severity=&service=&limit=   newest first
//   GET  /api/v1/incidents/:id                                 with its timeline
//   POST /api/v1/incidents/:id/{ack,resolve,notes,assign,severity}
//   GET  /api/v1/oncall
//   GET  /ack/:token                                           HTML; no credentials needed
//
// JSON in Prometheus's envelope; errors name the parameter or field. Times are RFC 3339 with
// milliseconds in UTC, null when absent.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/logger.h"
#include "http/router.h"
#include "incidents/incident.h"
#include "incidents/manager.h"

namespace osprey::server {

// Who the first level of an escalation policy reaches now (its schedules' on-call people and
// its named people, sorted, unique).
struct PolicyOnCall {
  std::string policy;
  std::vector<std::string> level1_now;
};

struct IncidentsApiSource {
  incidents::Manager& manager;
  // <external_url> without a trailing "/", for the incidents' "url". Thread-safe.
  std::function<std::string()> external_url;
  // One entry per escalation policy of the current config, sorted by name. Thread-safe.
  std::function<std::vector<PolicyOnCall>()> policies_now;
  const Logger* logger = nullptr;  // Optional: ack-link rejections with the client address.
};

using OrderedJson = nlohmann::ordered_json;

// The API's Incident object (without "timeline").
OrderedJson IncidentJson(const incidents::Incident& incident, std::string_view external_url);
// The API's Event object.
OrderedJson EventJson(const incidents::Event& event);

// `source` must outlive the routes.
void RegisterIncidentsRoutes(http::Router& router, const IncidentsApiSource& source);

}  // namespace osprey::server
