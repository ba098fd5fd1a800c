// An alerting rule and the state of its alerts (Prometheus's rules/alerting.go).
//
// Each evaluation turns every result sample into an alert identified by its labels (the
// sample's, minus __name__, plus the rule's expanded labels and alertname):
//   new            -> pending (active_at = ts)
//   pending        -> firing once ts - active_at >= for
//   gone, pending  -> dropped
//   gone, firing   -> kept firing while ts - keep_firing_since < keep_firing_for, then
//                     inactive (resolved_at = ts), kept 15 minutes to be sent as resolved
// and produces ALERTS{alertstate=...} = 1 and ALERTS_FOR_STATE = active_at seconds for
// every pending or firing alert (once the rule's state has been restored, see Group).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule.h"
#include "rules/rule_file.h"
#include "storage/metrics.h"

namespace osprey::rules {

inline constexpr std::string_view kAlertsMetricName = "ALERTS";
inline constexpr std::string_view kAlertsForStateMetricName = "ALERTS_FOR_STATE";
inline constexpr std::string_view kAlertNameLabel = "alertname";
inline constexpr std::string_view kAlertStateLabel = "alertstate";
// How long a resolved alert is kept (and re-sent as resolved).
inline constexpr model::Duration kResolvedRetention = model::Duration::Minutes(15);

// One alert of a rule. Times in ms since the epoch; 0 means "not set".
struct RuleAlert {
  model::Labels labels;
  model::Labels annotations;
  AlertState state = AlertState::kPending;
  double value = 0;
  model::Timestamp active_at = 0;
  model::Timestamp fired_at = 0;
  model::Timestamp resolved_at = 0;
  std::optional<model::Timestamp> last_sent_at;  // never sent when empty
  model::Timestamp valid_until = 0;
  model::Timestamp keep_firing_since = 0;
};

// Thread-safe (see Rule).
class AlertingRule final : public Rule {
 public:
  // `query`: the expression in canonical form. `restored`: false while the group still
  // has to restore the `for` state from storage (no ALERTS series are written until then).
  AlertingRule(const RuleConfig& config, std::string query, bool restored);

  bool alerting() const override { return true; }
  model::Duration for_duration() const { return for_; }
  model::Duration keep_firing_for() const { return keep_firing_for_; }
  const model::Labels& annotations() const { return annotations_; }

  // Updates the alerts from the query result at ts - query_offset and returns the ALERTS
  // and ALERTS_FOR_STATE samples. Over `limit` (> 0) pending+firing alerts: every alert is
  // dropped and the error is kResourceExhausted.
  Result<promql::Vector> Eval(const EvalEnv& env, model::Timestamp ts, model::Duration query_offset,
                              int64_t limit) override;
  std::string Identity() const override;

  // The alerts to send at `ts`: firing ones last sent more than resend_delay ago and ones
  // resolved since their last send; marks them sent. EndsAt = resolved_at for resolved
  // ones, else ts + 4 * max(resend_delay, interval).
  std::vector<model::Alert> AlertsToSend(model::Timestamp ts, model::Duration resend_delay,
                                         model::Duration interval, std::string_view external_url)
      OSPREY_EXCLUDES(alerts_mu_);

  // Restores active_at of the current alerts from the ALERTS_FOR_STATE series that
  // `querier` holds (Prometheus's RestoreForState for one rule), then marks the rule
  // restored. `ts`: now; `grace`: the for-grace period.
  void RestoreForState(storage::Querier& querier, model::Timestamp ts, model::Duration grace)
      OSPREY_EXCLUDES(alerts_mu_);
  void SetRestored() OSPREY_EXCLUDES(alerts_mu_);
  bool restored() const OSPREY_EXCLUDES(alerts_mu_);
  // Takes over the alerts of the rule's previous version (reload).
  void CopyAlertsFrom(const AlertingRule& from) OSPREY_EXCLUDES(alerts_mu_);

  // Every alert, resolved ones included, ordered by labels.
  std::vector<RuleAlert> Alerts() const OSPREY_EXCLUDES(alerts_mu_);
  // Highest state of its alerts; kUnknown before the first evaluation.
  AlertState State() const OSPREY_EXCLUDES(alerts_mu_);
  RuleSnapshot Snapshot() const override;

 private:
  const model::Duration for_;
  const model::Duration keep_firing_for_;
  const model::Labels annotations_;  // unexpanded templates

  mutable Mutex alerts_mu_;
  std::map<model::Labels, RuleAlert> alerts_ OSPREY_GUARDED_BY(alerts_mu_);
  bool restored_ OSPREY_GUARDED_BY(alerts_mu_);
};

// Prometheus's link to an expression: <external_url>/graph?g0.expr=<escaped>&g0.tab=1.
std::string GeneratorUrl(std::string_view external_url, std::string_view expr);

}  // namespace osprey::rules
