// Group commit (after leveldb's DBImpl::Write): each Log() call queues a Writer. The queue's
// head is the leader: it takes a prefix of the queue as its batch, releases mu_ so that new
// calls can queue behind it, writes and fsyncs the batch under write_mu_, then marks every
// Writer of the batch done and wakes the next head, which leads the next batch.
//
// Invariants:
//  - Only the queue head writes, so batches are written one at a time, in queue order.
//  - A Writer stays in the queue (and its caller blocked) until its batch is done, so the
//    leader may read its records without copying them.
//  - `next` links of a batch are set before the leader computes the batch under mu_, so the
//    leader may follow them after releasing mu_; it never reads `next` of the batch's last
//    Writer outside mu_ (a new call may be setting it).
#include "tsdb/wal/wal.h"

#include <algorithm>

#include "tsdb/wal/segment.h"

namespace osprey::tsdb {

Wal::Wal(FileSystem& fs, std::string dir, WalOptions options, metrics::Registry& registry,
         Logger logger)
    : fs_(fs),
      dir_(std::move(dir)),
      options_(options),
      metrics_(registry),
      logger_(std::move(logger)),
      writer_(fs, dir_, options.segment_size, options.compress, &metrics_) {}

Result<std::unique_ptr<Wal>> Wal::Open(FileSystem& fs, std::string dir, WalOptions options,
                                       metrics::Registry& registry, Logger logger) {
  if (options.segment_size == 0) return InvalidArgumentError("wal segment size must be > 0");
  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(dir));
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  int first = -1;
  int last = -1;
  for (const std::string& name : names) {
    if (std::optional<int> index = wal_format::ParseSegmentName(name)) {
      if (first < 0) first = *index;
      first = std::min(first, *index);
      last = std::max(last, *index);
    } else if (name.ends_with(wal_format::kTmpSuffix)) {
      // A checkpoint interrupted by a crash.
      OSPREY_RETURN_IF_ERROR(fs.RemoveAll(JoinPath(dir, name)));
    } else if (std::optional<int> cp = wal_format::ParseCheckpointName(name)) {
      last = std::max(last, *cp);
    }
  }
  const int next = last + 1;
  std::unique_ptr<Wal> wal(new Wal(fs, std::move(dir), options, registry, std::move(logger)));
  {
    MutexLock lock(wal->write_mu_);
    OSPREY_RETURN_IF_ERROR(wal->writer_.OpenSegment(next));
  }
  wal->first_segment_.store(first >= 0 ? first : next);
  wal->current_segment_.store(next);
  wal->logger_.Info("Opened the WAL", {{"dir", wal->dir_}, {"segment", next}});
  return wal;
}

Wal::~Wal() {
  Status s = Close();
  if (!s.ok()) logger_.Error("Closing the WAL failed", {{"dir", dir_}, {"err", s}});
}

Status Wal::Log(std::span<const std::string_view> records) {
  if (records.empty()) return OkStatus();
  Writer w;
  w.records = records;
  for (std::string_view r : records) {
    if (r.size() > wal_format::kMaxRecordSize) {
      return InvalidArgumentError("wal record of " + std::to_string(r.size()) +
                                  " bytes is over the limit of 256 MiB");
    }
    w.bytes += r.size();
  }

  mu_.Lock();
  if (queue_tail_ != nullptr) {
    queue_tail_->next = &w;
  } else {
    queue_head_ = &w;
  }
  queue_tail_ = &w;
  while (!w.done && queue_head_ != &w) w.cv.wait(mu_);
  if (w.done) {
    mu_.Unlock();
    return w.status;
  }

  // Leader: the batch is w and the callers queued right behind it.
  Writer* last = &w;
  size_t batch_bytes = w.bytes;
  size_t batch_calls = 1;
  while (last->next != nullptr && batch_bytes + last->next->bytes <= options_.max_batch_bytes) {
    last = last->next;
    batch_bytes += last->bytes;
    ++batch_calls;
  }
  mu_.Unlock();

  Status status;
  {
    MutexLock lock(write_mu_);
    status = WriteBatch(&w, last);
  }

  mu_.Lock();
  Writer* const rest = last->next;
  for (Writer* x = &w;;) {
    Writer* const next = x->next;
    const bool was_last = x == last;
    if (x != &w) {
      x->status = status;
      x->done = true;
      x->cv.notify_one();
    }
    if (was_last) break;
    x = next;
  }
  queue_head_ = rest;
  if (rest == nullptr) {
    queue_tail_ = nullptr;
  } else {
    rest->cv.notify_one();
  }
  mu_.Unlock();
  if (!status.ok()) metrics_.writes_failed.Inc(static_cast<double>(batch_calls));
  return status;
}

