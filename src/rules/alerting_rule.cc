#include "rules/alerting_rule.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "base/strings.h"
#include "model/duration.h"
#include "model/matcher.h"
#include "rules/template_expander.h"

namespace osprey::rules {
namespace {

std::string FormatDurationYaml(model::Duration d) { return model::FormatDuration(d); }

}  // namespace

std::string GeneratorUrl(std::string_view external_url, std::string_view expr) {
  std::string out(external_url);
  out += "/graph?g0.expr=";
  out += QueryEscape(expr);
  out += "&g0.tab=1";
  return out;
}

AlertingRule::AlertingRule(const RuleConfig& config, std::string query, bool restored)
    : Rule(config.alert, std::move(query), LabelsFromMap(config.labels)),
      for_(config.for_duration),
      keep_firing_for_(config.keep_firing_for),
      annotations_(LabelsFromMap(config.annotations)),
      restored_(restored) {}

Result<promql::Vector> AlertingRule::Eval(const EvalEnv& env, model::Timestamp ts,
                                          model::Duration query_offset, int64_t limit) {
  const model::Timestamp at = ts - query_offset.ms;
  OSPREY_ASSIGN_OR_RETURN(promql::Vector result, env.query(query(), at));

  // New alerts from the result; templates expand outside the lock (they may query).
  std::map<model::Labels, RuleAlert> fresh;
  for (const promql::VectorSample& s : result) {
    model::LabelsBuilder b(s.labels);
    b.Del(model::kMetricName);
    for (const model::Label& l : labels()) {
      b.Set(l.name, ExpandAlertTemplate(name(), l.value, s.labels, s.v, env, ts));
    }
    b.Set(kAlertNameLabel, name());
    model::LabelsBuilder ab;
    for (const model::Label& a : annotations_) {
      ab.Set(a.name, ExpandAlertTemplate(name(), a.value, s.labels, s.v, env, ts));
    }
    RuleAlert alert{.labels = b.Build(),
                    .annotations = ab.Build(),
                    .state = AlertState::kPending,
                    .value = s.v,
                    .active_at = ts};
    model::Labels key = alert.labels;
    if (!fresh.emplace(std::move(key), std::move(alert)).second) {
      return InvalidArgumentError(
          "vector contains metrics with the same labelset after applying alert labels");
    }
  }

  MutexLock lock(alerts_mu_);
  for (auto& [key, a] : fresh) {
    auto it = alerts_.find(key);
    if (it != alerts_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = std::move(a.annotations);
      continue;
    }
    alerts_[key] = std::move(a);
  }

  promql::Vector out;
  int64_t active = 0;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    RuleAlert& a = it->second;
    bool erase = false;
    if (!fresh.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_.ms > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < keep_firing_for_.ms;
      }
      if (a.state == AlertState::kPending ||
          (a.resolved_at != 0 && ts - a.resolved_at > kResolvedRetention.ms)) {
        erase = true;
      }
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at = ts;
      }
      if (!keep_firing) {
        it = erase ? alerts_.erase(it) : std::next(it);
        continue;
      }
    } else {
      a.keep_firing_since = 0;
    }
    ++active;
    if (a.state == AlertState::kPending && ts - a.active_at >= for_.ms) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    // A restored or shortened `for` can put a firing alert back to pending.
    if (a.state == AlertState::kFiring && ts - a.active_at < for_.ms) {
      a.state = AlertState::kPending;
      a.fired_at = 0;
      a.last_sent_at.reset();
      a.keep_firing_since = 0;
    }
    if (restored_) {
      model::LabelsBuilder sb(labels());
      for (const model::Label& l : a.labels) sb.Set(l.name, l.value);
      sb.Set(model::kMetricName, kAlertsMetricName);
      sb.Set(kAlertNameLabel, name());
      model::LabelsBuilder fb = sb;
      sb.Set(kAlertStateLabel, AlertStateName(a.state));
      out.push_back({.labels = sb.Build(), .t = at, .v = 1});
      fb.Set(model::kMetricName, kAlertsForStateMetricName);
      out.push_back({.labels = fb.Build(), .t = at, .v = static_cast<double>(a.active_at / 1000)});
    }
    ++it;
  }
  if (limit > 0 && active > limit) {
    alerts_.clear();
    return ResourceExhaustedError("exceeded limit of " + std::to_string(limit) + " with " +
                                  std::to_string(active) + " alerts");
  }
  return out;
}

std::string AlertingRule::Identity() const {
  std::string out = "alert: ";
  out += name();
  out += "\nexpr: ";
  out += query();
  out += "\nfor: ";
  out += FormatDurationYaml(for_);
  out += "\nkeep_firing_for: ";
  out += FormatDurationYaml(keep_firing_for_);
  out += "\nlabels: ";
  out += labels().ToString();
  out += "\nannotations: ";
  out += annotations_.ToString();
  return out;
}

