// Db admin operations: Delete (tombstones), CleanTombstones, Snapshot.
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "tsdb/db/db.h"
#include "tsdb/db/db_metrics.h"

namespace osprey::tsdb {
namespace {

// "20260101T120000Z", like Prometheus's snapshot names.
std::string FormatSnapshotTime(int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

Status Db::Delete(std::span<const model::Matcher> matchers, model::TimeRange range) {
  MutexLock lock(compaction_mu_);
  if (closed_.load()) return FailedPreconditionError("the database is closed");
  if (matchers.empty() || range.min > range.max) return OkStatus();
  uint64_t blocks_changed = 0;
  for (const BlockEntry& e : BlocksSnapshot()) {
    if (!e.block->meta().range.Overlaps(range)) continue;
    OSPREY_ASSIGN_OR_RETURN(std::vector<Block::SeriesSpan> spans,
                            e.block->SelectSeriesSpans(matchers));
    auto updated = std::make_shared<Tombstones>(*e.tombstones);
    bool changed = false;
    for (const Block::SeriesSpan& s : spans) {
      // Clamped to the series' samples, as in the head.
      const model::TimeRange iv{std::max(range.min, s.range.min), std::min(range.max, s.range.max)};
      if (iv.min > iv.max) continue;
      auto it = updated->series.find(s.id);
      if (it != updated->series.end() && IsCovered(it->second, iv)) continue;
      AddInterval(updated->series[s.id], iv);
      changed = true;
    }
    if (!changed) continue;
    OSPREY_RETURN_IF_ERROR(WriteTombstonesFile(fs_, e.block->dir(), *updated));
    ++blocks_changed;
    MutexLock list_lock(mu_);
    for (BlockEntry& b : blocks_) {
      if (b.block == e.block) b.tombstones = updated;
    }
  }
  OSPREY_RETURN_IF_ERROR(head_->Delete(matchers, range));
  logger_.Info(
      "Deleted series",
      {{"mint", range.min}, {"maxt", range.max}, {"blocks_with_new_tombstones", blocks_changed}});
  return OkStatus();
}

Status Db::CleanTombstones() {
  MutexLock lock(compaction_mu_);
  if (closed_.load()) return FailedPreconditionError("the database is closed");
  for (const BlockEntry& e : BlocksSnapshot()) {
    if (e.tombstones->empty()) continue;
    const BlockMeta& m = e.block->meta();
    OSPREY_ASSIGN_OR_RETURN(auto q, e.block->NewQuerier(m.range, e.tombstones));
    OSPREY_ASSIGN_OR_RETURN(BlockMeta rewritten,
                            WriteAndSwap(m.range, *q, m.compaction_level, m.sources, {e}));
    metrics_->tombstone_cleanups.Inc();
    logger_.Info("Rewrote a block without its deleted samples",
                 {{"old_block", m.ulid},
                  {"block", rewritten.stats.num_samples > 0 ? rewritten.ulid : "(none: empty)"},
                  {"samples", rewritten.stats.num_samples}});
  }
  return OkStatus();
}

Status Db::Snapshot(const std::string& dir, bool with_head) {
  MutexLock lock(compaction_mu_);
  if (closed_.load()) return FailedPreconditionError("the database is closed");
  OSPREY_RETURN_IF_ERROR(fs_.CreateDirs(dir));
  for (const BlockEntry& e : BlocksSnapshot()) {
    const std::string dst = JoinPath(dir, e.block->meta().ulid);
    OSPREY_RETURN_IF_ERROR(fs_.CreateDirs(dst));
    // Hard links: instant and free, and safe since block files are never modified in place
    // (the tombstones file is replaced by a rename).
    for (std::string_view name : {std::string_view("meta.json"), std::string_view("index"),
                                  std::string_view("data"), kTombstonesFileName}) {
      const std::string src = JoinPath(e.block->dir(), name);
      if (name == kTombstonesFileName && !fs_.Exists(src)) continue;
      std::error_code ec;
      std::filesystem::create_hard_link(src, JoinPath(dst, name), ec);
      if (ec) return ErrnoError("link " + src, ec.value());
    }
    OSPREY_RETURN_IF_ERROR(fs_.SyncDir(dst));
  }
  const int64_t mint = head_->MinTime();
  const int64_t maxt = head_->MaxTime();
  if (with_head && mint <= maxt) {
    OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> q, head_->NewQuerier({mint, maxt}));
    OSPREY_ASSIGN_OR_RETURN(BlockMeta meta,
                            WriteBlock(fs_, dir, {mint, maxt}, *q, WriterOptions(1, {})));
    if (meta.stats.num_samples == 0)
      OSPREY_RETURN_IF_ERROR(fs_.RemoveAll(JoinPath(dir, meta.ulid)));
  }
  OSPREY_RETURN_IF_ERROR(fs_.SyncDir(dir));
  logger_.Info("Snapshot written", {{"dir", dir}, {"with_head", with_head}});
  return OkStatus();
}

Result<std::string> Db::CreateSnapshot(bool with_head) {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(r));
  std::string name = FormatSnapshotTime(clock_.NowMillis());
  name += '-';
  name += hex;
  OSPREY_RETURN_IF_ERROR(Snapshot(JoinPath(JoinPath(options_.dir, "snapshots"), name), with_head));
  return name;
}

}  // namespace osprey::tsdb
