// NewMergeQuerier: a k-way merge of series sets by labels and of sample iterators by time.
// k is small (the blocks overlapping a query plus the head), so each step scans all parts
// instead of keeping a heap.
#include "tsdb/db/merge_querier.h"

#include <algorithm>
#include <set>

namespace osprey::tsdb {
namespace {

class MergeIterator final : public storage::SampleIterator {
 public:
  explicit MergeIterator(std::vector<std::unique_ptr<storage::SampleIterator>> parts)
      : parts_(std::move(parts)), valid_(parts_.size(), false) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < parts_.size(); ++i) valid_[i] = parts_[i]->Next();
      return Pick();
    }
    if (!at_) return false;
    // Every part on the sample just returned moves past it (duplicates included).
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (valid_[i] && parts_[i]->At().t == cur_.t) valid_[i] = parts_[i]->Next();
    }
    return Pick();
  }

  bool Seek(model::Timestamp t) override {
    if (at_ && cur_.t >= t) return true;
    if (started_ && !at_) return false;
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (!started_ || (valid_[i] && parts_[i]->At().t < t)) valid_[i] = parts_[i]->Seek(t);
    }
    started_ = true;
    return Pick();
  }

  model::Sample At() const override { return cur_; }

  Status status() const override {
    for (const auto& p : parts_) {
      if (Status s = p->status(); !s.ok()) return s;
    }
    return OkStatus();
  }

 private:
  // Positions on the smallest timestamp among the parts; the last part holding it wins.
  bool Pick() {
    at_ = false;
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (!valid_[i]) {
        if (!parts_[i]->status().ok()) return false;
        continue;
      }
      const model::Sample s = parts_[i]->At();
      if (!at_ || s.t <= cur_.t) {
        cur_ = s;
        at_ = true;
      }
    }
    return at_;
  }

  std::vector<std::unique_ptr<storage::SampleIterator>> parts_;
  std::vector<bool> valid_;
  model::Sample cur_;
  bool started_ = false;
  bool at_ = false;
};

class MergedSeries final : public storage::Series {
 public:
  void Reset(model::Labels labels, std::vector<const storage::Series*> parts) {
    labels_ = std::move(labels);
    parts_ = std::move(parts);
  }
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    std::vector<std::unique_ptr<storage::SampleIterator>> its;
    its.reserve(parts_.size());
    for (const storage::Series* p : parts_) its.push_back(p->Iterator());
    return NewMergeIterator(std::move(its));
  }

 private:
  model::Labels labels_;
  // Each stays valid until its set's next Next(), which MergeSeriesSet delays until its own.
  std::vector<const storage::Series*> parts_;
};

class MergeSeriesSet final : public storage::SeriesSet {
 public:
  explicit MergeSeriesSet(std::vector<std::unique_ptr<storage::SeriesSet>> sets)
      : sets_(std::move(sets)), valid_(sets_.size(), false) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sets_.size(); ++i) valid_[i] = sets_[i]->Next();
    } else {
      // The sets on the series just returned move on only now, so its parts stayed valid.
      for (size_t i : current_) valid_[i] = sets_[i]->Next();
    }
    current_.clear();
    const model::Labels* min = nullptr;
    for (size_t i = 0; i < sets_.size(); ++i) {
      if (!valid_[i]) continue;
      const model::Labels& l = sets_[i]->At().labels();
      if (min == nullptr || l < *min) {
        min = &l;
        current_.assign(1, i);
      } else if (l == *min) {
        current_.push_back(i);
      }
    }
    if (current_.empty() || !status().ok()) return false;
    if (current_.size() > 1) {
      std::vector<const storage::Series*> parts;
      parts.reserve(current_.size());
      for (size_t i : current_) parts.push_back(&sets_[i]->At());
      merged_.Reset(*min, std::move(parts));
    }
    return true;
  }

  const storage::Series& At() const override {
    if (current_.size() == 1) return sets_[current_[0]]->At();
    return merged_;
  }

  Status status() const override {
    for (const auto& s : sets_) {
      if (Status st = s->status(); !st.ok()) return st;
    }
    return OkStatus();
  }

 private:
  std::vector<std::unique_ptr<storage::SeriesSet>> sets_;
  std::vector<bool> valid_;
  std::vector<size_t> current_;  // ascending: the sets on the current series
  MergedSeries merged_;
  bool started_ = false;
};

class MergeQuerier final : public storage::Querier {
 public:
  explicit MergeQuerier(std::vector<std::unique_ptr<storage::Querier>> parts)
      : parts_(std::move(parts)) {}

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             std::span<const model::Matcher> matchers) override {
    std::vector<std::unique_ptr<storage::SeriesSet>> sets;
    sets.reserve(parts_.size());
    for (const auto& p : parts_) sets.push_back(p->Select(hints, matchers));
    return std::make_unique<MergeSeriesSet>(std::move(sets));
  }

  bool ConcurrentIterators() const override {
    for (const auto& p : parts_) {
      if (!p->ConcurrentIterators()) return false;
    }
    return true;
  }

  Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher> matchers) override {
    return Union([&](storage::Querier& q) { return q.LabelNames(matchers); });
  }

  Result<std::vector<std::string>> LabelValues(std::string_view name,
                                               std::span<const model::Matcher> matchers) override {
    return Union([&](storage::Querier& q) { return q.LabelValues(name, matchers); });
  }

 private:
  template <typename Fn>
  Result<std::vector<std::string>> Union(Fn fn) {
    std::set<std::string> all;
    for (const auto& p : parts_) {
      OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> part, fn(*p));
      all.insert(std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    return std::vector<std::string>(all.begin(), all.end());
  }

  std::vector<std::unique_ptr<storage::Querier>> parts_;
};

}  // namespace

std::unique_ptr<storage::Querier> NewMergeQuerier(
    std::vector<std::unique_ptr<storage::Querier>> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<MergeQuerier>(std::move(parts));
}

std::unique_ptr<storage::SampleIterator> NewMergeIterator(
    std::vector<std::unique_ptr<storage::SampleIterator>> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<MergeIterator>(std::move(parts));
}

}  // namespace osprey::tsdb
