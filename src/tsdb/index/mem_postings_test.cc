#include "tsdb/index/mem_postings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tsdb/index/index_test_util.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using testing::Ids;
using testing::Num;

Matcher M(std::string_view spec) { return testing::ParseMatcher(spec); }

class MemPostingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    series_ = {
        {1, Labels::FromStrings({"__name__", "up", "job", "node", "instance", "a:9100"})},
        {2, Labels::FromStrings({"__name__", "up", "job", "node", "instance", "b:9100"})},
        {3, Labels::FromStrings(
                {"__name__", "up", "job", "api", "instance", "a:8080", "env", "prod"})},
        {4, Labels::FromStrings({"__name__", "fs_avail", "job", "node", "instance", "a:9100",
                                 "mountpoint", "/", "fstype", "ext4"})},
        {5, Labels::FromStrings({"__name__", "fs_avail", "job", "node", "instance", "a:9100",
                                 "mountpoint", "/var/lib/docker", "fstype", "overlay"})},
        {6, Labels::FromStrings({"__name__", "fs_avail", "job", "node", "instance", "a:9100",
                                 "mountpoint", "/run", "fstype", "tmpfs"})},
        {7, Labels::FromStrings({"__name__", "fs_avail", "job", "node", "instance", "b:9100",
                                 "mountpoint", "/", "fstype", "xfs"})},
        {8, Labels::FromStrings({"__name__", "cpu", "job", "node", "instance", "b:9100", "cpu", "0",
                                 "mode", "idle", "env", "dev"})},
        {9, Labels::FromStrings({"__name__", "cpu", "job", "node", "instance", "b:9100", "cpu", "1",
                                 "mode", "idle", "env", ""})},
        {10, Labels::FromStrings({"__name__", "weird", "job", "x\ny", "path", "a|b"})},
    };
    for (const auto& [id, labels] : series_) postings_.Add(id, labels);
  }

  // The reference semantics: every matcher matches the label's value ("" when absent).
  std::vector<uint32_t> BruteForce(const std::vector<Matcher>& ms) const {
    std::vector<uint32_t> out;
    if (ms.empty()) return out;
    for (const auto& [id, labels] : series_) {
      bool ok = true;
      for (const Matcher& m : ms) ok = ok && m.Matches(labels.Get(m.name()));
      if (ok) out.push_back(id);
    }
    return out;
  }

  SymbolTable symbols_;
  MemPostings postings_{symbols_};
  std::map<uint32_t, Labels> series_;
};

struct SelectCase {
  std::vector<std::string_view> matchers;
  std::vector<uint32_t> want;
};

