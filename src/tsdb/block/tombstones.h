// Deletions: time intervals of a series whose samples are hidden from reads and dropped by
// the next compaction. The head keeps them per series (and logs them to its WAL); a block
// keeps them in its `tombstones` file (docs/format/tombstones.md), keyed by the series' id
// in the block's index, since the block itself is immutable.
//
//   Intervals deleted;
//   AddInterval(deleted, {.min = 1000, .max = 2000});
//   if (IsDeleted(deleted, t)) ...;
//   auto it = FilterDeleted(series.Iterator(), deleted);  // skips the deleted samples
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "model/sample.h"
#include "storage/metrics.h"

namespace osprey::tsdb {

// Sorted, disjoint, non-adjacent inclusive time ranges.
using Intervals = std::vector<model::TimeRange>;

// Adds `iv` to `intervals`, merging it with the ranges it overlaps or touches.
// Requires: iv.min <= iv.max.
void AddInterval(Intervals& intervals, model::TimeRange iv);
// Whether `t` lies in one of the intervals. Cost: a binary search.
bool IsDeleted(const Intervals& intervals, model::Timestamp t);
// Whether every timestamp of [r.min, r.max] is deleted.
bool IsCovered(const Intervals& intervals, model::TimeRange r);
// Drops the parts of the intervals before `mint`.
void TruncateIntervals(Intervals& intervals, model::Timestamp mint);

// An iterator over `inner`'s samples outside `deleted`. Returns `inner` itself when
// `deleted` is empty.
std::unique_ptr<storage::SampleIterator> FilterDeleted(
    std::unique_ptr<storage::SampleIterator> inner, Intervals deleted);

// The tombstones of one block: series id (position in the block's index) -> intervals.
// Immutable once shared: the Db swaps in a new copy on each deletion.
struct Tombstones {
  std::map<uint32_t, Intervals> series;

  bool empty() const { return series.empty(); }
  // Intervals of `id`, or null.
  const Intervals* Find(uint32_t id) const;
  // Number of intervals in all.
  uint64_t NumIntervals() const;
};

// The file name inside a block directory.
inline constexpr std::string_view kTombstonesFileName = "tombstones";

// Encodes / decodes the tombstones file (docs/format/tombstones.md). Decoding never trusts
// its input: kDataLoss on anything malformed.
std::string EncodeTombstonesFile(const Tombstones& tombstones);
Result<Tombstones> DecodeTombstonesFile(std::string_view bytes);

// Reads <block_dir>/tombstones; an absent file is an empty set. kDataLoss naming the file
// when it is damaged.
Result<Tombstones> ReadTombstonesFile(FileSystem& fs, const std::string& block_dir);
// Replaces <block_dir>/tombstones atomically (removes it when `tombstones` is empty).
Status WriteTombstonesFile(FileSystem& fs, const std::string& block_dir,
                           const Tombstones& tombstones);

}  // namespace osprey::tsdb
