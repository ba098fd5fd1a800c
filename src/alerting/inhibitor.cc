// Each rule caches the alerts matching its source matchers, as Alertmanager's per-rule
// store does; resolved ones are skipped when matching and dropped after each store GC.
#include "alerting/inhibitor.h"

#include <utility>

#include "alerting/alert_store.h"
#include "alerting/marker.h"

namespace osprey::alerting {

bool MatchesAll(std::span<const model::Matcher> matchers, const model::Labels& labels) {
  for (const model::Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

Inhibitor::Inhibitor(std::span<const config::InhibitRuleConfig> rules, AlertStore& store,
                     Marker& marker, const Clock& clock)
    : store_(store), marker_(marker), clock_(clock) {
  {
    MutexLock lock(mu_);
    for (const config::InhibitRuleConfig& r : rules) {
      rules_.push_back(Rule{.source = r.source_matchers,
                            .target = r.target_matchers,
                            .equal = r.equal,
                            .sources = {}});
    }
  }
  subscription_ = store_.Subscribe([this](const model::Alert& a) { OnAlert(a); });
  gc_subscription_ = store_.SubscribeGC(
      [this](std::span<const model::Alert>, model::Timestamp now) { OnGC(now); });
}

Inhibitor::~Inhibitor() {
  store_.Unsubscribe(subscription_);
  store_.Unsubscribe(gc_subscription_);
}

void Inhibitor::OnAlert(const model::Alert& alert) {
  MutexLock lock(mu_);
  for (Rule& r : rules_) {
    if (MatchesAll(r.source, alert.labels)) r.sources[alert.Fingerprint()] = alert;
  }
}

void Inhibitor::OnGC(model::Timestamp now) {
  MutexLock lock(mu_);
  for (Rule& r : rules_) {
    std::erase_if(r.sources, [now](const auto& entry) { return entry.second.ResolvedAt(now); });
  }
}

bool Inhibitor::Mutes(const model::Labels& alert_labels) {
  const model::Timestamp now = clock_.NowMillis();
  const uint64_t fp = alert_labels.Hash();
  std::vector<std::string> inhibited_by;
  {
    MutexLock lock(mu_);
    for (const Rule& r : rules_) {
      if (!MatchesAll(r.target, alert_labels)) continue;
      // An alert that is itself a source of this rule is not inhibited by a source that is
      // also a target: otherwise two alerts of one kind would mute each other.
      const bool exclude_two_sided = MatchesAll(r.source, alert_labels);
      for (const auto& entry : r.sources) {
        const model::Alert& source = entry.second;
        if (source.ResolvedAt(now)) continue;
        bool equal = true;
        for (const std::string& name : r.equal) {
          if (source.labels.Get(name) != alert_labels.Get(name)) {
            equal = false;
            break;
          }
        }
        if (!equal) continue;
        if (exclude_two_sided && MatchesAll(r.target, source.labels)) continue;
        inhibited_by.push_back(FingerprintString(entry.first));
        break;
      }
      if (!inhibited_by.empty()) break;
    }
  }
  const bool muted = !inhibited_by.empty();
  marker_.SetInhibited(fp, std::move(inhibited_by));
  return muted;
}

size_t Inhibitor::SourceCountForTest(size_t rule) const {
  MutexLock lock(mu_);
  return rule < rules_.size() ? rules_[rule].sources.size() : 0;
}

}  // namespace osprey::alerting
