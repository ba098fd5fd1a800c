// Delta-to-cumulative conversion for OTLP sums and histograms with DELTA temporality, in the
// manner of the OpenTelemetry Collector's deltatocumulative processor (which Prometheus runs for
// --enable-feature=otlp-deltatocumulative): each output series keeps a running total in memory,
// and a delta point is stored as the total after adding it.
//
// Semantics, per output series (a histogram's _bucket{le}, _sum and _count are each a series):
// - the first delta point seen starts the total (a restart of Osprey restarts every total,
//   which PromQL's rate() treats as a counter reset);
// - a point at or before the series' last timestamp is dropped (kOutOfBounds), as the processor
//   drops out-of-order points;
// - start timestamps are ignored;
// - a series not updated for `max_staleness_ms` of data time (the newest timestamp seen) is
//   forgotten, as the processor's max_stale; `max_series` bounds memory (kResourceExhausted for
//   a new series past it);
// - updates are staged per batch and kept only by Commit() (after the storage committed the
//   batch), so a failed write that the client retries does not count twice.
// Limitation: exponential histograms whose scale changes between points produce bucket series
// with different `le` values, each accumulated on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "base/status.h"
#include "model/labels.h"
#include "model/sample.h"

namespace osprey::ingest {

struct OtlpDeltaOptions {
  int64_t max_staleness_ms = 5 * 60 * 1000;
  size_t max_series = 1'000'000;
};

// Thread-compatible: the caller serialises batches (one Add...Commit/Rollback sequence at a
// time).
class OtlpDeltaAccumulator {
 public:
  explicit OtlpDeltaAccumulator(const OtlpDeltaOptions& options = {}) : options_(options) {}

  // Stages delta `v` at `t` for `labels` and returns the running total including it. NaN
  // deltas are returned as they are and change nothing. Errors: kOutOfBounds (t not after the
  // series' last point), kResourceExhausted (max_series reached).
  Result<double> Add(const model::Labels& labels, model::Timestamp t, double v);

  // Keeps the staged totals, then forgets stale series.
  void Commit();
  // Drops the staged totals.
  void Rollback() { staged_.clear(); }

  // Series with a committed total.
  size_t size() const { return totals_.size(); }

 private:
  struct Total {
    model::Timestamp t = 0;
    double v = 0;
  };
  struct Hash {
    size_t operator()(const model::Labels& l) const { return l.Hash(); }
  };

  const OtlpDeltaOptions options_;
  std::unordered_map<model::Labels, Total, Hash> totals_;
  std::unordered_map<model::Labels, Total, Hash> staged_;
  model::Timestamp newest_ = model::kMinTimestamp;
  model::Timestamp last_sweep_ = model::kMinTimestamp;
};

}  // namespace osprey::ingest
