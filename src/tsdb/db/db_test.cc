#include "tsdb/db/db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "testing/mem_file_system.h"
#include "tsdb/db/db_test_util.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::tsdb::db_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<model::TimeRange> Ranges(const std::vector<BlockMeta>& blocks) {
  std::vector<model::TimeRange> out;
  for (const BlockMeta& b : blocks) out.push_back(b.range);
  return out;
}

class DbTest : public DbFixture {};

TEST_F(DbTest, CompactionPersistsTheOldestHeadRangesAndQueriesStayIdentical) {
  Open();
  AppendRange(*db_, {Series("a"), Series("b"), Series("c")}, 0, 3000);
  const Data before = ReadAll(*db_);
  ASSERT_THAT(before, SizeIs(3));
  EXPECT_THAT(before.begin()->second, SizeIs(31));

  ASSERT_TRUE(db_->Compact().ok());
  // The head spanned 3 s (> 1.5 blocks): [0, 999], then [1000, 1999] (2 s > 1.5 left).
  EXPECT_THAT(Ranges(db_->Blocks()),
              ElementsAre(model::TimeRange{0, 999}, model::TimeRange{1000, 1999}));
  EXPECT_EQ(db_->head().MinTime(), 2000);
  EXPECT_EQ(ReadAll(*db_), before);
  Data window = ReadAll(*db_, {Eq("job", "b")}, {900, 2100});
  ASSERT_THAT(window, SizeIs(1));
  EXPECT_EQ(window.begin()->second.front().first, 900);
  EXPECT_EQ(window.begin()->second.back().first, 2100);
  EXPECT_THAT(window.begin()->second, SizeIs(13));
  EXPECT_EQ(Metric("osprey_tsdb_blocks_loaded"), 2);
  EXPECT_EQ(Metric("osprey_tsdb_compactions_total"), 2);
  EXPECT_EQ(Metric("osprey_tsdb_head_truncations_total"), 2);

  // Samples of a persisted range are rejected from now on.
  auto app = db_->NewAppender();
  EXPECT_EQ(app->Append(storage::kNoRef, Series("a"), {.t = 1500, .v = 1}).status().code(),
            StatusCode::kOutOfBounds);
}

TEST_F(DbTest, RestartAfterCompactionReplaysOnlyTheCheckpointedWalAndKeepsAllData) {
  Open();
  AppendRange(*db_, {Series("a"), Series("b")}, 0, 1500);
  AppendRange(*db_, {Series("a"), Series("b")}, 1600, 3000);
  ASSERT_TRUE(db_->Compact().ok());
  AppendRange(*db_, {Series("a")}, 3100, 3300);
  const Data before = ReadAll(*db_);
  ASSERT_TRUE(db_->Close().ok());

  // The segments before the checkpoint are gone, and the checkpoint holds no sample of
  // the persisted ranges.
  const std::string wal = JoinPath(Options().dir, "wal");
  auto cp = LastCheckpoint(posix_, wal);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  auto names = posix_.ListDir(wal);
  ASSERT_TRUE(names.ok());
  for (const std::string& n : *names) {
    if (n.starts_with("checkpoint.")) continue;
    EXPECT_GT(std::stoi(n), cp->index) << n;
  }
  auto reader = WalReader::Open(posix_, {{cp->dir, 0, -1}});
  ASSERT_TRUE(reader.ok());
  std::vector<RefSample> samples;
  int64_t checkpoint_samples = 0;
  while ((*reader)->Next()) {
    if (GetRecordType((*reader)->Record()) != RecordType::kSamples) continue;
    ASSERT_TRUE(DecodeSamples((*reader)->Record(), &samples).ok());
    for (const RefSample& s : samples) EXPECT_GE(s.t, 2000);
    checkpoint_samples += static_cast<int64_t>(samples.size());
  }
  EXPECT_GT(checkpoint_samples, 0);

  Open();
  EXPECT_EQ(ReadAll(*db_), before);
  EXPECT_EQ(db_->head().MinTime(), 2000);
}

TEST_F(DbTest, SeriesWithoutNewSamplesLeaveTheHeadButStayQueryable) {
  Open();
  AppendRange(*db_, {Series("old"), Series("new")}, 0, 900);
  AppendRange(*db_, {Series("new")}, 1000, 3000);
  const Data before = ReadAll(*db_);
  EXPECT_EQ(db_->head().NumSeries(), 2u);
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_EQ(db_->head().NumSeries(), 1u);
  EXPECT_EQ(Metric("osprey_tsdb_head_series_removed_total"), 1);
  EXPECT_EQ(ReadAll(*db_), before);
  // A series collected from the head can come back with new samples.
  AppendRange(*db_, {Series("old")}, 3100, 3100);
  EXPECT_EQ(db_->head().NumSeries(), 2u);
  EXPECT_THAT(ReadAll(*db_, {Eq("job", "old")}).begin()->second, SizeIs(11));

  Open();
  EXPECT_EQ(db_->head().NumSeries(), 2u);
  EXPECT_THAT(ReadAll(*db_, {Eq("job", "old")}).begin()->second, SizeIs(11));
}

