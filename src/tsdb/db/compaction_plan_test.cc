#include "tsdb/db/compaction_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace osprey::tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kH = 3600 * 1000;

// Blocks from [min, max) pairs (exclusive ends, as written in the cases below).
std::vector<PlanBlock> Blocks(std::initializer_list<std::pair<int64_t, int64_t>> ranges) {
  std::vector<PlanBlock> out;
  for (auto [min, max] : ranges) out.push_back({"", {min, max - 1}, 0, false});
  return out;
}

TEST(CompactionRangesTest, GrowByThreeUpToTheMaximum) {
  EXPECT_THAT(CompactionRanges(2 * kH, 36 * kH), ElementsAre(2 * kH, 6 * kH, 18 * kH));
  EXPECT_THAT(CompactionRanges(2 * kH, 2 * kH), ElementsAre(2 * kH));
  EXPECT_EQ(DefaultMaxBlockDuration(2 * kH, 15 * 24 * kH), 36 * kH);
  EXPECT_EQ(DefaultMaxBlockDuration(2 * kH, 0), 31 * 24 * kH);
  EXPECT_EQ(DefaultMaxBlockDuration(2 * kH, kH), 2 * kH);
}

struct PlanCase {
  const char* name;
  std::vector<PlanBlock> blocks;
  std::vector<size_t> want;
};

TEST(PlanCompactionTest, Cases) {
  const std::vector<int64_t> ranges = {20, 60, 180};
  const std::vector<PlanCase> cases = {
      {"nothing", Blocks({}), {}},
      {"one block", Blocks({{0, 20}}), {}},
      {"the newest block is left out", Blocks({{0, 20}, {20, 40}}), {}},
      {"a full aligned range", Blocks({{0, 20}, {20, 40}, {40, 60}, {60, 80}}), {0, 1, 2}},
      {"not full yet, but newer data exists past it",
       Blocks({{0, 20}, {20, 40}, {60, 80}, {80, 100}}),
       {0, 1}},
      {"the next level", Blocks({{0, 60}, {60, 120}, {120, 180}, {180, 200}}), {0, 1, 2}},
      {"a gap is fine once past it", Blocks({{0, 20}, {40, 60}, {60, 80}, {80, 100}}), {0, 1}},
      {"overlapping blocks first",
       Blocks({{0, 20}, {20, 40}, {40, 60}, {50, 70}, {80, 100}}),
       {2, 3}},
      {"misaligned large blocks are skipped", Blocks({{10, 70}, {70, 80}, {80, 90}}), {}},
  };
  for (const PlanCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PlanCompaction(c.blocks, ranges), c.want);
  }
}

TEST(PlanCompactionTest, BlocksThatFailedAreLeftAlone) {
  std::vector<PlanBlock> blocks = Blocks({{0, 20}, {20, 40}, {40, 60}, {60, 80}});
  blocks[1].compaction_failed = true;
  EXPECT_THAT(PlanCompaction(blocks, std::vector<int64_t>{20, 60}), IsEmpty());
}

TEST(RetentionTest, TimeIsMeasuredFromTheNewestBlockEnd) {
  const auto blocks = Blocks({{0, 20}, {20, 40}, {40, 60}, {60, 80}});
  EXPECT_THAT(BeyondTimeRetention(blocks, 40), ElementsAre(0, 1));
  EXPECT_THAT(BeyondTimeRetention(blocks, 41), ElementsAre(0));
  EXPECT_THAT(BeyondTimeRetention(blocks, 0), IsEmpty());
}

TEST(RetentionTest, SizeDeletesFromTheOldestOnceTheLimitIsCrossed) {
  auto blocks = Blocks({{0, 20}, {20, 40}, {40, 60}});
  for (PlanBlock& b : blocks) b.bytes = 100;
  EXPECT_THAT(BeyondSizeRetention(blocks, 50, 350), IsEmpty());
  EXPECT_THAT(BeyondSizeRetention(blocks, 50, 349), ElementsAre(0));
  EXPECT_THAT(BeyondSizeRetention(blocks, 50, 200), ElementsAre(0, 1));
  EXPECT_THAT(BeyondSizeRetention(blocks, 50, 100), ElementsAre(0, 1, 2));
  EXPECT_THAT(BeyondSizeRetention(blocks, 50, 0), IsEmpty());
}

}  // namespace
}  // namespace osprey::tsdb
