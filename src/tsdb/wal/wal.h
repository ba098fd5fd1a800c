// The write-ahead log of the head: every series definition and sample batch is logged here,
// and fsynced, before the head acknowledges it. Format: docs/format/wal.md.
//
//   OSPREY_ASSIGN_OR_RETURN(auto wal, Wal::Open(fs, dir + "/wal", WalOptions{}, registry, log));
//   // Replay (before the first Log):
//   OSPREY_ASSIGN_OR_RETURN(auto reader, WalReader::OpenForReplay(fs, wal->dir()));
//   while (reader->Next()) Apply(reader->Record());
//   if (reader->corruption() != nullptr)
//   OSPREY_RETURN_IF_ERROR(wal->Repair(*reader->corruption())); else
//   OSPREY_RETURN_IF_ERROR(reader->status());
//   // Writing, from any number of threads:
//   std::string_view records[] = {series_rec, samples_rec};
//   OSPREY_RETURN_IF_ERROR(wal->Log(records));   // durable once OK
//
// Lifecycle of the files: `dir` holds segments 00000000, 00000001, ...; Open() always starts
// a new segment after the last one. To bound the WAL, the head calls NextSegment(), writes a
// checkpoint of the older segments (checkpoint.h), then TruncateBefore().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "metrics/registry.h"
#include "tsdb/wal/segment_writer.h"
#include "tsdb/wal/wal_metrics.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::tsdb {

struct WalOptions {
  // A segment is closed and the next one started when the next record would not fit.
  // Records never span segments; one larger than this gets a segment of its own.
  uint64_t segment_size = 128 << 20;
  // zstd-compress each record (level 1) when that makes it smaller. Readers handle both.
  bool compress = false;
  // Group commit: the records of waiting Log() calls are written by one leader with one
  // fsync, up to this many record bytes per batch (at least one call per batch).
  size_t max_batch_bytes = 16 << 20;
};

// Thread-safe. Log() may be called from any number of threads; the other methods too, but
// Repair() belongs before the first Log() (it deletes what follows the damage).
class Wal {
 public:
  // Creates `dir` if needed, removes leftover temporary checkpoint directories and starts a
  // new segment after the last existing segment or checkpoint. Registers the
  // osprey_tsdb_wal_* metrics in `registry` (so: one Wal per registry).
  static Result<std::unique_ptr<Wal>> Open(FileSystem& fs, std::string dir, WalOptions options,
                                           metrics::Registry& registry, Logger logger);
  // Close(); an error is logged.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Appends `records` in order and returns once they are durable (fsynced). Concurrent calls
  // are batched: one waiting caller writes everyone's records with one write and one fsync
  // (group commit), so the cost of an fsync is shared. Records of one call are contiguous
  // and in order; calls are ordered as they queued.
  // Errors: kInvalidArgument for a record over 256 MiB (nothing written);
  // kResourceExhausted when the disk is full, or another I/O error: every call of the failed
  // batch gets it, and some of its records may still reach the disk. The WAL stays usable:
  // the next call truncates the partial write and retries, succeeding once the cause is gone.
  // kFailedPrecondition after Close().
  Status Log(std::span<const std::string_view> records) OSPREY_EXCLUDES(mu_, write_mu_);
  Status Log(std::string_view record) OSPREY_EXCLUDES(mu_, write_mu_) {
    return Log(std::span<const std::string_view>(&record, 1));
  }

  // Syncs and closes the current segment and starts the next; returns the new index.
  // Everything before it can then be checkpointed.
  Result<int> NextSegment() OSPREY_EXCLUDES(write_mu_);
  // The first and the last (current) segment index. Lock-free.
  std::pair<int, int> Segments() const;
  // Deletes the segments before `segment` (never the current one).
  Status TruncateBefore(int segment) OSPREY_EXCLUDES(write_mu_);
  // Repairs a corruption found by a WalReader in this WAL (see RepairWal), increments
  // osprey_tsdb_wal_corruptions_total, logs it, and starts a new segment after the repaired
  // one. Requires: no Log() since Open() (later records would be deleted with the damage).
  Status Repair(const CorruptionInfo& corruption) OSPREY_EXCLUDES(write_mu_);
  // Syncs and closes. Later Log() calls fail with kFailedPrecondition. Idempotent.
  Status Close() OSPREY_EXCLUDES(write_mu_);

  // Log() calls queued, the one writing included.
  int QueueLengthForTest() OSPREY_EXCLUDES(mu_);

  const std::string& dir() const { return dir_; }
  FileSystem& fs() const { return fs_; }
  const WalOptions& options() const { return options_; }

 private:
  // One Log() call waiting in the queue. Lives on its caller's stack.
  struct Writer {
    std::span<const std::string_view> records;
    size_t bytes = 0;
    Status status;
    bool done = false;
    Writer* next = nullptr;
    std::condition_variable_any cv;
  };

  Wal(FileSystem& fs, std::string dir, WalOptions options, metrics::Registry& registry,
      Logger logger);
  Status WriteBatch(Writer* first, Writer* last) OSPREY_REQUIRES(write_mu_);

  FileSystem& fs_;
  const std::string dir_;
  const WalOptions options_;
  WalMetrics metrics_;
  const Logger logger_;

  // Lock order: never acquire mu_ while holding write_mu_.
  Mutex mu_;
  // The queue of waiting calls; its head is the leader, which writes a prefix of the queue.
  Writer* queue_head_ OSPREY_GUARDED_BY(mu_) = nullptr;
  Writer* queue_tail_ OSPREY_GUARDED_BY(mu_) = nullptr;

  // Held by the leader while it writes, and by the segment-management methods.
  Mutex write_mu_;
  SegmentWriter writer_ OSPREY_GUARDED_BY(write_mu_);
  bool closed_ OSPREY_GUARDED_BY(write_mu_) = false;
  // Whether the last batch failed (to log failure and recovery once, not per batch).
  bool failing_ OSPREY_GUARDED_BY(write_mu_) = false;
  // Written under write_mu_, read lock-free by Segments().
  std::atomic<int> first_segment_{0};
  std::atomic<int> current_segment_{0};
};

// Repairs a WAL directory after a WalReader found `corruption` in one of its segments:
// truncates that segment at the start of the damaged record (keeping every record before
// it), deletes the later segments, and syncs the directory. kFailedPrecondition when the
// damage is in a checkpoint (those are written atomically; a damaged one cannot be repaired
// by truncation).
Status RepairWal(FileSystem& fs, const std::string& dir, const CorruptionInfo& corruption);

}  // namespace osprey::tsdb
