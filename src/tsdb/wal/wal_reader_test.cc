// Damage detection and repair: torn tails, flipped bytes, missing segments.
#include "tsdb/wal/wal_reader.h"

#include <set>

#include "gtest/gtest.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"

namespace osprey::tsdb {
namespace {

using wal_format::kPageSize;
using wal_format::SegmentPath;
using wal_test::MakeRecord;
using wal_test::ReadAll;
using wal_test::WalEnv;

// Replaces the whole contents of `path`, synced.
void Overwrite(FileSystem& fs, const std::string& path, std::string_view data) {
  auto file = fs.NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(data).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
}

std::string Contents(FileSystem& fs, const std::string& path) {
  auto data = ReadFileToString(fs, path);
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  return data.ok() ? *data : "";
}

// Logs `records` into segment 0 of a fresh WAL and closes it.
void WriteSegment(WalEnv& env, const std::vector<std::string>& records, WalOptions options = {}) {
  auto wal = env.Open(options);
  for (const std::string& r : records) ASSERT_TRUE(wal->Log(std::string_view(r)).ok());
  ASSERT_TRUE(wal->Close().ok());
}

std::vector<std::string> MixedRecords() {
  std::vector<std::string> records;
  for (int i = 0; i < 12; ++i) {
    records.push_back(MakeRecord(i, i == 5 ? 2 * kPageSize + 300 : 700 * (i + 1)));
  }
  return records;
}

TEST(WalReaderTest, ReportsWhereEachRecordStarts) {
  WalEnv env;
  WriteSegment(env, {"a", "bb"});
  auto reader = WalReader::Open(env.fs, {SegmentRange{env.dir}});
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Next());
  EXPECT_EQ((*reader)->Record(), "a");
  EXPECT_EQ((*reader)->segment(), 0);
  EXPECT_EQ((*reader)->offset(), 0u);
  ASSERT_TRUE((*reader)->Next());
  EXPECT_EQ((*reader)->Record(), "bb");
  EXPECT_EQ((*reader)->offset(), wal_format::kHeaderSize + 1);
  EXPECT_FALSE((*reader)->Next());
  EXPECT_TRUE((*reader)->status().ok());
  EXPECT_EQ((*reader)->corruption(), nullptr);
}

TEST(WalReaderTest, TornTailIsRepairedKeepingEveryEarlierRecord) {
  WalEnv env;
  std::vector<std::string> records = MixedRecords();
  WriteSegment(env, records);
  const std::string seg0 = SegmentPath(env.dir, 0);
  auto size = env.fs.FileSize(seg0);
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(env.fs.Truncate(seg0, *size - 5).ok());

  auto wal = env.Open();  // starts segment 1
  Status status;
  CorruptionInfo corruption;
  std::vector<std::string> got = ReadAll(env.fs, env.dir, &status, &corruption);
  records.pop_back();
  EXPECT_EQ(got, records);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find(seg0), std::string::npos) << status.ToString();
  EXPECT_EQ(corruption.dir, env.dir);
  EXPECT_EQ(corruption.segment, 0);

  ASSERT_TRUE(wal->Repair(corruption).ok());
  EXPECT_EQ(Contents(env.fs, seg0).size(), corruption.offset);
  ASSERT_TRUE(wal->Log(std::string_view("after repair")).ok());
  ASSERT_TRUE(wal->Close().ok());

  records.emplace_back("after repair");
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status), records);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_NE(env.last_registry().ExpositionText().find("osprey_tsdb_wal_corruptions_total 1"),
            std::string::npos);
  bool logged = false;
  for (const std::string& line : env.log.lines()) {
    logged |= line.find("Repairing a damaged WAL") != std::string::npos;
  }
  EXPECT_TRUE(logged);
}

TEST(WalReaderTest, FlippedByteStopsAtTheDamagedRecordAndRepairDropsLaterSegments) {
  WalEnv env;
  std::vector<std::string> records;
  for (int i = 0; i < 60; ++i) records.push_back(MakeRecord(i, 1500));
  WriteSegment(env, records, WalOptions{.segment_size = 20000});
  auto segments = wal_format::ListSegments(env.fs, env.dir);
  ASSERT_TRUE(segments.ok());
  ASSERT_GE(segments->size(), 4u);

  const std::string seg1 = SegmentPath(env.dir, 1);
  std::string data = Contents(env.fs, seg1);
  data[data.size() / 2] ^= 0x20;
  Overwrite(env.fs, seg1, data);

  Status status;
  CorruptionInfo corruption;
  std::vector<std::string> got = ReadAll(env.fs, env.dir, &status, &corruption);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("checksum mismatch"), std::string::npos) << status.ToString();
  ASSERT_LT(got.size(), records.size());
  EXPECT_GT(got.size(), 13u);  // all of segment 0 and part of segment 1
  EXPECT_EQ(got, std::vector<std::string>(records.begin(), records.begin() + got.size()));
  EXPECT_EQ(corruption.segment, 1);

  ASSERT_TRUE(RepairWal(env.fs, env.dir, corruption).ok());
  auto after = wal_format::ListSegments(env.fs, env.dir);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, (std::vector<int>{0, 1}));
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status), got);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

