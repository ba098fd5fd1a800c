// Db: opening (blocks, quarantine, head), appenders, queriers, the background loop.
//
// Invariants:
//  - Data moves from the head to a block in this order: the block is written, added to
//    blocks_, then the head is truncated. NewQuerier() opens the head querier first (it
//    holds off truncation while it lives) and lists blocks_ second, so every querier sees
//    each sample in the head, in a block, or in both (the merge deduplicates).
//  - blocks_ changes only under compaction_mu_ (and mu_): Compact, Delete, CleanTombstones
//    and Snapshot never interleave.
#include "tsdb/db/db.h"

#include <algorithm>

#include "tsdb/db/compaction_plan.h"
#include "tsdb/db/db_metrics.h"
#include "tsdb/db/merge_querier.h"

namespace osprey::tsdb {
namespace {

constexpr std::string_view kTmpSuffix = ".tmp";

// Whether `a` holds every element of `b` (both sorted).
bool Includes(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::includes(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

// Forwards to the head's appender; asks for a compaction once a commit makes the head
// span more than 1.5 block ranges (cheap: two atomic loads per commit).
class DbAppender final : public storage::Appender {
 public:
  DbAppender(Db& db, std::unique_ptr<storage::Appender> inner)
      : db_(db), inner_(std::move(inner)) {}
  Result<storage::SeriesRef> Append(storage::SeriesRef hint, const model::Labels& labels,
                                    const model::Sample& sample) override {
    return inner_->Append(hint, labels, sample);
  }
  Status Commit() override {
    Status st = inner_->Commit();
    if (st.ok() && db_.options_.background && db_.HeadCompactable()) db_.RequestCompaction();
    return st;
  }
  void Rollback() override { inner_->Rollback(); }

 private:
  Db& db_;
  std::unique_ptr<storage::Appender> inner_;
};

Db::Db(FileSystem& fs, DbOptions options, metrics::Registry& registry, Logger logger)
    : fs_(fs),
      options_(std::move(options)),
      logger_(std::move(logger)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock_),
      ranges_(CompactionRanges(
          options_.min_block_duration_ms,
          options_.max_block_duration_ms > 0
              ? options_.max_block_duration_ms
              : DefaultMaxBlockDuration(options_.min_block_duration_ms, options_.retention_ms))),
      metrics_(std::make_unique<Metrics>(registry)) {}

Db::~Db() {
  Status s = Close();
  if (!s.ok()) logger_.Error("Closing the database failed", {{"err", s}});
}

Result<std::unique_ptr<Db>> Db::Open(FileSystem& fs, DbOptions options, metrics::Registry& registry,
                                     Logger logger) {
  if (options.min_block_duration_ms <= 0) {
    return InvalidArgumentError("the minimum block duration must be positive");
  }
  std::unique_ptr<Db> db(new Db(fs, std::move(options), registry, std::move(logger)));
  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(db->options_.dir));
  OSPREY_RETURN_IF_ERROR(db->LoadBlocks());

  HeadOptions head = db->options_.head;
  head.dir = db->options_.dir;
  head.chunk_range_ms = db->options_.min_block_duration_ms;
  for (const BlockMeta& m : db->Blocks()) {
    // The head must not take samples of a range already persisted.
    if (m.range.max != model::kMaxTimestamp) {
      head.min_valid_time = std::max(head.min_valid_time, m.range.max + 1);
    }
  }
  OSPREY_ASSIGN_OR_RETURN(db->head_, Head::Open(fs, std::move(head), registry, db->logger_));
  db->UpdateBlockMetrics();
  if (db->options_.background) {
    db->loop_ = std::jthread([d = db.get()](std::stop_token stop) { d->Run(std::move(stop)); });
  }
  return db;
}

Result<Db::BlockEntry> Db::OpenBlockEntry(const std::string& dir) {
  BlockEntry e;
  OSPREY_ASSIGN_OR_RETURN(e.block, Block::Open(dir));
  OSPREY_ASSIGN_OR_RETURN(Tombstones t, ReadTombstonesFile(fs_, dir));
  e.tombstones = std::make_shared<const Tombstones>(std::move(t));
  return e;
}

void Db::Quarantine(const std::string& name, const Status& why) {
  const std::string qdir = JoinPath(options_.dir, "quarantine");
  std::string target = JoinPath(qdir, name);
  if (fs_.Exists(target)) {
    target += '.';
    target += std::to_string(clock_.NowMillis());
  }
  Status st = fs_.CreateDirs(qdir);
  if (st.ok()) st = fs_.Rename(JoinPath(options_.dir, name), target);
  if (st.ok()) st = fs_.SyncDir(options_.dir);
  metrics_->blocks_quarantined.Inc();
  if (!st.ok()) {
    logger_.Error("Block is damaged and could not be moved to quarantine; not serving it",
                  {{"block", name}, {"err", why}, {"move_err", st}});
    return;
  }
  logger_.Error("Block is damaged; moved it to quarantine and serving the others",
                {{"block", name}, {"err", why}, {"moved_to", target}});
}

Status Db::LoadBlocks() {
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.ListDir(options_.dir));
  std::vector<BlockEntry> loaded;
  for (const std::string& name : names) {
    const std::string path = JoinPath(options_.dir, name);
    if (name.ends_with(kTmpSuffix) &&
        IsValidUlid(std::string_view(name).substr(0, name.size() - kTmpSuffix.size()))) {
      // A block write that did not finish (crash): never part of the database.
      OSPREY_RETURN_IF_ERROR(fs_.RemoveAll(path));
      continue;
    }
    if (!IsValidUlid(name)) continue;
    Result<BlockEntry> e = OpenBlockEntry(path);
    if (!e.ok()) {
      Quarantine(name, e.status());
      continue;
    }
    loaded.push_back(std::move(e).value());
  }
  // A compaction (or tombstone cleanup) that crashed after writing its result but before
  // deleting its inputs left blocks whose data another block holds: drop them.
  std::vector<BlockEntry> kept;
  for (const BlockEntry& x : loaded) {
    const BlockMeta& xm = x.block->meta();
    bool superseded = false;
    for (const BlockEntry& y : loaded) {
      const BlockMeta& ym = y.block->meta();
      if (&x == &y || !Includes(ym.sources, xm.sources)) continue;
      if (ym.compaction_level > xm.compaction_level ||
          (ym.compaction_level == xm.compaction_level && ym.ulid > xm.ulid)) {
        superseded = true;
        break;
      }
    }
    if (!superseded) {
      kept.push_back(x);
      continue;
    }
    logger_.Warn("Deleting a block that a later compaction replaced", {{"block", xm.ulid}});
    OSPREY_RETURN_IF_ERROR(fs_.RemoveAll(x.block->dir()));
  }
  std::sort(kept.begin(), kept.end(), [](const BlockEntry& a, const BlockEntry& b) {
    const BlockMeta& am = a.block->meta();
    const BlockMeta& bm = b.block->meta();
    return am.range.min != bm.range.min ? am.range.min < bm.range.min : am.ulid < bm.ulid;
  });
  if (!kept.empty())
    logger_.Info("Blocks loaded", {{"blocks", static_cast<uint64_t>(kept.size())}});
  MutexLock lock(mu_);
  blocks_ = std::move(kept);
  return OkStatus();
}

Status Db::Close() {
  if (closed_.exchange(true)) return OkStatus();
  if (loop_.joinable()) {
    loop_.request_stop();
    loop_.join();
  }
  MutexLock lock(compaction_mu_);  // lets a running Delete or Snapshot finish
  return head_ != nullptr ? head_->Close() : OkStatus();
}

std::unique_ptr<storage::Appender> Db::NewAppender() {
  return std::make_unique<DbAppender>(*this, head_->NewAppender());
}

Result<std::unique_ptr<storage::Querier>> Db::NewQuerier(model::TimeRange range) {
  // The head first: see the invariants at the top.
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> head_q, head_->NewQuerier(range));
  std::vector<std::unique_ptr<storage::Querier>> parts;
  for (const BlockEntry& e : BlocksSnapshot()) {
    if (!e.block->meta().range.Overlaps(range)) continue;
    OSPREY_ASSIGN_OR_RETURN(auto q, e.block->NewQuerier(range, e.tombstones));
    parts.push_back(std::move(q));
  }
  parts.push_back(std::move(head_q));
  return NewMergeQuerier(std::move(parts));
}

std::vector<BlockMeta> Db::Blocks() const {
  MutexLock lock(mu_);
  std::vector<BlockMeta> out;
  out.reserve(blocks_.size());
  for (const BlockEntry& e : blocks_) out.push_back(e.block->meta());
  return out;
}

std::vector<Db::BlockEntry> Db::BlocksSnapshot() const {
  MutexLock lock(mu_);
  return blocks_;
}

void Db::UpdateBlockMetrics() {
  uint64_t bytes = 0;
  size_t n = 0;
  {
    MutexLock lock(mu_);
    n = blocks_.size();
    for (const BlockEntry& e : blocks_) bytes += e.block->index_bytes() + e.block->data_bytes();
  }
  metrics_->blocks_loaded.Set(static_cast<double>(n));
  metrics_->blocks_bytes.Set(static_cast<double>(bytes));
}

BlockWriterOptions Db::WriterOptions(int level, std::vector<std::string> sources) const {
  BlockWriterOptions o = options_.block_writer;
  o.compaction_level = level;
  o.sources = std::move(sources);
  o.clock = &clock_;
  return o;
}

bool Db::HeadCompactable() const {
  const int64_t mint = head_->MinTime();
  const int64_t maxt = head_->MaxTime();
  if (mint > maxt) return false;  // empty
  // 128 bits: the span of arbitrary timestamps may not fit 64.
  return static_cast<__int128>(maxt) - mint > options_.min_block_duration_ms / 2 * 3;
}

void Db::RequestCompaction() {
  {
    MutexLock lock(loop_mu_);
    if (compact_requested_) return;
    compact_requested_ = true;
  }
  loop_cv_.notify_one();
}

void Db::Run(std::stop_token stop) {
  const auto interval = std::chrono::milliseconds(options_.compaction_interval_ms);
  bool backoff = false;
  while (!stop.stop_requested()) {
    loop_mu_.Lock();
    // After a failure, requests wait for the next interval: a full disk must not turn every
    // commit into a failing compaction.
    loop_cv_.wait_for(loop_mu_, stop, interval, [this, backoff]() OSPREY_NO_THREAD_SAFETY_ANALYSIS {
      return !backoff && compact_requested_;
    });
    compact_requested_ = false;
    loop_mu_.Unlock();
    if (stop.stop_requested()) break;
    Status st = Compact();
    backoff = !st.ok();
    if (!st.ok()) logger_.Error("Compaction failed; retrying later", {{"err", st}});
  }
}

}  // namespace osprey::tsdb
