// Head::NewQuerier: selects series through the postings index and iterates their samples
// from a snapshot taken under each series' lock (the mmapped chunks are referenced, the
// open chunk and out-of-order samples copied), so readers never hold up appenders.
#include <algorithm>
#include <mutex>

#include "tsdb/head/head.h"
#include "tsdb/head/series_map.h"

namespace osprey::tsdb {
namespace {

struct ChunkRefSpan {
  ChunkDiskRef ref;
  int64_t max_time;
};

// Iterates a snapshot of one series within [mint, maxt]: mmapped chunks, then the copy of
// the open chunk, merged with the out-of-order samples.
class HeadSampleIterator final : public storage::SampleIterator {
 public:
  HeadSampleIterator(const ChunkDiskMapper& mapper, std::vector<ChunkRefSpan> mmapped,
                     std::vector<uint8_t> head_bytes, std::vector<model::Sample> ooo, int64_t mint,
                     int64_t maxt)
      : mapper_(mapper),
        mmapped_(std::move(mmapped)),
        head_bytes_(std::move(head_bytes)),
        ooo_(std::move(ooo)),
        mint_(mint),
        maxt_(maxt) {}

  bool Next() override {
    while (Advance()) {
      if (cur_.t < mint_) continue;
      if (cur_.t > maxt_) return Stop();
      return true;
    }
    return false;
  }

  bool Seek(model::Timestamp t) override {
    if (at_ && cur_.t >= t) return true;
    if (t < mint_) t = mint_;
    // Skip whole chunks that end before t.
    if (!started_) {
      while (chunk_idx_ < mmapped_.size() && mmapped_[chunk_idx_].max_time < t) ++chunk_idx_;
    }
    while (Next()) {
      if (cur_.t >= t) return true;
    }
    return false;
  }

  model::Sample At() const override { return cur_; }
  Status status() const override { return status_; }

 private:
  bool Stop() {
    at_ = false;
    done_ = true;
    return false;
  }

  // Loads the next in-order sample into io_; false when there is none.
  bool NextInOrder() {
    while (true) {
      if (have_chunk_) {
        if (it_.Next()) {
          io_ = {it_.t(), it_.v()};
          return true;
        }
        if (!it_.status().ok()) {
          status_ = it_.status();
          return false;
        }
        have_chunk_ = false;
      }
      if (chunk_idx_ < mmapped_.size()) {
        Result<std::span<const uint8_t>> bytes = mapper_.Chunk(mmapped_[chunk_idx_++].ref);
        if (!bytes.ok()) {
          status_ = bytes.status();
          return false;
        }
        it_ = XorIterator(*bytes);
        have_chunk_ = true;
        continue;
      }
      if (!head_done_) {
        head_done_ = true;
        if (!head_bytes_.empty()) {
          it_ = XorIterator(std::span<const uint8_t>(head_bytes_));
          have_chunk_ = true;
          continue;
        }
      }
      return false;
    }
  }

  bool Advance() {
    if (done_ || !status_.ok()) return Stop();
    if (!started_) {
      started_ = true;
      have_io_ = NextInOrder();
    }
    bool take_ooo = ooo_pos_ < ooo_.size() && (!have_io_ || ooo_[ooo_pos_].t < io_.t);
    if (take_ooo) {
      cur_ = ooo_[ooo_pos_++];
    } else if (have_io_) {
      cur_ = io_;
      have_io_ = NextInOrder();
    } else {
      return Stop();
    }
    if (!status_.ok()) return Stop();
    at_ = true;
    return true;
  }

  const ChunkDiskMapper& mapper_;
  std::vector<ChunkRefSpan> mmapped_;
  std::vector<uint8_t> head_bytes_;
  std::vector<model::Sample> ooo_;
  const int64_t mint_, maxt_;
  size_t chunk_idx_ = 0;
  size_t ooo_pos_ = 0;
  XorIterator it_;
  bool have_chunk_ = false;
  bool head_done_ = false;
  bool started_ = false;
  bool have_io_ = false;
  bool at_ = false;
  bool done_ = false;
  model::Sample io_;
  model::Sample cur_;
  Status status_;
};

class EmptyIterator final : public storage::SampleIterator {
 public:
  bool Next() override { return false; }
  bool Seek(model::Timestamp) override { return false; }
  model::Sample At() const override { return {}; }
  Status status() const override { return OkStatus(); }
};

}  // namespace

class HeadSeries final : public storage::Series {
 public:
  HeadSeries(const Head& head, MemSeries* s, model::Labels labels, int64_t mint, int64_t maxt,
             bool series_only)
      : head_(head),
        s_(s),
        labels_(std::move(labels)),
        mint_(mint),
        maxt_(maxt),
        series_only_(series_only) {}