// Cuts a segment at many lengths: the reader returns exactly the records that fit, and
// when it reports damage, repairing it leaves a WAL that reads cleanly to the same records.
TEST(WalReaderTest, EveryCutOfASegmentYieldsTheRecordsBeforeIt) {
  WalEnv env;
  std::vector<std::string> records;
  for (int i = 0; i < 8; ++i) records.push_back(MakeRecord(i, i == 3 ? kPageSize + 500 : 4000));
  WriteSegment(env, records);
  const std::string seg0 = SegmentPath(env.dir, 0);
  const std::string full = Contents(env.fs, seg0);
  std::vector<uint64_t> ends;
  uint64_t end = 0;
  for (const std::string& r : records) {
    end += wal_format::FramedSize(end, r.size());
    ends.push_back(end);
  }
  ASSERT_EQ(end, full.size());

  // Every 37th length, and every length near a record end or a page boundary.
  std::set<size_t> cuts;
  for (size_t cut = 0; cut <= full.size(); cut += 37) cuts.insert(cut);
  std::vector<uint64_t> marks = ends;
  for (uint64_t page = 0; page <= full.size(); page += kPageSize) marks.push_back(page);
  for (uint64_t mark : marks) {
    for (uint64_t cut = mark >= 16 ? mark - 16 : 0; cut <= mark + 16; ++cut) {
      if (cut <= full.size()) cuts.insert(cut);
    }
  }
  for (size_t cut : cuts) {
    SCOPED_TRACE(::testing::Message() << "cut at " << cut);
    Overwrite(env.fs, seg0, std::string_view(full).substr(0, cut));
    size_t fitting = 0;
    while (fitting < ends.size() && ends[fitting] <= cut) ++fitting;
    const std::vector<std::string> want(records.begin(), records.begin() + fitting);

    Status status;
    CorruptionInfo corruption;
    ASSERT_EQ(ReadAll(env.fs, env.dir, &status, &corruption), want);
    if (status.ok()) continue;
    ASSERT_EQ(status.code(), StatusCode::kDataLoss);
    ASSERT_EQ(corruption.offset, fitting == 0 ? 0 : ends[fitting - 1]);
    ASSERT_TRUE(RepairWal(env.fs, env.dir, corruption).ok());
    ASSERT_EQ(ReadAll(env.fs, env.dir, &status), want);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
}

TEST(WalReaderTest, ZeroFilledTailIsNotDamage) {
  WalEnv env;
  std::vector<std::string> records = MixedRecords();
  WriteSegment(env, records);
  const std::string seg0 = SegmentPath(env.dir, 0);
  auto size = env.fs.FileSize(seg0);
  ASSERT_TRUE(size.ok());
  // What a file system may leave after a crash: the size grew, the data did not arrive.
  ASSERT_TRUE(env.fs.Truncate(seg0, *size + 2 * kPageSize + 10).ok());
  Status status;
  EXPECT_EQ(ReadAll(env.fs, env.dir, &status), records);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(WalReaderTest, RecordInterruptedByAnotherIsDamage) {
  WalEnv env;
  ASSERT_TRUE(env.fs.CreateDirs(env.dir).ok());
  std::string first_page;
  wal_format::AppendFramed(0, std::string(kPageSize + 100, 'x'), 0, first_page);
  first_page.resize(kPageSize);  // the first fragment fills the first page
  wal_format::AppendFramed(kPageSize, "other", 0, first_page);
  Overwrite(env.fs, SegmentPath(env.dir, 0), first_page);
  Status status;
  CorruptionInfo corruption;
  EXPECT_TRUE(ReadAll(env.fs, env.dir, &status, &corruption).empty());
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("interrupted"), std::string::npos) << status.ToString();
  EXPECT_EQ(corruption.offset, 0u);
}

TEST(WalReaderTest, GarbageSegmentIsDamageNotACrash) {
  WalEnv env;
  ASSERT_TRUE(env.fs.CreateDirs(env.dir).ok());
  std::string garbage(3 * kPageSize, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : garbage) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  Overwrite(env.fs, SegmentPath(env.dir, 0), garbage);
  Status status;
  EXPECT_TRUE(ReadAll(env.fs, env.dir, &status).empty());
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
}

TEST(WalReaderTest, MissingSegmentIsDataLoss) {
  WalEnv env;
  {
    auto wal = env.Open();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(wal->Log(std::string_view("x")).ok());
      ASSERT_TRUE(wal->NextSegment().ok());
    }
  }
  ASSERT_TRUE(env.fs.Remove(SegmentPath(env.dir, 1)).ok());
  auto reader = WalReader::Open(env.fs, {SegmentRange{env.dir}});
  EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(reader.status().message().find("00000001"), std::string::npos);
}

TEST(WalReaderTest, RangesSelectSegments) {
  WalEnv env;
  {
    auto wal = env.Open();
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(wal->Log(std::string_view(MakeRecord(i, 8))).ok());
      ASSERT_TRUE(wal->NextSegment().ok());
    }
  }
  auto reader = WalReader::Open(env.fs, {SegmentRange{env.dir, 1, 2}});
  ASSERT_TRUE(reader.ok());
  std::vector<uint64_t> ids;
  while ((*reader)->Next()) ids.push_back(wal_test::RecordId((*reader)->Record()));
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 2}));
}

TEST(WalReaderTest, RepairRefusesCheckpointsAndTheCurrentSegment) {
  WalEnv env;
  auto wal = env.Open();
  CorruptionInfo in_checkpoint{env.dir + "/checkpoint.00000003", 0, 10, "checksum mismatch"};
  EXPECT_EQ(wal->Repair(in_checkpoint).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(RepairWal(env.fs, env.dir, in_checkpoint).code(), StatusCode::kFailedPrecondition);
  CorruptionInfo in_current{env.dir, wal->Segments().second, 0, "x"};
  EXPECT_EQ(wal->Repair(in_current).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace osprey::tsdb
