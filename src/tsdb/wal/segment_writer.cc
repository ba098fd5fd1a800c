// Invariants:
//  - offset_ == good_offset_ + (bytes added since the last successful Sync()), and the file
//    holds exactly offset_ - buffer_.size() bytes unless a write failed (then broken_).
//  - Every public method except OpenSegment() starts by repairing a broken state, so the
//    bytes of a failed write never stay in front of later records.
#include "tsdb/wal/segment_writer.h"

#include <zstd.h>

#include <chrono>

#include "tsdb/wal/segment.h"

namespace osprey::tsdb {
namespace {

// Buffered bytes are handed to the file once they reach this, bounding memory per batch.
constexpr size_t kFlushThreshold = 4 << 20;
// zstd level 1: several hundred MB/s per core, and WAL records are already compact.
constexpr int kZstdLevel = 1;

}  // namespace

void SegmentWriter::ZstdContextDeleter::operator()(ZSTD_CCtx_s* ctx) const { ZSTD_freeCCtx(ctx); }

SegmentWriter::SegmentWriter(FileSystem& fs, std::string dir, uint64_t segment_size, bool compress,
                             WalMetrics* metrics)
    : fs_(fs), dir_(std::move(dir)), segment_size_(segment_size), metrics_(metrics) {
  if (compress) {
    zstd_.reset(ZSTD_createCCtx());
    OSPREY_CHECK(zstd_ != nullptr) << "ZSTD_createCCtx";
  }
}

SegmentWriter::~SegmentWriter() = default;

Status SegmentWriter::OpenSegment(int index) {
  Status s = OpenSegmentImpl(index);
  if (!s.ok()) broken_ = true;
  return s;
}

Status SegmentWriter::OpenSegmentImpl(int index) {
  const std::string path = wal_format::SegmentPath(dir_, index);
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs_.NewWritableFile(path));
  if (file_ != nullptr) file_->Close().IgnoreError();
  file_ = std::move(file);
  segment_ = index;
  offset_ = 0;
  good_offset_ = 0;
  buffer_.clear();
  broken_ = false;
  needs_dir_sync_ = true;
  if (metrics_ != nullptr) {
    metrics_->segments_created.Inc();
    metrics_->segment_current.Set(index);
  }
  OSPREY_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  needs_dir_sync_ = false;
  return OkStatus();
}

Status SegmentWriter::Recover() {
  if (!broken_) return OkStatus();
  if (segment_ < 0) return FailedPreconditionError("wal: no segment is open");
  buffer_.clear();
  if (file_ != nullptr) {
    file_->Close().IgnoreError();
    file_.reset();
  }
  const std::string path = wal_format::SegmentPath(dir_, segment_);
  OSPREY_RETURN_IF_ERROR(fs_.Truncate(path, good_offset_));
  OSPREY_ASSIGN_OR_RETURN(file_, fs_.NewAppendableFile(path));
  offset_ = good_offset_;
  broken_ = false;
  return OkStatus();
}

Status SegmentWriter::Add(std::string_view record) {
  Status s = AddImpl(record);
  if (!s.ok()) broken_ = true;
  return s;
}

Status SegmentWriter::AddImpl(std::string_view record) {
  OSPREY_RETURN_IF_ERROR(Recover());
  if (file_ == nullptr) return FailedPreconditionError("wal: no segment is open");
  std::string_view data = record;
  uint8_t flags = 0;
  if (zstd_ != nullptr && !record.empty()) {
    compressed_.resize(ZSTD_compressBound(record.size()));
    const size_t n = ZSTD_compressCCtx(zstd_.get(), compressed_.data(), compressed_.size(),
                                       record.data(), record.size(), kZstdLevel);
    // Kept only when smaller; a failed compression just stores the record as is.
    if (!ZSTD_isError(n) && n < record.size()) {
      data = std::string_view(compressed_.data(), n);
      flags = wal_format::kZstdFlag;
    }
  }
  uint64_t size = wal_format::FramedSize(offset_, data.size());
  if (offset_ > 0 && offset_ + size > segment_size_) {
    OSPREY_RETURN_IF_ERROR(SyncImpl());
    OSPREY_RETURN_IF_ERROR(OpenSegmentImpl(segment_ + 1));
    size = wal_format::FramedSize(0, data.size());
  }
  wal_format::AppendFramed(offset_, data, flags, buffer_);
  offset_ += size;
  if (buffer_.size() >= kFlushThreshold) return WriteBuffer();
  return OkStatus();
}

Status SegmentWriter::WriteBuffer() {
  if (buffer_.empty()) return OkStatus();
  Status s = file_->Append(buffer_);
  if (metrics_ != nullptr && s.ok()) {
    metrics_->page_flushes.Inc();
    metrics_->bytes_written.Inc(static_cast<double>(buffer_.size()));
  }
  buffer_.clear();
  return s;
}

Status SegmentWriter::Sync() {
  Status s = SyncImpl();
  if (!s.ok()) broken_ = true;
  return s;
}

Status SegmentWriter::SyncImpl() {
  OSPREY_RETURN_IF_ERROR(Recover());
  if (file_ == nullptr) return FailedPreconditionError("wal: no segment is open");
  OSPREY_RETURN_IF_ERROR(WriteBuffer());
  if (offset_ != good_offset_) {
    const auto start = std::chrono::steady_clock::now();
    OSPREY_RETURN_IF_ERROR(file_->Sync());
    if (metrics_ != nullptr) {
      metrics_->fsync_duration.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  if (needs_dir_sync_) {
    OSPREY_RETURN_IF_ERROR(fs_.SyncDir(dir_));
    needs_dir_sync_ = false;
  }
  good_offset_ = offset_;
  return OkStatus();
}

Status SegmentWriter::Close() {
  if (file_ == nullptr) return OkStatus();
  Status s = Sync();
  Status c = file_->Close();
  file_.reset();
  return s.ok() ? c : s;
}

}  // namespace osprey::tsdb
