// Parsing of segment pages (docs/format/wal.md). A whole record is read within one Next()
// call, so the fragment-assembly state is local to it; only the position (segment, byte)
// survives between calls. Every check that fails reports the offset of the first byte that
// cannot be trusted: the start of the record being assembled, or of the bad fragment.
#include "tsdb/wal/wal_reader.h"

#include <zstd.h>

#include <algorithm>

#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/segment.h"

namespace osprey::tsdb {
namespace {

using namespace wal_format;  // NOLINT(google-build-using-namespace): format constants

// Reads are page-aligned and this large, so a page never straddles two reads.
constexpr size_t kReadSize = 16 * kPageSize;

uint16_t Le16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | static_cast<uint8_t>(p[1]) << 8);
}

uint32_t Le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

void WalReader::ZstdDeleter::operator()(ZSTD_DCtx_s* ctx) const { ZSTD_freeDCtx(ctx); }

WalReader::WalReader(FileSystem& fs, std::vector<Segment> segments)
    : fs_(fs), segments_(std::move(segments)) {}

WalReader::~WalReader() = default;

Result<std::unique_ptr<WalReader>> WalReader::Open(FileSystem& fs,
                                                   std::vector<SegmentRange> ranges) {
  std::vector<Segment> segments;
  for (const SegmentRange& range : ranges) {
    OSPREY_ASSIGN_OR_RETURN(std::vector<int> indexes, ListSegments(fs, range.dir));
    int prev = -1;
    for (int index : indexes) {
      if (index < range.first || (range.last >= 0 && index > range.last)) continue;
      if (prev >= 0 && index != prev + 1) {
        return DataLossError("missing wal segment " + SegmentPath(range.dir, prev + 1));
      }
      segments.push_back(Segment{range.dir, index, index == range.first ? range.first_offset : 0});
      prev = index;
    }
  }
  return std::unique_ptr<WalReader>(new WalReader(fs, std::move(segments)));
}

Result<std::unique_ptr<WalReader>> WalReader::OpenForReplay(FileSystem& fs,
                                                            const std::string& dir) {
  Result<CheckpointRef> checkpoint = LastCheckpoint(fs, dir);
  if (checkpoint.ok()) {
    return Open(
        fs, {SegmentRange{checkpoint->dir, 0, -1}, SegmentRange{dir, checkpoint->index + 1, -1}});
  }
  if (checkpoint.status().code() != StatusCode::kNotFound) return checkpoint.status();
  return Open(fs, {SegmentRange{dir, 0, -1}});
}

int WalReader::segment() const {
  return record_segment_ >= 0 ? segments_[record_segment_].index : -1;
}

bool WalReader::Fail(Status s) {
  status_ = std::move(s);
  record_ = {};
  return false;
}

bool WalReader::Corrupt(uint64_t offset, std::string reason) {
  const Segment& seg = segments_[record_segment_];
  corrupted_ = true;
  corruption_ = CorruptionInfo{seg.dir, seg.index, offset, reason};
  return Fail(DataLossError("wal segment " + SegmentPath(seg.dir, seg.index) + " offset " +
                            std::to_string(offset) + ": " + reason));
}

bool WalReader::OpenNextSegment() {
  if (next_segment_ == segments_.size()) return false;
  const Segment& seg = segments_[next_segment_];
  Result<std::unique_ptr<ReadableFile>> file = fs_.NewReadableFile(SegmentPath(seg.dir, seg.index));
  if (!file.ok()) return Fail(file.status());
  Result<uint64_t> size = (*file)->Size();
  if (!size.ok()) return Fail(size.status());
  file_ = std::move(file).value();
  file_size_ = *size;
  pos_ = seg.start;  // past the end (a segment truncated by repair): read as ended
  buf_start_ = 0;
  buf_len_ = 0;
  record_segment_ = static_cast<int>(next_segment_++);
  return true;
}

