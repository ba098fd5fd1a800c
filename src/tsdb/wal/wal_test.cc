#include "tsdb/wal/wal.h"

#include <atomic>
#include <latch>
#include <random>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal_test_util.h"

namespace osprey::tsdb {
namespace {

using wal_test::MakeRecord;
using wal_test::ReadAll;
using wal_test::RecordId;
using wal_test::WalEnv;

Status LogOne(Wal& wal, const std::string& record) { return wal.Log(std::string_view(record)); }

TEST(WalTest, LoggedRecordsReadBackInOrder) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_NE(wal, nullptr);
  std::vector<std::string> want;
  for (int i = 0; i < 10; ++i) {
    want.push_back(MakeRecord(i, 10 + i));
    ASSERT_TRUE(LogOne(*wal, want.back()).ok());
  }
  std::string_view pair[] = {"first of two", "second of two"};
  ASSERT_TRUE(wal->Log(pair).ok());
  want.emplace_back(pair[0]);
  want.emplace_back(pair[1]);
  ASSERT_TRUE(wal->Log(std::string_view()).ok());  // an empty record is a record
  want.emplace_back();
  ASSERT_TRUE(wal->Close().ok());

  Status status;
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status), want);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(WalTest, ManyRecordsCrossPageAndSegmentBoundaries) {
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "zstd" : "plain");
    WalEnv env;
    const WalOptions options{.segment_size = 3 * wal_format::kPageSize + 100, .compress = compress};
    auto wal = env.Open(options);
    ASSERT_NE(wal, nullptr);
    std::mt19937_64 rng(11);
    std::vector<std::string> want;
    for (int i = 0; i < 400; ++i) {
      // Mostly small; some span pages; a few exceed a whole segment.
      const size_t size = i % 97 == 0 ? 5 * wal_format::kPageSize : rng() % 3000;
      want.push_back(MakeRecord(i, size));
      ASSERT_TRUE(LogOne(*wal, want.back()).ok());
    }
    ASSERT_TRUE(wal->Close().ok());

    Status status;
    EXPECT_EQ(ReadAll(env.fs, env.dir, &status), want);
    EXPECT_TRUE(status.ok()) << status.ToString();

    auto segments = wal_format::ListSegments(env.fs, env.dir);
    ASSERT_TRUE(segments.ok());
    EXPECT_GT(segments->size(), 10u);
    for (int index : *segments) {
      auto size = env.fs.FileSize(wal_format::SegmentPath(env.dir, index));
      ASSERT_TRUE(size.ok());
      // Only a segment holding one oversized record may exceed the limit.
      if (*size > options.segment_size) {
        auto reader = WalReader::Open(env.fs, {SegmentRange{env.dir, index, index}});
        ASSERT_TRUE(reader.ok());
        int records = 0;
        while ((*reader)->Next()) ++records;
        EXPECT_EQ(records, 1) << "segment " << index;
      }
    }
  }
}

TEST(WalTest, CompressionShrinksCompressibleRecords) {
  WalEnv plain_env;
  WalEnv zstd_env;
  auto plain = plain_env.Open();
  auto zstd = zstd_env.Open(WalOptions{.compress = true});
  const std::string record(20000, 'a');
  ASSERT_TRUE(LogOne(*plain, record).ok());
  ASSERT_TRUE(LogOne(*zstd, record).ok());
  EXPECT_LT(zstd_env.fs.counters().appended_bytes * 10, plain_env.fs.counters().appended_bytes);
  ASSERT_TRUE(zstd->Close().ok());
  EXPECT_EQ(ReadAll(zstd_env.fs, zstd_env.dir), std::vector<std::string>{record});
}

TEST(WalTest, RecordsSurviveACrashOnceLogReturned) {
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "zstd" : "plain");
    WalEnv env;
    auto wal = env.Open(WalOptions{.segment_size = 64 << 10, .compress = compress});
    std::vector<std::string> want;
    for (int i = 0; i < 300; ++i) {
      want.push_back(MakeRecord(i, 50 + i * 7));
      ASSERT_TRUE(LogOne(*wal, want.back()).ok());
    }
    env.fs.DropUnsyncedData();  // power loss while the WAL is open
    wal.reset();                // its Close cannot write anything now

    Status status;
    EXPECT_EQ(ReadAll(env.fs, env.dir, &status), want);
    EXPECT_TRUE(status.ok()) << status.ToString();

    // After the restart the WAL continues in a new segment.
    wal = env.Open();
    ASSERT_NE(wal, nullptr);
    ASSERT_TRUE(LogOne(*wal, "after restart").ok());
    env.fs.DropUnsyncedData();
    want.emplace_back("after restart");
    EXPECT_EQ(ReadAll(env.fs, env.dir, &status), want);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
}

