// WAL checkpoints: a compacted copy of the WAL up to some segment, so that those segments
// can be deleted. After Prometheus's tsdb/wlog/checkpoint.go. Format: docs/format/wal.md.
//
//   OSPREY_ASSIGN_OR_RETURN(int current, wal.NextSegment());
//   auto [first, last] = wal.Segments();
//   const int to = first + (current - first) * 2 / 3;       // or current - 1
//   OSPREY_ASSIGN_OR_RETURN(CheckpointStats stats,
//       Checkpoint(wal, first, to, [&](SeriesRef ref) { return head.HasSeries(ref); }, mint));
//   OSPREY_RETURN_IF_ERROR(wal.TruncateBefore(to + 1));
//   OSPREY_RETURN_IF_ERROR(DeleteCheckpointsBefore(wal.fs(), wal.dir(), to));
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/file_system.h"
#include "base/status.h"
#include "model/sample.h"
#include "storage/metrics.h"

namespace osprey::tsdb {

class Wal;

struct CheckpointRef {
  std::string dir;  // <wal dir>/checkpoint.00000012
  int index = -1;   // covers the WAL up to and including this segment
};

// The checkpoint with the highest index in `dir`; kNotFound when there is none.
Result<CheckpointRef> LastCheckpoint(FileSystem& fs, const std::string& dir);

// Deletes the checkpoints of `dir` with an index below `index`, and leftover temporary ones.
Status DeleteCheckpointsBefore(FileSystem& fs, const std::string& dir, int index);

struct CheckpointStats {
  int64_t series_kept = 0;
  int64_t series_dropped = 0;
  int64_t samples_kept = 0;
  int64_t samples_dropped = 0;
  int64_t tombstones_kept = 0;
  int64_t tombstones_dropped = 0;
  int64_t other_records = 0;  // records of types this function does not know, copied as is
  int checkpoint_index = -1;
};

// Writes <wal dir>/checkpoint.<to> holding the content of the last checkpoint (if any) and
// of segments [from, to] of `wal`, filtered:
//  - series records keep the series for which keep(ref) is true;
//  - samples records keep the samples with keep(ref) and t >= mint;
//  - tombstones records keep the tombstones with keep(ref) and maxt >= mint;
//  - records of other types are copied unchanged.
// Records that end up empty are dropped. The checkpoint is written to a temporary directory,
// synced, then renamed into place, so it is either complete or absent. Segments between the
// last checkpoint and `from` are skipped (the caller's choice).
// Requires: to < the current segment (call wal.NextSegment() first), else
// kFailedPrecondition; also when the last checkpoint already covers `to`. kDataLoss when a
// segment in the range is damaged (nothing is written then).
Result<CheckpointStats> Checkpoint(Wal& wal, int from, int to,
                                   const std::function<bool(storage::SeriesRef)>& keep,
                                   model::Timestamp mint);

}  // namespace osprey::tsdb
