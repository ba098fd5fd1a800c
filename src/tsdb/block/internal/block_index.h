// The parsed form of a block's index file (docs/format/block.md) and the matcher
// evaluation over its postings. Private to src/tsdb/block.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <roaring/roaring.hh>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/matcher.h"

namespace osprey::tsdb::block_internal {

// A read-only file: mmap'ed, or an owned buffer. Immutable, thread-safe.
class MappedFile {
 public:
  // kNotFound when missing; kDataLoss when empty.
  static Result<std::unique_ptr<MappedFile>> Map(const std::string& path);
  static std::unique_ptr<MappedFile> FromBuffer(std::string contents);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::string owned_;
};

struct SeriesInfo {
  uint32_t labels_begin = 0;  // into ParsedIndex::label_refs: name, value, name, value, ...
  uint32_t num_labels = 0;
  uint32_t chunks_begin = 0;  // into ParsedIndex::chunks
  uint32_t num_chunks = 0;
};

struct ChunkInfo {
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint64_t ts_offset = 0;  // in the logical timestamp stream (all timestamp frames' bytes)
  uint64_t vs_offset = 0;  // in the logical value stream
  uint32_t ts_len = 0;
  uint32_t vs_len = 0;
  uint32_t num_samples = 0;
};

struct ValueEntry {
  std::string_view value;
  std::string_view postings;  // encoded; DecodePostings
};

struct NameEntry {
  std::string_view name;
  std::vector<ValueEntry> values;  // sorted by value
};

struct FrameInfo {
  uint64_t file_offset = 0;    // of the compressed bytes in the data file
  uint64_t logical_start = 0;  // in its stream
  uint32_t comp_len = 0;       // followed by a 4-byte CRC32C
  uint32_t raw_len = 0;
};

struct ParsedIndex {
  std::vector<std::string_view> symbols;  // sorted; views into the index file
  std::vector<uint32_t> label_refs;
  std::vector<SeriesInfo> series;  // in label order; a series' id is its position
  std::vector<ChunkInfo> chunks;
  std::vector<NameEntry> names;                  // sorted by name
  std::array<std::vector<FrameInfo>, 2> frames;  // by FrameKind

  const NameEntry* FindName(std::string_view name) const;
  size_t MemoryBytes() const;
};

// Parses and validates an index file against a data file of `data_size` bytes, for a block
// starting at `block_min` (chunk times are stored relative to it). Errors are kDataLoss
// with a message not naming the file (the caller prefixes it).
Result<ParsedIndex> ParseIndex(std::string_view index, uint64_t data_size, int64_t block_min,
                               bool verify_checksums);

// The series ids of an encoded postings list; kDataLoss if malformed or an id >= num_series.
Result<Roaring> DecodePostings(std::string_view encoded, uint32_t num_series);

// The series matching every matcher, with the head's (Prometheus's) semantics: a series
// lacking a label has the empty value for it; empty `matchers` select nothing.
Result<Roaring> SelectSeries(const ParsedIndex& index, std::span<const model::Matcher> matchers);

// Checks a data frame's CRC and decompresses it.
Result<std::string> ReadFrame(std::string_view data_file, const FrameInfo& frame);

}  // namespace osprey::tsdb::block_internal
