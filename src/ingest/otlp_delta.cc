#include "ingest/otlp_delta.h"

#include <cmath>
#include <string>

namespace osprey::ingest {

Result<double> OtlpDeltaAccumulator::Add(const model::Labels& labels, model::Timestamp t,
                                         double v) {
  if (std::isnan(v)) return v;
  const Total* last = nullptr;
  if (auto it = staged_.find(labels); it != staged_.end()) {
    last = &it->second;
  } else if (auto jt = totals_.find(labels); jt != totals_.end()) {
    last = &jt->second;
  } else if (totals_.size() + staged_.size() >= options_.max_series) {
    return ResourceExhaustedError("delta-to-cumulative series limit of " +
                                  std::to_string(options_.max_series) + " reached");
  }
  if (last != nullptr && t <= last->t) {
    return OutOfBoundsError("delta point at or before the series' last point (out of order)");
  }
  const double total = last != nullptr ? last->v + v : v;
  staged_[labels] = Total{.t = t, .v = total};
  if (t > newest_) newest_ = t;
  return total;
}

void OtlpDeltaAccumulator::Commit() {
  for (auto& [labels, total] : staged_) totals_[labels] = total;
  staged_.clear();
  // Sweep at most once per staleness period of data time.
  if (newest_ == model::kMinTimestamp || newest_ - options_.max_staleness_ms < last_sweep_) return;
  last_sweep_ = newest_;
  const model::Timestamp cutoff = newest_ - options_.max_staleness_ms;
  std::erase_if(totals_, [cutoff](const auto& entry) { return entry.second.t < cutoff; });
}

}  // namespace osprey::ingest
