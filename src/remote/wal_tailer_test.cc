#include "remote/wal_tailer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metrics/registry.h"
#include "testing/mem_file_system.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"

namespace osprey::remote {
namespace {

using model::Labels;

Logger QuietLogger() {
  return Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {});
}

struct Recorder : WalTailer::Handler {
  std::vector<tsdb::RefSeries> series;
  std::vector<std::pair<SampleKey, tsdb::RefSample>> samples;
  int corruptions = 0;
  size_t stop_after = SIZE_MAX;  // records of samples to accept before refusing
  void OnSeries(std::span<const tsdb::RefSeries> s) override {
    series.insert(series.end(), s.begin(), s.end());
  }
  bool OnSamples(int segment, uint64_t offset, std::span<const tsdb::RefSample> s) override {
    if (stop_after == 0) return false;
    --stop_after;
    for (uint32_t i = 0; i < s.size(); ++i) samples.push_back({{segment, offset, i}, s[i]});
    return true;
  }
  void OnCorruption(int, uint64_t) override { ++corruptions; }
};

class WalTailerTest : public ::testing::Test {
 protected:
  WalTailerTest() {
    auto wal = tsdb::Wal::Open(fs_, "wal", tsdb::WalOptions{}, registry_, QuietLogger());
    OSPREY_CHECK(wal.ok());
    wal_ = std::move(wal).value();
  }
  WalTailer NewTailer() {
    return WalTailer(
        fs_, "wal", [this] { return wal_->Segments().second; }, QuietLogger());
  }
  void LogSeries(storage::SeriesRef ref, const Labels& l) {
    std::string rec;
    tsdb::EncodeSeries(std::vector<tsdb::RefSeries>{{ref, l}}, rec);
    ASSERT_TRUE(wal_->Log(rec).ok());
  }
  void LogSample(storage::SeriesRef ref, int64_t t) {
    std::string rec;
    tsdb::EncodeSamples(std::vector<tsdb::RefSample>{{ref, t, 1.0}}, rec);
    ASSERT_TRUE(wal_->Log(rec).ok());
  }

  testing::MemFileSystem fs_;
  metrics::Registry registry_;
  std::unique_ptr<tsdb::Wal> wal_;
};

TEST_F(WalTailerTest, FollowsRecordsAcrossSegmentsAsTheyAreWritten) {
  WalTailer tailer = NewTailer();
  tailer.Start(kBeforeWal);
  Recorder r;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  EXPECT_TRUE(r.samples.empty());
  LogSeries(1, Labels::FromStrings({"a", "1"}));
  LogSample(1, 1000);
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.series.size(), 1u);
  ASSERT_EQ(r.samples.size(), 1u);
  ASSERT_TRUE(wal_->NextSegment().ok());
  LogSample(1, 2000);
  LogSample(1, 3000);
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());  // nothing new: nothing twice
  ASSERT_EQ(r.samples.size(), 3u);
  EXPECT_EQ(r.samples[1].second.t, 2000);
  EXPECT_EQ(r.samples[1].first.segment, wal_->Segments().second);
  EXPECT_LT(r.samples[1].first, r.samples[2].first);
}

TEST_F(WalTailerTest, HandlerThatStopsGetsTheSameRecordAgain) {
  LogSeries(1, Labels::FromStrings({"a", "1"}));
  LogSample(1, 1000);
  LogSample(1, 2000);
  WalTailer tailer = NewTailer();
  tailer.Start(kBeforeWal);
  Recorder r;
  r.stop_after = 1;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.samples.size(), 1u);
  r.stop_after = SIZE_MAX;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_EQ(r.samples[1].second.t, 2000);
}

TEST_F(WalTailerTest, StartDeliversOnlySeriesBeforeTheStartRecord) {
  LogSeries(1, Labels::FromStrings({"a", "1"}));
  LogSample(1, 1000);
  LogSample(1, 2000);
  SampleKey second;
  {
    WalTailer all = NewTailer();
    all.Start(kBeforeWal);
    Recorder r;
    ASSERT_TRUE(all.ReadAvailable(r).ok());
    ASSERT_EQ(r.samples.size(), 2u);
    second = r.samples[1].first;
  }
  WalTailer tailer = NewTailer();
  tailer.Start(second);
  Recorder r;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  EXPECT_EQ(r.series.size(), 1u);
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_EQ(r.samples[0].second.t, 2000);
}

TEST_F(WalTailerTest, ReadsSeriesFromTheCheckpointOfTruncatedSegments) {
  LogSeries(7, Labels::FromStrings({"a", "7"}));
  LogSample(7, 1000);
  ASSERT_TRUE(wal_->NextSegment().ok());
  const int current = wal_->Segments().second;
  ASSERT_TRUE(tsdb::Checkpoint(
                  *wal_, 0, current - 1, [](storage::SeriesRef) { return true; }, 0)
                  .ok());
  ASSERT_TRUE(wal_->TruncateBefore(current).ok());
  LogSample(7, 2000);
  WalTailer tailer = NewTailer();
  tailer.Start(kBeforeWal);
  Recorder r;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.series[0].ref, 7u);
  ASSERT_EQ(r.samples.size(), 1u);  // checkpointed samples are not sent
  EXPECT_EQ(r.samples[0].second.t, 2000);
}

TEST_F(WalTailerTest, TornTailOfTheCurrentSegmentIsReadOnceComplete) {
  LogSeries(1, Labels::FromStrings({"a", "1"}));
  LogSample(1, 1000);
  const std::string path = tsdb::wal_format::SegmentPath("wal", wal_->Segments().second);
  const uint64_t good = *fs_.FileSize(path);
  LogSample(1, 2000);
  const uint64_t full = *fs_.FileSize(path);
  // What a reader racing the writer may see: the last record half written.
  std::string bytes = *ReadFileToString(fs_, path);
  ASSERT_TRUE(fs_.Truncate(path, good + (full - good) / 2).ok());
  WalTailer tailer = NewTailer();
  tailer.Start(kBeforeWal);
  Recorder r;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_EQ(r.corruptions, 0);
  ASSERT_TRUE(WriteFileAtomically(fs_, path, bytes).ok());
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_EQ(r.samples[1].second.t, 2000);
}

TEST_F(WalTailerTest, DamageInAClosedSegmentIsReportedAndSkipped) {
  LogSeries(1, Labels::FromStrings({"a", "1"}));
  LogSample(1, 1000);
  const std::string path = tsdb::wal_format::SegmentPath("wal", wal_->Segments().second);
  const uint64_t good = *fs_.FileSize(path);
  LogSample(1, 2000);
  ASSERT_TRUE(wal_->NextSegment().ok());
  LogSample(1, 3000);
  ASSERT_TRUE(fs_.Truncate(path, good + 3).ok());
  WalTailer tailer = NewTailer();
  tailer.Start(kBeforeWal);
  Recorder r;
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  ASSERT_TRUE(tailer.ReadAvailable(r).ok());
  EXPECT_EQ(r.corruptions, 1);
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_EQ(r.samples[1].second.t, 3000);
}

}  // namespace
}  // namespace osprey::remote
