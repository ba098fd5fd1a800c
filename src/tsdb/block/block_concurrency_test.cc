// Concurrent queriers on one block, queriers outliving the caller's handle, and
// WriteBlock copying a querier's series into a new block.
#include <gtest/gtest.h>

#include <bit>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/file_system.h"
#include "testing/temp_dir.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/block_test_util.h"
#include "tsdb/block/block_writer.h"

namespace osprey::tsdb {
namespace {

std::vector<model::Matcher> AllSeries() {
  return {model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+")};
}

// A hash of every label set and sample bit the querier returns.
uint64_t Digest(storage::Querier& q, uint64_t* samples) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  const std::vector<model::Matcher> all = AllSeries();
  auto set = q.Select({}, all);
  while (set->Next()) {
    mix(set->At().labels().Hash());
    auto it = set->At().Iterator();
    while (it->Next()) {
      mix(static_cast<uint64_t>(it->At().t));
      mix(std::bit_cast<uint64_t>(it->At().v));
      ++*samples;
    }
    EXPECT_TRUE(it->status().ok());
  }
  return h;
}

uint64_t Digest(const std::vector<block_testing::GeneratedSeries>& series, model::TimeRange r) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  for (const auto& s : series) {
    bool any = false;
    for (int64_t t : s.ts) any |= r.Contains(t);
    if (!any) continue;
    mix(s.labels.Hash());
    for (size_t i = 0; i < s.ts.size(); ++i) {
      if (!r.Contains(s.ts[i])) continue;
      mix(static_cast<uint64_t>(s.ts[i]));
      mix(std::bit_cast<uint64_t>(s.vs[i]));
    }
  }
  return h;
}

class BlockConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    block_testing::GeneratorOptions o;
    o.num_series = 1500;
    o.special_values = true;
    series_ = block_testing::Generate(o);
    BlockWriterOptions wo;
    wo.frame_bytes = 32 * 1024;
    auto w =
        BlockWriter::Create(fs_, dir_.path(), {model::kMinTimestamp, model::kMaxTimestamp}, wo);
    ASSERT_TRUE(w.ok());
    for (const auto& s : series_) ASSERT_TRUE((*w)->AddSeries(s.labels, s.ts, s.vs).ok());
    auto meta = (*w)->Finish();
    ASSERT_TRUE(meta.ok());
    block_dir_ = JoinPath(dir_.path(), meta->ulid);
  }

  PosixFileSystem fs_;
  testing::TempDir dir_;
  std::vector<block_testing::GeneratedSeries> series_;
  std::string block_dir_;
};

TEST_F(BlockConcurrencyTest, ConcurrentQueriersReadIdenticalData) {
  auto block = Block::Open(block_dir_);
  ASSERT_TRUE(block.ok());
  const uint64_t want = Digest(series_, {model::kMinTimestamp, model::kMaxTimestamp});
  std::vector<uint64_t> got(4);
  std::vector<uint64_t> samples(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
      if (q.ok()) got[i] = Digest(**q, &samples[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], want) << i;
    EXPECT_EQ(samples[i], 1500u * 480);
  }
}

TEST_F(BlockConcurrencyTest, QuerierKeepsBlockAliveAfterHandleIsDropped) {
  auto block = Block::Open(block_dir_);
  ASSERT_TRUE(block.ok());
  auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  block = Status(StatusCode::kCancelled, "dropped");  // releases the caller's reference
  uint64_t samples = 0;
  EXPECT_EQ(Digest(**q, &samples), Digest(series_, {model::kMinTimestamp, model::kMaxTimestamp}));
}

TEST_F(BlockConcurrencyTest, WriteBlockCopiesAQueriersSeriesInsideTheRange) {
  auto block = Block::Open(block_dir_);
  ASSERT_TRUE(block.ok());
  const int64_t start = series_[0].ts[0];
  const model::TimeRange r{start + 3'600'000, start + 5'400'000};
  auto source = (*block)->NewQuerier(r);
  ASSERT_TRUE(source.ok());
  testing::TempDir out;
  BlockWriterOptions wo;
  wo.compaction_level = 2;
  wo.sources = {(*block)->meta().ulid};
  auto meta = WriteBlock(fs_, out.path(), r, **source, wo);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->range, r);
  EXPECT_EQ(meta->compaction_level, 2);
  EXPECT_EQ(meta->sources, std::vector<std::string>{(*block)->meta().ulid});
  auto copy = Block::Open(JoinPath(out.path(), meta->ulid));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto q = (*copy)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  uint64_t samples = 0;
  EXPECT_EQ(Digest(**q, &samples), Digest(series_, r));
  EXPECT_EQ(samples, meta->stats.num_samples);
  EXPECT_GT(samples, 0u);
}

}  // namespace
}  // namespace osprey::tsdb
