// Where a remote_write queue is in the WAL, and the small file that keeps it across
// restarts: <data dir>/remote_write/<queue hash>/position. Format:
// docs/format/remote_write_position.md.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"

namespace osprey::remote {

// Identifies one sample in the WAL: the record (segment, offset where the record starts)
// and the sample's index in it. Ordered as the WAL is. A key with index kWholeRecord stands
// for "every sample of that record".
struct SampleKey {
  static constexpr uint32_t kWholeRecord = UINT32_MAX;
  int segment = -1;
  uint64_t offset = 0;
  uint32_t index = 0;
  friend auto operator<=>(const SampleKey&, const SampleKey&) = default;
};

// The key before every sample: nothing sent yet.
inline constexpr SampleKey kBeforeWal{-1, 0, 0};

// The key just before the record starting at `offset` of `segment`: the records before that
// point are at or below it, the ones from there on above it.
inline SampleKey KeyBefore(int segment, uint64_t offset) {
  if (offset == 0) return SampleKey{segment - 1, UINT64_MAX, SampleKey::kWholeRecord};
  return SampleKey{segment, offset - 1, SampleKey::kWholeRecord};
}

// Per shard, the last sample sent (or known not to need sending). Shard i owns the series
// whose ref % shards.size() == i, so after a restart with the same shard count, a sample is
// sent again exactly when its key is above its shard's entry.
struct WalPosition {
  std::vector<SampleKey> shards;
  friend bool operator==(const WalPosition&, const WalPosition&) = default;

  // The smallest entry (kBeforeWal when empty): where reading must resume.
  SampleKey Min() const;
};

std::string EncodePosition(const WalPosition& p);
// kDataLoss naming what is wrong when `text` is not a position file.
Result<WalPosition> ParsePosition(std::string_view text);

// Reads <dir>/position; kNotFound when absent.
Result<WalPosition> ReadPositionFile(FileSystem& fs, const std::string& dir);
// Writes <dir>/position atomically (creating dir).
Status WritePositionFile(FileSystem& fs, const std::string& dir, const WalPosition& p);

}  // namespace osprey::remote
