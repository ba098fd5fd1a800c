// Db background work: persisting the head, merging blocks, retention.
#include <algorithm>
#include <optional>

#include "tsdb/db/compaction_plan.h"
#include "tsdb/db/db.h"
#include "tsdb/db/db_metrics.h"
#include "tsdb/db/merge_querier.h"

namespace osprey::tsdb {
namespace {

// Floor division (time ranges may start before the epoch).
int64_t AlignDown(int64_t t, int64_t r) {
  int64_t q = t / r;
  if (t % r != 0 && t < 0) --q;
  return q * r;
}

}  // namespace

Status Db::Compact() {
  MutexLock lock(compaction_mu_);
  if (closed_.load()) return FailedPreconditionError("the database is closed");
  Status head_st = CompactHead();
  Status blocks_st = head_st.ok() ? CompactBlocks() : OkStatus();
  // Retention runs even after a failure: on a full disk it is what frees space.
  Status retention_st = ApplyRetention();
  if (!head_st.ok()) return head_st;
  return blocks_st.ok() ? retention_st : blocks_st;
}

Status Db::CompactHead() {
  const int64_t r = options_.min_block_duration_ms;
  while (HeadCompactable()) {
    const int64_t start = AlignDown(head_->MinTime(), r);
    const model::TimeRange range{start, start + r - 1};
    // No sample may enter the range while it is written (only an out-of-order window
    // reaching back half a block range could let one in).
    head_->RaiseMinValidTime(range.max + 1);
    OSPREY_RETURN_IF_ERROR(PersistHeadRange(range));
    OSPREY_RETURN_IF_ERROR(head_->Truncate(range.max + 1));
  }
  return OkStatus();
}

Status Db::PersistHeadRange(model::TimeRange range) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> q, head_->NewQuerier(range));
  Result<BlockMeta> meta = WriteAndSwap(range, *q, /*level=*/1, {}, {});
  if (!meta.ok()) return meta.status().Annotate("persisting the head");
  logger_.Info("Head persisted as a block", {{"block", meta->ulid},
                                             {"mint", range.min},
                                             {"maxt", range.max},
                                             {"series", meta->stats.num_series},
                                             {"samples", meta->stats.num_samples}});
  return OkStatus();
}

Status Db::CompactBlocks() {
  while (true) {
    const std::vector<BlockEntry> blocks = BlocksSnapshot();
    std::vector<PlanBlock> plan_in;
    plan_in.reserve(blocks.size());
    for (const BlockEntry& e : blocks) {
      const BlockMeta& m = e.block->meta();
      plan_in.push_back({m.ulid, m.range, 0, compaction_failed_.contains(m.ulid)});
    }
    const std::vector<size_t> pick = PlanCompaction(plan_in, ranges_);
    if (pick.empty()) return OkStatus();
    std::vector<BlockEntry> parents;
    for (size_t i : pick) parents.push_back(blocks[i]);
    Status st = MergeBlocks(parents);
    if (!st.ok()) {
      if (st.code() == StatusCode::kDataLoss) {
        // Retrying would fail the same way; the blocks keep serving what they can.
        for (const BlockEntry& p : parents) compaction_failed_.insert(p.block->meta().ulid);
      }
      return st.Annotate("compacting blocks");
    }
  }
}

Status Db::MergeBlocks(const std::vector<BlockEntry>& parents) {
  model::TimeRange range{model::kMaxTimestamp, model::kMinTimestamp};
  int level = 0;
  std::vector<std::string> sources;
  std::vector<std::unique_ptr<storage::Querier>> parts;
  for (const BlockEntry& p : parents) {
    const BlockMeta& m = p.block->meta();
    range.min = std::min(range.min, m.range.min);
    range.max = std::max(range.max, m.range.max);
    level = std::max(level, m.compaction_level);
    sources.insert(sources.end(), m.sources.begin(), m.sources.end());
  }
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  for (const BlockEntry& p : parents) {
    OSPREY_ASSIGN_OR_RETURN(auto q, p.block->NewQuerier(range, p.tombstones));
    parts.push_back(std::move(q));
  }
  std::unique_ptr<storage::Querier> merged = NewMergeQuerier(std::move(parts));
  OSPREY_ASSIGN_OR_RETURN(BlockMeta meta,
                          WriteAndSwap(range, *merged, level + 1, std::move(sources), parents));
  logger_.Info("Compacted blocks", {{"block", meta.ulid},
                                    {"parents", static_cast<uint64_t>(parents.size())},
                                    {"mint", range.min},
                                    {"maxt", range.max},
                                    {"level", meta.compaction_level}});
  return OkStatus();
}