TEST_F(DbTest, AdjacentBlocksAreMergedIntoLargerRanges) {
  Open();
  const std::vector<model::Labels> series = {Series("a"), Series("b")};
  for (int64_t t = 0; t <= 10'000; t += 1000) {
    AppendRange(*db_, series, t, t + 900);
    ASSERT_TRUE(db_->Compact().ok());
  }
  const std::vector<BlockMeta> blocks = db_->Blocks();
  // Ranges 1 s, 3 s, 9 s: [0, 8999] is complete, then [9000, 9999] (the newest is left).
  ASSERT_THAT(Ranges(blocks), ElementsAre(model::TimeRange{0, 8999}, model::TimeRange{9000, 9999}));
  EXPECT_EQ(blocks[0].compaction_level, 3);
  EXPECT_THAT(blocks[0].sources, SizeIs(9));
  Data all = ReadAll(*db_);
  ASSERT_THAT(all, SizeIs(2));
  EXPECT_THAT(all.begin()->second, SizeIs(11 * 10));
  // The parents are gone from disk.
  auto names = posix_.ListDir(Options().dir);
  ASSERT_TRUE(names.ok());
  int block_dirs = 0;
  for (const std::string& n : *names) block_dirs += IsValidUlid(n) ? 1 : 0;
  EXPECT_EQ(block_dirs, 2);
}

TEST_F(DbTest, RetentionByTimeDeletesWholeOldBlocks) {
  DbOptions o = Options();
  o.retention_ms = 3000;
  o.max_block_duration_ms = kBlock;  // no merging: one block per second
  Open(o);
  for (int64_t t = 0; t <= 8000; t += 1000) AppendRange(*db_, {Series("a")}, t, t + 900);
  ASSERT_TRUE(db_->Compact().ok());
  // Blocks up to [7000, 7999] were written; those ending 3 s or more before 8000 went.
  EXPECT_THAT(Ranges(db_->Blocks()),
              ElementsAre(model::TimeRange{5000, 5999}, model::TimeRange{6000, 6999},
                          model::TimeRange{7000, 7999}));
  EXPECT_EQ(Metric("osprey_tsdb_time_retentions_total"), 5);
  Data all = ReadAll(*db_);
  EXPECT_EQ(all.begin()->second.front().first, 5000);
  EXPECT_EQ(all.begin()->second.back().first, 8900);
}

TEST_F(DbTest, RetentionBySizeDeletesOldestBlocks) {
  DbOptions o = Options();
  o.max_block_duration_ms = kBlock;
  Open(o);
  for (int64_t t = 0; t <= 5000; t += 1000) AppendRange(*db_, {Series("a")}, t, t + 900);
  ASSERT_TRUE(db_->Compact().ok());
  ASSERT_THAT(db_->Blocks(), SizeIs(5));
  ASSERT_TRUE(db_->Close().ok());

  // A limit no block fits next to the WAL: every block goes, the head keeps serving.
  o.retention_bytes = 1;
  Open(o);
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_THAT(db_->Blocks(), IsEmpty());
  EXPECT_EQ(Metric("osprey_tsdb_size_retentions_total"), 5);
  EXPECT_EQ(ReadAll(*db_).begin()->second.front().first, 5000);
}

