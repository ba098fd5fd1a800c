#include "alerting/aggregation_group.h"

#include <algorithm>

namespace osprey::alerting {

bool LabelSetBefore(const model::Labels& a, const model::Labels& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  // Both are sorted by name: walk the union of names in order.
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].name < b[j].name)) return false;  // absent in b
    if (i == a.size() || b[j].name < a[i].name) return true;                     // absent in a
    if (a[i].value != b[j].value) return a[i].value < b[j].value;
    ++i;
    ++j;
  }
  return false;
}

void SortAlerts(std::vector<model::Alert>& alerts) {
  std::stable_sort(alerts.begin(), alerts.end(), [](const model::Alert& x, const model::Alert& y) {
    for (std::string_view key : {std::string_view("job"), std::string_view("instance")}) {
      const bool xh = x.labels.Has(key);
      const bool yh = y.labels.Has(key);
      if (!xh && !yh) continue;
      if (!xh) return false;
      if (!yh) return true;
      const std::string_view xv = x.labels.Get(key);
      const std::string_view yv = y.labels.Get(key);
      if (xv != yv) return xv < yv;
    }
    return LabelSetBefore(x.labels, y.labels);
  });
}

AggregationGroup::AggregationGroup(const Route& route, model::Labels labels, uint64_t serial)
    : route_(route),
      labels_(std::move(labels)),
      group_key_(GroupKey(route, labels_)),
      serial_(serial) {}

void AggregationGroup::Insert(const model::Alert& alert) {
  alerts_.insert_or_assign(alert.Fingerprint(), alert);
}

std::vector<model::Alert> AggregationGroup::AlertsForFlush(model::Timestamp now) const {
  std::vector<model::Alert> out;
  out.reserve(alerts_.size());
  for (const auto& kv : alerts_) {
    model::Alert a = kv.second;
    if (!a.ResolvedAt(now)) a.ends_at = 0;
    out.push_back(std::move(a));
  }
  SortAlerts(out);
  return out;
}

std::vector<model::Alert> AggregationGroup::Alerts() const {
  std::vector<model::Alert> out;
  out.reserve(alerts_.size());
  for (const auto& kv : alerts_) out.push_back(kv.second);
  SortAlerts(out);
  return out;
}

void AggregationGroup::DeleteResolved(
    const std::vector<std::pair<uint64_t, model::Timestamp>>& sent_resolved) {
  for (const auto& [fp, updated_at] : sent_resolved) {
    auto it = alerts_.find(fp);
    if (it != alerts_.end() && it->second.updated_at == updated_at) alerts_.erase(it);
  }
}

}  // namespace osprey::alerting