Result<BlockMeta> Db::WriteAndSwap(model::TimeRange range, storage::Querier& source, int level,
                                   std::vector<std::string> sources,
                                   const std::vector<BlockEntry>& replaced) {
  const int64_t start_ns = clock_.MonotonicNanos();
  Result<BlockMeta> meta =
      WriteBlock(fs_, options_.dir, range, source, WriterOptions(level, std::move(sources)));
  if (!meta.ok()) {
    metrics_->compactions_failed.Inc();
    return meta.status();
  }
  const std::string path = JoinPath(options_.dir, meta->ulid);
  std::optional<BlockEntry> added;
  if (meta->stats.num_samples > 0) {
    Result<BlockEntry> e = OpenBlockEntry(path);
    if (!e.ok()) {
      metrics_->compactions_failed.Inc();
      fs_.RemoveAll(path).IgnoreError();
      return e.status().Annotate("opening the block just written");
    }
    added = std::move(e).value();
  } else {
    // Everything was deleted: no block (the replaced ones still go).
    OSPREY_RETURN_IF_ERROR(fs_.RemoveAll(path));
  }
  {
    // One step, so that a querier sees either the old blocks or the new one.
    MutexLock lock(mu_);
    std::erase_if(blocks_, [&](const BlockEntry& b) {
      return std::any_of(replaced.begin(), replaced.end(),
                         [&](const BlockEntry& r) { return r.block == b.block; });
    });
    if (added) {
      auto pos = std::find_if(blocks_.begin(), blocks_.end(), [&](const BlockEntry& b) {
        const BlockMeta& bm = b.block->meta();
        return bm.range.min > meta->range.min ||
               (bm.range.min == meta->range.min && bm.ulid > meta->ulid);
      });
      blocks_.insert(pos, std::move(*added));
    }
  }
  DeleteBlockDirs(replaced);
  metrics_->compactions.Inc();
  metrics_->compaction_duration.Observe(static_cast<double>(clock_.MonotonicNanos() - start_ns) /
                                        1e9);
  UpdateBlockMetrics();
  return meta;
}

void Db::DeleteBlockDirs(const std::vector<BlockEntry>& blocks) {
  // Queriers still reading these blocks keep their mappings: unlinking does not unmap.
  for (const BlockEntry& b : blocks) {
    Status st = fs_.RemoveAll(b.block->dir());
    if (!st.ok())
      logger_.Error("Could not delete a block", {{"block", b.block->dir()}, {"err", st}});
  }
  if (!blocks.empty()) fs_.SyncDir(options_.dir).IgnoreError();
}

Status Db::ApplyRetention() {
  const std::vector<BlockEntry> blocks = BlocksSnapshot();
  if (blocks.empty()) return OkStatus();
  std::vector<PlanBlock> plan_in;
  plan_in.reserve(blocks.size());
  for (const BlockEntry& e : blocks) {
    const BlockMeta& m = e.block->meta();
    plan_in.push_back({m.ulid, m.range, e.block->index_bytes() + e.block->data_bytes(), false});
  }
  const std::vector<size_t> by_time = BeyondTimeRetention(plan_in, options_.retention_ms);
  const std::vector<size_t> by_size =
      options_.retention_bytes > 0
          ? BeyondSizeRetention(plan_in, head_->DiskBytes(), options_.retention_bytes)
          : std::vector<size_t>{};
  std::vector<BlockEntry> doomed;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool time = std::find(by_time.begin(), by_time.end(), i) != by_time.end();
    const bool size = std::find(by_size.begin(), by_size.end(), i) != by_size.end();
    if (!time && !size) continue;
    (time ? metrics_->time_retentions : metrics_->size_retentions).Inc();
    logger_.Info("Deleting a block past the retention",
                 {{"block", blocks[i].block->meta().ulid}, {"reason", time ? "time" : "size"}});
    doomed.push_back(blocks[i]);
  }
  if (doomed.empty()) return OkStatus();
  {
    MutexLock lock(mu_);
    std::erase_if(blocks_, [&](const BlockEntry& b) {
      return std::any_of(doomed.begin(), doomed.end(),
                         [&](const BlockEntry& d) { return d.block == b.block; });
    });
  }
  DeleteBlockDirs(doomed);
  UpdateBlockMetrics();
  return OkStatus();
}

}  // namespace osprey::tsdb