TEST_F(DbTest, DamagedBlockIsQuarantinedAndTheRestKeepsServing) {
  Open();
  AppendRange(*db_, {Series("a")}, 0, 3000);
  ASSERT_TRUE(db_->Compact().ok());
  const std::vector<BlockMeta> blocks = db_->Blocks();
  ASSERT_THAT(blocks, SizeIs(2));
  ASSERT_TRUE(db_->Close().ok());
  {
    // Overwrite the middle of the first block's index.
    const std::string index = JoinPath(JoinPath(Options().dir, blocks[0].ulid), "index");
    std::fstream f(index, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.write("garbage!garbage!", 16);
  }
  Open();
  EXPECT_THAT(db_->Blocks(), SizeIs(1));
  EXPECT_EQ(Metric("osprey_tsdb_blocks_quarantined_total"), 1);
  EXPECT_TRUE(posix_.Exists(JoinPath(JoinPath(Options().dir, "quarantine"), blocks[0].ulid)));
  Data all = ReadAll(*db_);
  ASSERT_THAT(all, SizeIs(1));
  EXPECT_EQ(all.begin()->second.front().first, 1000);
  EXPECT_EQ(all.begin()->second.back().first, 3000);
}

TEST_F(DbTest, LeftoverTemporaryBlockIsRemovedAtOpen) {
  Open();
  ASSERT_TRUE(db_->Close().ok());
  const std::string tmp = JoinPath(Options().dir, "01JD0000000000000000000000.tmp");
  ASSERT_TRUE(posix_.CreateDirs(tmp).ok());
  Open();
  EXPECT_FALSE(posix_.Exists(tmp));
}

TEST_F(DbTest, AppendsAndQueriesRunDuringCompaction) {
  Open();
  constexpr int64_t kEnd = 5000;
  std::atomic<bool> done{false};
  std::atomic<int64_t> acked{-1};
  auto write_all = [&] {
    for (int64_t t = 0; t <= kEnd; t += 10) {
      auto app = db_->NewAppender();
      for (const char* job : {"a", "b", "c"}) {
        ASSERT_TRUE(app->Append(storage::kNoRef, Series(job), {.t = t, .v = 1.0}).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
      acked.store(t);
    }
  };
  std::thread writer([&] {
    write_all();
    done.store(true);  // also after a failed assertion, so the test ends
  });
  std::thread reader([&] {
    while (!done.load()) {
      const int64_t upto = acked.load();
      if (upto < 0) continue;
      // Every acknowledged sample is visible, wherever it lives now.
      Data d = ReadAll(*db_, {Eq("job", "b")}, {0, upto});
      ASSERT_THAT(d, SizeIs(1));
      ASSERT_EQ(d.begin()->second.size(), static_cast<size_t>(upto / 10 + 1));
    }
  });
  while (!done.load()) ASSERT_TRUE(db_->Compact().ok());
  writer.join();
  reader.join();
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_THAT(db_->Blocks(), ::testing::Not(IsEmpty()));
  Data all = ReadAll(*db_);
  ASSERT_THAT(all, SizeIs(3));
  for (const auto& [labels, samples] : all) {
    ASSERT_EQ(samples.size(), static_cast<size_t>(kEnd / 10 + 1)) << labels;
    for (size_t i = 0; i < samples.size(); ++i)
      ASSERT_EQ(samples[i].first, 10 * static_cast<int64_t>(i));
  }
}

TEST_F(DbTest, BackgroundThreadCompactsAfterCommits) {
  DbOptions o = Options();
  o.background = true;
  o.compaction_interval_ms = 3'600'000;  // only commits can trigger it in this test
  Open(o);
  AppendRange(*db_, {Series("a")}, 0, 3000);
  // Wait for the thread; Close() joins it. The appender asked for a compaction.
  while (db_->Blocks().size() < 2) std::this_thread::yield();
  EXPECT_THAT(Ranges(db_->Blocks()),
              ElementsAre(model::TimeRange{0, 999}, model::TimeRange{1000, 1999}));
  ASSERT_TRUE(db_->Close().ok());
}

class DbDiskFullTest : public DbFixture {
 protected:
  DbDiskFullTest() {
    fs_ = &mem_;
    logger_ = Logger(LogLevel::kInfo, LogFormat::kLogfmt,
                     [this](std::string_view line) { log_ += std::string(line); });
  }
  testing::MemFileSystem mem_;
  std::string log_;
};

TEST_F(DbDiskFullTest, CommitFailsWhileTheWalCannotBeWrittenAndNothingAcknowledgedIsLost) {
  Open();
  AppendRange(*db_, {Series("a")}, 0, 500);

  mem_.SetWriteError(ResourceExhaustedError("write /data/wal: No space left on device"));
  {
    auto app = db_->NewAppender();
    ASSERT_TRUE(app->Append(storage::kNoRef, Series("a"), {.t = 600, .v = 1}).ok());
    ASSERT_TRUE(app->Append(storage::kNoRef, Series("new"), {.t = 600, .v = 1}).ok());
    Status st = app->Commit();
    EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
    EXPECT_THAT(st.message(), HasSubstr("No space left on device"));
  }
  EXPECT_THAT(log_, HasSubstr("Writing the WAL failed"));
  // The failed batch is not visible.
  EXPECT_THAT(ReadAll(*db_), SizeIs(1));
  EXPECT_THAT(ReadAll(*db_).begin()->second, SizeIs(6));

  mem_.SetWriteError(OkStatus());
  AppendRange(*db_, {Series("a"), Series("new")}, 700, 800);
  const Data acked = ReadAll(*db_);
  ASSERT_THAT(acked, SizeIs(2));
  EXPECT_THAT(log_, HasSubstr("Writing the WAL works again"));

  // After a power loss, everything acknowledged is back, and nothing else.
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  mem_.DropUnsyncedData();
  Open();
  EXPECT_EQ(ReadAll(*db_), acked);
}

}  // namespace
}  // namespace osprey::tsdb::db_test
