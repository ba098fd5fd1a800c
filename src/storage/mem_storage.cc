// Invariants: every MemSeries in series_ is also in by_ref_ under its ref; refs only grow
// (next_ref_ is never reset, not even by Clear), so a ref never names two label sets.
// Samples of a series are sorted by time with unique times.
#include "storage/mem_storage.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace osprey::storage {

class MemAppender final : public Appender {
 public:
  explicit MemAppender(MemStorage& db) : db_(db) {}

  Result<SeriesRef> Append(SeriesRef hint, const model::Labels& labels,
                           const model::Sample& sample) override {
    SeriesRef ref = kNoRef;
    if (hint != kNoRef && db_.Known(hint)) {
      ref = hint;
    } else if (hint != kNoRef && labels.empty()) {
      return NotFoundError("unknown series ref " + std::to_string(hint));
    } else {
      OSPREY_ASSIGN_OR_RETURN(ref, db_.GetOrCreate(labels));
    }
    pending_.push_back({.ref = ref, .sample = sample});
    return ref;
  }

  Status Commit() override {
    db_.Apply(pending_);
    pending_.clear();
    return OkStatus();
  }

  void Rollback() override { pending_.clear(); }

 private:
  MemStorage& db_;
  std::vector<MemStorage::PendingSample> pending_;
};

namespace {

constexpr size_t kBeforeFirst = static_cast<size_t>(-1);

class VectorIterator final : public SampleIterator {
 public:
  explicit VectorIterator(const std::vector<model::Sample>& samples) : samples_(samples) {}

  bool Next() override {
    if (pos_ == kBeforeFirst) {
      pos_ = 0;
    } else if (pos_ < samples_.size()) {
      ++pos_;
    }
    return pos_ < samples_.size();
  }
  bool Seek(model::Timestamp t) override {
    if (pos_ == kBeforeFirst) pos_ = 0;
    if (pos_ >= samples_.size()) return false;
    if (samples_[pos_].t >= t) return true;
    auto it =
        std::lower_bound(samples_.begin() + static_cast<std::ptrdiff_t>(pos_), samples_.end(), t,
                         [](const model::Sample& s, model::Timestamp x) { return s.t < x; });
    pos_ = static_cast<size_t>(it - samples_.begin());
    return pos_ < samples_.size();
  }
  model::Sample At() const override {
    OSPREY_CHECK(pos_ < samples_.size()) << "At() without a current sample";
    return samples_[pos_];
  }
  Status status() const override { return OkStatus(); }

 private:
  // Lifetime: owned by the series set, which outlives the iterators it hands out.
  const std::vector<model::Sample>& samples_;
  size_t pos_ = kBeforeFirst;
};

class MemSeriesView final : public Series {
 public:
  MemSeriesView(model::Labels labels, std::vector<model::Sample> samples)
      : labels_(std::move(labels)), samples_(std::move(samples)) {}
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    return std::make_unique<VectorIterator>(samples_);
  }

 private:
  model::Labels labels_;
  std::vector<model::Sample> samples_;
};

class MemSeriesSet final : public SeriesSet {
 public:
  explicit MemSeriesSet(std::vector<std::unique_ptr<MemSeriesView>> series)
      : series_(std::move(series)) {}
  bool Next() override {
    if (pos_ == kBeforeFirst) {
      pos_ = 0;
    } else if (pos_ < series_.size()) {
      ++pos_;
    }
    return pos_ < series_.size();
  }
  const Series& At() const override {
    OSPREY_CHECK(pos_ < series_.size()) << "At() without a current series";
    return *series_[pos_];
  }
  Status status() const override { return OkStatus(); }

 private:
  // Iterators may outlive Next(), so each series keeps its own samples until the set dies.
  std::vector<std::unique_ptr<MemSeriesView>> series_;
  size_t pos_ = kBeforeFirst;
};

}  // namespace

class MemQuerier final : public Querier {
 public:
  MemQuerier(const MemStorage& db, model::TimeRange range) : db_(db), range_(range) {}

  // Iterators read their set's private copies of the samples.
  bool ConcurrentIterators() const override { return true; }

