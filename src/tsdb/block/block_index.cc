// Parsing and validation of a block's index file (docs/format/block.md).
#include "tsdb/block/internal/block_index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "tsdb/block/internal/encoding.h"
#include "tsdb/chunk/column_codec.h"
#include "tsdb/chunk/crc32c.h"

namespace osprey::tsdb::block_internal {
namespace {

constexpr uint64_t kMaxU32 = 0xFFFFFFFFu;

Status Corrupt(std::string_view what) { return DataLossError(std::string(what)); }

// Splits the index into its sections, checking ids, order, lengths and CRCs.
Result<std::array<std::string_view, kNumSections>> SplitSections(std::string_view in,
                                                                 bool verify_checksums) {
  if (in.size() < kFileHeaderSize || in.substr(0, 4) != std::string_view(kIndexMagic, 4)) {
    return Corrupt("bad magic");
  }
  if (static_cast<uint8_t>(in[4]) != kFormatVersion) {
    return Corrupt("unsupported version " + std::to_string(static_cast<uint8_t>(in[4])));
  }
  if (in.substr(5, 3) != std::string_view("\0\0\0", 3)) return Corrupt("bad header");
  std::array<std::string_view, kNumSections> sections;
  size_t pos = kFileHeaderSize;
  for (int i = 0; i < kNumSections; ++i) {
    if (in.size() - pos < 5) return Corrupt("truncated");
    if (static_cast<uint8_t>(in[pos]) != i + 1) return Corrupt("unexpected section id");
    const uint32_t len = LoadFixed32(in.data() + pos + 1);
    pos += 5;
    if (in.size() - pos < static_cast<uint64_t>(len) + 4) return Corrupt("truncated section");
    sections[static_cast<size_t>(i)] = in.substr(pos, len);
    const uint32_t crc = LoadFixed32(in.data() + pos + len);
    if (verify_checksums && crc != Crc32c(sections[static_cast<size_t>(i)])) {
      return Corrupt("checksum mismatch in section " + std::to_string(i + 1));
    }
    pos += len + 4;
  }
  if (pos != in.size()) return Corrupt("trailing bytes");
  return sections;
}

Status ParseSymbols(std::string_view in, ParsedIndex* out) {
  Decoder d(in);
  const uint64_t n = d.Varint(in.size());
  out->symbols.reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    std::string_view s = d.LengthPrefixed();
    if (d.ok() && !out->symbols.empty() && !(out->symbols.back() < s)) {
      return Corrupt("symbols not sorted");
    }
    out->symbols.push_back(s);
  }
  if (!d.ok() || !d.done()) return Corrupt("malformed symbol table");
  return OkStatus();
}

Status ParseSeries(std::string_view in, int64_t block_min, ParsedIndex* out) {
  Decoder d(in);
  const uint64_t n = d.Varint(std::min<uint64_t>(in.size(), kMaxU32));
  const uint64_t num_symbols = out->symbols.size();
  out->series.reserve(n);
  uint64_t ts_offset = 0;
  uint64_t vs_offset = 0;
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    SeriesInfo s;
    s.labels_begin = static_cast<uint32_t>(out->label_refs.size());
    s.num_labels = static_cast<uint32_t>(d.Varint(in.size()));
    for (uint32_t j = 0; j < 2 * s.num_labels && d.ok(); ++j) {
      const uint64_t ref = d.Varint();
      if (ref >= num_symbols) d.Fail();
      out->label_refs.push_back(static_cast<uint32_t>(ref));
    }
    s.chunks_begin = static_cast<uint32_t>(out->chunks.size());
    s.num_chunks = static_cast<uint32_t>(d.Varint(in.size()));
    int64_t prev_max = 0;
    for (uint32_t j = 0; j < s.num_chunks && d.ok(); ++j) {
      ChunkInfo c;
      // Unsigned arithmetic: corrupted values wrap instead of overflowing.
      c.min_t = static_cast<int64_t>(static_cast<uint64_t>(block_min) + d.Varint());
      const uint64_t span = d.Varint();
      c.max_t = static_cast<int64_t>(static_cast<uint64_t>(c.min_t) + span);
      if (c.max_t < c.min_t || (j > 0 && c.min_t <= prev_max)) d.Fail();
      prev_max = c.max_t;
      c.num_samples = static_cast<uint32_t>(d.Varint(kMaxColumnSamples));
      c.ts_len = static_cast<uint32_t>(d.Varint(kMaxU32));
      c.vs_len = static_cast<uint32_t>(d.Varint(kMaxU32));
      c.ts_offset = ts_offset;
      c.vs_offset = vs_offset;
      ts_offset += c.ts_len;
      vs_offset += c.vs_len;
      out->chunks.push_back(c);
    }
    out->series.push_back(s);
  }
  if (!d.ok() || !d.done()) return Corrupt("malformed series table");
  return OkStatus();
}

