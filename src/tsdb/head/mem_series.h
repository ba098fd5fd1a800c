// One series in the head: its interned labels and its samples, as memory-mapped completed
// chunks, one open XOR chunk and (with an out-of-order window) a small sorted buffer of
// late samples. Internal to the head.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/thread_annotations.h"
#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/block/tombstones.h"
#include "tsdb/chunk/chunk_disk_mapper.h"
#include "tsdb/chunk/xor_chunk.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {

// A completed chunk, written to chunks_head/ and read back through mmap.
struct MmappedChunk {
  ChunkDiskRef ref;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

// Thread-safe through mu: the appender holds it to add samples, readers to snapshot.
// Immutable after construction: id, hash and the label symbols.
class MemSeries {
 public:
  MemSeries(uint32_t id, uint64_t hash, const model::Labels& labels, SymbolTable& symbols);
  MemSeries(const MemSeries&) = delete;
  MemSeries& operator=(const MemSeries&) = delete;

  uint32_t id() const { return id_; }
  uint64_t hash() const { return hash_; }
  // Rebuilds the label set from the symbol table (allocates).
  model::Labels labels(const SymbolTable& symbols) const;
  // Whether this series has exactly `labels`, without allocating.
  bool HasLabels(const model::Labels& labels, const SymbolTable& symbols) const;
  // The value of __name__ (a view into the symbol table).
  std::string_view metric_name(const SymbolTable& symbols) const;

  Mutex mu;
  XorChunk head_chunk OSPREY_GUARDED_BY(mu);
  std::vector<MmappedChunk> mmapped OSPREY_GUARDED_BY(mu);
  // Out-of-order samples (within the window) older than head_chunk's start or between its
  // samples, sorted by time. Usually empty.
  std::vector<model::Sample> ooo OSPREY_GUARDED_BY(mu);
  // Newest in-order timestamp and its value's bits; kMinTimestamp when empty.
  int64_t max_time OSPREY_GUARDED_BY(mu) = model::kMinTimestamp;
  uint64_t last_value_bits OSPREY_GUARDED_BY(mu) = 0;
  // Deleted time ranges (tombstones): hidden from reads, dropped with the data they cover.
  Intervals deleted OSPREY_GUARDED_BY(mu);
  // Oldest timestamp held, for range pruning without the lock (may lag behind a little).
  std::atomic<int64_t> min_time_hint{model::kMaxTimestamp};
  std::atomic<int64_t> max_time_hint{model::kMinTimestamp};
  // Whether `deleted` was ever non-empty: lets queries skip the lock in the common case.
  std::atomic<bool> has_deletions{false};
  // Samples an Appender accepted for this series and has not committed or rolled back yet.
  // Incremented under mu; the head does not collect a series while it is above zero.
  std::atomic<int32_t> pending_commits{0};
  // Set under mu when head truncation collected this series (it is then unlinked from the
  // index and freed once no appender can still hold it): an appender that finds it set
  // looks its labels up again.
  std::atomic<bool> removed{false};

 private:
  const uint32_t id_;
  const uint16_t num_labels_;
  const uint64_t hash_;
  // name, value symbol ids for each label, in label order.
  const std::unique_ptr<uint32_t[]> syms_;
};

}  // namespace osprey::tsdb
