// Writes persisted blocks: the immutable, time-partitioned on-disk form of metric data.
// Format: docs/format/block.md. A block is a directory <parent>/<ULID>/ holding
//   meta.json  id, time range, counts, compaction lineage (block_meta.h)
//   index      symbols, series (labels + where their columns are), postings, frame table
//   data       zstd frames of concatenated timestamp columns, and of value columns
// written into <ULID>.tmp, synced, then renamed, so a crash never leaves a partial block
// under its final name.
//
//   OSPREY_ASSIGN_OR_RETURN(auto w, BlockWriter::Create(fs, dir, {t0, t1}, {}));
//   for (each series in label order) OSPREY_RETURN_IF_ERROR(w->AddSeries(labels, ts, vs));
//   OSPREY_ASSIGN_OR_RETURN(BlockMeta meta, w->Finish());
//
// Each series' timestamps and values are encoded as separate columns (column_codec.h);
// consecutive series' columns are concatenated into frames of ~frame_bytes and compressed
// with zstd, timestamps and values in separate frames, so that zstd finds the redundancy
// between neighbouring (similar) series.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/status.h"
#include "model/labels.h"
#include "model/sample.h"
#include "storage/metrics.h"
#include "tsdb/block/block_meta.h"

namespace osprey::tsdb {

struct BlockWriterOptions {
  // zstd level of the data frames (1 fastest .. 19 smallest).
  int zstd_level = 3;
  // Uncompressed bytes per frame: larger compresses better, smaller decodes less per read.
  size_t frame_bytes = 256 * 1024;
  // Series longer than this are split into several column pairs, so that a reader can
  // skip the parts outside its time range.
  size_t max_samples_per_chunk = 8192;
  int compaction_level = 1;
  // ULIDs of the blocks compacted into this one; empty for a level-1 block (the block's
  // own id is then used).
  std::vector<std::string> sources;
  // Time source for the ULID; SystemClock when null.
  const Clock* clock = nullptr;
};

// Thread-compatible. Dropping a writer without Finish() removes its temporary directory.
class BlockWriter {
 public:
  // Starts a block for samples in `range` (both ends inclusive) under `parent_dir`, which
  // is created if missing.
  static Result<std::unique_ptr<BlockWriter>> Create(FileSystem& fs, std::string parent_dir,
                                                     model::TimeRange range,
                                                     BlockWriterOptions options);
  ~BlockWriter();
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // Adds one series. Requires: labels strictly greater than the previous series' labels
  // (kInvalidArgument otherwise), ts.size() == vs.size(), timestamps strictly increasing
  // and inside the range (kInvalidArgument). A series without samples is skipped.
  // I/O errors (a full disk: kResourceExhausted) leave the writer unusable.
  Status AddSeries(const model::Labels& labels, std::span<const int64_t> ts,
                   std::span<const double> vs);

  // Writes the index and meta.json, syncs, and renames the directory to its final name.
  // Returns the meta; the block is at JoinPath(parent_dir, meta.ulid).
  Result<BlockMeta> Finish();

  // Bytes written so far (data frames only; the index is written by Finish()).
  uint64_t data_bytes() const;

 private:
  struct State;
  explicit BlockWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

// Writes every series `source` returns for {__name__=~".*"} (all series), with their
// samples inside `range`, as one block. `source` must be a querier over at least `range`.
Result<BlockMeta> WriteBlock(FileSystem& fs, const std::string& parent_dir, model::TimeRange range,
                             storage::Querier& source, BlockWriterOptions options = {});

}  // namespace osprey::tsdb
