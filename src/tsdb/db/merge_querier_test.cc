#include "tsdb/db/merge_querier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace osprey::tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

using SeriesData = std::map<model::Labels, std::vector<model::Sample>>;

class VectorIterator final : public storage::SampleIterator {
 public:
  explicit VectorIterator(const std::vector<model::Sample>& s) : s_(s) {}
  bool Next() override { return ++pos_ < s_.size(); }
  bool Seek(model::Timestamp t) override {
    if (pos_ == SIZE_MAX) pos_ = 0;
    while (pos_ < s_.size() && s_[pos_].t < t) ++pos_;
    return pos_ < s_.size();
  }
  model::Sample At() const override { return s_[pos_]; }
  Status status() const override { return OkStatus(); }

 private:
  const std::vector<model::Sample>& s_;
  size_t pos_ = SIZE_MAX;
};

// A querier over fixed data (all series match any matcher).
class FakeQuerier final : public storage::Querier {
 public:
  explicit FakeQuerier(SeriesData data) : data_(std::move(data)) {}

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints&,
                                             std::span<const model::Matcher>) override {
    return std::make_unique<Set>(data_);
  }
  Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher>) override {
    std::set<std::string> names;
    for (const auto& [l, s] : data_) {
      for (const model::Label& x : l) names.insert(x.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }
  Result<std::vector<std::string>> LabelValues(std::string_view name,
                                               std::span<const model::Matcher>) override {
    std::set<std::string> values;
    for (const auto& [l, s] : data_) {
      if (l.Has(name)) values.insert(std::string(l.Get(name)));
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  class OneSeries final : public storage::Series {
   public:
    const model::Labels& labels() const override { return it->first; }
    std::unique_ptr<storage::SampleIterator> Iterator() const override {
      return std::make_unique<VectorIterator>(it->second);
    }
    SeriesData::const_iterator it;
  };
  class Set final : public storage::SeriesSet {
   public:
    explicit Set(const SeriesData& d) : d_(d), next_(d.begin()) {}
    bool Next() override {
      if (next_ == d_.end()) return false;
      cur_.it = next_++;
      return true;
    }
    const storage::Series& At() const override { return cur_; }
    Status status() const override { return OkStatus(); }

   private:
    const SeriesData& d_;
    SeriesData::const_iterator next_;
    OneSeries cur_;
  };

  SeriesData data_;
};

model::Labels L(std::string_view job) { return model::Labels::FromStrings({"job", job}); }

std::vector<std::pair<int64_t, double>> Drain(storage::SampleIterator& it) {
  std::vector<std::pair<int64_t, double>> out;
  while (it.Next()) out.emplace_back(it.At().t, it.At().v);
  return out;
}

TEST(MergeQuerierTest, MergesSeriesByLabelsAndLaterPartsWinOnEqualTimestamps) {
  std::vector<std::unique_ptr<storage::Querier>> parts;
  parts.push_back(std::make_unique<FakeQuerier>(
      SeriesData{{L("a"), {{1, 1}, {2, 1}, {3, 1}}}, {L("c"), {{1, 1}}}}));
  parts.push_back(
      std::make_unique<FakeQuerier>(SeriesData{{L("a"), {{3, 2}, {4, 2}}}, {L("b"), {{5, 2}}}}));
  auto q = NewMergeQuerier(std::move(parts));
  auto set = q->Select({}, {});
  std::vector<std::string> seen;
  std::vector<std::vector<std::pair<int64_t, double>>> samples;
  while (set->Next()) {
    seen.push_back(set->At().labels().ToString());
    auto it = set->At().Iterator();
    samples.push_back(Drain(*it));
    // A second iterator over the same series gives the same samples.
    auto again = set->At().Iterator();
    EXPECT_EQ(Drain(*again), samples.back());
  }
  EXPECT_THAT(seen, ElementsAre(R"({job="a"})", R"({job="b"})", R"({job="c"})"));
  EXPECT_THAT(samples[0], ElementsAre(Pair(1, 1), Pair(2, 1), Pair(3, 2), Pair(4, 2)));
  EXPECT_THAT(samples[1], ElementsAre(Pair(5, 2)));
  EXPECT_THAT(samples[2], ElementsAre(Pair(1, 1)));

  auto values = q->LabelValues("job", {});
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre("a", "b", "c"));
  auto names = q->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("job"));
}

TEST(MergeQuerierTest, SeekPositionsEveryPart) {
  std::vector<model::Sample> a = {{1, 1}, {5, 1}, {9, 1}};
  std::vector<model::Sample> b = {{2, 2}, {5, 2}, {7, 2}};
  std::vector<std::unique_ptr<storage::SampleIterator>> its;
  its.push_back(std::make_unique<VectorIterator>(a));
  its.push_back(std::make_unique<VectorIterator>(b));
  auto it = NewMergeIterator(std::move(its));
  ASSERT_TRUE(it->Seek(3));
  EXPECT_EQ(it->At().t, 5);
  EXPECT_EQ(it->At().v, 2);
  ASSERT_TRUE(it->Seek(4));  // already there
  EXPECT_EQ(it->At().t, 5);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t, 7);
  ASSERT_TRUE(it->Seek(8));
  EXPECT_EQ(it->At().t, 9);
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Seek(100));
}

}  // namespace
}  // namespace osprey::tsdb
