#include "tsdb/head/series_map.h"

namespace osprey::tsdb {

MemSeries::MemSeries(uint32_t id, uint64_t hash, const model::Labels& labels, SymbolTable& symbols)
    : id_(id),
      num_labels_(static_cast<uint16_t>(labels.size())),
      hash_(hash),
      syms_(std::make_unique<uint32_t[]>(2 * labels.size())) {
  for (size_t i = 0; i < labels.size(); ++i) {
    syms_[2 * i] = symbols.Intern(labels[i].name);
    syms_[2 * i + 1] = symbols.Intern(labels[i].value);
  }
}

model::Labels MemSeries::labels(const SymbolTable& symbols) const {
  std::vector<model::Label> out;
  out.reserve(num_labels_);
  for (uint16_t i = 0; i < num_labels_; ++i) {
    out.push_back(model::Label{std::string(symbols.Lookup(syms_[2 * i])),
                               std::string(symbols.Lookup(syms_[2 * i + 1]))});
  }
  return model::Labels(std::move(out));
}

bool MemSeries::HasLabels(const model::Labels& labels, const SymbolTable& symbols) const {
  if (labels.size() != num_labels_) return false;
  for (uint16_t i = 0; i < num_labels_; ++i) {
    if (symbols.Lookup(syms_[2 * i]) != labels[i].name ||
        symbols.Lookup(syms_[2 * i + 1]) != labels[i].value) {
      return false;
    }
  }
  return true;
}

std::string_view MemSeries::metric_name(const SymbolTable& symbols) const {
  for (uint16_t i = 0; i < num_labels_; ++i) {
    if (symbols.Lookup(syms_[2 * i]) == model::kMetricName) return symbols.Lookup(syms_[2 * i + 1]);
  }
  return {};
}

SeriesMap::SeriesMap()
    : stripes_(std::make_unique<Stripe[]>(kStripes)),
      segments_(std::make_unique<std::atomic<Segment*>[]>(kSegments)) {}

SeriesMap::~SeriesMap() {
  for (size_t i = 0; i < kSegments; ++i) delete segments_[i].load(std::memory_order_relaxed);
}

MemSeries* SeriesMap::GetById(uint32_t id) const {
  Segment* seg = segments_[id >> kSegmentBits].load(std::memory_order_acquire);
  if (seg == nullptr) return nullptr;
  return (*seg)[id & ((1u << kSegmentBits) - 1)].load(std::memory_order_acquire);
}

MemSeries* SeriesMap::GetByLabels(uint64_t hash, const model::Labels& labels,
                                  const SymbolTable& symbols) const {
  const Stripe& stripe = stripes_[hash & (kStripes - 1)];
  MutexLock lock(stripe.mu);
  auto [begin, end] = stripe.by_hash.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    if (it->second->HasLabels(labels, symbols)) return it->second.get();
  }
  return nullptr;
}

std::pair<MemSeries*, bool> SeriesMap::GetOrCreate(
    uint64_t hash, const model::Labels& labels, const SymbolTable& symbols,
    const std::function<std::unique_ptr<MemSeries>()>& make) {
  Stripe& stripe = stripes_[hash & (kStripes - 1)];
  MemSeries* created = nullptr;
  {
    MutexLock lock(stripe.mu);
    auto [begin, end] = stripe.by_hash.equal_range(hash);
    for (auto it = begin; it != end; ++it) {
      if (it->second->HasLabels(labels, symbols)) return {it->second.get(), false};
    }
    std::unique_ptr<MemSeries> s = make();
    if (s == nullptr) return {nullptr, false};
    created = s.get();
    stripe.by_hash.emplace(hash, std::move(s));
  }
  PublishId(created);
  return {created, true};
}

void SeriesMap::PublishId(MemSeries* s) {
  uint32_t id = s->id();
  std::atomic<Segment*>& slot = segments_[id >> kSegmentBits];
  Segment* seg = slot.load(std::memory_order_acquire);
  if (seg == nullptr) {
    MutexLock lock(segment_alloc_mu_);
    seg = slot.load(std::memory_order_acquire);
    if (seg == nullptr) {
      seg = new Segment();  // value-initialised: all null
      slot.store(seg, std::memory_order_release);
    }
  }
  (*seg)[id & ((1u << kSegmentBits) - 1)].store(s, std::memory_order_release);
}

std::unique_ptr<MemSeries> SeriesMap::Remove(const MemSeries& s) {
  std::unique_ptr<MemSeries> out;
  Stripe& stripe = stripes_[s.hash() & (kStripes - 1)];
  {
    MutexLock lock(stripe.mu);
    auto [begin, end] = stripe.by_hash.equal_range(s.hash());
    for (auto it = begin; it != end; ++it) {
      if (it->second.get() == &s) {
        out = std::move(it->second);
        stripe.by_hash.erase(it);
        break;
      }
    }
  }
  if (out == nullptr) return out;
  Segment* seg = segments_[s.id() >> kSegmentBits].load(std::memory_order_acquire);
  if (seg != nullptr) {
    MemSeries* expected = out.get();
    (*seg)[s.id() & ((1u << kSegmentBits) - 1)].compare_exchange_strong(expected, nullptr,
                                                                        std::memory_order_acq_rel);
  }
  return out;
}

void SeriesMap::ForEach(const std::function<void(MemSeries&)>& fn) const {
  for (size_t i = 0; i < kStripes; ++i) {
    const Stripe& stripe = stripes_[i];
    std::vector<MemSeries*> batch;
    {
      MutexLock lock(stripe.mu);
      batch.reserve(stripe.by_hash.size());
      for (const auto& [h, s] : stripe.by_hash) batch.push_back(s.get());
    }
    for (MemSeries* s : batch) fn(*s);
  }
}

}  // namespace osprey::tsdb