std::vector<model::Alert> AlertingRule::AlertsToSend(model::Timestamp ts,
                                                     model::Duration resend_delay,
                                                     model::Duration interval,
                                                     std::string_view external_url) {
  std::vector<model::Alert> out;
  const std::string url = GeneratorUrl(external_url, query());
  MutexLock lock(alerts_mu_);
  for (auto& [key, a] : alerts_) {
    if (a.state == AlertState::kPending) continue;
    const bool due = !a.last_sent_at.has_value() ||
                     (a.resolved_at != 0 && a.resolved_at > *a.last_sent_at) ||
                     *a.last_sent_at + resend_delay.ms < ts;
    if (!due) continue;
    a.last_sent_at = ts;
    a.valid_until = ts + 4 * std::max(interval.ms, resend_delay.ms);
    out.push_back(model::Alert{.labels = a.labels,
                               .annotations = a.annotations,
                               .starts_at = a.active_at,
                               .ends_at = a.resolved_at != 0 ? a.resolved_at : a.valid_until,
                               .generator_url = url});
  }
  return out;
}

void AlertingRule::RestoreForState(storage::Querier& querier, model::Timestamp ts,
                                   model::Duration grace) {
  if (for_ < grace) {
    // Restoring would make the alert wait at least the grace period: start afresh.
    SetRestored();
    return;
  }
  // Matchers for every ALERTS_FOR_STATE series of this rule; templated label values vary
  // per alert and are left out.
  std::vector<model::Matcher> matchers;
  matchers.push_back(model::Matcher::MustCreate(model::MatchType::kEqual,
                                                std::string(model::kMetricName),
                                                std::string(kAlertsForStateMetricName)));
  matchers.push_back(
      model::Matcher::MustCreate(model::MatchType::kEqual, std::string(kAlertNameLabel), name()));
  for (const model::Label& l : labels()) {
    if (l.name == kAlertNameLabel || l.value.find("{{") != std::string::npos) continue;
    matchers.push_back(model::Matcher::MustCreate(model::MatchType::kEqual, l.name, l.value));
  }
  std::map<model::Labels, model::Sample> last;  // by labels without __name__
  std::unique_ptr<storage::SeriesSet> set = querier.Select({}, matchers);
  while (set->Next()) {
    std::unique_ptr<storage::SampleIterator> it = set->At().Iterator();
    bool any = false;
    model::Sample s;
    while (it->Next()) {
      s = it->At();
      any = true;
    }
    if (any && it->status().ok()) last[set->At().labels().WithoutMetricName()] = s;
  }

  MutexLock lock(alerts_mu_);
  for (auto& [key, a] : alerts_) {
    auto found = last.find(a.labels);
    if (found == last.end() || model::IsStaleNaN(found->second.v)) continue;
    // Whole seconds, as ALERTS_FOR_STATE stores them.
    const model::Timestamp down_at = found->second.t / 1000 * 1000;
    model::Timestamp restored_active_at = static_cast<model::Timestamp>(found->second.v) * 1000;
    const int64_t remaining = for_.ms - (down_at - restored_active_at);
    if (remaining <= 0) {
      // It was firing when we went down; the next evaluation fires it again.
    } else if (remaining < grace.ms) {
      restored_active_at = ts + grace.ms - for_.ms;
    } else {
      restored_active_at += ts - down_at;
    }
    a.active_at = restored_active_at;
  }
  restored_ = true;
}

void AlertingRule::SetRestored() {
  MutexLock lock(alerts_mu_);
  restored_ = true;
}

bool AlertingRule::restored() const {
  MutexLock lock(alerts_mu_);
  return restored_;
}

void AlertingRule::CopyAlertsFrom(const AlertingRule& from) {
  std::vector<RuleAlert> copied = from.Alerts();
  MutexLock lock(alerts_mu_);
  for (RuleAlert& a : copied) {
    model::Labels key = a.labels;
    alerts_[std::move(key)] = std::move(a);
  }
}

std::vector<RuleAlert> AlertingRule::Alerts() const {
  MutexLock lock(alerts_mu_);
  std::vector<RuleAlert> out;
  out.reserve(alerts_.size());
  for (const auto& [key, a] : alerts_) out.push_back(a);
  return out;
}

AlertState AlertingRule::State() const {
  if (!evaluated()) return AlertState::kUnknown;
  MutexLock lock(alerts_mu_);
  AlertState max = AlertState::kInactive;
  for (const auto& [key, a] : alerts_) max = std::max(max, a.state);
  return max;
}

RuleSnapshot AlertingRule::Snapshot() const {
  RuleSnapshot out;
  FillSnapshot(&out);
  out.for_duration = for_;
  out.keep_firing_for = keep_firing_for_;
  out.annotations = annotations_;
  out.state = State();
  for (const RuleAlert& a : Alerts()) {
    if (a.resolved_at != 0) continue;
    out.alerts.push_back({.labels = a.labels,
                          .annotations = a.annotations,
                          .state = a.state,
                          .active_at = a.active_at,
                          .keep_firing_since = a.keep_firing_since,
                          .value = a.value});
  }
  return out;
}

}  // namespace osprey::rules
