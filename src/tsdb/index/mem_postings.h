// MemPostings: the head's inverted index, (label name, label value) -> roaring bitmap of
// series ids, plus the bitmap of all series. Answers label matchers with Prometheus's
// PostingsForMatchers semantics, and the label name/value listings of the HTTP API.
//
//   SymbolTable symbols;
//   MemPostings postings(symbols);
//   postings.Add(7, Labels::FromStrings({"__name__", "up", "job", "api"}));
//   std::vector<Matcher> ms = {Matcher::MustCreate(MatchType::kEqual, "job", "api")};
//   Roaring ids = postings.Select(ms);  // {7}
//
// Series ids are the head's dense uint32 ids. Deleting a series and reusing its id while
// a query runs can leave the old id in that query's result; the head must either delay
// reuse past in-flight queries or re-check each series' labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <roaring/roaring.hh>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "model/matcher.h"
#include "tsdb/index/label_postings.h"
#include "tsdb/index/rw_mutex.h"

namespace osprey::tsdb {

class SymbolTable;
namespace index_internal {
struct SelectPlan;  // a matcher's evaluation plan, mem_postings_select.cc
}

// One row of a top-N list.
struct IndexStat {
  std::string name;
  uint64_t value = 0;
  friend bool operator==(const IndexStat&, const IndexStat&) = default;
};

// For /api/v1/status/tsdb. Each list is sorted by value descending (ties by name) and
// holds at most the requested number of rows.
struct IndexStats {
  uint64_t num_series = 0;
  uint64_t num_label_pairs = 0;  // distinct (name, value) pairs
  std::vector<IndexStat> series_count_by_metric_name;
  std::vector<IndexStat> label_value_count_by_label_name;
  // Real memory of the index per label name: value bytes plus entry and bitmap bytes
  // (Prometheus instead reports sum(len(value) * series); ours is what the index holds).
  std::vector<IndexStat> memory_in_bytes_by_label_name;
  // name "job=api".
  std::vector<IndexStat> series_count_by_label_value_pair;
};

// Thread-safe. Locks: one reader-writer lock for the (rarely changing) list of label
// names, one per label name over its values and bitmaps, and one for the all-series
// bitmap; none is held while another is taken, except a SymbolTable shard lock (a leaf).
// Add and Delete take each of the series' label names' locks exclusively in turn; Select
// holds a name's lock shared while it looks up and copies bitmaps, and evaluates a regex
// over more than a few thousand values outside the lock. Locks prefer writers.
class MemPostings {
 public:
  // `symbols` stores the label names and values and must outlive this index.
  explicit MemPostings(SymbolTable& symbols);
  ~MemPostings();
  MemPostings(const MemPostings&) = delete;
  MemPostings& operator=(const MemPostings&) = delete;

  // Indexes series `id` under each of its labels. Cost per label: a binary search and a
  // bitmap insert under that name's lock; a value new to its name is interned and
  // inserted in O(sqrt(values of the name)) amortized. Adding an id twice is harmless.
  void Add(uint32_t id, const model::Labels& labels);
  // Removes series `id`, which must have been added with the same `labels`.
  void Delete(uint32_t id, const model::Labels& labels);

  // The series matching every matcher, with Prometheus's semantics: a series lacking a
  // label has the empty value for it, so a matcher that matches "" also selects series
  // without that label ({foo=""}, {foo!="bar"}, {foo=~"bar|"}). Empty `matchers` select
  // nothing. Matchers are evaluated cheapest first (=, =~ literal sets, =~ with a literal
  // prefix, other regexes, then those matching ""), intersecting positive results and
  // subtracting the rest; only-negative sets start from all series.
  Roaring Select(std::span<const model::Matcher> matchers) const;

  // All series ids.
  Roaring All() const;
  // A copy of one pair's postings (empty when absent).
  Roaring Get(std::string_view name, std::string_view value) const;

  // Label names having at least one series (in `restrict_to`, when not null), sorted.
  std::vector<std::string> LabelNames(const Roaring* restrict_to) const;
  // Values of `name` having at least one series (in `restrict_to`, when not null), sorted.
  std::vector<std::string> LabelValues(std::string_view name, const Roaring* restrict_to) const;

  size_t NumSeries() const;

  // Top `limit` rows of each statistic. Walks the whole index: O(label pairs).
  IndexStats Stats(size_t limit) const;

  // Run-length encodes and shrinks all bitmaps and frees vector slack. Takes each name's
  // lock exclusively in turn; meant for a background pass after bulk loading (WAL replay)
  // and at head truncation.
  void Optimize();

  // Approximate heap bytes of the index, excluding the SymbolTable.
  size_t MemoryBytes() const;

 private:
  struct Name;
  using Plan = index_internal::SelectPlan;

  // Names are never removed, so the pointers stay valid for the index's lifetime.
  Name* FindName(std::string_view name) const;
  Name* GetOrCreateName(std::string_view name);
  std::vector<Name*> SnapshotNames() const;

  // The union of the postings of the values `plan` wants (mem_postings_select.cc).
  Roaring UnionOf(const Name& name, const Plan& plan) const;

  SymbolTable& symbols_;

  mutable RwMutex names_mu_;
  // Sorted by name.
  std::vector<std::unique_ptr<Name>> names_ OSPREY_GUARDED_BY(names_mu_);

  mutable RwMutex all_mu_;
  Roaring all_ OSPREY_GUARDED_BY(all_mu_);
};

// Internal to MemPostings; in the header only so that lock annotations can name `mu`.
struct MemPostings::Name {
  std::string_view name;  // interned in the SymbolTable
  mutable RwMutex mu;
  LabelPostings values OSPREY_GUARDED_BY(mu);
};

}  // namespace osprey::tsdb
