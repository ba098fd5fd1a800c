// Head::NewAppender: validation at Append(), durability at Commit() (WAL first, then the
// samples become visible).
#include <bit>

#include "tsdb/head/head.h"
#include "tsdb/head/head_metrics.h"
#include "tsdb/head/series_map.h"
#include "tsdb/wal/records.h"

namespace osprey::tsdb {

// Thread-compatible, like every Appender.
class HeadAppender final : public storage::Appender {
 public:
  explicit HeadAppender(Head& head)
      : head_(head), epoch_(head.EnterAppender()), min_valid_(head.MinValidTime()) {}
  ~HeadAppender() override {
    if (!done_) Rollback();
    head_.ExitAppender(epoch_);
  }

  Result<storage::SeriesRef> Append(storage::SeriesRef hint, const model::Labels& labels,
                                    const model::Sample& sample) override {
    // Retried when head truncation collected the series between lookup and lock.
    while (true) {
      MemSeries* s = nullptr;
      if (hint != storage::kNoRef && hint <= UINT32_MAX) {
        s = head_.series_->GetById(static_cast<uint32_t>(hint));
      }
      if (s == nullptr && labels.empty()) {
        // A hint-only append (labels omitted) for a series this head does not know: the
        // caller falls back to sending labels (ingest/series_hint_cache.h).
        return NotFoundError("unknown series ref " + std::to_string(hint));
      }
      bool created = false;
      if (s == nullptr) {
        Result<MemSeries*> r = head_.GetOrCreateSeries(labels, &created);
        if (!r.ok()) {
          Reject(r.status());
          return r.status();
        }
        s = *r;
        if (created) new_series_.push_back(s);
      }
      MutexLock lock(s->mu);
      if (s->removed.load(std::memory_order_relaxed)) {
        if (created) new_series_.pop_back();
        hint = storage::kNoRef;
        continue;
      }
      bool duplicate = false;
      Status st = head_.CheckAppendable(*s, sample.t, sample.v, min_valid_, &duplicate);
      if (!st.ok()) {
        Reject(st);
        return st;
      }
      if (!duplicate) {
        s->pending_commits.fetch_add(1, std::memory_order_relaxed);
        pending_.push_back({s, sample.t, sample.v});
      }
      return storage::SeriesRef{s->id()};
    }
  }

  Status Commit() override {
    done_ = true;
    if (head_.closed_.load()) {
      ReleasePending();
      return FailedPreconditionError("the head is closed");
    }
    // Series created by earlier failed batches go first, so their records precede samples.
    head_.TakeUnloggedSeries(&new_series_);
    std::string series_rec, samples_rec;
    std::string_view records[2];
    size_t n = 0;
    if (!new_series_.empty()) {
      std::vector<RefSeries> rs;
      rs.reserve(new_series_.size());
      for (MemSeries* s : new_series_) rs.push_back({s->id(), s->labels(head_.symbols_)});
      EncodeSeries(rs, series_rec);
      records[n++] = series_rec;
    }
    if (!pending_.empty()) {
      std::vector<RefSample>& rs = ref_samples_;
      rs.clear();
      rs.reserve(pending_.size());
      for (const Head::PendingSample& p : pending_) rs.push_back({p.series->id(), p.t, p.v});
      EncodeSamples(rs, samples_rec);
      records[n++] = samples_rec;
    }
    if (n > 0) {
      Status st = head_.wal_->Log(std::span<const std::string_view>(records, n));
      if (!st.ok()) {
        head_.metrics_->commit_failures.Inc();
        head_.ReturnUnloggedSeries(new_series_);
        ReleasePending();
        new_series_.clear();
        return st.Annotate("write-ahead log");
      }
    }
    uint64_t appended = 0;
    for (const Head::PendingSample& p : pending_) {
      if (head_.AppendToSeries(*p.series, p.t, p.v, min_valid_)) {
        ++appended;
      } else {
        // Another appender got newer samples into this series since Append().
        head_.metrics_->samples_rejected.WithLabels({"out_of_order_at_commit"}).Inc();
      }
      p.series->pending_commits.fetch_sub(1, std::memory_order_relaxed);
    }
    head_.metrics_->samples_appended.Inc(static_cast<double>(appended));
    pending_.clear();
    new_series_.clear();
    return OkStatus();
  }

  void Rollback() override {
    done_ = true;
    ReleasePending();
    // New series stay (they may get samples later) but must reach the WAL first.
    head_.ReturnUnloggedSeries(new_series_);
    new_series_.clear();
  }

 private:
  // Drops the pending samples, letting their series be collected again.
  void ReleasePending() {
    for (const Head::PendingSample& p : pending_) {
      p.series->pending_commits.fetch_sub(1, std::memory_order_relaxed);
    }
    pending_.clear();
  }

  void Reject(const Status& st) {
    const char* reason = "other";
    switch (st.code()) {
      case StatusCode::kOutOfBounds:
        reason = st.message() == "out of order sample" ? "out_of_order" : "out_of_bounds";
        break;
      case StatusCode::kAlreadyExists:
        reason = "duplicate";
        break;
      case StatusCode::kInvalidArgument:
        reason = "invalid_labels";
        break;
      case StatusCode::kResourceExhausted:
        reason = "series_limit";
        break;
      default:
        break;
    }
    head_.metrics_->samples_rejected.WithLabels({reason}).Inc();
  }

  Head& head_;
  const uint64_t epoch_;
  // The head's minimum valid time when the batch began: the whole batch is judged by it
  // (as Prometheus does), so one series' new samples cannot push out another's.
  const int64_t min_valid_;
  std::vector<Head::PendingSample> pending_;
  std::vector<MemSeries*> new_series_;
  std::vector<RefSample> ref_samples_;
  bool done_ = false;
};

std::unique_ptr<storage::Appender> Head::NewAppender() {
  return std::make_unique<HeadAppender>(*this);
}

}  // namespace osprey::tsdb
