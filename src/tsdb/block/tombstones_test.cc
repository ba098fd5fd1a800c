#include "tsdb/block/tombstones.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/mem_file_system.h"

namespace osprey::tsdb {
namespace {

using model::TimeRange;
using ::testing::ElementsAre;

// A SampleIterator over a fixed list, for the filter.
class ListIterator final : public storage::SampleIterator {
 public:
  explicit ListIterator(std::vector<int64_t> ts) : ts_(std::move(ts)) {}
  bool Next() override { return ++pos_ < ts_.size(); }
  bool Seek(model::Timestamp t) override {
    if (pos_ == SIZE_MAX) pos_ = 0;
    while (pos_ < ts_.size() && ts_[pos_] < t) ++pos_;
    return pos_ < ts_.size();
  }
  model::Sample At() const override { return {ts_[pos_], static_cast<double>(ts_[pos_])}; }
  Status status() const override { return OkStatus(); }

 private:
  std::vector<int64_t> ts_;
  size_t pos_ = SIZE_MAX;
};

std::vector<int64_t> Drain(storage::SampleIterator& it) {
  std::vector<int64_t> out;
  while (it.Next()) out.push_back(it.At().t);
  return out;
}

TEST(IntervalsTest, AddMergesOverlappingAndAdjacentRanges) {
  Intervals ivs;
  AddInterval(ivs, {10, 20});
  AddInterval(ivs, {30, 40});
  AddInterval(ivs, {50, 60});
  EXPECT_EQ(ivs.size(), 3u);
  AddInterval(ivs, {21, 29});  // touches both neighbours
  EXPECT_THAT(ivs, ElementsAre(TimeRange{10, 40}, TimeRange{50, 60}));
  AddInterval(ivs, {0, 100});
  EXPECT_THAT(ivs, ElementsAre(TimeRange{0, 100}));
  AddInterval(ivs, {model::kMinTimestamp, model::kMaxTimestamp});
  EXPECT_THAT(ivs, ElementsAre(TimeRange{model::kMinTimestamp, model::kMaxTimestamp}));
}

TEST(IntervalsTest, DeletedCoveredAndTruncated) {
  Intervals ivs;
  AddInterval(ivs, {10, 20});
  AddInterval(ivs, {40, 50});
  EXPECT_TRUE(IsDeleted(ivs, 10));
  EXPECT_TRUE(IsDeleted(ivs, 20));
  EXPECT_FALSE(IsDeleted(ivs, 21));
  EXPECT_FALSE(IsDeleted(ivs, 9));
  EXPECT_TRUE(IsCovered(ivs, {12, 18}));
  EXPECT_FALSE(IsCovered(ivs, {15, 45}));
  TruncateIntervals(ivs, 15);
  EXPECT_THAT(ivs, ElementsAre(TimeRange{15, 20}, TimeRange{40, 50}));
  TruncateIntervals(ivs, 30);
  EXPECT_THAT(ivs, ElementsAre(TimeRange{40, 50}));
}

TEST(IntervalsTest, FilterSkipsDeletedSamplesOnNextAndSeek) {
  Intervals ivs;
  AddInterval(ivs, {2, 4});
  AddInterval(ivs, {7, 100});
  auto it = FilterDeleted(
      std::make_unique<ListIterator>(std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8}), ivs);
  EXPECT_THAT(Drain(*it), ElementsAre(1, 5, 6));
  auto seek =
      FilterDeleted(std::make_unique<ListIterator>(std::vector<int64_t>{1, 2, 3, 4, 5, 9}), ivs);
  ASSERT_TRUE(seek->Seek(3));
  EXPECT_EQ(seek->At().t, 5);
  EXPECT_FALSE(seek->Next());
}

TEST(TombstonesFileTest, RoundTripsAndRejectsDamage) {
  Tombstones t;
  AddInterval(t.series[3], {model::kMinTimestamp, 5});
  AddInterval(t.series[3], {100, 200});
  AddInterval(t.series[70000], {-50, model::kMaxTimestamp});
  const std::string bytes = EncodeTombstonesFile(t);
  auto back = DecodeTombstonesFile(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->series, t.series);
  EXPECT_EQ(back->NumIntervals(), 3u);

  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x20;
    EXPECT_EQ(DecodeTombstonesFile(bad).status().code(), StatusCode::kDataLoss) << i;
  }
  EXPECT_EQ(DecodeTombstonesFile(bytes.substr(0, bytes.size() - 1)).status().code(),
            StatusCode::kDataLoss);
}

TEST(TombstonesFileTest, AbsentFileIsEmptyAndEmptySetRemovesIt) {
  testing::MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/b").ok());
  auto none = ReadTombstonesFile(fs, "/b");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Tombstones t;
  AddInterval(t.series[1], {1, 2});
  ASSERT_TRUE(WriteTombstonesFile(fs, "/b", t).ok());
  auto read = ReadTombstonesFile(fs, "/b");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->series, t.series);
  ASSERT_TRUE(WriteTombstonesFile(fs, "/b", Tombstones{}).ok());
  EXPECT_FALSE(fs.Exists("/b/tombstones"));
}

}  // namespace
}  // namespace osprey::tsdb
