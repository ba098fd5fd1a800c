// What the Db compacts and deletes next: pure functions over block metadata, after the
// leveled compaction and retention rules of Prometheus's tsdb (compact.go, db.go).
//
// Levels: a block range R (2h) and its multiples R, 3R, 9R, ... up to the maximum block
// duration (by default a tenth of the retention). Blocks whose time ranges overlap are
// merged first; otherwise the blocks filling an aligned range of the next level (or
// lying wholly before the second newest block) are merged, the newest block excluded so
// that it stays available for a whole block range before being compacted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/sample.h"

namespace osprey::tsdb {

// The part of a block the planner looks at.
struct PlanBlock {
  std::string ulid;
  model::TimeRange range;  // both ends inclusive
  uint64_t bytes = 0;
  // A compaction including this block failed on damaged data: leave it alone.
  bool compaction_failed = false;
};

// {min, 3 min, 9 min, ...} up to max (at least {min}).
std::vector<int64_t> CompactionRanges(int64_t min_block_ms, int64_t max_block_ms);

// The maximum block duration for a retention: a tenth of it, at most 31 days, at least
// min_block_ms; 31 days when retention_ms is 0 (unlimited).
int64_t DefaultMaxBlockDuration(int64_t min_block_ms, int64_t retention_ms);

// Indices into `blocks` (sorted by range.min) of the blocks to merge next, ascending, or
// empty when there is nothing to do.
std::vector<size_t> PlanCompaction(std::span<const PlanBlock> blocks,
                                   std::span<const int64_t> ranges);

// Indices of the blocks (sorted by range.min) that retention deletes:
//  - by time, those ending retention_ms or more before the newest block's end (0: off);
//  - by size, walking from the newest block back, every block from the first one that
//    takes the total (starting at `other_bytes`: WAL and head chunks) past limit_bytes
//    (0: off). The newest block is deleted too if it alone exceeds the limit.
std::vector<size_t> BeyondTimeRetention(std::span<const PlanBlock> blocks, int64_t retention_ms);
std::vector<size_t> BeyondSizeRetention(std::span<const PlanBlock> blocks, uint64_t other_bytes,
                                        uint64_t limit_bytes);

}  // namespace osprey::tsdb
