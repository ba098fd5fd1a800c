// The metric database: the head plus the persisted blocks beside it, behind the storage
// seam (Appendable, Queryable). After Prometheus's tsdb/db.go.
//
// Layout of `dir`:
//   wal/, chunks_head/     the head (head.h)
//   <ULID>/                one block each (docs/format/block.md), with an optional
//                          `tombstones` file (docs/format/tombstones.md)
//   quarantine/<ULID>/     blocks that failed to open, moved aside (and counted)
//   snapshots/<name>/      Snapshot() output
//
// Background work (a thread, or Compact() called by hand when options.background is
// false): once the head spans more than 1.5 block ranges, its oldest range is written as
// a block and the head truncated (with a WAL checkpoint); adjacent blocks are merged into
// ranges 3x, 9x, ... the block range (compaction_plan.h), applying their tombstones;
// blocks past the retention (time, size) are deleted whole.
//
//   OSPREY_ASSIGN_OR_RETURN(auto db, Db::Open(fs, {.dir = "data"}, registry, logger));
//   auto app = db->NewAppender();  ...  OSPREY_RETURN_IF_ERROR(app->Commit());
//   OSPREY_ASSIGN_OR_RETURN(auto q, db->NewQuerier({t0, t1}));
//
// Thread-safe. Appends never wait for compaction: blocks are written from a head querier,
// and only the truncation at the end waits, for queriers only. Queriers see a consistent
// union of blocks and head: data moving from the head into a block is in one or both.
// Blocks are read through mmap, so `dir` must be on the operating system's file system;
// `fs` is used for everything else (WAL, block writing, tombstones, directories).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "metrics/registry.h"
#include "storage/metrics.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/block_writer.h"
#include "tsdb/head/head.h"

namespace osprey::tsdb {

struct DbOptions {
  // Created if missing.
  std::string dir;
  // The head's options; `dir`, `chunk_range_ms` and `min_valid_time` are set by the Db.
  HeadOptions head;
  // The block range: the head is persisted in blocks of this length, aligned to it.
  int64_t min_block_duration_ms = 2 * 3600 * 1000;
  // Compaction stops at this block length. 0: DefaultMaxBlockDuration(retention).
  int64_t max_block_duration_ms = 0;
  // Blocks ending this long before the newest block's end are deleted. 0: kept forever.
  int64_t retention_ms = 15LL * 24 * 3600 * 1000;
  // Oldest blocks are deleted while blocks + WAL + head chunks exceed this. 0: off.
  uint64_t retention_bytes = 0;
  // Run compaction and retention on a background thread: after commits that make the
  // head compactable, and every compaction_interval_ms.
  bool background = true;
  int64_t compaction_interval_ms = 60'000;
  // For the blocks written; compaction_level, sources and clock are set by the Db.
  BlockWriterOptions block_writer;
  // Block ids and snapshot names; durations. SystemClock when null.
  const Clock* clock = nullptr;
};

class Db final : public storage::Appendable, public storage::Queryable {
 public:
  // Opens `options.dir`: removes leftover temporary block directories, opens every block
  // (a damaged one is moved to quarantine/, logged and counted in
  // osprey_tsdb_blocks_quarantined_total; the rest keeps serving), deletes blocks a
  // finished compaction replaced, then opens the head (replaying its WAL). Registers the
  // head's, WAL's and osprey_tsdb_* metrics in `registry` (one Db per registry).
  static Result<std::unique_ptr<Db>> Open(FileSystem& fs, DbOptions options,
                                          metrics::Registry& registry, Logger logger);
  // Close(); an error is logged.
  ~Db() override;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Appends go to the head. Commit() errors as Head's (kResourceExhausted when the disk
  // is full: nothing of the batch is kept).
  std::unique_ptr<storage::Appender> NewAppender() override;
  // A querier over the blocks overlapping `range` and the head (merge_querier.h).
  Result<std::unique_ptr<storage::Querier>> NewQuerier(model::TimeRange range) override;

  // One round of background work: persists the head while it spans more than 1.5 block
  // ranges, merges blocks, applies retention. Called by the background thread; callable
  // by hand (e.g. tests with options.background = false).
  Status Compact() OSPREY_EXCLUDES(compaction_mu_, mu_);