TEST_F(MemPostingsTest, SelectFollowsPrometheusMatcherSemantics) {
  const std::vector<uint32_t> all = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<SelectCase> cases = {
      {{"__name__=up"}, {1, 2, 3}},
      {{"job!=node"}, {3, 10}},
      // Matchers that match "" also select series without the label.
      {{"env="}, {1, 2, 4, 5, 6, 7, 9, 10}},
      {{"env!="}, {3, 8}},
      {{"env!=prod"}, {1, 2, 4, 5, 6, 7, 8, 9, 10}},
      {{"env=~prod|"}, {1, 2, 3, 4, 5, 6, 7, 9, 10}},
      {{"env=~prod|dev"}, {3, 8}},
      {{"env!~prod|dev"}, {1, 2, 4, 5, 6, 7, 9, 10}},
      {{"env!~prod|"}, {8}},
      {{"env=~.+"}, {3, 8}},
      {{"env!~.+"}, {1, 2, 4, 5, 6, 7, 9, 10}},
      {{"env=~.*", "__name__=up"}, {1, 2, 3}},
      {{"env=~p.*", "env!=prod"}, {}},
      // Regexes: prefixes, sets, anchoring, case.
      {{"mountpoint=~/|/var/lib/.*"}, {4, 5, 7}},
      {{"__name__=fs_avail", "mountpoint=~/|/var/lib/.*", "fstype!=tmpfs"}, {4, 5, 7}},
      {{"__name__=fs_avail", "fstype!~tmp.*|overlay"}, {4, 7}},
      {{"instance=~a:.*"}, {1, 3, 4, 5, 6}},
      {{"instance=~.*:9100"}, {1, 2, 4, 5, 6, 7, 8, 9}},
      {{"instance=~(a|b):9100"}, {1, 2, 4, 5, 6, 7, 8, 9}},
      {{"instance=~a:9100|b:.*"}, {1, 2, 4, 5, 6, 7, 8, 9}},
      {{"instance=~a:9100"}, {1, 4, 5, 6}},
      {{"instance=~a"}, {}},
      {{"instance=~b.*", "job=node"}, {2, 7, 8, 9}},
      {{"mode=~IDLE"}, {}},
      {{"mode=~(?i)IDLE"}, {8, 9}},
      {{"cpu=~[01]", "mode!=user"}, {8, 9}},
      {{"mountpoint!~/run"}, {1, 2, 3, 4, 5, 7, 8, 9, 10}},
      {{"fstype=~ext4|xfs|", "__name__=fs_avail"}, {4, 7}},
      // Values with regex metacharacters and newlines.
      {{"job=x\ny"}, {10}},
      {{"job=~x.y"}, {10}},
      {{"path=a|b"}, {10}},
      {{"path=~a\\|b"}, {10}},
      {{"path=~a|b"}, {}},
      // Unknown label names behave as an empty value everywhere.
      {{"unknown=x"}, {}},
      {{"unknown="}, all},
      {{"unknown!=x"}, all},
      {{"unknown=~.+"}, {}},
      {{"unknown!~.+"}, all},
      {{"unknown=~bar|"}, all},
      {{"__name__=up", "unknown=x"}, {}},
      // Match-everything and match-nothing regexes.
      {{"job=~.*"}, all},
      {{"job!~.*"}, {}},
      {{"job=~.+"}, all},
      // Several matchers.
      {{"__name__=up", "__name__=cpu"}, {}},
      {{"__name__=~up|cpu", "mode=idle"}, {8, 9}},
      {{"job!=", "env!="}, {3, 8}},
      {{"__name__=up", "env=", "job!~api"}, {1, 2}},
      {{"job!=api", "env!=dev", "__name__!=fs_avail"}, {1, 2, 9, 10}},
      {{}, {}},
  };
  for (const SelectCase& c : cases) {
    std::vector<Matcher> ms;
    std::string trace;
    for (std::string_view spec : c.matchers) {
      ms.push_back(M(spec));
      trace += ms.back().ToString() + " ";
    }
    SCOPED_TRACE(trace);
    EXPECT_EQ(Ids(postings_.Select(ms)), c.want);
    EXPECT_EQ(BruteForce(ms), c.want) << "case expectation disagrees with Matcher";
  }
}

