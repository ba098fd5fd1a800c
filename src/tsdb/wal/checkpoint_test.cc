#include "tsdb/wal/checkpoint.h"

#include "gtest/gtest.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using wal_test::ReadAll;
using wal_test::WalEnv;

// What a replay of typed records found.
struct Replayed {
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  std::vector<std::string> other;
};

Replayed Decode(const std::vector<std::string>& records) {
  Replayed out;
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  for (const std::string& r : records) {
    switch (GetRecordType(r)) {
      case RecordType::kSeries:
        EXPECT_TRUE(DecodeSeries(r, &series).ok());
        out.series.insert(out.series.end(), series.begin(), series.end());
        break;
      case RecordType::kSamples:
        EXPECT_TRUE(DecodeSamples(r, &samples).ok());
        out.samples.insert(out.samples.end(), samples.begin(), samples.end());
        break;
      case RecordType::kTombstones:
        EXPECT_TRUE(DecodeTombstones(r, &tombstones).ok());
        out.tombstones.insert(out.tombstones.end(), tombstones.begin(), tombstones.end());
        break;
      case RecordType::kUnknown:
        out.other.push_back(r);
        break;
    }
  }
  return out;
}

Labels SeriesLabels(uint64_t ref) {
  return Labels::FromStrings({"__name__", "m", "id", std::to_string(ref)});
}

// Logs series 1..10, then for t = 0, 10, ..., 90 one samples record with a sample per
// series, then tombstones; each group in its own segment. Returns the last segment written.
int WriteHistory(Wal& wal) {
  std::string rec;
  std::vector<RefSeries> series;
  for (uint64_t ref = 1; ref <= 10; ++ref) series.push_back({ref, SeriesLabels(ref)});
  EncodeSeries(series, rec);
  EXPECT_TRUE(wal.Log(std::string_view(rec)).ok());
  EXPECT_TRUE(wal.NextSegment().ok());
  for (int64_t t = 0; t < 100; t += 10) {
    std::vector<RefSample> samples;
    for (uint64_t ref = 1; ref <= 10; ++ref) samples.push_back({ref, t, static_cast<double>(t)});
    rec.clear();
    EncodeSamples(samples, rec);
    EXPECT_TRUE(wal.Log(std::string_view(rec)).ok());
  }
  EXPECT_TRUE(wal.NextSegment().ok());
  rec.clear();
  EncodeTombstones(std::vector<Tombstone>{{2, 0, 20}, {4, 40, 60}, {3, 0, 100}}, rec);
  EXPECT_TRUE(wal.Log(std::string_view(rec)).ok());
  EXPECT_TRUE(wal.Log(std::string_view("\x7f"
                                       "custom record"))
                  .ok());
  auto next = wal.NextSegment();
  EXPECT_TRUE(next.ok());
  return *next - 1;
}

bool IsEven(storage::SeriesRef ref) { return ref % 2 == 0; }

TEST(WalCheckpointTest, KeepsSelectedSeriesAndRecentData) {
  WalEnv env;
  auto wal = env.Open();
  const int last = WriteHistory(*wal);
  std::string after;
  EncodeSamples(std::vector<RefSample>{{1, 200, 1}}, after);
  ASSERT_TRUE(wal->Log(std::string_view(after)).ok());

  auto stats = Checkpoint(*wal, 0, last, IsEven, /*mint=*/50);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->checkpoint_index, last);
  EXPECT_EQ(stats->series_kept, 5);
  EXPECT_EQ(stats->series_dropped, 5);
  EXPECT_EQ(stats->samples_kept, 5 * 5);  // even refs, t in 50..90
  EXPECT_EQ(stats->samples_dropped, 100 - 25);
  EXPECT_EQ(stats->tombstones_kept, 1);  // {4, 40, 60}
  EXPECT_EQ(stats->tombstones_dropped, 2);
  EXPECT_EQ(stats->other_records, 1);
  ASSERT_TRUE(wal->TruncateBefore(last + 1).ok());

  auto cp = LastCheckpoint(env.fs, env.dir);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->index, last);
  EXPECT_EQ(cp->dir, env.dir + "/" + wal_format::CheckpointName(last));

  Status status;
  Replayed got = Decode(ReadAll(env.fs, env.dir, &status));
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<RefSeries> want_series;
  for (uint64_t ref = 2; ref <= 10; ref += 2) want_series.push_back({ref, SeriesLabels(ref)});
  EXPECT_EQ(got.series, want_series);
  ASSERT_EQ(got.samples.size(), 26u);  // 25 from the checkpoint, 1 logged after it
  for (size_t i = 0; i < 25; ++i) {
    EXPECT_TRUE(IsEven(got.samples[i].ref));
    EXPECT_GE(got.samples[i].t, 50);
  }
  EXPECT_EQ(got.samples.back().t, 200);
  EXPECT_EQ(got.tombstones, (std::vector<Tombstone>{{4, 40, 60}}));
  EXPECT_EQ(got.other, std::vector<std::string>{"\x7f"
                                                "custom record"});
}