Status ParseLabels(std::string_view in, ParsedIndex* out) {
  Decoder d(in);
  const uint64_t num_symbols = out->symbols.size();
  const uint64_t n = d.Varint(in.size());
  out->names.reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    NameEntry e;
    const uint64_t name = d.Varint();
    if (name >= num_symbols) break;
    e.name = out->symbols[name];
    if (!out->names.empty() && !(out->names.back().name < e.name)) break;
    const uint64_t num_values = d.Varint(in.size());
    e.values.reserve(num_values);
    for (uint64_t j = 0; j < num_values && d.ok(); ++j) {
      const uint64_t value = d.Varint();
      if (value >= num_symbols) d.Fail();
      if (!d.ok()) break;
      ValueEntry v{out->symbols[value], d.LengthPrefixed()};
      if (!e.values.empty() && !(e.values.back().value < v.value)) d.Fail();
      e.values.push_back(v);
    }
    out->names.push_back(std::move(e));
  }
  if (!d.ok() || !d.done() || out->names.size() != n) return Corrupt("malformed label index");
  return OkStatus();
}

Status ParseFrames(std::string_view in, uint64_t data_size, ParsedIndex* out) {
  Decoder d(in);
  const uint64_t n = d.Varint(in.size());
  uint64_t file_offset = kFileHeaderSize;
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    const uint8_t kind = d.Byte();
    if (kind > 1) d.Fail();
    FrameInfo f;
    f.raw_len = static_cast<uint32_t>(d.Varint(kMaxU32));
    f.comp_len = static_cast<uint32_t>(d.Varint(kMaxU32));
    if (!d.ok()) break;
    std::vector<FrameInfo>& frames = out->frames[kind];
    f.file_offset = file_offset;
    f.logical_start = frames.empty() ? 0 : frames.back().logical_start + frames.back().raw_len;
    file_offset += uint64_t{f.comp_len} + 4;
    frames.push_back(f);
  }
  if (!d.ok() || !d.done()) return Corrupt("malformed frame table");
  if (file_offset != data_size) return Corrupt("frame table does not match the data file size");
  return OkStatus();
}

uint64_t StreamSize(const std::vector<FrameInfo>& frames) {
  return frames.empty() ? 0 : frames.back().logical_start + frames.back().raw_len;
}

}  // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::Map(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoError("stat " + path, err);
  }
  if (st.st_size == 0) {
    ::close(fd);
    return DataLossError(path + ": empty file");
  }
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED) return ErrnoError("mmap " + path, err);
  std::unique_ptr<MappedFile> f(new MappedFile());
  f->data_ = static_cast<const char*>(p);
  f->size_ = static_cast<size_t>(st.st_size);
  f->mapped_ = true;
  return f;
}

std::unique_ptr<MappedFile> MappedFile::FromBuffer(std::string contents) {
  std::unique_ptr<MappedFile> f(new MappedFile());
  f->owned_ = std::move(contents);
  f->data_ = f->owned_.data();
  f->size_ = f->owned_.size();
  return f;
}

MappedFile::~MappedFile() {
  if (mapped_) ::munmap(const_cast<char*>(data_), size_);
}

const NameEntry* ParsedIndex::FindName(std::string_view name) const {
  auto it = std::lower_bound(names.begin(), names.end(), name,
                             [](const NameEntry& e, std::string_view n) { return e.name < n; });
  return it != names.end() && it->name == name ? &*it : nullptr;
}

