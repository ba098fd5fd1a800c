// Uptime from the stored probe_success series: /api/v1/uptime (JSON) and /status, a public
// read-only status page listing each probe of osprey.yml with its current state, its
// availability over 24h, 7d and 30d, and a 90-day bar (one cell per 24 h), and the open
// incidents that touch a probe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "http/router.h"
#include "incidents/incident.h"
#include "storage/metrics.h"

namespace osprey::server {

struct ProbeUptime {
  config::ProbeConfig probe;
  std::optional<bool> up;  // the newest probe_success within 5 minutes; nullopt: unknown
  // avg_over_time(probe_success[w]) for 24h, 7d, 30d; nullopt: no data in the window.
  std::optional<double> availability[3];
  // 90 cells, oldest first; cell i covers the 24 h ending at `daily_end_ms[i]`.
  std::vector<std::optional<double>> daily;
  std::vector<int64_t> daily_end_ms;
};

struct UptimeSource {
  std::function<std::shared_ptr<const config::Config>()> config;
  storage::Queryable& storage;
  const Clock& clock;
  // Optional: the open incidents; /status lists those whose alerts touch a probe (label
  // `probe` equal to its name, or `instance` equal to its target).
  std::function<std::vector<incidents::Incident>()> open_incidents;
};

// The incidents of `open` whose alerts touch one of `probes`, in the order of `open`.
std::vector<incidents::Incident> IncidentsTouchingProbes(
    const std::vector<incidents::Incident>& open, const std::vector<config::ProbeConfig>& probes);

// Computes every configured probe's uptime at the clock's now. Errors come from the query
// engine (storage failures).
Result<std::vector<ProbeUptime>> ComputeUptime(const UptimeSource& source);

// `source` must outlive the routes.
void RegisterUptimeRoutes(http::Router& router, const UptimeSource& source);

}  // namespace osprey::server
