// Property test: Select over random series and random matchers agrees with a brute-force
// scan that evaluates each matcher with plain RE2 (no set or prefix fast paths).
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "tsdb/index/index_test_util.h"
#include "tsdb/index/mem_postings.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;
using testing::Ids;
using testing::Num;

// The reference: = and != compare, =~ and !~ run RE2 anchored on both ends with `.`
// matching newlines, as Prometheus.
class ReferenceMatcher {
 public:
  explicit ReferenceMatcher(const Matcher& m) : m_(m) {
    if (m.IsRegex()) {
      RE2::Options opts;
      opts.set_dot_nl(true);
      re_ = std::make_unique<RE2>("^(?:" + m.value() + ")$", opts);
    }
  }
  const std::string& name() const { return m_.name(); }
  bool Matches(std::string_view v) {
    auto it = memo_.find(v);
    if (it != memo_.end()) return it->second;
    bool base = re_ ? RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_) : v == m_.value();
    bool negated = m_.type() == MatchType::kNotEqual || m_.type() == MatchType::kRegexNoMatch;
    return memo_[std::string(v)] = base != negated;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  const Matcher& m_;
  std::unique_ptr<RE2> re_;
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> memo_;
};

constexpr const char* kNames[] = {"__name__", "a", "b", "c", "id", "missing"};

// Values share prefixes and contain regex metacharacters. "" means the label is absent.
constexpr const char* kValues[] = {"",
                                   "",
                                   "x",
                                   "xy",
                                   "xyz",
                                   "y",
                                   "foo",
                                   "foobar",
                                   "bar",
                                   "FOO",
                                   "/",
                                   "/var",
                                   "/var/lib/a",
                                   "/var/lib/b",
                                   "10.0.1.7:9100",
                                   "10.0.12.17:9100",
                                   "10.0.3.8:9100",
                                   "x|y",
                                   ".",
                                   "a.b",
                                   "line\nbreak",
                                   "ü"};

constexpr const char* kRegexes[] = {".*",
                                    ".+",
                                    "x.*",
                                    "x|y|",
                                    "foo|bar",
                                    "xy?z?",
                                    ".*y",
                                    "[xy].*",
                                    "(?i)FOO.*",
                                    "/var/.*",
                                    "/var/lib/.*|/",
                                    "id-1.*",
                                    "id-[0-9]*7",
                                    "id-11.*|id-2",
                                    "10\\.0\\.[0-9]+\\.[0-9]*7:9100",
                                    "metric_1.*",
                                    "metric_(1|2)",
                                    "a\\.b",
                                    "x\\|y",
                                    "x|y",
                                    "",
                                    "|x",
                                    "line.break",
                                    "(foo)?bar",
                                    "fo+",
                                    "ü|x",
                                    "id-(1|2)3.*",
                                    "metric_.*",
                                    "[^x].*",
                                    "x*"};

Labels RandomSeries(std::mt19937& rng) {
  std::vector<model::Label> labels;
  labels.push_back({"__name__", Num("metric_", rng() % 20)});
  for (const char* name : {"a", "b", "c"}) {
    const char* v = kValues[rng() % std::size(kValues)];
    if (*v != '\0') labels.push_back({name, v});
  }
  labels.push_back({"id", Num("id-", rng() % 12'000)});  // > 4096 values: unlocked scans
  return Labels(std::move(labels));
}

Matcher RandomMatcher(std::mt19937& rng) {
  std::string name = kNames[rng() % std::size(kNames)];
  auto type = static_cast<MatchType>(rng() % 4);
  std::string value;
  if (type == MatchType::kEqual || type == MatchType::kNotEqual || rng() % 4 == 0) {
    value = name == "id" ? Num("id-", rng() % 12'000) : kValues[rng() % std::size(kValues)];
    if (name == "__name__") value = Num("metric_", rng() % 22);
  } else {
    value = kRegexes[rng() % std::size(kRegexes)];
  }
  return Matcher::MustCreate(type, std::move(name), std::move(value));
}

class MemPostingsRandomTest : public ::testing::Test {
 protected:
  std::vector<uint32_t> BruteForce(const std::vector<Matcher>& ms) const {
    std::vector<uint32_t> out;
    if (ms.empty()) return out;
    std::vector<ReferenceMatcher> refs;
    refs.reserve(ms.size());
    for (const Matcher& m : ms) refs.emplace_back(m);
    for (const auto& [id, labels] : live_) {
      bool ok = true;
      for (ReferenceMatcher& r : refs) {
        ok = ok && r.Matches(labels.Get(r.name()));
      }
      if (ok) out.push_back(id);
    }
    return out;
  }

  void CheckRandomQueries(std::mt19937& rng, int queries) {
    for (int q = 0; q < queries; ++q) {
      std::vector<Matcher> ms;
      size_t n = 1 + rng() % 3;
      for (size_t i = 0; i < n; ++i) ms.push_back(RandomMatcher(rng));
      std::string trace;
      for (const Matcher& m : ms) trace += m.ToString() + " ";
      SCOPED_TRACE(trace);
      ASSERT_EQ(Ids(postings_.Select(ms)), BruteForce(ms));
    }
  }

  SymbolTable symbols_;
  MemPostings postings_{symbols_};
  std::map<uint32_t, Labels> live_;
};

TEST_F(MemPostingsRandomTest, SelectAgreesWithBruteForceScan) {
  std::mt19937 rng(42);
  for (uint32_t id = 0; id < 10'000; ++id) {
    Labels l = RandomSeries(rng);
    postings_.Add(id, l);
    live_.emplace(id, std::move(l));
  }
  CheckRandomQueries(rng, 1000);

  // Delete a fifth of the series (tombstones, merges) and check again.
  for (uint32_t id = 0; id < 10'000; id += 5) {
    postings_.Delete(id, live_.at(id));
    live_.erase(id);
  }
  EXPECT_EQ(postings_.NumSeries(), live_.size());
  CheckRandomQueries(rng, 400);

  postings_.Optimize();
  CheckRandomQueries(rng, 200);
}

TEST_F(MemPostingsRandomTest, LabelValuesAgreeWithBruteForce) {
  std::mt19937 rng(7);
  for (uint32_t id = 0; id < 3'000; ++id) {
    Labels l = RandomSeries(rng);
    postings_.Add(id, l);
    live_.emplace(id, std::move(l));
  }
  Roaring restrict_to = postings_.Select(std::vector{testing::ParseMatcher("a=~x.*")});
  for (const char* name : kNames) {
    std::map<std::string, bool> all, restricted;
    for (const auto& [id, labels] : live_) {
      std::string_view v = labels.Get(name);
      if (v.empty()) continue;
      all[std::string(v)] = true;
      if (restrict_to.contains(id)) restricted[std::string(v)] = true;
    }
    std::vector<std::string> want_all, want_restricted;
    for (const auto& [v, _] : all) want_all.push_back(v);
    for (const auto& [v, _] : restricted) want_restricted.push_back(v);
    EXPECT_EQ(postings_.LabelValues(name, nullptr), want_all) << name;
    EXPECT_EQ(postings_.LabelValues(name, &restrict_to), want_restricted) << name;
  }
}

}  // namespace
}  // namespace osprey::tsdb
