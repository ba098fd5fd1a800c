// A persisted block's meta.json (docs/format/block.md): its id, time range, counts and
// compaction lineage. Block ids are ULIDs: 26 Crockford base32 characters, the first 10
// the creation time in milliseconds, so ids sort by creation time.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/sample.h"

namespace osprey::tsdb {

inline constexpr int kBlockMetaVersion = 1;

struct BlockStats {
  uint64_t num_series = 0;
  uint64_t num_samples = 0;
  // Column pairs (timestamps + values) written; one per series unless series were split.
  uint64_t num_chunks = 0;
  friend bool operator==(const BlockStats&, const BlockStats&) = default;
};

struct BlockMeta {
  std::string ulid;
  // Both ends inclusive in memory. meta.json stores maxTime exclusive (max + 1), as
  // Prometheus does.
  model::TimeRange range;
  BlockStats stats;
  int compaction_level = 1;
  // ULIDs of the blocks this one was compacted from (itself for a level-1 block), sorted.
  std::vector<std::string> sources;
  int version = kBlockMetaVersion;
  friend bool operator==(const BlockMeta&, const BlockMeta&) = default;
};

std::string SerializeBlockMeta(const BlockMeta& meta);
// kDataLoss on malformed JSON or missing / mistyped fields.
Result<BlockMeta> ParseBlockMeta(std::string_view json);

// A new ULID for time `now_ms` with 80 random bits from `rng`.
std::string NewUlid(int64_t now_ms, std::mt19937_64& rng);
// True for 26 Crockford base32 characters (upper case) whose value fits 128 bits.
bool IsValidUlid(std::string_view s);

}  // namespace osprey::tsdb
