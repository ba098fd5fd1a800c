// The incident manager's metrics (registered once per Registry). Thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "incidents/incident.h"

namespace osprey::metrics {
class Counter;
class Gauge;
class Histogram;
template <typename M>
class Family;
class Registry;
}  // namespace osprey::metrics

namespace osprey::incidents::internal {

class IncidentMetrics {
 public:
  explicit IncidentMetrics(metrics::Registry& r);

  // One observation per service of the incident (service "" when it has none).
  void Opened(const Incident& i);
  void Acknowledged(const Incident& i, int64_t tta_ms);
  void Resolved(const Incident& i, int64_t ttr_ms);

  metrics::Family<metrics::Gauge>& open;                     // {severity}
  metrics::Family<metrics::Counter>& opened_total;           // {severity, service}
  metrics::Family<metrics::Histogram>& time_to_acknowledge;  // {severity, service}
  metrics::Family<metrics::Histogram>& time_to_resolve;      // {severity, service}
  metrics::Family<metrics::Counter>& notifications_total;    // {method, outcome}
  metrics::Family<metrics::Counter>& actions_total;          // {action, outcome}
  metrics::Family<metrics::Counter>& ack_links_total;        // {outcome}
};

}  // namespace osprey::incidents::internal