  const model::Labels& labels() const override { return labels_; }

  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    if (series_only_) return std::make_unique<EmptyIterator>();
    std::vector<ChunkRefSpan> mmapped;
    std::vector<uint8_t> head_bytes;
    std::vector<model::Sample> ooo;
    Intervals deleted;
    {
      MutexLock lock(s_->mu);
      deleted = s_->deleted;
      for (const MmappedChunk& c : s_->mmapped) {
        if (c.max_time >= mint_ && c.min_time <= maxt_) mmapped.push_back({c.ref, c.max_time});
      }
      if (!s_->head_chunk.empty() && s_->head_chunk.MaxTime() >= mint_ &&
          s_->head_chunk.MinTime() <= maxt_) {
        std::span<const uint8_t> b = s_->head_chunk.bytes();
        head_bytes.assign(b.begin(), b.end());
      }
      for (const model::Sample& x : s_->ooo) {
        if (x.t >= mint_ && x.t <= maxt_) ooo.push_back(x);
      }
    }
    return FilterDeleted(
        std::make_unique<HeadSampleIterator>(*head_.chunks_, std::move(mmapped),
                                             std::move(head_bytes), std::move(ooo), mint_, maxt_),
        std::move(deleted));
  }

 private:
  const Head& head_;
  MemSeries* const s_;
  const model::Labels labels_;
  const int64_t mint_, maxt_;
  const bool series_only_;
};

namespace {

// Whether `s` may hold a sample in [mint, maxt] that is not deleted (false only when its
// tombstones cover everything it holds there).
bool HasVisibleSamples(MemSeries& s, int64_t mint, int64_t maxt) {
  if (!s.has_deletions.load(std::memory_order_acquire)) return true;
  MutexLock lock(s.mu);
  // Time spans of the data held: completed chunks, the open chunk, out-of-order samples.
  std::vector<model::TimeRange> spans;
  for (const MmappedChunk& c : s.mmapped) spans.push_back({c.min_time, c.max_time});
  if (!s.head_chunk.empty()) spans.push_back({s.head_chunk.MinTime(), s.head_chunk.MaxTime()});
  for (const model::Sample& x : s.ooo) spans.push_back({x.t, x.t});
  for (const model::TimeRange& r : spans) {
    const model::TimeRange in{std::max(r.min, mint), std::min(r.max, maxt)};
    if (in.min <= in.max && !IsCovered(s.deleted, in)) return true;
  }
  return false;
}

class HeadSeriesSet final : public storage::SeriesSet {
 public:
  explicit HeadSeriesSet(std::vector<std::unique_ptr<HeadSeries>> series)
      : series_(std::move(series)) {}
  bool Next() override {
    if (pos_ >= series_.size()) return false;
    ++pos_;
    return true;
  }
  const storage::Series& At() const override { return *series_[pos_ - 1]; }
  Status status() const override { return OkStatus(); }

 private:
  std::vector<std::unique_ptr<HeadSeries>> series_;
  size_t pos_ = 0;
};

}  // namespace

// Holds the chunk-truncation lock shared for its lifetime, so the mmapped chunks its
// iterators read cannot be deleted underneath them.
class HeadQuerier final : public storage::Querier {
 public:
  HeadQuerier(const Head& head, model::TimeRange range)
      : head_(head), range_(range), lock_(head.chunk_truncate_mu_) {}

  // Head iterators own copies of the open chunk and read mmapped chunks under the
  // mapper's lock: safe to advance on different threads.
  bool ConcurrentIterators() const override { return true; }

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             std::span<const model::Matcher> matchers) override {
    if (matchers.empty()) return storage::EmptySeriesSet();
    int64_t mint = std::max(range_.min, hints.start);
    int64_t maxt = std::min(range_.max, hints.end);
    Roaring ids = head_.postings_.Select(matchers);
    std::vector<std::unique_ptr<HeadSeries>> out;
    out.reserve(ids.cardinality());
    for (uint32_t id : ids) {
      MemSeries* s = head_.series_->GetById(id);
      if (s == nullptr) continue;
      // A series without samples yet (created by an append still pending or rejected) has
      // max_time_hint == kMinTimestamp and is skipped here.
      if (s->max_time_hint.load(std::memory_order_relaxed) == model::kMinTimestamp ||
          s->min_time_hint.load(std::memory_order_relaxed) > maxt ||
          s->max_time_hint.load(std::memory_order_relaxed) < mint ||
          !HasVisibleSamples(*s, mint, maxt)) {
        continue;
      }
      out.push_back(std::make_unique<HeadSeries>(head_, s, s->labels(head_.symbols_), mint, maxt,
                                                 hints.series_only));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a->labels() < b->labels(); });
    return std::make_unique<HeadSeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher> matchers) override {
    if (matchers.empty()) return head_.postings_.LabelNames(nullptr);
    Roaring ids = head_.postings_.Select(matchers);
    return head_.postings_.LabelNames(&ids);
  }

  Result<std::vector<std::string>> LabelValues(std::string_view name,
                                               std::span<const model::Matcher> matchers) override {
    if (matchers.empty()) return head_.postings_.LabelValues(name, nullptr);
    Roaring ids = head_.postings_.Select(matchers);
    return head_.postings_.LabelValues(name, &ids);
  }

 private:
  const Head& head_;
  const model::TimeRange range_;
  std::shared_lock<std::shared_mutex> lock_;
};

Result<std::unique_ptr<storage::Querier>> Head::NewQuerier(model::TimeRange range) {
  return std::unique_ptr<storage::Querier>(new HeadQuerier(*this, range));
}

}  // namespace osprey::tsdb
