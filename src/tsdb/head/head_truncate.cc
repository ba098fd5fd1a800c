// Head::Truncate (dropping data persisted in blocks, series collection, WAL checkpoints)
// and Head::Delete (tombstones).
//
// Invariants:
//  - A series is collected only when it holds no samples and no appender has a pending
//    sample for it (pending_commits == 0), both checked under its lock, where `removed`
//    is then set; Append() checks `removed` under the same lock, so no sample can land in
//    a collected series.
//  - A collected series is unlinked (series map, postings, unlogged list) before its
//    epoch is taken, and freed once every appender that entered at or before that epoch
//    is gone. Queriers cannot hold one: collection runs with chunk_truncate_mu_ held
//    exclusively, which every querier holds shared for its lifetime.
//  - Tombstones are in the WAL before they take effect in memory; replay applies them in
//    log order, like the live head did.
#include <algorithm>
#include <mutex>

#include "tsdb/head/head.h"
#include "tsdb/head/head_metrics.h"
#include "tsdb/head/series_map.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/records.h"

namespace osprey::tsdb {
namespace {

// The time span of the samples `s` holds (deleted or not); nullopt when it holds none.
std::optional<model::TimeRange> DataSpan(const MemSeries& s) OSPREY_REQUIRES(s.mu) {
  model::TimeRange r{model::kMaxTimestamp, model::kMinTimestamp};
  if (!s.mmapped.empty()) {
    r.min = s.mmapped.front().min_time;
    r.max = s.mmapped.back().max_time;
  }
  if (!s.head_chunk.empty()) {
    r.min = std::min(r.min, s.head_chunk.MinTime());
    r.max = std::max(r.max, s.head_chunk.MaxTime());
  }
  if (!s.ooo.empty()) {
    r.min = std::min(r.min, s.ooo.front().t);
    r.max = std::max(r.max, s.ooo.back().t);
  }
  if (r.min > r.max) return std::nullopt;
  return r;
}

}  // namespace

uint64_t Head::EnterAppender() {
  MutexLock lock(gc_mu_);
  ++active_appenders_[gc_epoch_];
  return gc_epoch_;
}

void Head::ExitAppender(uint64_t epoch) {
  MutexLock lock(gc_mu_);
  auto it = active_appenders_.find(epoch);
  if (it != active_appenders_.end() && --it->second == 0) active_appenders_.erase(it);
}

void Head::FreeCollectedSeries() {
  std::vector<std::unique_ptr<MemSeries>> to_free;
  {
    MutexLock lock(gc_mu_);
    const uint64_t oldest =
        active_appenders_.empty() ? UINT64_MAX : active_appenders_.begin()->first;
    for (auto& [epoch, s] : collected_) {
      if (epoch < oldest) to_free.push_back(std::move(s));
    }
    std::erase_if(collected_, [](const auto& e) { return e.second == nullptr; });
  }
  // Freed outside the lock: appenders entering meanwhile do not wait for it.
}

void Head::RaiseMinValidTime(int64_t t) {
  int64_t cur = min_valid_time_.load();
  while (cur < t && !min_valid_time_.compare_exchange_weak(cur, t)) {
  }
}

Status Head::Truncate(int64_t mint) {
  MutexLock truncate_lock(truncate_mu_);
  if (closed_.load()) return FailedPreconditionError("the head is closed");
  // From now on no append can add a sample before mint.
  RaiseMinValidTime(mint);
  Status st = TruncateMemory(mint);
  if (st.ok()) st = CheckpointWal(mint);
  if (!st.ok()) {
    metrics_->truncations_failed.Inc();
    return st.Annotate("head truncation");
  }
  metrics_->truncations.Inc();
  return OkStatus();
}

Status Head::TruncateMemory(int64_t mint) {
  // Waits for the queriers open now: they may read the chunks and series dropped below.
  std::unique_lock<std::shared_mutex> queries_done(chunk_truncate_mu_);
  // Appends from here on lower min_time_ themselves; the sweep adds what it finds.
  min_time_.store(model::kMaxTimestamp);
  std::vector<MemSeries*> dead;
  int64_t new_min = model::kMaxTimestamp;
  uint64_t dropped_chunks = 0;
  series_->ForEach([&](MemSeries& s) {
    MutexLock lock(s.mu);
    // Completed chunks are in time order and never straddle mint (a chunk range boundary).
    auto keep = std::find_if(s.mmapped.begin(), s.mmapped.end(),
                             [mint](const MmappedChunk& c) { return c.max_time >= mint; });
    dropped_chunks += static_cast<uint64_t>(keep - s.mmapped.begin());
    s.mmapped.erase(s.mmapped.begin(), keep);
    if (!s.head_chunk.empty() && s.head_chunk.MaxTime() < mint) s.head_chunk = XorChunk();
    std::erase_if(s.ooo, [mint](const model::Sample& x) { return x.t < mint; });
    TruncateIntervals(s.deleted, mint);
    std::optional<model::TimeRange> span = DataSpan(s);
    if (!span) {
      if (s.pending_commits.load(std::memory_order_relaxed) == 0) {
        s.removed.store(true, std::memory_order_release);
        dead.push_back(&s);
      }
      return;
    }
    s.min_time_hint.store(span->min, std::memory_order_relaxed);
    new_min = std::min(new_min, span->min);
  });

  std::vector<std::unique_ptr<MemSeries>> unlinked;
  unlinked.reserve(dead.size());
  for (MemSeries* s : dead) {
    const model::Labels labels = s->labels(symbols_);
    postings_.Delete(s->id(), labels);
    std::unique_ptr<MemSeries> owned = series_->Remove(*s);
    if (owned == nullptr) continue;
    unlinked.push_back(std::move(owned));
    num_series_.fetch_sub(1, std::memory_order_relaxed);
    metrics_->series.Dec();
    metrics_->series_removed.Inc();
    MutexLock lock(limits_mu_);
    auto it = series_per_metric_.find(std::string(labels.MetricName()));
    if (it != series_per_metric_.end() && --it->second == 0) series_per_metric_.erase(it);
  }
  {
    MutexLock lock(unlogged_mu_);
    std::erase_if(unlogged_series_, [](const MemSeries* s) { return s->removed.load(); });
  }
  if (!unlinked.empty()) {
    MutexLock lock(gc_mu_);
    const uint64_t epoch = gc_epoch_++;
    for (auto& s : unlinked) collected_.emplace_back(epoch, std::move(s));
  }
  FreeCollectedSeries();
  if (!dead.empty()) postings_.Optimize();

  num_chunks_.fetch_sub(dropped_chunks, std::memory_order_relaxed);
  metrics_->chunks.Dec(static_cast<double>(dropped_chunks));
  if (new_min != model::kMaxTimestamp) UpdateTimeBounds(new_min);

  uint32_t deleted_segments = 0;
  MutexLock write_lock(chunk_write_mu_);
  // A fresh segment, so the current one can go once its chunks are old enough.
  OSPREY_RETURN_IF_ERROR(chunks_->CutSegment());
  OSPREY_RETURN_IF_ERROR(chunks_->TruncateOlderThan(mint, &deleted_segments));
  logger_.Info("Head truncated", {{"mint", mint},
                                  {"series_removed", static_cast<uint64_t>(dead.size())},
                                  {"chunks_removed", dropped_chunks},
                                  {"chunk_segments_deleted", deleted_segments}});
  return OkStatus();
}

Status Head::CheckpointWal(int64_t mint) {
  OSPREY_ASSIGN_OR_RETURN(int current, wal_->NextSegment());
  const int first = wal_->Segments().first;
  const int to = current - 1;
  if (to < first) return OkStatus();
  Result<CheckpointStats> stats = Checkpoint(
      *wal_, first, to,
      [this](storage::SeriesRef ref) {
        return ref <= UINT32_MAX && series_->GetById(static_cast<uint32_t>(ref)) != nullptr;
      },
      mint);
  if (!stats.ok()) {
    metrics_->checkpoints_failed.Inc();
    return stats.status();
  }
  metrics_->checkpoints.Inc();
  // Segments a WAL reader (remote_write) has not read yet stay, though checkpointed: replay
  // starts at the checkpoint and ignores them, and the next checkpoint starts after it.
  int keep_from = to + 1;
  std::function<int()> retention;
  {
    MutexLock lock(wal_retention_mu_);
    retention = wal_retention_;
  }
  if (retention) keep_from = std::clamp(retention(), first, to + 1);
  OSPREY_RETURN_IF_ERROR(wal_->TruncateBefore(keep_from));
  OSPREY_RETURN_IF_ERROR(DeleteCheckpointsBefore(wal_->fs(), wal_->dir(), to));
  logger_.Info("WAL checkpoint complete", {{"first", first},
                                           {"last", to},
                                           {"series_kept", stats->series_kept},
                                           {"samples_kept", stats->samples_kept}});
  return OkStatus();
}

void Head::SetWalRetention(std::function<int()> keep) {
  MutexLock lock(wal_retention_mu_);
  wal_retention_ = std::move(keep);
}

Status Head::Delete(std::span<const model::Matcher> matchers, model::TimeRange range) {
  if (matchers.empty() || range.min > range.max) return OkStatus();
  MutexLock truncate_lock(truncate_mu_);  // no series is collected meanwhile
  if (closed_.load()) return FailedPreconditionError("the head is closed");
  std::vector<Tombstone> stones;
  std::vector<MemSeries*> targets;
  for (uint32_t id : postings_.Select(matchers)) {
    MemSeries* s = series_->GetById(id);
    if (s == nullptr) continue;
    MutexLock lock(s->mu);
    std::optional<model::TimeRange> span = DataSpan(*s);
    if (!span) continue;
    // Delete only up to the samples held, so later appends are not hidden.
    const model::TimeRange iv{std::max(range.min, span->min), std::min(range.max, span->max)};
    if (iv.min > iv.max || IsCovered(s->deleted, iv)) continue;
    stones.push_back({s->id(), iv.min, iv.max});
    targets.push_back(s);
  }
  if (stones.empty()) return OkStatus();
  std::string rec;
  EncodeTombstones(stones, rec);
  OSPREY_RETURN_IF_ERROR(wal_->Log(rec).Annotate("write-ahead log"));
  for (size_t i = 0; i < stones.size(); ++i) {
    MutexLock lock(targets[i]->mu);
    ApplyTombstone(*targets[i], {stones[i].mint, stones[i].maxt});
  }
  logger_.Info("Deleted series data", {{"series", static_cast<uint64_t>(stones.size())}});
  return OkStatus();
}

void Head::ApplyTombstone(MemSeries& s, model::TimeRange iv) {
  AddInterval(s.deleted, iv);
  s.has_deletions.store(true, std::memory_order_release);
  // Drop what is now deleted whole. Chunk files keep the bytes until their segment goes;
  // the WAL tombstone hides them again after a restart.
  const size_t before = s.mmapped.size();
  size_t kept = 0;
  for (size_t i = 0; i < s.mmapped.size(); ++i) {
    const MmappedChunk c = s.mmapped[i];
    if (!IsCovered(s.deleted, {c.min_time, c.max_time})) s.mmapped[kept++] = c;
  }
  s.mmapped.resize(kept);
  const size_t dropped = before - s.mmapped.size();
  if (dropped > 0) {
    num_chunks_.fetch_sub(dropped, std::memory_order_relaxed);
    metrics_->chunks.Dec(static_cast<double>(dropped));
  }
  if (!s.head_chunk.empty() &&
      IsCovered(s.deleted, {s.head_chunk.MinTime(), s.head_chunk.MaxTime()})) {
    s.head_chunk = XorChunk();  // max_time stays: appends continue after it
  }
  kept = 0;
  for (size_t i = 0; i < s.ooo.size(); ++i) {
    if (!IsDeleted(s.deleted, s.ooo[i].t)) s.ooo[kept++] = s.ooo[i];
  }
  s.ooo.resize(kept);
  if (std::optional<model::TimeRange> span = DataSpan(s)) {
    s.min_time_hint.store(span->min, std::memory_order_relaxed);
  }
}

uint64_t Head::DiskBytes() const {
  uint64_t bytes = chunks_ != nullptr ? chunks_->TotalBytes() : 0;
  const std::string wal_dir = JoinPath(options_.dir, "wal");
  auto names = fs_.ListDir(wal_dir);
  if (!names.ok()) return bytes;
  for (const std::string& name : *names) {
    const std::string path = JoinPath(wal_dir, name);
    if (name.starts_with("checkpoint.")) {
      auto inner = fs_.ListDir(path);
      if (!inner.ok()) continue;
      for (const std::string& f : *inner) bytes += fs_.FileSize(JoinPath(path, f)).value_or(0);
    } else {
      bytes += fs_.FileSize(path).value_or(0);
    }
  }
  return bytes;
}

}  // namespace osprey::tsdb
