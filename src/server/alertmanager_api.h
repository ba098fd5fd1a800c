// Alertmanager 0.25's HTTP API v2 (api/v2/openapi.yaml, api/v2/api.go) over Osprey's alerting
// module, so that amtool, Grafana and Prometheus-style senders work unchanged:
//
//   GET    /api/v2/status            cluster (disabled), versionInfo, config.original, uptime
//   GET    /api/v2/receivers         [{name}]
//   GET    /api/v2/alerts            filter[], silenced, inhibited, active, unprocessed, receiver
//   POST   /api/v2/alerts            postableAlerts; best effort, 400 naming the rejected ones
//   GET    /api/v2/alerts/groups     filter[], silenced, inhibited, active, receiver
//   GET    /api/v2/silences          filter[] (silences having equal matchers)
//   POST   /api/v2/silences          postableSilence -> {"silenceID": id}
//   GET    /api/v2/silence/{id}      404 when unknown
//   DELETE /api/v2/silence/{id}      expires it; 404 when unknown
//
// Errors are Alertmanager's: the status code and a JSON string naming what was wrong
// ("[0].labels: required"). Requests rejected as bad input are counted in
// osprey_alertmanager_api_invalid_requests_total{endpoint}.
//
//   AlertmanagerApiSource source{.alerts = *store, .silences = *silences, .marker = marker,
//                                .clock = clock, ...};
//   RegisterAlertmanagerRoutes(router, std::move(source));
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "alerting/alert_store.h"
#include "alerting/dispatcher.h"
#include "alerting/marker.h"
#include "alerting/route.h"
#include "alerting/silences.h"
#include "base/clock.h"
#include "config/config.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::server {

// What the API reads and writes. The referenced objects must outlive the Router; every
// function must be thread-safe (handlers run concurrently) and may be called for each alert
// of a request. Functions left empty behave as noted.
struct AlertmanagerApiSource {
  alerting::AlertStore& alerts;
  alerting::Silences& silences;
  const alerting::Marker& marker;
  const Clock& clock;
  // Alertmanager's setAlertStatus: refreshes the Marker entry of an alert with these labels
  // before its status is read (the inhibitor's then the silencer's Mutes()), so that a new
  // silence shows at once. Empty: the Marker is read as is.
  std::function<void(const model::Labels&)> update_status;
  // The receivers of the routes (current config) that an alert with these labels goes to,
  // in match order. Empty: no receivers.
  std::function<std::vector<std::string>(const model::Labels&)> receivers_for;
  // The current dispatcher's Groups(route_filter, alert_filter). Empty: no groups.
  std::function<alerting::GroupsView(const std::function<bool(const alerting::Route&)>&,
                                     const std::function<bool(const model::Alert&)>&)>
      groups;
  // The names of the configured receivers, in config order. Empty: none.
  std::function<std::vector<std::string>()> receiver_names;
  // status.config.original: the current config's Alertmanager sections
  // (AlertmanagerConfigYaml). Empty: "".
  std::function<std::string()> config_yaml;
  model::Timestamp start_time = 0;  // status.uptime: when the process started.
  // Gets osprey_alertmanager_api_invalid_requests_total; may be null. Registered once, so
  // call RegisterAlertmanagerRoutes once per registry.
  metrics::Registry* registry = nullptr;
};

// Registers the routes above on `router`.
void RegisterAlertmanagerRoutes(http::Router& router, AlertmanagerApiSource source);

// The Alertmanager sections of `config` as an alertmanager.yml that Alertmanager 0.25 (and so
// `amtool config routes`) loads: `global` with Alertmanager's keys only, route, receivers
// (without Osprey's own integrations such as sms_configs), inhibit_rules, time_intervals,
// templates. Secrets show as "<secret>". "" when the config has no route.
std::string AlertmanagerConfigYaml(const config::Config& config);

}  // namespace osprey::server
