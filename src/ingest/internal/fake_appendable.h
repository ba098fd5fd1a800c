// Test double of storage::Appendable that keeps committed samples in memory and implements
// the hint contract of series_hint_cache.h (refs never reused; an unknown ref with empty
// labels is kNotFound). Test-only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/thread_annotations.h"
#include "storage/metrics.h"

namespace osprey::ingest::internal {

// Thread-safe.
class FakeAppendable final : public storage::Appendable {
 public:
  std::unique_ptr<storage::Appender> NewAppender() override;

  // Committed samples of each series.
  std::map<model::Labels, std::vector<model::Sample>> Committed() const OSPREY_EXCLUDES(mu_);
  // Forgets a series: its ref becomes unknown (a later append creates a new ref).
  void DropSeries(const model::Labels& labels) OSPREY_EXCLUDES(mu_);
  // Makes every later Commit fail with `status`.
  void FailCommits(Status status) OSPREY_EXCLUDES(mu_);

  struct Stats {
    int64_t appends_with_hint_only = 0;  // a ref and empty labels
    int64_t appends_with_labels = 0;
    int64_t series_created = 0;
    int64_t commits = 0;
    int64_t rollbacks = 0;
  };
  Stats stats() const OSPREY_EXCLUDES(mu_);

 private:
  class FakeAppender;
  struct Series {
    model::Labels labels;
    std::vector<model::Sample> samples;
  };

  mutable Mutex mu_;
  std::map<storage::SeriesRef, Series> by_ref_ OSPREY_GUARDED_BY(mu_);
  std::map<model::Labels, storage::SeriesRef> by_labels_ OSPREY_GUARDED_BY(mu_);
  storage::SeriesRef next_ref_ OSPREY_GUARDED_BY(mu_) = 1;
  std::optional<Status> commit_error_ OSPREY_GUARDED_BY(mu_);
  Stats stats_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::ingest::internal
