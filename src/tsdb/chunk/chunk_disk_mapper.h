// Completed head chunks on disk, read back through mmap, so the head keeps only a small
// reference per finished chunk in RAM (the idea of Prometheus's chunks_head/). Files:
// <dir>/000001, <dir>/000002, ...; format: docs/format/head_chunks.md.
//
//   OSPREY_ASSIGN_OR_RETURN(auto mapper, ChunkDiskMapper::Open({.dir = dir + "/chunks_head"}));
//   OSPREY_RETURN_IF_ERROR(mapper->IterateAllChunks(replay_fn, &report));  // at start-up
//   OSPREY_ASSIGN_OR_RETURN(ChunkDiskRef ref, mapper->WriteChunk(series, mint, maxt, bytes));
//   OSPREY_ASSIGN_OR_RETURN(std::span<const uint8_t> data, mapper->Chunk(ref));
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "tsdb/chunk/chunk_encoding.h"

namespace osprey::tsdb {

// Where a chunk lives: segment file number and byte offset of its record. 8 bytes; 0 is never
// a valid reference.
class ChunkDiskRef {
 public:
  constexpr ChunkDiskRef() = default;
  constexpr ChunkDiskRef(uint32_t segment, uint32_t offset)
      : value_((uint64_t{segment} << 32) | offset) {}
  static constexpr ChunkDiskRef FromValue(uint64_t v) {
    ChunkDiskRef r;
    r.value_ = v;
    return r;
  }

  constexpr uint32_t segment() const { return static_cast<uint32_t>(value_ >> 32); }
  constexpr uint32_t offset() const { return static_cast<uint32_t>(value_); }
  constexpr uint64_t value() const { return value_; }
  friend constexpr bool operator==(ChunkDiskRef, ChunkDiskRef) = default;

 private:
  uint64_t value_ = 0;
};

struct ChunkDiskMapperOptions {
  // Created if missing.
  std::string dir;
  // A segment is cut when the next record would not fit. Requires: >= 64 bytes; a chunk
  // longer than a segment's capacity is rejected.
  uint64_t max_segment_size = uint64_t{128} << 20;
};

// One chunk seen by IterateAllChunks().
struct DiskChunk {
  ChunkDiskRef ref;
  uint64_t series_ref = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  ChunkEncoding encoding = ChunkEncoding::kXor;
  // Valid while the mapper lives and the segment is not deleted.
  std::span<const uint8_t> data;
};

// What IterateAllChunks() found.
struct ChunkReplayReport {
  uint64_t chunks = 0;
  uint64_t segments = 0;
  // Bytes dropped from corrupted or torn segment tails (0 after a clean shutdown).
  uint64_t truncated_bytes = 0;
  // Each dropped tail: "segment 3 at offset 1234: checksum mismatch". Empty when none.
  std::vector<std::string> corruptions;
};

// One writer, many concurrent readers: WriteChunk, Sync, Cut/Truncate*, IterateAllChunks and
// Close must be called by one thread at a time (or under the caller's lock); Chunk() may be
// called from any thread at the same time as them. Writes go to the file with pwrite (one
// syscall per chunk, no user-space buffer, so a full disk is an error, not a SIGBUS);
// reads come from a read-only shared mapping of each segment.
class ChunkDiskMapper {
 public:
  // Opens (creating if needed) the directory and maps the existing segments; new chunks go to
  // a new segment after them. Does not read the chunks: call IterateAllChunks() for that.
  // Fails with kDataLoss when a segment has a foreign header.
  static Result<std::unique_ptr<ChunkDiskMapper>> Open(ChunkDiskMapperOptions options);

  // Unmaps and closes without syncing (see Close()).
  ~ChunkDiskMapper();
  ChunkDiskMapper(const ChunkDiskMapper&) = delete;
  ChunkDiskMapper& operator=(const ChunkDiskMapper&) = delete;

  // Appends a chunk and returns its reference; durable after the next Sync(). The data is
  // copied. Cost: one pwrite of the record (plus a file creation when a segment is cut).
  // kInvalidArgument if the record cannot fit in an empty segment; I/O errors as they come.
  Result<ChunkDiskRef> WriteChunk(uint64_t series_ref, int64_t min_time, int64_t max_time,
                                  std::span<const uint8_t> data,
                                  ChunkEncoding encoding = ChunkEncoding::kXor);

  // The bytes of a written chunk, after checking its record and CRC (kDataLoss if damaged,
  // kNotFound for a reference to no segment or past its end). The span points into the
  // mapping: valid while the mapper lives and the chunk's segment is not deleted
  // (TruncateBefore / TruncateOlderThan), so the caller must stop using spans of a segment
  // before it deletes it. Thread-safe; takes a mutex briefly; CRC costs ~20 ns per 200 bytes.
  Result<std::span<const uint8_t>> Chunk(ChunkDiskRef ref) const;

  // Makes every chunk written so far durable (fdatasync of each segment with unsynced data).
  Status Sync();

  // Reads every chunk of every segment in order, checking each record's CRC, and calls
  // fn for each one; stops at fn's first error and returns it. A record that does not check
  // out (torn write after a crash, damaged bytes) ends its segment: the segment is truncated
  // there and the loss is reported in *report (may be null), and later segments are still
  // read. Records the newest chunk time of each segment for TruncateOlderThan().
  Status IterateAllChunks(const std::function<Status(const DiskChunk&)>& fn,
                          ChunkReplayReport* report = nullptr);

  // Makes the next WriteChunk start a new segment. No-op if the current one is empty.
  Status CutSegment();
  // Deletes every segment numbered below `segment`. Cuts first if that includes the segment
  // being written.
  Status TruncateBefore(uint32_t segment);
  // Deletes the segments whose chunks all end before min_time (max_time < min_time).
  // Segments written before this process started count only after IterateAllChunks() has
  // read them (until then they are kept). Returns the number deleted through *deleted.
  Status TruncateOlderThan(int64_t min_time, uint32_t* deleted = nullptr);

  // Syncs and closes the files; later calls fail. Idempotent.
  Status Close();

  // Segment numbers on disk, ascending. Thread-safe.
  std::vector<uint32_t> Segments() const;
  // Bytes of all segment files. Thread-safe.
  uint64_t TotalBytes() const;

 private:
  struct Segment;

  explicit ChunkDiskMapper(ChunkDiskMapperOptions options);

  // Writer-side helpers.
  Status OpenNewSegment();
  Status DeleteSegment(uint32_t number);

  const ChunkDiskMapperOptions options_;

  // Owned by the writer thread.
  std::vector<uint8_t> record_buf_;  // Reused to build one record.
  uint32_t next_segment_ = 1;        // Number for the next segment file.
  Segment* active_ = nullptr;        // Segment being written, or null before the first write.
  bool closed_ = false;

  mutable Mutex mu_;
  // Segments by number. The writer inserts and erases under mu_; Segment::size changes
  // under mu_ too, so readers see only complete records.
  std::map<uint32_t, std::unique_ptr<Segment>> segments_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::tsdb
