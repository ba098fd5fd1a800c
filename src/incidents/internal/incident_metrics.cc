#include "incidents/internal/incident_metrics.h"

#include <vector>

#include "metrics/registry.h"

namespace osprey::incidents::internal {
namespace {

// Seconds: 30s to 1d, the range in which people acknowledge and fix things.
std::vector<double> ResponseBuckets() {
  return {30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400};
}

template <typename Fn>
void ForEachService(const Incident& i, Fn&& fn) {
  if (i.services.empty()) {
    fn(std::string_view());
    return;
  }
  for (const std::string& s : i.services) fn(std::string_view(s));
}

}  // namespace

IncidentMetrics::IncidentMetrics(metrics::Registry& r)
    : open(r.NewGaugeFamily("osprey_incidents_open",
                            "Incidents triggered or acknowledged, by severity.", {"severity"})),
      opened_total(r.NewCounterFamily("osprey_incidents_opened_total",
                                      "Incidents opened (reopens not counted), per service.",
                                      {"severity", "service"})),
      time_to_acknowledge(r.NewHistogramFamily(
          "osprey_incident_time_to_acknowledge_seconds",
          "From opening to the first acknowledgement of an incident, per service.",
          {"severity", "service"}, ResponseBuckets())),
      time_to_resolve(r.NewHistogramFamily(
          "osprey_incident_time_to_resolve_seconds",
          "From opening to the (first) resolution of an incident, per service.",
          {"severity", "service"}, ResponseBuckets())),
      notifications_total(r.NewCounterFamily(
          "osprey_incident_notifications_total",
          "Escalation notifications to people, by contact method and outcome (ok, error).",
          {"method", "outcome"})),
      actions_total(r.NewCounterFamily("osprey_incident_actions_total",
                                       "Automated responses run (or skipped), by action and "
                                       "outcome (ok, failed, timeout, rate_limited, dry_run).",
                                       {"action", "outcome"})),
      ack_links_total(r.NewCounterFamily(
          "osprey_incident_ack_links_total",
          "One-click acknowledgement links followed, by outcome (ok, forged, expired, reused).",
          {"outcome"})) {
  for (Severity s : {Severity::kCritical, Severity::kWarning, Severity::kInfo}) {
    open.WithLabels({config::IncidentSeverityName(s)});
  }
  for (std::string_view o : {"ok", "forged", "expired", "reused"}) ack_links_total.WithLabels({o});
}

void IncidentMetrics::Opened(const Incident& i) {
  const std::string_view sev = config::IncidentSeverityName(i.severity);
  ForEachService(i, [&](std::string_view s) { opened_total.WithLabels({sev, s}).Inc(); });
}

void IncidentMetrics::Acknowledged(const Incident& i, int64_t tta_ms) {
  const std::string_view sev = config::IncidentSeverityName(i.severity);
  ForEachService(i, [&](std::string_view s) {
    time_to_acknowledge.WithLabels({sev, s}).Observe(static_cast<double>(tta_ms) / 1000.0);
  });
}

void IncidentMetrics::Resolved(const Incident& i, int64_t ttr_ms) {
  const std::string_view sev = config::IncidentSeverityName(i.severity);
  ForEachService(i, [&](std::string_view s) {
    time_to_resolve.WithLabels({sev, s}).Observe(static_cast<double>(ttr_ms) / 1000.0);
  });
}

}  // namespace osprey::incidents::internal
