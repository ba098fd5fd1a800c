// The head's series, found by label hash (striped locks) or by id (lock-free table).
// Internal to the head.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/thread_annotations.h"
#include "tsdb/head/mem_series.h"

namespace osprey::tsdb {

// Thread-safe. GetById is wait-free; GetOrCreate takes one of kStripes locks, so writers of
// different series rarely contend. Remove() unlinks a series and hands it back to the head,
// which frees it once no reader or appender can hold its pointer any more.
class SeriesMap {
 public:
  SeriesMap();
  ~SeriesMap();

  MemSeries* GetById(uint32_t id) const;
  MemSeries* GetByLabels(uint64_t hash, const model::Labels& labels,
                         const SymbolTable& symbols) const;
  // Returns the series and whether it was created. `make` builds the new series (called
  // under the stripe lock; it must not touch this map) or returns null to refuse (a limit),
  // in which case {nullptr, false} is returned.
  std::pair<MemSeries*, bool> GetOrCreate(uint64_t hash, const model::Labels& labels,
                                          const SymbolTable& symbols,
                                          const std::function<std::unique_ptr<MemSeries>()>& make);
  // Unlinks `s` (found by its hash and id) and returns ownership of it; null when absent.
  // GetById / GetByLabels stop finding it at once; pointers obtained earlier stay valid
  // as long as the caller keeps the returned object.
  std::unique_ptr<MemSeries> Remove(const MemSeries& s);
  // Calls fn for every series (order unspecified). Series created meanwhile may be missed.
  void ForEach(const std::function<void(MemSeries&)>& fn) const;

 private:
  static constexpr size_t kStripes = 1 << 12;
  static constexpr uint32_t kSegmentBits = 16;
  static constexpr size_t kSegments = size_t{1} << (32 - kSegmentBits);

  struct Stripe {
    mutable Mutex mu;
    std::unordered_multimap<uint64_t, std::unique_ptr<MemSeries>> by_hash OSPREY_GUARDED_BY(mu);
  };
  using Segment = std::array<std::atomic<MemSeries*>, size_t{1} << kSegmentBits>;

  void PublishId(MemSeries* s);

  std::unique_ptr<Stripe[]> stripes_;
  std::unique_ptr<std::atomic<Segment*>[]> segments_;
  Mutex segment_alloc_mu_;
};

}  // namespace osprey::tsdb
