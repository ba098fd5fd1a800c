#include "tsdb/index/label_postings.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "base/check.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

constexpr size_t kMinDeltaSize = 32;
constexpr size_t kMinTombstonesToCompact = 64;

bool ValueLess(const LabelPostings::Entry& e, std::string_view v) { return e.value < v; }

// The first position in sorted `entries` whose value does not start with `prefix`,
// searching from `from` (whose value is >= prefix).
size_t PrefixEnd(const std::vector<LabelPostings::Entry>& entries, size_t from,
                 std::string_view prefix) {
  auto it = std::partition_point(
      entries.begin() + static_cast<ptrdiff_t>(from), entries.end(),
      [&](const LabelPostings::Entry& e) { return e.value.substr(0, prefix.size()) == prefix; });
  return static_cast<size_t>(it - entries.begin());
}

}  // namespace

LabelPostings::Entry* LabelPostings::FindEntry(std::string_view value) {
  auto it = std::lower_bound(main_.begin(), main_.end(), value, ValueLess);
  if (it != main_.end() && it->value == value) return &*it;
  it = std::lower_bound(delta_.begin(), delta_.end(), value, ValueLess);
  if (it != delta_.end() && it->value == value) return &*it;
  return nullptr;
}

const Roaring* LabelPostings::Find(std::string_view value) const {
  Entry* e = const_cast<LabelPostings*>(this)->FindEntry(value);
  if (e == nullptr || e->postings.isEmpty()) return nullptr;
  return &e->postings;
}

void LabelPostings::Add(std::string_view value, uint32_t id, SymbolTable& symbols) {
  OSPREY_DCHECK(!value.empty()) << "empty label value";
  auto it = std::lower_bound(main_.begin(), main_.end(), value, ValueLess);
  if (it != main_.end() && it->value == value) {
    if (it->postings.isEmpty()) --tombstones_;
    it->postings.add(id);
    return;
  }
  it = std::lower_bound(delta_.begin(), delta_.end(), value, ValueLess);
  if (it != delta_.end() && it->value == value) {
    it->postings.add(id);
    return;
  }
  std::string_view stable = symbols.Lookup(symbols.Intern(value));
  it = delta_.insert(it, Entry{.value = stable, .postings = Roaring()});
  it->postings.add(id);
  ++layout_version_;
  size_t limit = std::max(kMinDeltaSize, static_cast<size_t>(std::sqrt(double(main_.size()))));
  if (delta_.size() > limit) MergeDelta();
}

bool LabelPostings::Remove(std::string_view value, uint32_t id) {
  auto it = std::lower_bound(main_.begin(), main_.end(), value, ValueLess);
  if (it != main_.end() && it->value == value) {
    if (!it->postings.removeChecked(id)) return false;
    if (it->postings.isEmpty()) {
      it->postings = Roaring();  // frees the containers
      ++tombstones_;
      if (tombstones_ >= kMinTombstonesToCompact && tombstones_ * 4 > main_.size()) {
        DropTombstones();
      }
    }
    return true;
  }
  it = std::lower_bound(delta_.begin(), delta_.end(), value, ValueLess);
  if (it == delta_.end() || it->value != value) return false;
  if (!it->postings.removeChecked(id)) return false;
  if (it->postings.isEmpty()) {
    delta_.erase(it);
    ++layout_version_;
  }
  return true;
}

std::array<LabelPostings::Range, 2> LabelPostings::PrefixRanges(std::string_view prefix) const {
  std::array<Range, 2> ranges;
  if (prefix.empty()) {
    ranges[0] = {0, main_.size()};
    ranges[1] = {main_.size(), main_.size() + delta_.size()};
    return ranges;
  }
  size_t lo = static_cast<size_t>(std::lower_bound(main_.begin(), main_.end(), prefix, ValueLess) -
                                  main_.begin());
  ranges[0] = {lo, PrefixEnd(main_, lo, prefix)};
  lo = static_cast<size_t>(std::lower_bound(delta_.begin(), delta_.end(), prefix, ValueLess) -
                           delta_.begin());
  size_t hi = PrefixEnd(delta_, lo, prefix);
  ranges[1] = {main_.size() + lo, main_.size() + hi};
  return ranges;
}

void LabelPostings::MergeDelta() {
  // A fresh vector of the exact size: no growth slack, and tombstones drop out.
  std::vector<Entry> merged;
  merged.reserve(main_.size() - tombstones_ + delta_.size());
  auto d = delta_.begin();
  for (Entry& e : main_) {
    while (d != delta_.end() && d->value < e.value) merged.push_back(std::move(*d++));
    if (!e.postings.isEmpty()) merged.push_back(std::move(e));
  }
  std::move(d, delta_.end(), std::back_inserter(merged));
  main_ = std::move(merged);
  delta_.clear();
  tombstones_ = 0;
  ++layout_version_;
}

void LabelPostings::DropTombstones() {
  std::erase_if(main_, [](const Entry& e) { return e.postings.isEmpty(); });
  tombstones_ = 0;
  ++layout_version_;
}

void LabelPostings::Optimize() {
  if (!delta_.empty() || tombstones_ > 0) MergeDelta();
  for (Entry& e : main_) {
    e.postings.runOptimize();
    e.postings.shrinkToFit();
  }
  main_.shrink_to_fit();
  delta_.shrink_to_fit();
}

size_t LabelPostings::BitmapBytes(const Roaring& r) {
  size_t bytes = sizeof(Roaring);
  if (r.isEmpty()) return bytes;
  roaring_statistics_t stats;
  roaring_bitmap_statistics(&r.roaring, &stats);
  // Per container: a pointer, a 16-bit key and a type code in the bitmap's arrays, plus
  // the container struct (16 bytes) and its data.
  bytes += size_t{stats.n_containers} * (sizeof(void*) + 2 + 1 + 16);
  bytes += size_t{stats.n_bytes_array_containers} + stats.n_bytes_run_containers +
           stats.n_bytes_bitset_containers;
  return bytes;
}

size_t LabelPostings::MemoryBytes() const {
  size_t bytes = sizeof(*this) + (main_.capacity() + delta_.capacity()) * sizeof(Entry);
  for (const Entry& e : main_) bytes += BitmapBytes(e.postings) - sizeof(Roaring);
  for (const Entry& e : delta_) bytes += BitmapBytes(e.postings) - sizeof(Roaring);
  return bytes;
}

}  // namespace osprey::tsdb
