// WAL segment files: their names and the page framing of records inside them.
// Format: docs/format/wal.md. Shared by the writer (SegmentWriter), WalReader and checkpoints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"

namespace osprey::tsdb::wal_format {

// Fragments never cross a page boundary.
inline constexpr size_t kPageSize = 32 << 10;
// type (1 byte), data length (2 bytes, little-endian), CRC32C (4 bytes, little-endian).
inline constexpr size_t kHeaderSize = 7;
// Records larger than this are refused by the writer and the reader.
inline constexpr size_t kMaxRecordSize = 256 << 20;

// Low 3 bits of a fragment's type byte.
enum FragmentType : uint8_t {
  kPadding = 0,  // the rest of the page is zeros
  kFull = 1,     // a whole record
  kFirst = 2,    // first fragment of a record continued on the next page(s)
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kFragmentTypeMask = 0x07;
// Set in every fragment of a record whose bytes are a zstd frame of the payload.
inline constexpr uint8_t kZstdFlag = 0x08;
inline constexpr uint8_t kKnownBits = kFragmentTypeMask | kZstdFlag;

// Bytes that framing `n` record bytes takes when the record starts at `offset` in a segment
// (headers and page padding included).
uint64_t FramedSize(uint64_t offset, size_t n);
// Appends the framed record to `out`; `offset` is where out's current end lands in the
// segment. `flags`: 0 or kZstdFlag. Requires: data.size() <= kMaxRecordSize.
void AppendFramed(uint64_t offset, std::string_view data, uint8_t flags, std::string& out);
// The checksum of a fragment: CRC32C over its type byte, its two length bytes and its data.
uint32_t FragmentCrc(uint8_t type, uint16_t length, std::string_view data);

// "00000012". Segment indexes are >= 0.
std::string SegmentName(int index);
// The index of a segment file name (at least 8 decimal digits), or nullopt.
std::optional<int> ParseSegmentName(std::string_view name);
std::string SegmentPath(std::string_view dir, int index);
// Indexes of the segment files in `dir`, ascending.
Result<std::vector<int>> ListSegments(FileSystem& fs, const std::string& dir);

// "checkpoint.00000012" and its temporary twin "checkpoint.00000012.tmp".
std::string CheckpointName(int index);
std::optional<int> ParseCheckpointName(std::string_view name);
inline constexpr std::string_view kTmpSuffix = ".tmp";

}  // namespace osprey::tsdb::wal_format