bool WalReader::Load(uint64_t pos, uint64_t end) {
  if (pos >= buf_start_ && end <= buf_start_ + buf_len_) return true;
  const uint64_t start = pos - pos % kPageSize;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(kReadSize, file_size_ - start));
  if (buf_.size() < kReadSize) buf_.resize(kReadSize);
  Result<size_t> got = file_->Read(start, std::span<char>(buf_.data(), n));
  if (!got.ok()) return Fail(got.status());
  buf_start_ = start;
  buf_len_ = *got;
  if (end > buf_start_ + buf_len_) return Corrupt(pos, "segment shrank while being read");
  return true;
}

bool WalReader::FinishRecord(std::string_view data, uint8_t flags) {
  if ((flags & kZstdFlag) == 0) {
    record_ = data;
    return true;
  }
  const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size > kMaxRecordSize) {
    return Corrupt(record_offset_, "bad zstd frame header");
  }
  if (zstd_ == nullptr) zstd_.reset(ZSTD_createDCtx());
  decompressed_.resize(size);
  const size_t n = ZSTD_decompressDCtx(zstd_.get(), decompressed_.data(), decompressed_.size(),
                                       data.data(), data.size());
  if (ZSTD_isError(n) || n != size) return Corrupt(record_offset_, "bad zstd frame");
  record_ = decompressed_;
  return true;
}

bool WalReader::Next() {
  record_ = {};
  if (!status_.ok()) return false;
  bool in_record = false;
  uint64_t start = 0;  // offset of the record being assembled
  uint8_t flags = 0;
  assembled_.clear();
  while (true) {
    if (file_ == nullptr && !OpenNextSegment()) return false;
    if (pos_ >= file_size_) {
      if (in_record) return Corrupt(start, "segment ends inside a record");
      file_.reset();
      continue;
    }
    const uint64_t page_end = std::min((pos_ / kPageSize + 1) * kPageSize, file_size_);
    if (!Load(pos_, page_end)) return false;
    const char* p = buf_.data() + (pos_ - buf_start_);
    const size_t avail = static_cast<size_t>(page_end - pos_);
    const uint64_t bad = in_record ? start : pos_;
    const auto type = static_cast<uint8_t>(p[0]);

    if (type == kPadding) {
      if (std::any_of(p, p + avail, [](char c) { return c != 0; })) {
        return Corrupt(bad, "non-zero bytes in page padding");
      }
      pos_ = page_end;
      continue;
    }
    const uint8_t frag = type & kFragmentTypeMask;
    if ((type & ~kKnownBits) != 0 || frag == kPadding || frag > kLast) {
      return Corrupt(bad, "invalid fragment type " + std::to_string(type));
    }
    if (avail < kHeaderSize) return Corrupt(bad, "truncated fragment header");
    const uint16_t len = Le16(p + 1);
    if (len > avail - kHeaderSize) {
      return Corrupt(bad, page_end == file_size_ && page_end % kPageSize != 0
                              ? "truncated fragment"
                              : "fragment crosses a page boundary");
    }
    const std::string_view data(p + kHeaderSize, len);
    if (FragmentCrc(type, len, data) != Le32(p + 3)) return Corrupt(bad, "checksum mismatch");
    const uint8_t frag_flags = type & kZstdFlag;

    if (frag == kFull || frag == kFirst) {
      if (in_record) return Corrupt(start, "record interrupted by a new record");
      if (frag == kFull) {
        record_offset_ = pos_;
        pos_ += kHeaderSize + len;
        return FinishRecord(data, frag_flags);
      }
      in_record = true;
      start = pos_;
      flags = frag_flags;
      assembled_.assign(data);
    } else {
      if (!in_record) return Corrupt(pos_, "record continuation without a start");
      if (frag_flags != flags) return Corrupt(start, "fragments disagree on compression");
      if (assembled_.size() + len > kMaxRecordSize) return Corrupt(start, "record too large");
      assembled_.append(data);
      if (frag == kLast) {
        record_offset_ = start;
        pos_ += kHeaderSize + len;
        return FinishRecord(assembled_, flags);
      }
    }
    pos_ += kHeaderSize + len;
  }
}

}  // namespace osprey::tsdb