TEST(WalTest, OpenStartsANewSegmentAfterTheExistingOnes) {
  WalEnv env;
  auto wal = env.Open();
  EXPECT_EQ(wal->Segments(), std::make_pair(0, 0));
  ASSERT_TRUE(LogOne(*wal, "a").ok());
  wal.reset();
  wal = env.Open();
  EXPECT_EQ(wal->Segments(), std::make_pair(0, 1));
  ASSERT_TRUE(LogOne(*wal, "b").ok());
  wal.reset();
  EXPECT_EQ(ReadAll(env.fs, env.dir), (std::vector<std::string>{"a", "b"}));
}

TEST(WalTest, NextSegmentAndTruncateBefore) {
  WalEnv env;
  auto wal = env.Open();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(LogOne(*wal, MakeRecord(i, 10)).ok());
    auto next = wal->NextSegment();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, i + 1);
  }
  EXPECT_EQ(wal->Segments(), std::make_pair(0, 4));
  ASSERT_TRUE(wal->TruncateBefore(2).ok());
  EXPECT_EQ(wal->Segments(), std::make_pair(2, 4));
  ASSERT_TRUE(wal->TruncateBefore(100).ok());  // never deletes the current segment
  EXPECT_EQ(wal->Segments(), std::make_pair(4, 4));
  auto segments = wal_format::ListSegments(env.fs, env.dir);
  ASSERT_TRUE(segments.ok());
  EXPECT_EQ(*segments, std::vector<int>{4});
  ASSERT_TRUE(LogOne(*wal, "still writable").ok());
  EXPECT_EQ(ReadAll(env.fs, env.dir), std::vector<std::string>{"still writable"});
  EXPECT_NE(env.last_registry().ExpositionText().find("osprey_tsdb_wal_truncations_total 2"),
            std::string::npos);
}

TEST(WalTest, WriteErrorFailsLogAndLaterLogSucceedsOnceCleared) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_TRUE(LogOne(*wal, "before").ok());
  env.fs.SetWriteError(ResourceExhaustedError("no space left on device"));
  Status s = LogOne(*wal, "during");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_EQ(LogOne(*wal, "during 2").code(), StatusCode::kResourceExhausted);
  env.fs.SetWriteError(OkStatus());
  ASSERT_TRUE(LogOne(*wal, "after").ok());
  ASSERT_TRUE(wal->Close().ok());

  Status status;
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status), (std::vector<std::string>{"before", "after"}));
  EXPECT_TRUE(status.ok()) << status.ToString();
  const std::string text = env.last_registry().ExpositionText();
  EXPECT_NE(text.find("osprey_tsdb_wal_writes_failed_total 2"), std::string::npos) << text;
  EXPECT_NE(text.find("osprey_tsdb_wal_records_total 2"), std::string::npos) << text;
}

TEST(WalTest, TornWriteIsRemovedBeforeTheNextRecord) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_TRUE(LogOne(*wal, MakeRecord(1, 100)).ok());
  env.fs.FailAppendsAfter(30, ResourceExhaustedError("no space left on device"));
  EXPECT_FALSE(LogOne(*wal, MakeRecord(2, 100)).ok());
  env.fs.SetWriteError(OkStatus());
  ASSERT_TRUE(LogOne(*wal, MakeRecord(3, 100)).ok());
  env.fs.DropUnsyncedData();

  Status status;
  std::vector<std::string> got = ReadAll(env.fs, env.dir, &status);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(got, (std::vector<std::string>{MakeRecord(1, 100), MakeRecord(3, 100)}));
}

TEST(WalTest, FailedSyncFailsLogAndItsRecordIsNotKept) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_TRUE(LogOne(*wal, "a").ok());
  env.fs.SetSyncError(DataLossError("fdatasync: Input/output error"));
  EXPECT_EQ(LogOne(*wal, "b").code(), StatusCode::kDataLoss);
  env.fs.SetSyncError(OkStatus());
  ASSERT_TRUE(LogOne(*wal, "c").ok());
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(ReadAll(env.fs, env.dir), (std::vector<std::string>{"a", "c"}));
}

