// The head: the in-memory, writable part of the metric store. Implements the storage seam
// (Appendable, Queryable) over the series of roughly the last block range.
//
// Durability: Appender::Commit() returns only after the batch is in the write-ahead log
// (wal/), so an acknowledged write survives kill -9. Completed chunks (120 samples or a
// chunk-range boundary) go to chunks_head/ and are read back through mmap, so the head's
// RAM holds only each series' open chunk. Start-up loads chunks_head/ and replays the WAL.
//
// Layout under `dir`: wal/ (docs/format/wal.md), chunks_head/ (docs/format/head_chunks.md).
//
// Lifecycle (driven by tsdb::Db): once the oldest block range is persisted as a block,
// Truncate() drops the samples before its end, collects the series left empty, deletes
// the chunks_head/ files and checkpoints the WAL, so memory and replay stay bounded.
// Delete() hides samples (tombstones), logged to the WAL so it survives a restart.
//
// Thread-safe. Appends scale over cores: series are found through striped locks and each
// series has its own lock; the WAL batches concurrent commits (group commit). Queries take
// per-series locks only to copy the open chunk, never a global one. Truncate() never
// blocks appends; it waits for the queriers that were open when it started.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "metrics/registry.h"
#include "storage/metrics.h"
#include "tsdb/chunk/chunk_disk_mapper.h"
#include "tsdb/head/mem_series.h"
#include "tsdb/index/mem_postings.h"
#include "tsdb/index/symbols.h"
#include "tsdb/wal/wal.h"

namespace osprey::tsdb {

class SeriesMap;

struct HeadOptions {
  // Holds wal/ and chunks_head/. Created if missing.
  std::string dir;
  // Block range: chunks never cross a multiple of it.
  int64_t chunk_range_ms = 2 * 3600 * 1000;
  // A chunk is completed (written to chunks_head/) at this many samples.
  int samples_per_chunk = 120;
  // Samples up to this far behind a series' newest one are accepted (0: rejected as
  // out of order).
  int64_t out_of_order_window_ms = 0;
  // 0: unlimited. New series past a limit are rejected with kResourceExhausted.
  size_t max_series = 0;
  size_t max_series_per_metric = 0;
  // 0: unlimited. Longer label values are rejected with kInvalidArgument.
  size_t max_label_value_length = 0;
  WalOptions wal;
  uint64_t chunk_segment_size = uint64_t{128} << 20;
  // Samples older than this are rejected (kOutOfBounds) and skipped at replay: the Db
  // sets it past its newest block, whose data the head must not hold again.
  int64_t min_valid_time = model::kMinTimestamp;
};

// For /api/v1/status/tsdb.
struct HeadStats {
  uint64_t num_series = 0;
  uint64_t num_chunks = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  IndexStats index;
};

class Head final : public storage::Appendable, public storage::Queryable {
 public:
  // Opens or creates the head in options.dir, loading chunks_head/ and replaying the WAL
  // (a damaged WAL tail is repaired: truncated at the last good record, logged, counted).
  static Result<std::unique_ptr<Head>> Open(FileSystem& fs, HeadOptions options,
                                            metrics::Registry& registry, Logger logger);
  ~Head() override;
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // Appenders and queriers must be destroyed before the head.
  std::unique_ptr<storage::Appender> NewAppender() override;
  Result<std::unique_ptr<storage::Querier>> NewQuerier(model::TimeRange range) override;

  HeadStats Stats(size_t limit) const;
  size_t NumSeries() const { return num_series_.load(std::memory_order_relaxed); }
  int64_t MinTime() const { return min_time_.load(std::memory_order_relaxed); }
  int64_t MaxTime() const { return max_time_.load(std::memory_order_relaxed); }

  // Drops every sample before `mint` (which later appends may no longer add): completed
  // chunks, open chunks and out-of-order samples wholly before it, series left without
  // samples (unindexed; freed once no appender holds them), chunks_head/ segments holding
  // only older chunks; then checkpoints the WAL (series still alive, samples >= mint,
  // tombstones) and deletes the segments the checkpoint covers. Waits for the queriers
  // created before it to be destroyed; never blocks appenders. One call at a time.
  // Requires: `mint` is a multiple of chunk_range_ms, so no chunk straddles it.
  Status Truncate(int64_t mint);

  // Deletes the samples of the series matching every matcher inside `range`: each
  // matching series gets a tombstone clamped to the samples it holds, written to the WAL
  // first (so it survives a restart), then hidden from reads; data wholly covered is
  // dropped from memory. Errors: the WAL's (nothing is deleted then).
  Status Delete(std::span<const model::Matcher> matchers, model::TimeRange range);

  // Rejects appends before `t` from now on (no-op when the limit is already later). The
  // Db calls it before persisting a range, so that no sample enters the range meanwhile.
  void RaiseMinValidTime(int64_t t);

  // Bytes on disk: WAL segments and checkpoints plus chunks_head/ segments.
  uint64_t DiskBytes() const;
  // The oldest timestamp an append may have now.
  int64_t MinValidTime() const;

  // Syncs chunks_head/ and closes the WAL. Appends fail afterwards. Idempotent.
  Status Close();

