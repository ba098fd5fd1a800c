// Times below use exclusive ends (range.max + 1), as Prometheus's block metadata does, so
// that "a block fills an aligned range" is end - start == range.
#include "tsdb/db/compaction_plan.h"

#include <algorithm>

namespace osprey::tsdb {
namespace {

constexpr int64_t kMaxDefaultBlockMs = 31LL * 24 * 3600 * 1000;

int64_t End(const PlanBlock& b) {
  return b.range.max == model::kMaxTimestamp ? b.range.max : b.range.max + 1;
}

// Floor division (time ranges may start before the epoch).
int64_t AlignDown(int64_t t, int64_t r) {
  int64_t q = t / r;
  if (t % r != 0 && t < 0) --q;
  return q * r;
}

// The first run of two or more blocks whose ranges overlap.
std::vector<size_t> Overlapping(std::span<const PlanBlock> blocks) {
  std::vector<size_t> group;
  int64_t group_end = model::kMinTimestamp;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!group.empty() && blocks[i].range.min < group_end) {
      group.push_back(i);
      group_end = std::max(group_end, End(blocks[i]));
      continue;
    }
    if (group.size() > 1) break;
    group.assign(1, i);
    group_end = End(blocks[i]);
  }
  if (group.size() < 2) return {};
  for (size_t i : group) {
    if (blocks[i].compaction_failed) return {};
  }
  return group;
}

}  // namespace

std::vector<int64_t> CompactionRanges(int64_t min_block_ms, int64_t max_block_ms) {
  std::vector<int64_t> out = {min_block_ms};
  while (out.back() <= max_block_ms / 3) out.push_back(out.back() * 3);
  return out;
}

int64_t DefaultMaxBlockDuration(int64_t min_block_ms, int64_t retention_ms) {
  int64_t max =
      retention_ms > 0 ? std::min(retention_ms / 10, kMaxDefaultBlockMs) : kMaxDefaultBlockMs;
  return std::max(max, min_block_ms);
}

std::vector<size_t> PlanCompaction(std::span<const PlanBlock> blocks,
                                   std::span<const int64_t> ranges) {
  if (std::vector<size_t> overlap = Overlapping(blocks); !overlap.empty()) return overlap;
  // The newest block is left out: it was just written from the head.
  if (blocks.size() < 2 || ranges.size() < 2) return {};
  const std::span<const PlanBlock> old = blocks.first(blocks.size() - 1);
  const int64_t high_time = old.back().range.min;
  for (size_t r = 1; r < ranges.size(); ++r) {
    const int64_t range = ranges[r];
    // Groups of consecutive blocks inside one aligned [t0, t0 + range).
    for (size_t i = 0; i < old.size();) {
      const int64_t t0 = AlignDown(old[i].range.min, range);
      if (End(old[i]) > t0 + range) {  // larger than this level, or misaligned
        ++i;
        continue;
      }
      std::vector<size_t> group;
      bool failed = false;
      for (; i < old.size() && End(old[i]) <= t0 + range; ++i) {
        group.push_back(i);
        failed |= old[i].compaction_failed;
      }
      if (failed || group.size() < 2) continue;
      const int64_t start = old[group.front()].range.min;
      const int64_t end = End(old[group.back()]);
      // The whole aligned range is covered, or nothing newer can still join it.
      if (end - start == range || end <= high_time) return group;
    }
  }
  return {};
}

std::vector<size_t> BeyondTimeRetention(std::span<const PlanBlock> blocks, int64_t retention_ms) {
  std::vector<size_t> out;
  if (retention_ms <= 0 || blocks.empty()) return out;
  int64_t newest = model::kMinTimestamp;
  for (const PlanBlock& b : blocks) newest = std::max(newest, End(b));
  for (size_t i = 0; i < blocks.size(); ++i) {
    // 128 bits: the difference of two timestamps may not fit 64.
    if (static_cast<__int128>(newest) - End(blocks[i]) >= retention_ms) out.push_back(i);
  }
  return out;
}

std::vector<size_t> BeyondSizeRetention(std::span<const PlanBlock> blocks, uint64_t other_bytes,
                                        uint64_t limit_bytes) {
  std::vector<size_t> out;
  if (limit_bytes == 0) return out;
  uint64_t total = other_bytes;
  for (size_t i = blocks.size(); i-- > 0;) {
    total += blocks[i].bytes;
    if (total > limit_bytes) {
      for (size_t k = 0; k <= i; ++k) out.push_back(k);
      break;
    }
  }
  return out;
}

}  // namespace osprey::tsdb
