// MemPostings::Select: Prometheus's PostingsForMatchers over roaring bitmaps.
//
// In set terms a matcher m on name n selects S(m) = {series s : m.Matches(s[n])}, where
// s[n] is "" when s lacks n, and Select returns the intersection of all S(m). For a
// matcher that does not match "", S(m) is the union of the postings of the values it
// matches (intersect). For one that does, S(m) = all - T(m), T(m) being the union of the
// postings of the values it does NOT match (subtract).
//
// Which values to visit: the matcher's base test is `v == value` for = and !=, the regex
// for =~ and !~. When the wanted values are those the base test accepts ("direct"), an
// equality or a literal set (SetMatches) becomes lookups and a regex scans only the
// values starting with its LiteralPrefix; otherwise ("complement") every value is tested.
//
// Consistency under concurrent Add/Delete: a series is in all_ only while all its labels
// are indexed (Add inserts into all_ last, Delete removes from it first). When several
// matchers combine, or a subtraction starts from all series, the result is intersected
// with all_ as of the query's start and as of its end. A returned series was then fully
// indexed for the whole query, so no half-added or half-deleted series slips past a
// subtraction or an intersection. (A lone intersecting matcher needs neither.)
#include <algorithm>

#include "tsdb/index/mem_postings.h"

namespace osprey::tsdb {
namespace {

// Above this many candidate values, a regex is evaluated outside the name's lock.
constexpr size_t kUnlockedScanThreshold = 4096;

bool IsNegatedType(model::MatchType t) {
  return t == model::MatchType::kNotEqual || t == model::MatchType::kRegexNoMatch;
}

// Below this many bitmaps, pairwise ORs beat fastunion, whose lazy bitset containers
// cost a conversion back for the small unions typical here.
constexpr size_t kFastUnionMin = 8;

Roaring UnionOfBitmaps(std::vector<const Roaring*>& bitmaps) {
  if (bitmaps.empty()) return {};
  if (bitmaps.size() < kFastUnionMin) {
    Roaring out = *bitmaps[0];
    for (size_t i = 1; i < bitmaps.size(); ++i) out |= *bitmaps[i];
    return out;
  }
  return Roaring::fastunion(bitmaps.size(), bitmaps.data());
}

}  // namespace

namespace index_internal {

struct SelectPlan {
  enum class Kind { kSkip, kNothing, kIntersect, kSubtract };

  const model::Matcher* m = nullptr;
  Kind kind = Kind::kIntersect;
  // Evaluation order: smaller first; all intersections before subtractions.
  int rank = 0;
  // The values taken: those with m->Matches(v) == want (true to intersect).
  bool want = true;
  // The taken values are those the base test accepts (else its complement).
  bool direct = true;
  // The taken values are all values (=~".+" direct).
  bool every_value = false;