  std::unique_ptr<SeriesSet> Select(const SelectHints& hints,
                                    std::span<const model::Matcher> matchers) override {
    model::Timestamp mint = std::max(range_.min, hints.start);
    model::Timestamp maxt = std::min(range_.max, hints.end);
    std::vector<std::unique_ptr<MemSeriesView>> out;
    for (MemStorage::MemSeries& s : db_.Snapshot(mint, maxt, matchers)) {
      if (hints.series_only) s.samples.clear();
      out.push_back(std::make_unique<MemSeriesView>(std::move(s.labels), std::move(s.samples)));
    }
    return std::make_unique<MemSeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher> matchers) override {
    std::set<std::string> names;
    for (const MemStorage::MemSeries& s : db_.Snapshot(range_.min, range_.max, matchers)) {
      for (const model::Label& l : s.labels) names.insert(l.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Result<std::vector<std::string>> LabelValues(std::string_view name,
                                               std::span<const model::Matcher> matchers) override {
    std::set<std::string> values;
    for (const MemStorage::MemSeries& s : db_.Snapshot(range_.min, range_.max, matchers)) {
      std::string_view v = s.labels.Get(name);
      if (!v.empty()) values.emplace(v);
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  const MemStorage& db_;
  const model::TimeRange range_;
};

std::unique_ptr<Appender> MemStorage::NewAppender() { return std::make_unique<MemAppender>(*this); }

Result<std::unique_ptr<Querier>> MemStorage::NewQuerier(model::TimeRange range) {
  return std::unique_ptr<Querier>(std::make_unique<MemQuerier>(*this, range));
}

void MemStorage::Clear() {
  MutexLock lock(mu_);
  by_ref_.clear();
  series_.clear();
}

size_t MemStorage::NumSeries() const {
  MutexLock lock(mu_);
  return series_.size();
}

size_t MemStorage::NumSamples() const {
  MutexLock lock(mu_);
  size_t n = 0;
  for (const auto& [labels, s] : series_) n += s->samples.size();
  return n;
}

Result<SeriesRef> MemStorage::GetOrCreate(const model::Labels& labels) {
  if (labels.empty()) return InvalidArgumentError("empty label set");
  for (size_t i = 1; i < labels.size(); ++i) {
    if (labels[i].name == labels[i - 1].name) {
      return InvalidArgumentError("label set has duplicate label name \"" + labels[i].name + "\"");
    }
  }
  MutexLock lock(mu_);
  auto it = series_.find(labels);
  if (it != series_.end()) return it->second->ref;
  auto s = std::make_unique<MemSeries>();
  s->ref = next_ref_++;
  s->labels = labels;
  SeriesRef ref = s->ref;
  by_ref_[ref] = s.get();
  series_.emplace(labels, std::move(s));
  return ref;
}

bool MemStorage::Known(SeriesRef ref) const {
  MutexLock lock(mu_);
  return by_ref_.contains(ref);
}

void MemStorage::Apply(const std::vector<PendingSample>& batch) {
  MutexLock lock(mu_);
  for (const PendingSample& p : batch) {
    auto it = by_ref_.find(p.ref);
    if (it == by_ref_.end()) continue;  // cleared since Append
    std::vector<model::Sample>& samples = it->second->samples;
    if (samples.empty() || samples.back().t < p.sample.t) {
      samples.push_back(p.sample);  // the common, in-order case
      continue;
    }
    auto pos = std::lower_bound(samples.begin(), samples.end(), p.sample.t,
                                [](const model::Sample& s, model::Timestamp t) { return s.t < t; });
    if (pos != samples.end() && pos->t == p.sample.t) {
      *pos = p.sample;
    } else {
      samples.insert(pos, p.sample);
    }
  }
}

std::vector<MemStorage::MemSeries> MemStorage::Snapshot(
    model::Timestamp mint, model::Timestamp maxt, std::span<const model::Matcher> matchers) const {
  std::vector<MemSeries> out;
  if (mint > maxt) return out;
  MutexLock lock(mu_);
  for (const auto& entry : series_) {
    const model::Labels& labels = entry.first;
    const MemSeries* s = entry.second.get();
    bool match = std::all_of(matchers.begin(), matchers.end(), [&](const model::Matcher& m) {
      return m.Matches(labels.Get(m.name()));
    });
    if (!match) continue;
    auto lo = std::lower_bound(s->samples.begin(), s->samples.end(), mint,
                               [](const model::Sample& x, model::Timestamp t) { return x.t < t; });
    auto hi = std::upper_bound(lo, s->samples.end(), maxt,
                               [](model::Timestamp t, const model::Sample& x) { return t < x.t; });
    if (lo == hi) continue;
    out.push_back(MemSeries{.ref = s->ref, .labels = labels, .samples = {lo, hi}});
  }
  return out;
}

}  // namespace osprey::storage
