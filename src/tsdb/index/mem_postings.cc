// Invariants:
//  - A series id is in all_ only while every one of its labels is indexed: Add inserts
//    into all_ last, Delete removes from all_ first. Select relies on it (see
//    mem_postings_select.cc).
//  - names_ only grows; a Name with no values stays (label names are few).
#include "tsdb/index/mem_postings.h"

#include <algorithm>
#include <functional>

#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

// Keeps the `limit` rows with the largest values (ties: smallest name).
class TopN {
 public:
  explicit TopN(size_t limit) : limit_(limit) {}

  // `make_name` is only called when the row may enter the list.
  template <typename MakeName>
  void Push(uint64_t value, MakeName&& make_name) {
    if (limit_ == 0) return;
    if (rows_.size() == limit_ && value < rows_.front().value) return;
    IndexStat row{.name = make_name(), .value = value};
    if (rows_.size() == limit_) {
      if (!Before(row, rows_.front())) return;
      std::pop_heap(rows_.begin(), rows_.end(), Before);
      rows_.back() = std::move(row);
    } else {
      rows_.push_back(std::move(row));
    }
    std::push_heap(rows_.begin(), rows_.end(), Before);
  }

  std::vector<IndexStat> Take() && {
    std::sort_heap(rows_.begin(), rows_.end(), Before);
    return std::move(rows_);
  }

 private:
  // Heap order: the front is the row that sorts last.
  static bool Before(const IndexStat& a, const IndexStat& b) {
    if (a.value != b.value) return a.value > b.value;
    return a.name < b.name;
  }

  size_t limit_;
  std::vector<IndexStat> rows_;
};

}  // namespace

MemPostings::MemPostings(SymbolTable& symbols) : symbols_(symbols) {}

MemPostings::~MemPostings() = default;

MemPostings::Name* MemPostings::FindName(std::string_view name) const {
  ReaderLock lock(names_mu_);
  auto it = std::lower_bound(
      names_.begin(), names_.end(), name,
      [](const std::unique_ptr<Name>& n, std::string_view v) { return n->name < v; });
  if (it == names_.end() || (*it)->name != name) return nullptr;
  return it->get();
}

MemPostings::Name* MemPostings::GetOrCreateName(std::string_view name) {
  if (Name* found = FindName(name)) return found;
  WriterLock lock(names_mu_);
  auto it = std::lower_bound(
      names_.begin(), names_.end(), name,
      [](const std::unique_ptr<Name>& n, std::string_view v) { return n->name < v; });
  if (it != names_.end() && (*it)->name == name) return it->get();
  auto created = std::make_unique<Name>();
  created->name = symbols_.Lookup(symbols_.Intern(name));
  return names_.insert(it, std::move(created))->get();
}

std::vector<MemPostings::Name*> MemPostings::SnapshotNames() const {
  ReaderLock lock(names_mu_);
  std::vector<Name*> out;
  out.reserve(names_.size());
  for (const auto& n : names_) out.push_back(n.get());
  return out;
}

void MemPostings::Add(uint32_t id, const model::Labels& labels) {
  for (const model::Label& l : labels) {
    if (l.value.empty()) continue;  // an empty value is an absent label
    Name* name = GetOrCreateName(l.name);
    WriterLock lock(name->mu);
    name->values.Add(l.value, id, symbols_);
  }
  WriterLock lock(all_mu_);
  all_.add(id);
}

void MemPostings::Delete(uint32_t id, const model::Labels& labels) {
  {
    WriterLock lock(all_mu_);
    all_.remove(id);
  }
  for (const model::Label& l : labels) {
    Name* name = FindName(l.name);
    if (name == nullptr) continue;
    WriterLock lock(name->mu);
    name->values.Remove(l.value, id);
  }
}

Roaring MemPostings::All() const {
  ReaderLock lock(all_mu_);
  return all_;
}

Roaring MemPostings::Get(std::string_view name, std::string_view value) const {
  const Name* n = FindName(name);
  if (n == nullptr) return {};
  ReaderLock lock(n->mu);
  const Roaring* p = n->values.Find(value);
  return p == nullptr ? Roaring() : *p;
}

size_t MemPostings::NumSeries() const {
  ReaderLock lock(all_mu_);
  return all_.cardinality();
}

std::vector<std::string> MemPostings::LabelNames(const Roaring* restrict_to) const {
  std::vector<std::string> out;
  for (Name* name : SnapshotNames()) {
    ReaderLock lock(name->mu);
    bool found = false;
    if (restrict_to == nullptr) {
      found = name->values.NumValues() > 0;
    } else {
      for (size_t pos = 0; pos < name->values.NumPositions() && !found; ++pos) {
        found = name->values.At(pos).postings.intersect(*restrict_to);
      }
    }
    if (found) out.emplace_back(name->name);
  }
  return out;
}

std::vector<std::string> MemPostings::LabelValues(std::string_view name,
                                                  const Roaring* restrict_to) const {
  std::vector<std::string> out;
  const Name* n = FindName(name);
  if (n == nullptr) return out;
  ReaderLock lock(n->mu);
  n->values.ForEachSorted([&](const LabelPostings::Entry& e) {
    if (restrict_to == nullptr || e.postings.intersect(*restrict_to)) out.emplace_back(e.value);
  });
  return out;
}

IndexStats MemPostings::Stats(size_t limit) const {
  IndexStats stats;
  stats.num_series = NumSeries();
  TopN metrics(limit), value_counts(limit), memory(limit), pairs(limit);
  for (Name* name : SnapshotNames()) {
    ReaderLock lock(name->mu);
    const size_t num_values = name->values.NumValues();
    if (num_values == 0) continue;
    const bool is_metric_name = name->name == model::kMetricName;
    stats.num_label_pairs += num_values;
    value_counts.Push(num_values, [&] { return std::string(name->name); });
    size_t bytes = sizeof(Name) + name->name.size() + name->values.MemoryBytes();
    name->values.ForEachSorted([&](const LabelPostings::Entry& e) {
      bytes += e.value.size();
      uint64_t series = e.postings.cardinality();
      if (is_metric_name) metrics.Push(series, [&] { return std::string(e.value); });
      pairs.Push(series, [&] {
        std::string pair(name->name);
        pair += '=';
        pair += e.value;
        return pair;
      });
    });
    memory.Push(bytes, [&] { return std::string(name->name); });
  }
  stats.series_count_by_metric_name = std::move(metrics).Take();
  stats.label_value_count_by_label_name = std::move(value_counts).Take();
  stats.memory_in_bytes_by_label_name = std::move(memory).Take();
  stats.series_count_by_label_value_pair = std::move(pairs).Take();
  return stats;
}

void MemPostings::Optimize() {
  for (Name* name : SnapshotNames()) {
    WriterLock lock(name->mu);
    name->values.Optimize();
  }
  WriterLock lock(all_mu_);
  all_.runOptimize();
  all_.shrinkToFit();
}

size_t MemPostings::MemoryBytes() const {
  size_t bytes = sizeof(*this);
  for (Name* name : SnapshotNames()) {
    ReaderLock lock(name->mu);
    bytes += sizeof(std::unique_ptr<Name>) + sizeof(Name) + name->values.MemoryBytes();
  }
  ReaderLock lock(all_mu_);
  return bytes + LabelPostings::BitmapBytes(all_) - sizeof(Roaring);
}

}  // namespace osprey::tsdb