  // For readers that tail the WAL (the remote_write sender): its directory and segments.
  const Wal& wal() const { return *wal_; }
  // Lets such readers hold back WAL truncation: after a checkpoint, only segments before
  // min(checkpointed + 1, keep()) are deleted, so segments not yet read survive (replay
  // still starts at the checkpoint). `keep` returns the lowest segment index still needed,
  // INT_MAX for none; it must be quick and thread-safe, and it is where a reader enforces
  // its own cap on what it keeps. Null: no hold-back. Thread-safe.
  void SetWalRetention(std::function<int()> keep);

 private:
  friend class HeadAppender;
  friend class HeadQuerier;
  friend class HeadSeries;
  struct Metrics;
  struct PendingSample {
    MemSeries* series;
    int64_t t;
    double v;
  };

  Head(FileSystem& fs, HeadOptions options, metrics::Registry& registry, Logger logger);
  Status Replay();
  // head_truncate.cc
  Status TruncateMemory(int64_t mint);
  Status CheckpointWal(int64_t mint);
  void ApplyTombstone(MemSeries& s, model::TimeRange iv) OSPREY_REQUIRES(s.mu);
  // Registers a new appender; returns its epoch for ExitAppender(). Series collected
  // while an appender lives are freed only after it is gone.
  uint64_t EnterAppender() OSPREY_EXCLUDES(gc_mu_);
  void ExitAppender(uint64_t epoch) OSPREY_EXCLUDES(gc_mu_);
  void FreeCollectedSeries() OSPREY_EXCLUDES(gc_mu_);

  // Finds or creates the series. Validates labels and limits on creation.
  Result<MemSeries*> GetOrCreateSeries(const model::Labels& labels, bool* created);
  Result<MemSeries*> CreateSeriesWithId(uint32_t id, const model::Labels& labels);
  // Indexes and counts a series the map just created.
  void OnSeriesCreated(const MemSeries& s, const model::Labels& labels);
  // Checks a sample against the series' state (under its lock). OK, kOutOfBounds,
  // kAlreadyExists; *duplicate set for an identical sample (ignored).
  // `min_valid`: the oldest in-order timestamp allowed (an appender's, fixed when it was
  // created, so that a batch is judged as a whole; min_valid_time_ for replay).
  Status CheckAppendable(MemSeries& s, int64_t t, double v, int64_t min_valid,
                         bool* duplicate) const OSPREY_REQUIRES(s.mu);
  // Adds one sample to a series' chunks (cutting and mmapping a full chunk). Returns false
  // when it was rejected (out of order by now, or a duplicate).
  bool AppendToSeries(MemSeries& s, int64_t t, double v, int64_t min_valid);
  Status CutChunk(MemSeries& s) OSPREY_REQUIRES(s.mu);
  void UpdateTimeBounds(int64_t t);
  // Series created but not yet in the WAL (their batch failed): logged with the next commit.
  void TakeUnloggedSeries(std::vector<MemSeries*>* out);
  void ReturnUnloggedSeries(const std::vector<MemSeries*>& series);

  FileSystem& fs_;
  const HeadOptions options_;
  const Logger logger_;
  std::unique_ptr<Metrics> metrics_;
  SymbolTable symbols_;
  MemPostings postings_;
  std::unique_ptr<SeriesMap> series_;
  std::unique_ptr<ChunkDiskMapper> chunks_;
  std::unique_ptr<Wal> wal_;
  std::atomic<uint32_t> next_id_{1};
  std::atomic<size_t> num_series_{0};
  std::atomic<size_t> num_chunks_{0};
  std::atomic<int64_t> min_time_{model::kMaxTimestamp};
  std::atomic<int64_t> max_time_{model::kMinTimestamp};
  std::atomic<bool> closed_{false};
  std::atomic<int64_t> min_valid_time_;

  // ChunkDiskMapper has one writer at a time.
  Mutex chunk_write_mu_;
  // Held shared by queriers (they read mmapped chunk spans), exclusively by whatever
  // deletes chunk segments.
  mutable std::shared_mutex chunk_truncate_mu_;

  Mutex limits_mu_;
  std::unordered_map<std::string, size_t> series_per_metric_ OSPREY_GUARDED_BY(limits_mu_);
  Mutex unlogged_mu_;
  std::vector<MemSeries*> unlogged_series_ OSPREY_GUARDED_BY(unlogged_mu_);

  Mutex wal_retention_mu_;
  std::function<int()> wal_retention_ OSPREY_GUARDED_BY(wal_retention_mu_);

  // One Truncate() or Delete() at a time: series are collected only under it.
  Mutex truncate_mu_;
  // Series collection (head_truncate.cc): a series unlinked at epoch e is freed once every
  // appender alive then (epoch <= e) is gone.
  Mutex gc_mu_;
  uint64_t gc_epoch_ OSPREY_GUARDED_BY(gc_mu_) = 0;
  std::map<uint64_t, int> active_appenders_ OSPREY_GUARDED_BY(gc_mu_);
  std::vector<std::pair<uint64_t, std::unique_ptr<MemSeries>>> collected_ OSPREY_GUARDED_BY(gc_mu_);
};

}  // namespace osprey::tsdb
