// Exemplars: a sample's pointer to a trace (`# {trace_id="abc"} 0.67 1520879607.789` in
// OpenMetrics), kept in a bounded in-memory ring like Prometheus's CircularExemplarStorage
// and served by /api/v1/query_exemplars.
//
//   storage::ExemplarStore store({.max_exemplars = 100000});
//   store.Add(series_labels, {.labels = trace, .value = 0.67, .t = 1520879607789});
//   auto found = store.Select({start, end}, {{matchers of one selector}, ...});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace osprey::storage {

struct Exemplar {
  model::Labels labels;  // e.g. {trace_id="abc"}
  double value = 0;
  model::Timestamp t = 0;
  friend bool operator==(const Exemplar&, const Exemplar&) = default;
};

struct SeriesExemplars {
  model::Labels series;
  std::vector<Exemplar> exemplars;  // oldest first
};

struct ExemplarStoreOptions {
  // The ring's size: the oldest exemplar is dropped when a new one does not fit. 0 keeps none.
  int64_t max_exemplars = 100000;
};

// Thread-safe. Memory: the ring plus one entry per series that has exemplars in it.
class ExemplarStore {
 public:
  explicit ExemplarStore(ExemplarStoreOptions options);
  ~ExemplarStore();
  ExemplarStore(const ExemplarStore&) = delete;
  ExemplarStore& operator=(const ExemplarStore&) = delete;

  // kAlreadyExists for a repeat of the series' newest exemplar (ignored, as Prometheus does),
  // kOutOfBounds when older than it.
  Status Add(const model::Labels& series, const Exemplar& e) OSPREY_EXCLUDES(mu_);

  // Exemplars with t in `range` of series matching any of the matcher sets (each set ANDed,
  // as one selector), series sorted by labels.
  std::vector<SeriesExemplars> Select(model::TimeRange range,
                                      std::span<const std::vector<model::Matcher>> selectors) const
      OSPREY_EXCLUDES(mu_);

  int64_t size() const OSPREY_EXCLUDES(mu_);

 private:
  struct Series;
  struct Slot {
    Series* series = nullptr;  // null: empty slot
    Exemplar exemplar;
  };

  const ExemplarStoreOptions options_;
  mutable Mutex mu_;
  std::vector<Slot> ring_ OSPREY_GUARDED_BY(mu_);
  size_t next_ OSPREY_GUARDED_BY(mu_) = 0;
  int64_t size_ OSPREY_GUARDED_BY(mu_) = 0;
  std::map<model::Labels, std::unique_ptr<Series>> series_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::storage