TEST_F(MemPostingsTest, DeleteRemovesSeriesFromEveryPosting) {
  postings_.Delete(3, series_.at(3));
  postings_.Delete(8, series_.at(8));
  EXPECT_EQ(postings_.NumSeries(), 8u);
  EXPECT_THAT(Ids(postings_.Select(std::vector{M("env!=")})), IsEmpty());
  EXPECT_EQ(Ids(postings_.Select(std::vector{M("__name__=up")})), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(Ids(postings_.Select(std::vector{M("job!=node")})), (std::vector<uint32_t>{10}));
  EXPECT_THAT(postings_.LabelValues("env", nullptr), IsEmpty());
  EXPECT_THAT(postings_.LabelNames(nullptr), ::testing::Not(::testing::Contains("env")));
  // Re-adding a deleted value revives it.
  postings_.Add(11, Labels::FromStrings({"__name__", "up", "env", "prod"}));
  EXPECT_EQ(Ids(postings_.Select(std::vector{M("env=prod")})), (std::vector<uint32_t>{11}));
}

TEST_F(MemPostingsTest, AddingSameSeriesTwiceIsHarmless) {
  postings_.Add(1, series_.at(1));
  EXPECT_EQ(postings_.NumSeries(), 10u);
  EXPECT_EQ(Ids(postings_.Get("instance", "a:9100")), (std::vector<uint32_t>{1, 4, 5, 6}));
}

TEST_F(MemPostingsTest, LabelNamesAreSortedAndRestrictable) {
  EXPECT_THAT(postings_.LabelNames(nullptr),
              ElementsAre("__name__", "cpu", "env", "fstype", "instance", "job", "mode",
                          "mountpoint", "path"));
  Roaring restrict_to = Roaring::bitmapOf(2, 1, 3);
  EXPECT_THAT(postings_.LabelNames(&restrict_to),
              ElementsAre("__name__", "env", "instance", "job"));
  Roaring none;
  EXPECT_THAT(postings_.LabelNames(&none), IsEmpty());
}

TEST_F(MemPostingsTest, LabelValuesAreSortedAndRestrictable) {
  EXPECT_THAT(postings_.LabelValues("__name__", nullptr),
              ElementsAre("cpu", "fs_avail", "up", "weird"));
  EXPECT_THAT(postings_.LabelValues("instance", nullptr),
              ElementsAre("a:8080", "a:9100", "b:9100"));
  Roaring restrict_to = postings_.Select(std::vector{M("__name__=fs_avail")});
  EXPECT_THAT(postings_.LabelValues("instance", &restrict_to), ElementsAre("a:9100", "b:9100"));
  EXPECT_THAT(postings_.LabelValues("unknown", nullptr), IsEmpty());
}

TEST_F(MemPostingsTest, StatsReportTopEntries) {
  IndexStats stats = postings_.Stats(2);
  EXPECT_EQ(stats.num_series, 10u);
  // __name__ 4, job 3, instance 3, env 2, mountpoint 3, fstype 4, cpu 2, mode 1, path 1.
  EXPECT_EQ(stats.num_label_pairs, 23u);
  EXPECT_THAT(stats.series_count_by_metric_name,
              ElementsAre(IndexStat{"fs_avail", 4}, IndexStat{"up", 3}));
  EXPECT_THAT(stats.label_value_count_by_label_name,
              ElementsAre(IndexStat{"__name__", 4}, IndexStat{"fstype", 4}));
  EXPECT_THAT(stats.series_count_by_label_value_pair,
              ElementsAre(IndexStat{"job=node", 8}, IndexStat{"__name__=fs_avail", 4}));
  ASSERT_EQ(stats.memory_in_bytes_by_label_name.size(), 2u);
  EXPECT_GT(stats.memory_in_bytes_by_label_name[0].value, 0u);
  EXPECT_GE(stats.memory_in_bytes_by_label_name[0].value,
            stats.memory_in_bytes_by_label_name[1].value);
  EXPECT_THAT(postings_.Stats(0).series_count_by_metric_name, IsEmpty());
}

TEST_F(MemPostingsTest, OptimizeKeepsContents) {
  postings_.Delete(5, series_.at(5));
  postings_.Optimize();
  EXPECT_EQ(Ids(postings_.Select(std::vector{M("instance=~a:.*")})),
            (std::vector<uint32_t>{1, 3, 4, 6}));
  EXPECT_GT(postings_.MemoryBytes(), 0u);
}

TEST(MemPostingsManyValuesTest, KeepsValuesSortedThroughMergesAndTombstones) {
  SymbolTable symbols;
  MemPostings postings(symbols);
  // Pseudo-random insertion order over 20k values, then delete every third series.
  constexpr uint32_t kN = 20'000;
  std::vector<std::string> values(kN);
  for (uint32_t i = 0; i < kN; ++i) {
    uint32_t k = (i * 7919u) % kN;
    values[k] = Num("v", 100'000 + k);
    postings.Add(k, Labels::FromStrings({"__name__", "m", "id", values[k]}));
  }
  for (uint32_t k = 0; k < kN; k += 3) {
    postings.Delete(k, Labels::FromStrings({"__name__", "m", "id", values[k]}));
  }
  std::vector<std::string> want;
  for (uint32_t k = 0; k < kN; ++k) {
    if (k % 3 != 0) want.push_back(values[k]);
  }
  EXPECT_EQ(postings.LabelValues("id", nullptr), want);
  // A regex scan over more values than the in-lock threshold.
  // k % 10 == 7: 2000 values, less the 666 with k % 30 == 27.
  EXPECT_EQ(postings.Select(std::vector{M("id=~v1[0-9]*7")}).cardinality(), 1334u);
  EXPECT_EQ(postings.Select(std::vector{M("id=~v10000[0-9]")}).cardinality(), 6u);
}

}  // namespace
}  // namespace osprey::tsdb