size_t ParsedIndex::MemoryBytes() const {
  size_t n = symbols.capacity() * sizeof(std::string_view) +
             label_refs.capacity() * sizeof(uint32_t) + series.capacity() * sizeof(SeriesInfo) +
             chunks.capacity() * sizeof(ChunkInfo) + names.capacity() * sizeof(NameEntry);
  for (const NameEntry& e : names) n += e.values.capacity() * sizeof(ValueEntry);
  for (const auto& f : frames) n += f.capacity() * sizeof(FrameInfo);
  return n;
}

Result<ParsedIndex> ParseIndex(std::string_view index, uint64_t data_size, int64_t block_min,
                               bool verify_checksums) {
  OSPREY_ASSIGN_OR_RETURN(auto sections, SplitSections(index, verify_checksums));
  ParsedIndex out;
  OSPREY_RETURN_IF_ERROR(ParseSymbols(sections[0], &out));
  OSPREY_RETURN_IF_ERROR(ParseSeries(sections[1], block_min, &out));
  OSPREY_RETURN_IF_ERROR(ParseLabels(sections[2], &out));
  OSPREY_RETURN_IF_ERROR(ParseFrames(sections[3], data_size, &out));
  uint64_t ts_total = 0;
  uint64_t vs_total = 0;
  if (!out.chunks.empty()) {
    ts_total = out.chunks.back().ts_offset + out.chunks.back().ts_len;
    vs_total = out.chunks.back().vs_offset + out.chunks.back().vs_len;
  }
  if (ts_total != StreamSize(out.frames[0]) || vs_total != StreamSize(out.frames[1])) {
    return Corrupt("series columns do not match the frame table");
  }
  return out;
}

Result<Roaring> DecodePostings(std::string_view encoded, uint32_t num_series) {
  Decoder d(encoded);
  const uint8_t kind = d.Byte();
  Roaring out;
  if (kind == static_cast<uint8_t>(PostingsEncoding::kDeltaVarint)) {
    const uint64_t n = d.Varint(encoded.size());
    std::vector<uint32_t> ids;
    ids.reserve(n);
    uint64_t id = 0;
    for (uint64_t i = 0; i < n && d.ok(); ++i) {
      const uint64_t delta = d.Varint();
      if ((i > 0 && delta == 0) || delta >= num_series) d.Fail();
      id += delta;
      if (id >= num_series) d.Fail();
      ids.push_back(static_cast<uint32_t>(id));
    }
    if (!d.ok() || !d.done()) return Corrupt("malformed postings");
    out.addMany(ids.size(), ids.data());
    return out;
  }
  if (kind == static_cast<uint8_t>(PostingsEncoding::kRoaring)) {
    const std::string_view body = encoded.substr(1);
    roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(body.data(), body.size());
    if (r == nullptr) return Corrupt("malformed postings bitmap");
    const size_t used = roaring_bitmap_portable_size_in_bytes(r);
    out = Roaring(r);
    if (used != body.size()) return Corrupt("malformed postings bitmap");
    if (!out.isEmpty() && out.maximum() >= num_series) return Corrupt("postings out of range");
    return out;
  }
  return Corrupt("unknown postings encoding");
}

Result<std::string> ReadFrame(std::string_view data_file, const FrameInfo& frame) {
  if (frame.file_offset + frame.comp_len + 4 > data_file.size()) {
    return Corrupt("frame past the end of the file");
  }
  const std::string_view comp = data_file.substr(frame.file_offset, frame.comp_len);
  if (LoadFixed32(comp.data() + comp.size()) != Crc32c(comp)) {
    return Corrupt("checksum mismatch in frame at offset " + std::to_string(frame.file_offset));
  }
  auto raw = ZstdDecompress(comp, frame.raw_len);
  if (!raw.ok())
    return Corrupt("frame at offset " + std::to_string(frame.file_offset) + ": " +
                   raw.status().message());
  if (raw->size() != frame.raw_len) {
    return Corrupt("frame at offset " + std::to_string(frame.file_offset) + ": wrong size");
  }
  return raw;
}

}  // namespace osprey::tsdb::block_internal
