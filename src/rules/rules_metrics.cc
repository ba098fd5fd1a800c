#include "rules/rules_metrics.h"

namespace osprey::rules {

RulesMetrics::RulesMetrics(metrics::Registry& r)
    : evaluation_duration(r.NewHistogram("prometheus_rule_evaluation_duration_seconds",
                                         "The duration for a rule to execute.",
                                         metrics::DefaultBuckets())),
      group_duration(r.NewHistogram("prometheus_rule_group_duration_seconds",
                                    "The duration of rule group evaluations.",
                                    metrics::DefaultBuckets())),
      iterations_missed(r.NewCounterFamily(
          "prometheus_rule_group_iterations_missed_total",
          "The total number of rule group evaluations missed due to slow rule group "
          "evaluation.",
          {"rule_group"})),
      iterations_total(r.NewCounterFamily(
          "prometheus_rule_group_iterations_total",
          "The total number of scheduled rule group evaluations, whether executed or missed.",
          {"rule_group"})),
      evaluations(r.NewCounterFamily("prometheus_rule_evaluations_total",
                                     "The total number of rule evaluations.", {"rule_group"})),
      evaluation_failures(r.NewCounterFamily("prometheus_rule_evaluation_failures_total",
                                             "The total number of rule evaluation failures.",
                                             {"rule_group"})),
      reload_successful(r.NewGauge("prometheus_rule_config_last_reload_successful",
                                   "Whether the last rule files reload attempt was successful.")),
      reload_success_timestamp(
          r.NewGauge("prometheus_rule_config_last_reload_success_timestamp_seconds",
                     "Timestamp of the last successful rule files reload.")),
      reload_failures(r.NewCounter("osprey_rules_reload_failures_total",
                                   "Rule file reloads rejected because a file was invalid.")),
      template_failures(r.NewCounter("osprey_rules_template_failures_total",
                                     "Alert label or annotation templates that failed to expand.")),
      alerts_sent(r.NewCounter("osprey_rules_alerts_sent_total",
                               "Alerts handed to the alert sink by alerting rules.")) {}

}  // namespace osprey::rules
