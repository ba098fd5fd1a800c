// Reads persisted blocks written by BlockWriter (block_writer.h; format:
// docs/format/block.md). A Block maps its index and data files read-only, checks the
// index's checksums and structure at Open, and hands out Queriers over a time range.
//
//   OSPREY_ASSIGN_OR_RETURN(std::shared_ptr<Block> block, Block::Open(dir));
//   OSPREY_ASSIGN_OR_RETURN(auto querier, block->NewQuerier({t0, t1}));
//   auto set = querier->Select({}, matchers);
//
// Corruption is reported as kDataLoss naming the file ("<dir>/index: ..."), at Open for
// the index and meta.json, and when a data frame is first read (its CRC is checked then)
// through SeriesSet::status() / SampleIterator::status(); the caller quarantines the block.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/sample.h"
#include "storage/metrics.h"
#include "tsdb/block/block_meta.h"
#include "tsdb/block/tombstones.h"

namespace osprey::tsdb {

namespace block_internal {
struct ParsedIndex;
class MappedFile;
}  // namespace block_internal

struct BlockOpenOptions {
  // Check the CRC of every section of the index (cheap: a few ms per 100k series).
  // Only the fuzz target turns this off, to reach the parser with arbitrary bytes.
  bool verify_checksums = true;
  // Also check every data frame's CRC at Open (reads the whole data file), instead of
  // only when a frame is first read.
  bool verify_data = false;
};

// Immutable after Open and thread-safe: any number of queriers may read it concurrently.
// Handed out as shared_ptr because queries running on other threads keep the block (and
// its mappings) alive after the owner dropped it, e.g. when retention deletes it mid-query;
// each querier holds a reference.
class Block : public std::enable_shared_from_this<Block> {
 public:
  // Opens the block directory `dir` (meta.json, index, data).
  static Result<std::shared_ptr<Block>> Open(const std::string& dir, BlockOpenOptions options = {});
  // A block from in-memory file contents (tests, fuzzing). `name` prefixes error messages.
  static Result<std::shared_ptr<Block>> OpenFromBuffers(std::string name, BlockMeta meta,
                                                        std::string index, std::string data,
                                                        BlockOpenOptions options = {});
  ~Block();
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  uint64_t index_bytes() const;
  uint64_t data_bytes() const;
  // Heap bytes of the parsed index kept while the block is open.
  size_t MemoryBytes() const;

  // A querier over the samples in `range` (inclusive). Each querier caches the data frames
  // it decompressed (a bounded number); use it from one thread at a time, and keep it alive
  // while its series sets and iterators are in use. Samples in `tombstones` (may be null)
  // are hidden, and series left without samples in the range are skipped.
  // shared_ptr: the tombstones are an immutable snapshot shared with other queriers.
  Result<std::unique_ptr<storage::Querier>> NewQuerier(
      model::TimeRange range, std::shared_ptr<const Tombstones> tombstones = nullptr) const;

  // Ids (positions in the index, as tombstones name them) of the series matching every
  // matcher, each with the time range its samples span. kDataLoss on a damaged index.
  struct SeriesSpan {
    uint32_t id = 0;
    model::TimeRange range;
  };
  Result<std::vector<SeriesSpan>> SelectSeriesSpans(std::span<const model::Matcher> matchers) const;
  uint32_t NumSeries() const;

 private:
  Block();
  static Result<std::shared_ptr<Block>> Init(std::shared_ptr<Block> block,
                                             BlockOpenOptions options);

  friend class BlockQuerier;
  std::string dir_;
  BlockMeta meta_;
  std::unique_ptr<block_internal::MappedFile> index_file_;
  std::unique_ptr<block_internal::MappedFile> data_file_;
  std::unique_ptr<block_internal::ParsedIndex> index_;
};

}  // namespace osprey::tsdb
