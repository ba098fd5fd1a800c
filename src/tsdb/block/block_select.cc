// SelectSeries: label matchers over a block's postings, with the same semantics as the
// head's MemPostings::Select (src/tsdb/index/mem_postings_select.cc), i.e. Prometheus's
// PostingsForMatchers. A matcher m on name n selects S(m) = {s : m.Matches(s[n])}, s[n]
// being "" when s lacks n. If m does not match "", S(m) is the union of the postings of
// the values m matches (intersect); otherwise S(m) = all - T(m), T(m) the union of the
// postings of the values m does not match (subtract). The values to visit are found by
// lookups for = and literal sets, a prefix range for regexes with a literal prefix, else a
// scan of the name's values.
#include <algorithm>

#include "tsdb/block/internal/block_index.h"

namespace osprey::tsdb::block_internal {
namespace {

struct Plan {
  const model::Matcher* m = nullptr;
  bool intersect = true;  // else subtract
  // The values taken are those with m->Matches(v) == want.
  bool want = true;
  // The taken values are those the base test (== value, or the regex) accepts, so the
  // lookups and prefix ranges of the base test apply.
  bool direct = true;
  int rank = 0;
};

bool IsNegated(model::MatchType t) {
  return t == model::MatchType::kNotEqual || t == model::MatchType::kRegexNoMatch;
}

const ValueEntry* FindValue(const NameEntry& name, std::string_view value) {
  auto it = std::lower_bound(name.values.begin(), name.values.end(), value,
                             [](const ValueEntry& e, std::string_view v) { return e.value < v; });
  return it != name.values.end() && it->value == value ? &*it : nullptr;
}

// The union of the postings of the values `plan` takes.
Result<Roaring> UnionOf(const NameEntry& name, const Plan& plan, uint32_t num_series) {
  const model::Matcher& m = *plan.m;
  std::vector<const ValueEntry*> entries;
  if (plan.direct && !m.IsRegex()) {
    if (const ValueEntry* e = FindValue(name, m.value())) entries.push_back(e);
  } else if (plan.direct && !m.SetMatches().empty()) {
    for (const std::string& v : m.SetMatches()) {
      if (const ValueEntry* e = FindValue(name, v)) entries.push_back(e);
    }
  } else {
    const std::string_view prefix = plan.direct ? std::string_view(m.LiteralPrefix()) : "";
    auto it = std::lower_bound(name.values.begin(), name.values.end(), prefix,
                               [](const ValueEntry& e, std::string_view v) { return e.value < v; });
    for (; it != name.values.end() && it->value.starts_with(prefix); ++it) {
      if (m.Matches(it->value) == plan.want) entries.push_back(&*it);
    }
  }
  Roaring out;
  for (const ValueEntry* e : entries) {
    OSPREY_ASSIGN_OR_RETURN(Roaring p, DecodePostings(e->postings, num_series));
    out |= p;
  }
  return out;
}

}  // namespace

Result<Roaring> SelectSeries(const ParsedIndex& index, std::span<const model::Matcher> matchers) {
  if (matchers.empty()) return Roaring();
  const uint32_t num_series = static_cast<uint32_t>(index.series.size());
  std::vector<Plan> plans;
  bool any_intersect = false;
  for (const model::Matcher& m : matchers) {
    if (m.IsRegex() && m.value() == ".*") {
      // Matches every value and "": =~ selects everything, !~ nothing.
      if (m.type() == model::MatchType::kRegexMatch) continue;
      return Roaring();
    }
    Plan p;
    p.m = &m;
    p.want = !m.MatchesEmpty();
    p.intersect = p.want;
    p.direct = p.want != IsNegated(m.type());
    int cost = 3;
    if (p.direct && !m.IsRegex()) {
      cost = 0;
    } else if (p.direct && !m.SetMatches().empty()) {
      cost = 1;
    } else if (p.direct && !m.LiteralPrefix().empty()) {
      cost = 2;
    }
    p.rank = (p.intersect ? 0 : 10) + cost;
    any_intersect |= p.intersect;
    plans.push_back(p);
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const Plan& a, const Plan& b) { return a.rank < b.rank; });
  Roaring result;
  bool started = false;
  if (!any_intersect) {
    result.addRange(0, num_series);
    started = true;
  }
  for (const Plan& plan : plans) {
    const NameEntry* name = index.FindName(plan.m->name());
    if (plan.intersect) {
      if (name == nullptr) return Roaring();
      OSPREY_ASSIGN_OR_RETURN(Roaring u, UnionOf(*name, plan, num_series));
      if (!started) {
        result = std::move(u);
        started = true;
      } else {
        result &= u;
      }
    } else {
      if (name == nullptr) continue;
      OSPREY_ASSIGN_OR_RETURN(Roaring u, UnionOf(*name, plan, num_series));
      result -= u;
    }
    if (result.isEmpty()) return result;
  }
  return result;
}

}  // namespace osprey::tsdb::block_internal
