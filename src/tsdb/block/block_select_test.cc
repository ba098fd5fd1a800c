// Matcher semantics over a block's postings, checked against a brute-force evaluation of
// every series' labels, and label name / value listings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "testing/temp_dir.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/block_test_util.h"
#include "tsdb/block/block_writer.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;

class BlockSelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Several label shapes, some series lacking `env` or `code`.
    std::vector<Labels> labels;
    for (int i = 0; i < 300; ++i) {
      std::vector<std::string_view> kv;
      const std::string name = "metric_" + std::to_string(i % 5);
      const std::string inst = "host-" + std::to_string(i % 37);
      const std::string code = std::to_string(200 + (i % 4) * 100);
      const std::string env = i % 3 == 0 ? "prod" : (i % 3 == 1 ? "staging" : "");
      model::LabelsBuilder b;
      b.Set("__name__", name).Set("instance", inst).Set("env", env);
      if (i % 2 == 0) b.Set("code", code);
      labels.push_back(b.Build());
    }
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    PosixFileSystem fs;
    auto w = BlockWriter::Create(fs, dir_.path(), {0, 1000}, {});
    ASSERT_TRUE(w.ok());
    for (const Labels& l : labels) {
      ASSERT_TRUE((*w)->AddSeries(l, std::vector<int64_t>{1, 2}, std::vector<double>{1, 2}).ok());
    }
    auto meta = (*w)->Finish();
    ASSERT_TRUE(meta.ok());
    auto block = Block::Open(JoinPath(dir_.path(), meta->ulid));
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    block_ = *block;
    labels_ = labels;
  }

  std::vector<Labels> Select(const std::vector<Matcher>& ms) {
    auto q = block_->NewQuerier({0, 1000});
    EXPECT_TRUE(q.ok());
    std::vector<Labels> out;
    auto set = (*q)->Select({}, ms);
    while (set->Next()) out.push_back(set->At().labels());
    EXPECT_TRUE(set->status().ok());
    return out;
  }

  std::vector<Labels> Expected(const std::vector<Matcher>& ms) {
    std::vector<Labels> out;
    for (const Labels& l : labels_) {
      if (block_testing::MatchesAll(l, ms)) out.push_back(l);
    }
    return out;
  }

  testing::TempDir dir_;
  std::shared_ptr<Block> block_;
  std::vector<Labels> labels_;
};

TEST_F(BlockSelectTest, MatchersFollowPrometheusSemantics) {
  struct Case {
    std::vector<Matcher> ms;
    bool expect_nonempty;
  };
  auto M = [](MatchType t, std::string n, std::string v) {
    return Matcher::MustCreate(t, std::move(n), std::move(v));
  };
  const MatchType kEq = MatchType::kEqual, kNe = MatchType::kNotEqual, kRe = MatchType::kRegexMatch,
                  kNre = MatchType::kRegexNoMatch;
  const std::vector<Case> cases = {
      {{M(kEq, "__name__", "metric_1")}, true},
      {{M(kEq, "__name__", "nope")}, false},
      {{M(kEq, "env", "")}, true},  // series lacking env
      {{M(kEq, "__name__", "metric_1"), M(kEq, "code", "")}, true},
      {{M(kNe, "env", "prod")}, true},   // includes series lacking env
      {{M(kNe, "nolabel", "x")}, true},  // all series
      {{M(kRe, "env", "prod|")}, true},
      {{M(kRe, "env", "prod|staging")}, true},
      {{M(kRe, "instance", "host-1.*")}, true},
      {{M(kRe, "instance", ".*-3.*")}, true},
      {{M(kRe, "instance", ".+")}, true},
      {{M(kRe, "instance", ".*")}, true},
      {{M(kNre, "instance", ".*")}, false},
      {{M(kNre, "code", "2..|3..")}, true},
      {{M(kNre, "code", ".+")}, true},  // series lacking code
      {{M(kRe, "code", "")}, true},
      {{M(kEq, "__name__", "metric_2"), M(kNe, "code", "300"), M(kRe, "instance", "host-[12].*")},
       true},
      {{M(kEq, "__name__", "metric_2"), M(kNre, "env", "prod|staging")}, true},
      {{M(kNe, "__name__", "metric_0"), M(kNre, "instance", "host-1.*")}, true},
      {{M(kEq, "nolabel", "x")}, false},
      {{M(kRe, "nolabel", "x|")}, true},
  };
  for (const Case& c : cases) {
    std::string desc;
    for (const Matcher& m : c.ms) desc += m.name() + " " + m.value() + "; ";
    const auto want = Expected(c.ms);
    EXPECT_EQ(Select(c.ms), want) << desc;
    EXPECT_EQ(!want.empty(), c.expect_nonempty) << desc;
  }
  EXPECT_TRUE(Select({}).empty());
}

