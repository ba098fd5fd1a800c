// Reads WAL records back in order, from segments of a WAL directory and of a checkpoint.
// Format: docs/format/wal.md.
//
//   OSPREY_ASSIGN_OR_RETURN(auto reader, WalReader::OpenForReplay(fs, wal_dir));
//   while (reader->Next()) Apply(reader->Record());
//   if (const CorruptionInfo* c = reader->corruption()) { ... wal->Repair(*c) ... }
//   OSPREY_RETURN_IF_ERROR(reader->status());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"

struct ZSTD_DCtx_s;

namespace osprey::tsdb {

// Where a reader found damage: everything in `dir` before segment `segment` at `offset` is
// intact, the record starting there is not.
struct CorruptionInfo {
  std::string dir;  // the WAL directory or a checkpoint directory
  int segment = -1;
  uint64_t offset = 0;
  std::string reason;
};

// Segments `first` to `last` (inclusive; last = -1: through the last one) of `dir`.
struct SegmentRange {
  std::string dir;
  int first = 0;
  int last = -1;
  // Where reading starts in segment `first` (when it exists): the end_offset() of a record
  // read earlier, so a reader tailing a WAL being written (remote_write) can resume there.
  uint64_t first_offset = 0;
};

// Single-threaded. Memory: a 512 KiB read buffer plus the largest record.
class WalReader {
 public:
  // Reads the segments of each range in turn. kDataLoss when a range has a gap.
  static Result<std::unique_ptr<WalReader>> Open(FileSystem& fs, std::vector<SegmentRange> ranges);
  // What the head replays at start-up: the last checkpoint of `dir` (if any), then the
  // segments of `dir` after it.
  static Result<std::unique_ptr<WalReader>> OpenForReplay(FileSystem& fs, const std::string& dir);
  ~WalReader();
  WalReader(const WalReader&) = delete;
  WalReader& operator=(const WalReader&) = delete;

  // Advances to the next record; false at the end or on error (see status()).
  bool Next();
  // The current record. Valid until the next call to Next(). Requires: Next() returned true.
  std::string_view Record() const { return record_; }
  // Where the current record starts.
  int segment() const;
  uint64_t offset() const { return record_offset_; }
  // Where the current record ends in segment(): the offset to resume reading at.
  uint64_t end_offset() const { return pos_; }

  // kDataLoss ("wal segment <dir>/00000003 offset 12345: <reason>") when a segment is
  // damaged (torn write, bad checksum, ...), another code for I/O errors, else OK.
  Status status() const { return status_; }
  // Set when status() is a kDataLoss from damage: what Wal::Repair needs. Else null.
  const CorruptionInfo* corruption() const { return corrupted_ ? &corruption_ : nullptr; }

 private:
  struct Segment {
    std::string dir;
    int index;
    uint64_t start = 0;  // first byte to parse (SegmentRange::first_offset)
  };
  struct ZstdDeleter {
    void operator()(ZSTD_DCtx_s* ctx) const;
  };

  WalReader(FileSystem& fs, std::vector<Segment> segments);
  // Opens the next segment; false at the end of the last one or on error.
  bool OpenNextSegment();
  // Makes bytes [pos, end) of the current segment available in buf_. Requires: the range
  // lies within one page.
  bool Load(uint64_t pos, uint64_t end);
  bool Corrupt(uint64_t offset, std::string reason);
  bool Fail(Status s);
  bool FinishRecord(std::string_view data, uint8_t flags);

  FileSystem& fs_;
  const std::vector<Segment> segments_;
  size_t next_segment_ = 0;  // index into segments_ of the segment to open next
  std::unique_ptr<ReadableFile> file_;
  uint64_t file_size_ = 0;
  uint64_t pos_ = 0;  // next byte of the current segment to parse

  std::string buf_;  // bytes [buf_start_, buf_start_ + buf_len_) of the current segment
  uint64_t buf_start_ = 0;
  size_t buf_len_ = 0;

  std::string assembled_;     // fragments of a multi-fragment record
  std::string decompressed_;  // a decompressed record
  std::unique_ptr<ZSTD_DCtx_s, ZstdDeleter> zstd_;
  std::string_view record_;
  int record_segment_ = -1;  // index into segments_
  uint64_t record_offset_ = 0;

  Status status_;
  bool corrupted_ = false;
  CorruptionInfo corruption_;
};

}  // namespace osprey::tsdb
