// Block::Open: maps the files and parses the index (docs/format/block.md).
#include "tsdb/block/block_reader.h"

#include <utility>

#include "base/file_system.h"
#include "tsdb/block/internal/block_index.h"
#include "tsdb/block/internal/encoding.h"

namespace osprey::tsdb {

using block_internal::MappedFile;

Block::Block() = default;
Block::~Block() = default;

uint64_t Block::index_bytes() const { return index_file_->bytes().size(); }
uint64_t Block::data_bytes() const { return data_file_->bytes().size(); }
size_t Block::MemoryBytes() const { return sizeof(Block) + index_->MemoryBytes(); }

Result<std::shared_ptr<Block>> Block::Open(const std::string& dir, BlockOpenOptions options) {
  std::shared_ptr<Block> b(new Block());
  b->dir_ = dir;
  const std::string meta_path = JoinPath(dir, "meta.json");
  PosixFileSystem fs;
  OSPREY_ASSIGN_OR_RETURN(std::string meta_json, ReadFileToString(fs, meta_path));
  auto meta = ParseBlockMeta(meta_json);
  if (!meta.ok()) return meta.status().Annotate(dir);
  b->meta_ = std::move(meta).value();
  const std::string index_path = JoinPath(dir, "index");
  const std::string data_path = JoinPath(dir, "data");
  OSPREY_ASSIGN_OR_RETURN(b->index_file_, MappedFile::Map(index_path));
  OSPREY_ASSIGN_OR_RETURN(b->data_file_, MappedFile::Map(data_path));
  return Init(std::move(b), options);
}

Result<std::shared_ptr<Block>> Block::OpenFromBuffers(std::string name, BlockMeta meta,
                                                      std::string index, std::string data,
                                                      BlockOpenOptions options) {
  std::shared_ptr<Block> b(new Block());
  b->dir_ = std::move(name);
  b->meta_ = std::move(meta);
  b->index_file_ = MappedFile::FromBuffer(std::move(index));
  b->data_file_ = MappedFile::FromBuffer(std::move(data));
  return Init(std::move(b), options);
}

Result<std::shared_ptr<Block>> Block::Init(std::shared_ptr<Block> b, BlockOpenOptions options) {
  const std::string index_name = JoinPath(b->dir_, "index");
  const std::string data_name = JoinPath(b->dir_, "data");
  const std::string_view data = b->data_file_->bytes();
  if (data.size() < block_internal::kFileHeaderSize ||
      data.substr(0, 4) != std::string_view(block_internal::kDataMagic, 4) ||
      static_cast<uint8_t>(data[4]) != block_internal::kFormatVersion ||
      data.substr(5, 3) != std::string_view("\0\0\0", 3)) {
    return DataLossError(data_name + ": bad header");
  }
  auto parsed = block_internal::ParseIndex(b->index_file_->bytes(), data.size(), b->meta_.range.min,
                                           options.verify_checksums);
  if (!parsed.ok()) return parsed.status().Annotate(index_name);
  b->index_ = std::make_unique<block_internal::ParsedIndex>(std::move(parsed).value());
  if (b->index_->series.size() != b->meta_.stats.num_series) {
    return DataLossError(index_name + ": " + std::to_string(b->index_->series.size()) +
                         " series, meta.json says " + std::to_string(b->meta_.stats.num_series));
  }
  if (options.verify_data) {
    for (const auto& frames : b->index_->frames) {
      for (const block_internal::FrameInfo& f : frames) {
        auto raw = block_internal::ReadFrame(data, f);
        if (!raw.ok()) return raw.status().Annotate(data_name);
      }
    }
  }
  return b;
}

}  // namespace osprey::tsdb
