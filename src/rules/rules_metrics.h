// Self-monitoring metrics of rule evaluation, under Prometheus's names so that existing
// dashboards work. Per-group counters carry rule_group="<file>;<group>"; per-group gauges
// (interval, last evaluation, duration, rules, samples) are written at scrape time from
// the manager's current groups, so removed groups disappear.
#pragma once

#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace osprey::rules {

// Thread-safe; references live as long as the Registry.
struct RulesMetrics {
  explicit RulesMetrics(metrics::Registry& registry);

  // Prometheus exposes these two as summaries; here they are histograms.
  metrics::Histogram& evaluation_duration;  // prometheus_rule_evaluation_duration_seconds
  metrics::Histogram& group_duration;       // prometheus_rule_group_duration_seconds
  metrics::Family<metrics::Counter>& iterations_missed;
  metrics::Family<metrics::Counter>& iterations_total;
  metrics::Family<metrics::Counter>& evaluations;
  metrics::Family<metrics::Counter>& evaluation_failures;
  metrics::Gauge& reload_successful;         // prometheus_rule_config_last_reload_successful
  metrics::Gauge& reload_success_timestamp;  // ..._last_reload_success_timestamp_seconds
  metrics::Counter& reload_failures;         // osprey_rules_reload_failures_total
  metrics::Counter& template_failures;       // osprey_rules_template_failures_total
  metrics::Counter& alerts_sent;             // osprey_rules_alerts_sent_total
};

// Prometheus's GroupKey: "<file>;<name>".
inline std::string GroupKey(std::string_view file, std::string_view name) {
  std::string key(file);
  key += ';';
  key += name;
  return key;
}

}  // namespace osprey::rules
