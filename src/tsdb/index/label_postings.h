// LabelPostings: for one label name, each value's postings (the series ids having that
// value), kept sorted by value so that prefix ranges and sorted listings are binary
// searches and merges.
//
// Storage: a large sorted vector `main` plus a small sorted vector `delta` taking new
// values. When `delta` outgrows ~sqrt(|main|) it is merged into `main`, so an insert costs
// O(sqrt(n)) amortized moves instead of O(n). A value whose postings become empty leaves
// a tombstone (an empty bitmap) in `main`, dropped by the next merge or by a compaction
// once tombstones exceed a quarter of `main`.
//
// Entries are addressed by position: [0, main) then [main, main + delta). Positions are
// not in value order across the two parts, and stay valid until layout_version() changes
// (which any insert of a new value, merge or compaction does). MemPostings uses this to
// scan values for a regex without holding its lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <roaring/roaring.hh>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey::tsdb {

class SymbolTable;

// Thread-compatible; MemPostings guards each instance with a lock.
class LabelPostings {
 public:
  struct Entry {
    // Points into the SymbolTable given to Add(): valid for that table's lifetime.
    std::string_view value;
    Roaring postings;  // empty for a tombstone
  };
  // Half-open position ranges.
  using Range = std::pair<size_t, size_t>;

  LabelPostings() = default;
  LabelPostings(const LabelPostings&) = delete;
  LabelPostings& operator=(const LabelPostings&) = delete;

  // Adds `id` to the postings of `value`; a new value's bytes are interned in `symbols`.
  // Requires: `value` is not empty.
  void Add(std::string_view value, uint32_t id, SymbolTable& symbols);
  // Removes `id` from the postings of `value`; false when either was absent.
  bool Remove(std::string_view value, uint32_t id);

  // The postings of `value`; nullptr when it has none. Valid until the next mutation.
  const Roaring* Find(std::string_view value) const;

  // Number of values with non-empty postings.
  size_t NumValues() const { return main_.size() - tombstones_ + delta_.size(); }
  size_t NumPositions() const { return main_.size() + delta_.size(); }
  const Entry& At(size_t pos) const {
    return pos < main_.size() ? main_[pos] : delta_[pos - main_.size()];
  }
  uint64_t layout_version() const { return layout_version_; }

  // The positions of values starting with `prefix` (all values for ""), one range in
  // each part. May include tombstones.
  std::array<Range, 2> PrefixRanges(std::string_view prefix) const;

  // Calls fn(const Entry&) for each value with non-empty postings, in value order.
  template <typename Fn>
  void ForEachSorted(Fn&& fn) const {
    size_t i = 0;
    size_t j = 0;
    while (i < main_.size() || j < delta_.size()) {
      const Entry* e;
      if (j == delta_.size() || (i < main_.size() && main_[i].value < delta_[j].value)) {
        e = &main_[i++];
      } else {
        e = &delta_[j++];
      }
      if (!e->postings.isEmpty()) fn(*e);
    }
  }

  // Run-length encodes and shrinks every bitmap; frees vector slack.
  void Optimize();

  // Approximate heap bytes of the entries and bitmaps (value bytes live in the
  // SymbolTable and are not counted).
  size_t MemoryBytes() const;

  // Approximate heap bytes of one bitmap, from roaring's container statistics.
  static size_t BitmapBytes(const Roaring& r);

 private:
  Entry* FindEntry(std::string_view value);
  void MergeDelta();
  void DropTombstones();

  std::vector<Entry> main_;   // sorted by value
  std::vector<Entry> delta_;  // sorted by value, disjoint from main_, no tombstones
  size_t tombstones_ = 0;     // entries of main_ with empty postings
  uint64_t layout_version_ = 0;
};

}  // namespace osprey::tsdb