Status Wal::WriteBatch(Writer* first, Writer* last) {
  if (closed_) return FailedPreconditionError("wal " + dir_ + " is closed");
  Status s;
  size_t records = 0;
  for (Writer* w = first; s.ok(); w = w->next) {
    for (std::string_view r : w->records) {
      s = writer_.Add(r);
      if (!s.ok()) break;
      ++records;
    }
    if (w == last) break;
  }
  if (s.ok()) s = writer_.Sync();
  current_segment_.store(writer_.segment());
  if (!s.ok()) {
    if (!failing_) logger_.Warn("Writing the WAL failed", {{"dir", dir_}, {"err", s}});
    failing_ = true;
    return s.Annotate("wal");
  }
  if (failing_) logger_.Info("Writing the WAL works again", {{"dir", dir_}});
  failing_ = false;
  metrics_.records.Inc(static_cast<double>(records));
  return OkStatus();
}

Result<int> Wal::NextSegment() {
  MutexLock lock(write_mu_);
  if (closed_) return FailedPreconditionError("wal " + dir_ + " is closed");
  OSPREY_RETURN_IF_ERROR(writer_.Sync());
  OSPREY_RETURN_IF_ERROR(writer_.OpenSegment(writer_.segment() + 1));
  current_segment_.store(writer_.segment());
  return writer_.segment();
}

std::pair<int, int> Wal::Segments() const {
  return {first_segment_.load(), current_segment_.load()};
}

Status Wal::TruncateBefore(int segment) {
  // Segments before the current one are never written again, so no lock is needed.
  segment = std::min(segment, current_segment_.load());
  OSPREY_ASSIGN_OR_RETURN(std::vector<int> indexes, wal_format::ListSegments(fs_, dir_));
  for (int index : indexes) {
    if (index >= segment) break;
    Status s = fs_.Remove(wal_format::SegmentPath(dir_, index));
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  if (segment > first_segment_.load()) first_segment_.store(segment);
  metrics_.truncations.Inc();
  return OkStatus();
}

Status Wal::Repair(const CorruptionInfo& corruption) {
  if (corruption.dir != dir_) {
    return FailedPreconditionError("cannot repair " + corruption.dir + ": " + corruption.reason +
                                   " (only the WAL's own segments can be)");
  }
  MutexLock lock(write_mu_);
  if (closed_) return FailedPreconditionError("wal " + dir_ + " is closed");
  if (corruption.segment >= writer_.segment()) {
    return FailedPreconditionError("cannot repair the wal segment being written");
  }
  metrics_.corruptions.Inc();
  logger_.Warn("Repairing a damaged WAL; records after the damage are lost",
               {{"dir", dir_},
                {"segment", corruption.segment},
                {"offset", corruption.offset},
                {"reason", corruption.reason}});
  // The current segment follows the damaged one, so RepairWal deletes it.
  writer_.Close().IgnoreError();
  OSPREY_RETURN_IF_ERROR(RepairWal(fs_, dir_, corruption));
  OSPREY_RETURN_IF_ERROR(writer_.OpenSegment(corruption.segment + 1));
  current_segment_.store(writer_.segment());
  return OkStatus();
}

Status Wal::Close() {
  MutexLock lock(write_mu_);
  if (closed_) return OkStatus();
  closed_ = true;
  return writer_.Close();
}

int Wal::QueueLengthForTest() {
  MutexLock lock(mu_);
  int n = 0;
  for (Writer* w = queue_head_; w != nullptr; w = w->next) ++n;
  return n;
}

Status RepairWal(FileSystem& fs, const std::string& dir, const CorruptionInfo& corruption) {
  if (corruption.dir != dir) {
    return FailedPreconditionError("cannot repair " + corruption.dir + ": " + corruption.reason);
  }
  OSPREY_ASSIGN_OR_RETURN(std::vector<int> indexes, wal_format::ListSegments(fs, dir));
  for (int index : indexes) {
    if (index > corruption.segment) {
      OSPREY_RETURN_IF_ERROR(fs.Remove(wal_format::SegmentPath(dir, index)));
    }
  }
  const std::string path = wal_format::SegmentPath(dir, corruption.segment);
  OSPREY_RETURN_IF_ERROR(fs.Truncate(path, corruption.offset));
  // fsync makes the truncation durable.
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs.NewAppendableFile(path));
  OSPREY_RETURN_IF_ERROR(file->Sync());
  OSPREY_RETURN_IF_ERROR(file->Close());
  return fs.SyncDir(dir);
}

}  // namespace osprey::tsdb
