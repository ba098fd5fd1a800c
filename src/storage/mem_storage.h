// MemStorage: a simple, correct in-memory metric store implementing both sides of the
// storage seam (Appendable and Queryable). It is the reference store for tests (the PromQL
// script runner, rules tests) and fuzzers, not a production store: every Select copies the
// selected samples.
//
//   storage::MemStorage db;
//   auto app = db.NewAppender();
//   OSPREY_RETURN_IF_ERROR(app->Append(storage::kNoRef, labels, {.t = 0, .v = 1}).status());
//   OSPREY_RETURN_IF_ERROR(app->Commit());
//   OSPREY_ASSIGN_OR_RETURN(auto querier, db.NewQuerier({.min = 0, .max = 1000}));
//
// Semantics:
// - Series are keyed by their label set; samples are kept sorted by time. Appending a
//   sample at a timestamp the series already has overwrites it (unlike the TSDB, which
//   rejects a different value with kAlreadyExists): tests load data in any order.
// - Appends become visible at Commit(), all at once; Rollback() drops them. A new series'
//   ref is assigned at Append() and stays valid even if the batch is rolled back.
// - A querier sees the data committed when it was created or later (it reads the live
//   store on each Select). Select honours the querier's range intersected with the hints'
//   start/end, returns only series with at least one sample in it, sorted by labels.
// - Label sets must be non-empty with unique names (kInvalidArgument otherwise); nothing
//   else is checked, so tests can store series without a metric name.
//
// Thread-safe: appenders and queriers may be used from different threads at once (each
// appender or querier by one thread at a time).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/thread_annotations.h"
#include "model/labels.h"
#include "model/sample.h"
#include "storage/metrics.h"

namespace osprey::storage {

class MemStorage final : public Appendable, public Queryable {
 public:
  MemStorage() = default;
  MemStorage(const MemStorage&) = delete;
  MemStorage& operator=(const MemStorage&) = delete;

  std::unique_ptr<Appender> NewAppender() override;
  Result<std::unique_ptr<Querier>> NewQuerier(model::TimeRange range) override;

  // Drops every series and sample. Refs handed out before stay unknown afterwards.
  void Clear() OSPREY_EXCLUDES(mu_);

  size_t NumSeries() const OSPREY_EXCLUDES(mu_);
  size_t NumSamples() const OSPREY_EXCLUDES(mu_);

 private:
  friend class MemAppender;
  friend class MemQuerier;

  struct MemSeries {
    SeriesRef ref = kNoRef;
    model::Labels labels;
    std::vector<model::Sample> samples;  // sorted by t, unique t
  };
  struct PendingSample {
    SeriesRef ref = kNoRef;
    model::Sample sample;
  };

  // Finds or creates the series for `labels` (validated) and returns its ref.
  Result<SeriesRef> GetOrCreate(const model::Labels& labels) OSPREY_EXCLUDES(mu_);
  // Whether `ref` names a live series.
  bool Known(SeriesRef ref) const OSPREY_EXCLUDES(mu_);
  // Applies a committed batch in order (a later sample for the same time wins).
  void Apply(const std::vector<PendingSample>& batch) OSPREY_EXCLUDES(mu_);

  // A copy of every series matching all matchers, restricted to samples in [mint, maxt],
  // dropping series with none. Sorted by labels.
  std::vector<MemSeries> Snapshot(model::Timestamp mint, model::Timestamp maxt,
                                  std::span<const model::Matcher> matchers) const
      OSPREY_EXCLUDES(mu_);

  mutable Mutex mu_;
  // Sorted by labels, so Select needs no sort. unique_ptr: stable addresses for by_ref_.
  std::map<model::Labels, std::unique_ptr<MemSeries>> series_ OSPREY_GUARDED_BY(mu_);
  std::unordered_map<SeriesRef, MemSeries*> by_ref_ OSPREY_GUARDED_BY(mu_);
  SeriesRef next_ref_ OSPREY_GUARDED_BY(mu_) = 1;
};

}  // namespace osprey::storage
