#include "ingest/internal/fake_appendable.h"

#include <utility>

namespace osprey::ingest::internal {

// Pending samples are checked against committed and pending ones for order, like a head:
// older than the series' last sample is "out of order sample" (kOutOfBounds); the same
// timestamp with another value is "duplicate sample for timestamp" (kAlreadyExists).
class FakeAppendable::FakeAppender final : public storage::Appender {
 public:
  explicit FakeAppender(FakeAppendable& parent) : parent_(parent) {}

  Result<storage::SeriesRef> Append(storage::SeriesRef hint, const model::Labels& labels,
                                    const model::Sample& sample) override {
    MutexLock lock(parent_.mu_);
    storage::SeriesRef ref = storage::kNoRef;
    if (hint != storage::kNoRef && parent_.by_ref_.count(hint) > 0) {
      ref = hint;
    } else if (labels.empty()) {
      if (hint != storage::kNoRef) {
        return NotFoundError("unknown series ref " + std::to_string(hint));
      }
      return InvalidArgumentError("empty label set");
    } else if (auto it = parent_.by_labels_.find(labels); it != parent_.by_labels_.end()) {
      ref = it->second;
    } else {
      ref = parent_.next_ref_++;
      parent_.by_labels_.emplace(labels, ref);
      parent_.by_ref_.emplace(ref, Series{labels, {}});
      ++parent_.stats_.series_created;
    }
    if (labels.empty()) {
      ++parent_.stats_.appends_with_hint_only;
    } else {
      ++parent_.stats_.appends_with_labels;
    }
    std::optional<model::Sample> last;
    const auto& committed = parent_.by_ref_.at(ref).samples;
    if (!committed.empty()) last = committed.back();
    for (const auto& [r, s] : pending_) {
      if (r == ref) last = s;
    }
    if (last && sample.t < last->t) return OutOfBoundsError("out of order sample");
    if (last && sample.t == last->t && sample.v != last->v) {
      return AlreadyExistsError("duplicate sample for timestamp");
    }
    pending_.emplace_back(ref, sample);
    return ref;
  }

  Status Commit() override {
    MutexLock lock(parent_.mu_);
    ++parent_.stats_.commits;
    if (parent_.commit_error_) return *parent_.commit_error_;
    for (const auto& [ref, s] : pending_) {
      auto it = parent_.by_ref_.find(ref);
      if (it != parent_.by_ref_.end()) it->second.samples.push_back(s);
    }
    pending_.clear();
    return OkStatus();
  }

  void Rollback() override {
    MutexLock lock(parent_.mu_);
    ++parent_.stats_.rollbacks;
    pending_.clear();
  }

 private:
  FakeAppendable& parent_;
  std::vector<std::pair<storage::SeriesRef, model::Sample>> pending_;
};

std::unique_ptr<storage::Appender> FakeAppendable::NewAppender() {
  return std::make_unique<FakeAppender>(*this);
}

std::map<model::Labels, std::vector<model::Sample>> FakeAppendable::Committed() const {
  MutexLock lock(mu_);
  std::map<model::Labels, std::vector<model::Sample>> out;
  for (const auto& [ref, series] : by_ref_) {
    if (!series.samples.empty()) out[series.labels] = series.samples;
  }
  return out;
}

void FakeAppendable::DropSeries(const model::Labels& labels) {
  MutexLock lock(mu_);
  auto it = by_labels_.find(labels);
  if (it == by_labels_.end()) return;
  by_ref_.erase(it->second);
  by_labels_.erase(it);
}

void FakeAppendable::FailCommits(Status status) {
  MutexLock lock(mu_);
  commit_error_ = std::move(status);
}

FakeAppendable::Stats FakeAppendable::stats() const {
  MutexLock lock(mu_);
  return stats_;
}

}  // namespace osprey::ingest::internal
