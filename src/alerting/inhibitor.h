// Inhibition (Alertmanager's inhibit package): while a firing alert matches a rule's source
// matchers, alerts matching its target matchers with the same values of the rule's `equal`
// labels are muted. The Inhibitor watches the AlertStore for source alerts and records the
// inhibiting alert in the Marker.
//
//   Inhibitor inhibitor(config.inhibit_rules, store, marker, clock);
//   if (inhibitor.Mutes(alert.labels)) ...  // an alerting::Muter
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "alerting/muter.h"
#include "base/clock.h"
#include "base/thread_annotations.h"
#include "config/alertmanager_config.h"
#include "model/alert.h"
#include "model/labels.h"
#include "model/matcher.h"

namespace osprey::alerting {

class AlertStore;
class Marker;

class Inhibitor final : public Muter {
 public:
  // Subscribes to `store` (which, with `marker` and `clock`, must outlive the Inhibitor) and
  // takes in the alerts already stored.
  Inhibitor(std::span<const config::InhibitRuleConfig> rules, AlertStore& store, Marker& marker,
            const Clock& clock);
  // Unsubscribes.
  ~Inhibitor() override;
  Inhibitor(const Inhibitor&) = delete;
  Inhibitor& operator=(const Inhibitor&) = delete;

  // True when some rule's target matchers match `alert_labels` and a firing source alert of
  // that rule has equal values for the rule's `equal` labels (an absent label equals an
  // absent one). A source alert that also matches the target matchers does not inhibit an
  // alert that itself matches the source matchers (no alert inhibits its own kind). Records
  // the first inhibiting alert's fingerprint (or none) in the Marker.
  bool Mutes(const model::Labels& alert_labels) override OSPREY_EXCLUDES(mu_);

  // Source alerts cached per rule (resolved ones until the store's next GC). For tests.
  size_t SourceCountForTest(size_t rule) const OSPREY_EXCLUDES(mu_);

 private:
  struct Rule {
    std::vector<model::Matcher> source;
    std::vector<model::Matcher> target;
    std::vector<std::string> equal;
    // Alerts matching `source`, by fingerprint.
    std::map<uint64_t, model::Alert> sources;
  };
  void OnAlert(const model::Alert& alert) OSPREY_EXCLUDES(mu_);
  void OnGC(model::Timestamp now) OSPREY_EXCLUDES(mu_);

  AlertStore& store_;
  Marker& marker_;
  const Clock& clock_;
  int subscription_ = -1;
  int gc_subscription_ = -1;

  mutable Mutex mu_;
  std::vector<Rule> rules_ OSPREY_GUARDED_BY(mu_);
};

// Whether every matcher matches (an absent label matches as the empty value).
bool MatchesAll(std::span<const model::Matcher> matchers, const model::Labels& labels);

}  // namespace osprey::alerting