TEST(WalTest, WriteErrorRightAfterASegmentSwitchIsRecovered) {
  WalEnv env;
  auto wal = env.Open(WalOptions{.segment_size = 200});
  ASSERT_TRUE(LogOne(*wal, MakeRecord(1, 150)).ok());
  env.fs.SetWriteError(ResourceExhaustedError("no space left on device"));
  EXPECT_FALSE(LogOne(*wal, MakeRecord(2, 150)).ok());  // needs a new segment
  env.fs.SetWriteError(OkStatus());
  ASSERT_TRUE(LogOne(*wal, MakeRecord(3, 150)).ok());
  env.fs.DropUnsyncedData();
  Status status;
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status),
            (std::vector<std::string>{MakeRecord(1, 150), MakeRecord(3, 150)}));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(WalTest, LogAfterCloseFails) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_TRUE(wal->Close().ok());
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(LogOne(*wal, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(wal->NextSegment().status().code(), StatusCode::kFailedPrecondition);
}

TEST(WalTest, RejectsZeroSegmentSize) {
  WalEnv env;
  metrics::Registry registry;
  auto wal = Wal::Open(env.fs, env.dir, WalOptions{.segment_size = 0}, registry, env.log.logger());
  EXPECT_EQ(wal.status().code(), StatusCode::kInvalidArgument);
}

// One call blocks in fsync while nine others queue behind it: the nine are then written as
// one batch with one fsync.
TEST(WalTest, GroupCommitBatchesQueuedCallersIntoOneFsync) {
  WalEnv env;
  auto wal = env.Open();
  const uint64_t syncs_at_start = env.fs.counters().syncs;
  std::latch first_in_sync(1);
  std::latch release(1);
  std::atomic<bool> block_next{true};
  env.fs.SetSyncHook([&] {
    if (block_next.exchange(false)) {
      first_in_sync.count_down();
      release.wait();
    }
  });
  constexpr int kCallers = 10;
  std::vector<Status> results(kCallers);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { results[0] = LogOne(*wal, MakeRecord(0, 20)); });
  first_in_sync.wait();
  for (int i = 1; i < kCallers; ++i) {
    threads.emplace_back([&, i] { results[i] = LogOne(*wal, MakeRecord(i, 20)); });
  }
  while (wal->QueueLengthForTest() < kCallers) std::this_thread::yield();
  release.count_down();
  for (std::thread& t : threads) t.join();
  env.fs.SetSyncHook(nullptr);

  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(env.fs.counters().syncs - syncs_at_start, 2u);
  std::vector<std::string> got = ReadAll(env.fs, env.dir);
  ASSERT_EQ(got.size(), static_cast<size_t>(kCallers));
  EXPECT_EQ(RecordId(got[0]), 0u);
  std::set<uint64_t> ids;
  for (const std::string& r : got) ids.insert(RecordId(r));
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCallers));
}

TEST(WalTest, ConcurrentCallersEachRecordExactlyOnceInCallerOrder) {
  WalEnv env;
  auto wal = env.Open(WalOptions{.segment_size = 256 << 10});
  const uint64_t syncs_at_start = env.fs.counters().syncs;
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const uint64_t id = static_cast<uint64_t>(t) << 32 | static_cast<uint64_t>(i);
        std::string a = MakeRecord(id, 40 + i % 500);
        std::string b = MakeRecord(id | 1ULL << 31, 8);
        std::string_view both[] = {a, b};
        if (!wal->Log(both).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const uint64_t syncs = env.fs.counters().syncs - syncs_at_start;
  EXPECT_LE(syncs, static_cast<uint64_t>(kThreads * kCallsPerThread));
  env.fs.DropUnsyncedData();

  std::vector<std::string> got = ReadAll(env.fs, env.dir);
  ASSERT_EQ(got.size(), static_cast<size_t>(2 * kThreads * kCallsPerThread));
  std::vector<int> next_call(kThreads, 0);
  for (size_t i = 0; i < got.size(); i += 2) {
    const uint64_t id = RecordId(got[i]);
    const int t = static_cast<int>(id >> 32);
    ASSERT_LT(t, kThreads);
    // The two records of a call are adjacent, and each thread's calls are in order.
    EXPECT_EQ(static_cast<int>(id & 0xFFFFFFFF), next_call[t]++);
    EXPECT_EQ(RecordId(got[i + 1]), id | 1ULL << 31);
  }
}

TEST(WalTest, ExportsItsMetrics) {
  WalEnv env;
  auto wal = env.Open();
  ASSERT_TRUE(LogOne(*wal, "abc").ok());
  const std::string text = env.last_registry().ExpositionText();
  for (const char* name :
       {"osprey_tsdb_wal_fsync_duration_seconds_count 1", "osprey_tsdb_wal_records_total 1",
        "osprey_tsdb_wal_page_flushes_total 1", "osprey_tsdb_wal_segment_current 0",
        "osprey_tsdb_wal_bytes_written_total 10", "osprey_tsdb_wal_corruptions_total 0",
        "osprey_tsdb_wal_writes_failed_total 0"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
  }
}

TEST(WalTest, WorksOnPosixFileSystem) {
  testing::TempDir tmp;
  PosixFileSystem fs;
  WalEnv env;
  env.dir = tmp.Join("wal");
  std::vector<std::string> want;
  {
    auto wal = env.Open(fs, WalOptions{.segment_size = 100 << 10});
    ASSERT_NE(wal, nullptr);
    for (int i = 0; i < 200; ++i) {
      want.push_back(MakeRecord(i, 1000 + i * 3));
      ASSERT_TRUE(LogOne(*wal, want.back()).ok());
    }
    ASSERT_TRUE(wal->Close().ok());
  }
  auto wal = env.Open(fs, WalOptions{});
  ASSERT_NE(wal, nullptr);
  ASSERT_TRUE(LogOne(*wal, "reopened").ok());
  want.emplace_back("reopened");
  Status status;
  EXPECT_EQ(ReadAll(fs, env.dir, &status), want);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

}  // namespace
}  // namespace osprey::tsdb