TEST_F(BlockSelectTest, LabelNamesAndValuesFollowMatchers) {
  auto q = block_->NewQuerier({0, 1000});
  ASSERT_TRUE(q.ok());
  auto names = (*q)->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ::testing::ElementsAre("__name__", "code", "env", "instance"));
  auto values = (*q)->LabelValues("env", {});
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ::testing::ElementsAre("prod", "staging"));
  auto none = (*q)->LabelValues("nolabel", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // Series lacking `code`: code="" and env="staging" -> odd i with i % 3 == 1.
  const std::vector<Matcher> no_code = {Matcher::MustCreate(MatchType::kEqual, "code", ""),
                                        Matcher::MustCreate(MatchType::kEqual, "env", "staging")};
  names = (*q)->LabelNames(no_code);
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ::testing::ElementsAre("__name__", "env", "instance"));
  const std::vector<Matcher> m1 = {Matcher::MustCreate(MatchType::kEqual, "__name__", "metric_1")};
  values = (*q)->LabelValues("code", m1);
  ASSERT_TRUE(values.ok());
  std::set<std::string> want;
  for (const Labels& l : Expected(m1)) {
    if (l.Has("code")) want.insert(std::string(l.Get("code")));
  }
  EXPECT_EQ(*values, std::vector<std::string>(want.begin(), want.end()));
}

TEST(BlockSelectLargeTest, PostingsOfManySeriesMatchBruteForce) {
  // Large postings lists are stored as roaring bitmaps, small ones as delta varints.
  block_testing::GeneratorOptions o;
  o.num_series = 5000;
  o.samples_per_series = 2;
  const auto series = block_testing::Generate(o);
  testing::TempDir dir;
  PosixFileSystem fs;
  auto w = BlockWriter::Create(fs, dir.path(), {model::kMinTimestamp, model::kMaxTimestamp}, {});
  ASSERT_TRUE(w.ok());
  for (const auto& s : series) ASSERT_TRUE((*w)->AddSeries(s.labels, s.ts, s.vs).ok());
  auto meta = (*w)->Finish();
  ASSERT_TRUE(meta.ok());
  auto block = Block::Open(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(block.ok());
  auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  const std::vector<std::vector<Matcher>> cases = {
      {Matcher::MustCreate(MatchType::kEqual, "job", "node")},
      {Matcher::MustCreate(MatchType::kEqual, "cpu", "2")},
      {Matcher::MustCreate(MatchType::kNotEqual, "cpu", "2"),
       Matcher::MustCreate(MatchType::kRegexMatch, "instance", "host-4.*")},
  };
  for (const auto& ms : cases) {
    size_t want = 0;
    for (const auto& s : series) want += block_testing::MatchesAll(s.labels, ms);
    size_t got = 0;
    auto set = (*q)->Select({}, ms);
    while (set->Next()) {
      EXPECT_TRUE(block_testing::MatchesAll(set->At().labels(), ms));
      ++got;
    }
    EXPECT_EQ(got, want);
    EXPECT_GT(got, 0u);
  }
}

}  // namespace
}  // namespace osprey::tsdb