  // Deletes the samples of the series matching every matcher within `range`: tombstones
  // in each overlapping block (its tombstones file rewritten) and in the head (WAL
  // record). Reads stop returning them at once; compaction drops them for good.
  Status Delete(std::span<const model::Matcher> matchers, model::TimeRange range)
      OSPREY_EXCLUDES(compaction_mu_, mu_);
  // Rewrites every block that has tombstones without the deleted samples.
  Status CleanTombstones() OSPREY_EXCLUDES(compaction_mu_, mu_);
  // Hard-links every block into `dir` (created; must be on the same file system) and,
  // with `with_head`, writes the head's samples there as one more block.
  Status Snapshot(const std::string& dir, bool with_head) OSPREY_EXCLUDES(compaction_mu_, mu_);
  // Snapshot() into <dir>/snapshots/<name>, name = "<UTC time>-<random hex>"; returns name.
  Result<std::string> CreateSnapshot(bool with_head) OSPREY_EXCLUDES(compaction_mu_, mu_);

  // The blocks served, sorted by start time.
  std::vector<BlockMeta> Blocks() const OSPREY_EXCLUDES(mu_);
  Head& head() { return *head_; }
  const std::string& dir() const { return options_.dir; }

  // Stops the background thread, waits for running admin operations, closes the head.
  // Appends fail afterwards. Idempotent.
  Status Close() OSPREY_EXCLUDES(compaction_mu_);

 private:
  friend class DbAppender;
  struct Metrics;
  // A block served, with its tombstones. shared_ptr: queriers on other threads keep the
  // block (its mmaps) and the tombstones snapshot alive after the Db dropped them.
  struct BlockEntry {
    std::shared_ptr<Block> block;
    std::shared_ptr<const Tombstones> tombstones;
  };

  Db(FileSystem& fs, DbOptions options, metrics::Registry& registry, Logger logger);
  Status LoadBlocks() OSPREY_EXCLUDES(mu_);
  Result<BlockEntry> OpenBlockEntry(const std::string& dir);
  void Quarantine(const std::string& name, const Status& why);
  void Run(std::stop_token stop);
  bool HeadCompactable() const;
  void RequestCompaction() OSPREY_EXCLUDES(loop_mu_);
  std::vector<BlockEntry> BlocksSnapshot() const OSPREY_EXCLUDES(mu_);
  void UpdateBlockMetrics() OSPREY_EXCLUDES(mu_);
  BlockWriterOptions WriterOptions(int level, std::vector<std::string> sources) const;

  // db_compact.cc; all require compaction_mu_.
  Status CompactHead() OSPREY_REQUIRES(compaction_mu_);
  Status PersistHeadRange(model::TimeRange range) OSPREY_REQUIRES(compaction_mu_);
  Status CompactBlocks() OSPREY_REQUIRES(compaction_mu_);
  Status MergeBlocks(const std::vector<BlockEntry>& parents) OSPREY_REQUIRES(compaction_mu_);
  Status ApplyRetention() OSPREY_REQUIRES(compaction_mu_);
  // Writes `source` over `range` as a block; adds it unless empty, removes `replaced`
  // from the list and from disk. Returns the new block's meta (num_samples 0: none).
  Result<BlockMeta> WriteAndSwap(model::TimeRange range, storage::Querier& source, int level,
                                 std::vector<std::string> sources,
                                 const std::vector<BlockEntry>& replaced)
      OSPREY_REQUIRES(compaction_mu_);
  // Deletes the directories of blocks already dropped from blocks_.
  void DeleteBlockDirs(const std::vector<BlockEntry>& blocks) OSPREY_REQUIRES(compaction_mu_);

  FileSystem& fs_;
  const DbOptions options_;
  const Logger logger_;
  const SystemClock system_clock_;
  const Clock& clock_;
  const std::vector<int64_t> ranges_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Head> head_;
  std::atomic<bool> closed_{false};

  // Held by Compact, Delete, CleanTombstones, Snapshot and Close: one at a time.
  Mutex compaction_mu_;
  // Blocks whose compaction failed on damaged data; left out of later plans.
  std::set<std::string> compaction_failed_ OSPREY_GUARDED_BY(compaction_mu_);

  mutable Mutex mu_;
  // Sorted by start time, then id.
  std::vector<BlockEntry> blocks_ OSPREY_GUARDED_BY(mu_);

  Mutex loop_mu_;
  std::condition_variable_any loop_cv_;
  bool compact_requested_ OSPREY_GUARDED_BY(loop_mu_) = false;
  // Last: started after everything above is built, joined first.
  std::jthread loop_;
};

}  // namespace osprey::tsdb
