#include "storage/exemplars.h"

#include <algorithm>

namespace osprey::storage {

struct ExemplarStore::Series {
  const model::Labels* labels = nullptr;  // the map key
  int64_t count = 0;                      // slots of the ring holding its exemplars
  Exemplar newest;
};

ExemplarStore::ExemplarStore(ExemplarStoreOptions options) : options_(options) {
  MutexLock lock(mu_);
  ring_.resize(static_cast<size_t>(std::max<int64_t>(0, options_.max_exemplars)));
}

ExemplarStore::~ExemplarStore() = default;

Status ExemplarStore::Add(const model::Labels& series, const Exemplar& e) {
  MutexLock lock(mu_);
  if (ring_.empty()) return OkStatus();
  auto it = series_.find(series);
  if (it != series_.end() && it->second->count > 0) {
    const Exemplar& newest = it->second->newest;
    if (newest == e) return AlreadyExistsError("duplicate exemplar");
    if (e.t < newest.t) return OutOfBoundsError("out of order exemplar");
  }
  if (it == series_.end()) {
    it = series_.emplace(series, std::make_unique<Series>()).first;
    it->second->labels = &it->first;
  }
  Slot& slot = ring_[next_];
  if (slot.series != nullptr) {
    if (--slot.series->count == 0 && slot.series != it->second.get()) {
      series_.erase(*slot.series->labels);
    }
  } else {
    ++size_;
  }
  slot.series = it->second.get();
  slot.exemplar = e;
  ++it->second->count;
  it->second->newest = e;
  next_ = (next_ + 1) % ring_.size();
  return OkStatus();
}

std::vector<SeriesExemplars> ExemplarStore::Select(
    model::TimeRange range, std::span<const std::vector<model::Matcher>> selectors) const {
  MutexLock lock(mu_);
  std::map<const Series*, bool> matches;
  std::map<model::Labels, std::vector<Exemplar>> found;
  // Oldest first: the ring from next_ around.
  for (size_t i = 0; i < ring_.size(); ++i) {
    const Slot& slot = ring_[(next_ + i) % ring_.size()];
    if (slot.series == nullptr) continue;
    if (slot.exemplar.t < range.min || slot.exemplar.t > range.max) continue;
    auto [m, inserted] = matches.emplace(slot.series, false);
    if (inserted) {
      const model::Labels& l = *slot.series->labels;
      for (const std::vector<model::Matcher>& selector : selectors) {
        bool all = true;
        for (const model::Matcher& matcher : selector) {
          if (!matcher.Matches(l.Get(matcher.name()))) {
            all = false;
            break;
          }
        }
        if (all) {
          m->second = true;
          break;
        }
      }
    }
    if (m->second) found[*slot.series->labels].push_back(slot.exemplar);
  }
  std::vector<SeriesExemplars> out;
  for (auto& [labels, exemplars] : found) out.push_back({labels, std::move(exemplars)});
  return out;
}

int64_t ExemplarStore::size() const {
  MutexLock lock(mu_);
  return size_;
}

}  // namespace osprey::storage