TEST(WalCheckpointTest, SurvivesACrashRightAfterTruncation) {
  WalEnv env;
  auto wal = env.Open(WalOptions{.compress = true});
  const int last = WriteHistory(*wal);
  ASSERT_TRUE(Checkpoint(
                  *wal, 0, last, [](storage::SeriesRef) { return true; }, 0)
                  .ok());
  ASSERT_TRUE(wal->TruncateBefore(last + 1).ok());
  const Replayed before = Decode(ReadAll(env.fs, env.dir));
  env.fs.DropUnsyncedData();
  wal.reset();

  Status status;
  const Replayed after = Decode(ReadAll(env.fs, env.dir, &status));
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(after.series.size(), 10u);
  EXPECT_EQ(after.samples.size(), 100u);
  EXPECT_EQ(after.series, before.series);
  EXPECT_EQ(after.tombstones, before.tombstones);
}

TEST(WalCheckpointTest, NextCheckpointIncludesThePreviousOne) {
  WalEnv env;
  auto wal = env.Open();
  const int first = WriteHistory(*wal);
  ASSERT_TRUE(Checkpoint(*wal, 0, first, IsEven, 0).ok());
  ASSERT_TRUE(wal->TruncateBefore(first + 1).ok());

  std::string rec;
  EncodeSeries(std::vector<RefSeries>{{12, SeriesLabels(12)}, {13, SeriesLabels(13)}}, rec);
  ASSERT_TRUE(wal->Log(std::string_view(rec)).ok());
  auto next = wal->NextSegment();
  ASSERT_TRUE(next.ok());
  const int second = *next - 1;
  auto stats = Checkpoint(*wal, wal->Segments().first, second, IsEven, 0);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_TRUE(wal->TruncateBefore(second + 1).ok());
  ASSERT_TRUE(DeleteCheckpointsBefore(env.fs, env.dir, second).ok());

  auto names = env.fs.ListDir(env.dir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{wal_format::SegmentName(second + 1),
                                              wal_format::CheckpointName(second)}));
  const Replayed got = Decode(ReadAll(env.fs, env.dir));
  std::vector<uint64_t> refs;
  for (const RefSeries& s : got.series) refs.push_back(s.ref);
  EXPECT_EQ(refs, (std::vector<uint64_t>{2, 4, 6, 8, 10, 12}));
}

TEST(WalCheckpointTest, RefusesTheCurrentSegmentAndCoveredRanges) {
  WalEnv env;
  auto wal = env.Open();
  const int last = WriteHistory(*wal);
  EXPECT_EQ(Checkpoint(*wal, 0, wal->Segments().second, IsEven, 0).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Checkpoint(*wal, 0, last, IsEven, 0).ok());
  EXPECT_EQ(Checkpoint(*wal, 0, last, IsEven, 0).status().code(), StatusCode::kFailedPrecondition);
}

TEST(WalCheckpointTest, DamagedSegmentFailsTheCheckpointAndLeavesNothing) {
  WalEnv env;
  auto wal = env.Open();
  const int last = WriteHistory(*wal);
  const std::string seg1 = wal_format::SegmentPath(env.dir, 1);
  auto size = env.fs.FileSize(seg1);
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(env.fs.Truncate(seg1, *size - 3).ok());
  auto stats = Checkpoint(*wal, 0, last, IsEven, 0);
  EXPECT_EQ(stats.status().code(), StatusCode::kDataLoss) << stats.status().ToString();
  EXPECT_EQ(LastCheckpoint(env.fs, env.dir).status().code(), StatusCode::kNotFound);
  auto names = env.fs.ListDir(env.dir);
  ASSERT_TRUE(names.ok());
  for (const std::string& name : *names) EXPECT_EQ(name.find("checkpoint"), std::string::npos);
}

TEST(WalCheckpointTest, LeftoverTemporaryCheckpointIsIgnoredAndRemoved) {
  WalEnv env;
  ASSERT_TRUE(env.fs.CreateDirs(env.dir + "/checkpoint.00000007.tmp").ok());
  EXPECT_EQ(LastCheckpoint(env.fs, env.dir).status().code(), StatusCode::kNotFound);
  auto wal = env.Open();
  EXPECT_FALSE(env.fs.Exists(env.dir + "/checkpoint.00000007.tmp"));
  EXPECT_EQ(wal->Segments(), std::make_pair(0, 0));
}

TEST(WalCheckpointTest, OpenContinuesAfterACheckpointWithoutSegments) {
  WalEnv env;
  {
    auto wal = env.Open();
    const int last = WriteHistory(*wal);
    ASSERT_TRUE(Checkpoint(*wal, 0, last, IsEven, 0).ok());
  }
  // Only the checkpoint is left.
  auto segments = wal_format::ListSegments(env.fs, env.dir);
  ASSERT_TRUE(segments.ok());
  for (int index : *segments) {
    ASSERT_TRUE(env.fs.Remove(wal_format::SegmentPath(env.dir, index)).ok());
  }
  auto wal = env.Open();
  auto cp = LastCheckpoint(env.fs, env.dir);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(wal->Segments().second, cp->index + 1);
}

}  // namespace
}  // namespace osprey::tsdb
