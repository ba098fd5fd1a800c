// Writes framed records into numbered segment files of one directory: the storage half of
// the Wal (which adds group commit) and of checkpoints. Format: docs/format/wal.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/file_system.h"
#include "base/status.h"
#include "tsdb/wal/wal_metrics.h"

struct ZSTD_CCtx_s;

namespace osprey::tsdb {

// Single-threaded (the Wal serializes its calls).
//
// Durability: records added are buffered; Sync() writes them and fsyncs the segment (and its
// directory once after the segment was created). A record never spans two segments: when it
// does not fit in what is left of the current one, that segment is synced and closed and the
// next is started. A record larger than a whole segment gets a segment of its own.
//
// Errors: after any failed call the writer is "broken"; the next Add() or Sync() first
// truncates the current segment back to what the last successful Sync() made durable and
// reopens it, so a failed write never leaves garbage in the middle of a segment. Records
// added since that Sync() are lost (their caller saw the error).
class SegmentWriter {
 public:
  // `metrics` may be null (checkpoints do not count as WAL writes).
  SegmentWriter(FileSystem& fs, std::string dir, uint64_t segment_size, bool compress,
                WalMetrics* metrics);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Creates (or truncates) segment `index`, syncs the directory and makes it current,
  // closing the previous one without syncing it.
  Status OpenSegment(int index);
  // Frames `record` after the previous ones (maybe starting the next segment first).
  // Requires: a segment is open; record.size() <= wal_format::kMaxRecordSize.
  Status Add(std::string_view record);
  // Makes every record added so far durable.
  Status Sync();
  // Sync() and closes the current segment.
  Status Close();

  // The current segment, -1 before OpenSegment().
  int segment() const { return segment_; }
  // Bytes of the current segment, the buffered ones included.
  uint64_t offset() const { return offset_; }

 private:
  struct ZstdContextDeleter {
    void operator()(ZSTD_CCtx_s* ctx) const;
  };

  Status AddImpl(std::string_view record);
  Status SyncImpl();
  Status OpenSegmentImpl(int index);
  Status WriteBuffer();
  Status Recover();
  Status Broken(Status s) {
    broken_ = true;
    return s;
  }

  FileSystem& fs_;
  const std::string dir_;
  const uint64_t segment_size_;
  WalMetrics* const metrics_;
  std::unique_ptr<ZSTD_CCtx_s, ZstdContextDeleter> zstd_;  // null without compression

  std::unique_ptr<WritableFile> file_;
  int segment_ = -1;
  uint64_t offset_ = 0;       // logical end of the segment, buffer included
  uint64_t good_offset_ = 0;  // end of what the last successful Sync() made durable
  bool needs_dir_sync_ = false;
  bool broken_ = false;
  std::string buffer_;      // framed bytes not yet handed to file_
  std::string compressed_;  // scratch for zstd output
};

}  // namespace osprey::tsdb