  // One value's postings, looked up without a scan.
  bool IsSingleLookup() const { return direct && !m->IsRegex(); }
};

}  // namespace index_internal

namespace {

using Plan = index_internal::SelectPlan;

Plan MakePlan(const model::Matcher& m) {
  Plan p;
  p.m = &m;
  if (m.IsRegex() && m.value() == ".*") {
    // Matches every value including "": =~ selects everything, !~ nothing.
    p.kind = m.type() == model::MatchType::kRegexMatch ? Plan::Kind::kSkip : Plan::Kind::kNothing;
    return p;
  }
  const bool negated = IsNegatedType(m.type());
  p.want = !m.MatchesEmpty();
  p.kind = p.want ? Plan::Kind::kIntersect : Plan::Kind::kSubtract;
  p.direct = p.want != negated;
  p.every_value = p.direct && m.IsRegex() && m.value() == ".+";
  int cost;
  if (p.IsSingleLookup()) {
    cost = 0;
  } else if (p.direct && !m.SetMatches().empty()) {
    cost = 1;
  } else if (p.direct && !m.LiteralPrefix().empty()) {
    cost = 2;
  } else {
    cost = 3;
  }
  p.rank = (p.kind == Plan::Kind::kSubtract ? 10 : 0) + cost;
  return p;
}

}  // namespace

Roaring MemPostings::UnionOf(const Name& name, const Plan& plan) const {
  const model::Matcher& m = *plan.m;
  std::vector<const Roaring*> bitmaps;
  // Filled when the regex is to be evaluated outside the lock.
  std::vector<std::pair<std::string_view, size_t>> candidates;
  uint64_t version = 0;
  {
    ReaderLock lock(name.mu);
    if (plan.IsSingleLookup()) {
      if (const Roaring* p = name.values.Find(m.value())) bitmaps.push_back(p);
      return UnionOfBitmaps(bitmaps);
    }
    if (plan.direct && !m.SetMatches().empty()) {
      for (const std::string& v : m.SetMatches()) {
        if (const Roaring* p = name.values.Find(v)) bitmaps.push_back(p);
      }
      return UnionOfBitmaps(bitmaps);
    }
    auto ranges = name.values.PrefixRanges(plan.direct ? std::string_view(m.LiteralPrefix()) : "");
    size_t count = (ranges[0].second - ranges[0].first) + (ranges[1].second - ranges[1].first);
    const bool evaluate = !plan.every_value;
    if (!evaluate || !m.IsRegex() || count <= kUnlockedScanThreshold) {
      for (const LabelPostings::Range& r : ranges) {
        for (size_t pos = r.first; pos < r.second; ++pos) {
          const LabelPostings::Entry& e = name.values.At(pos);
          if (e.postings.isEmpty()) continue;
          if (evaluate && m.Matches(e.value) != plan.want) continue;
          bitmaps.push_back(&e.postings);
        }
      }
      return UnionOfBitmaps(bitmaps);
    }
    // Values are views into the SymbolTable, valid after the lock is released.
    candidates.reserve(count);
    for (const LabelPostings::Range& r : ranges) {
      for (size_t pos = r.first; pos < r.second; ++pos) {
        candidates.emplace_back(name.values.At(pos).value, pos);
      }
    }
    version = name.values.layout_version();
  }
  std::erase_if(candidates, [&](const auto& c) { return m.Matches(c.first) != plan.want; });
  ReaderLock lock(name.mu);
  const bool same_layout = name.values.layout_version() == version;
  for (const auto& [value, pos] : candidates) {
    if (same_layout) {
      const Roaring& p = name.values.At(pos).postings;
      if (!p.isEmpty()) bitmaps.push_back(&p);
    } else if (const Roaring* p = name.values.Find(value)) {
      bitmaps.push_back(p);
    }
  }
  return UnionOfBitmaps(bitmaps);
}

Roaring MemPostings::Select(std::span<const model::Matcher> matchers) const {
  if (matchers.empty()) return {};
  std::vector<Plan> plans;
  plans.reserve(matchers.size());
  bool any_intersect = false;
  size_t effective = 0;
  for (const model::Matcher& m : matchers) {
    Plan p = MakePlan(m);
    if (p.kind == Plan::Kind::kNothing) return {};
    if (p.kind == Plan::Kind::kSkip) continue;
    any_intersect |= p.kind == Plan::Kind::kIntersect;
    ++effective;
    plans.push_back(p);
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const Plan& a, const Plan& b) { return a.rank < b.rank; });

  // See the file comment.
  Roaring all;
  const bool need_all = !any_intersect || effective > 1;
  if (need_all) all = All();
  Roaring result;
  bool started = false;
  if (!any_intersect) {
    result = std::move(all);
    started = true;
  }

  for (const Plan& plan : plans) {
    const Name* name = FindName(plan.m->name());
    if (plan.kind == Plan::Kind::kIntersect) {
      if (name == nullptr) return {};
      if (!started) {
        result = UnionOf(*name, plan);
        started = true;
      } else if (plan.IsSingleLookup()) {
        ReaderLock lock(name->mu);
        const Roaring* p = name->values.Find(plan.m->value());
        if (p == nullptr) return {};
        result &= *p;
      } else {
        result &= UnionOf(*name, plan);
      }
    } else {
      if (name == nullptr) continue;
      if (plan.IsSingleLookup()) {
        ReaderLock lock(name->mu);
        if (const Roaring* p = name->values.Find(plan.m->value())) result -= *p;
      } else {
        result -= UnionOf(*name, plan);
      }
    }
    if (result.isEmpty()) return result;
  }
  if (need_all) {
    if (any_intersect) result &= all;
    // Drops series whose deletion began during the query (see the file comment).
    ReaderLock lock(all_mu_);
    result &= all_;
  }
  return result;
}

}  // namespace osprey::tsdb
