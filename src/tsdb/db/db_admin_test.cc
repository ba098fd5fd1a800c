// Db::Delete (tombstones), CleanTombstones and Snapshot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tsdb/db/db.h"
#include "tsdb/db/db_test_util.h"
#include "tsdb/db/merge_querier.h"

namespace osprey::tsdb::db_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Samples Expected(std::initializer_list<std::pair<int64_t, int64_t>> ranges, double plus = 0) {
  Samples out;
  for (auto [from, to] : ranges) {
    for (int64_t t = from; t <= to; t += 100)
      out.emplace_back(t, static_cast<double>(t) / 10 + plus);
  }
  return out;
}

const char kA[] = R"({__name__="up", job="a"})";
const char kB[] = R"({__name__="up", job="b"})";

class DbAdminTest : public DbFixture {
 protected:
  bool HasTombstonesFile(const BlockMeta& m) {
    return posix_.Exists(JoinPath(JoinPath(Options().dir, m.ulid), kTombstonesFileName));
  }
};

TEST_F(DbAdminTest, DeletedSamplesStayHiddenAcrossRestartCompactionAndCleanup) {
  Open();
  AppendRange(*db_, {Series("a"), Series("b")}, 0, 3000);
  ASSERT_TRUE(db_->Compact().ok());
  ASSERT_THAT(db_->Blocks(), SizeIs(2));
  const model::Matcher a[] = {Eq("job", "a")};
  ASSERT_TRUE(db_->Delete(a, {500, 2500}).ok());

  const Samples want_a = Expected({{0, 400}, {2600, 3000}});
  const Samples want_b = Expected({{0, 3000}}, 1);
  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    Data d = ReadAll(*db_, {All()}, {0, 3000});
    EXPECT_EQ(d[kA], want_a);
    EXPECT_EQ(d[kB], want_b);
    // Seeking into a deleted interval lands after it.
    auto q = db_->NewQuerier({0, 3000});
    auto set = (*q)->Select({}, a);
    ASSERT_TRUE(set->Next());
    auto it = set->At().Iterator();
    ASSERT_TRUE(it->Seek(1200));
    EXPECT_EQ(it->At().t, 2600);
  };
  check("after delete");
  for (const BlockMeta& m : db_->Blocks()) EXPECT_TRUE(HasTombstonesFile(m)) << m.ulid;

  Open();
  check("after restart");

  // More data: the blocks are merged, applying their tombstones.
  for (int64_t t = 3100; t <= 9100; t += 1000) {
    AppendRange(*db_, {Series("a"), Series("b")}, t, t + 900);
    ASSERT_TRUE(db_->Compact().ok());
  }
  ASSERT_EQ(db_->Blocks().front().range, (model::TimeRange{0, 2999}));
  EXPECT_FALSE(HasTombstonesFile(db_->Blocks().front()));
  check("after compaction");

  // A deletion in a block, then a cleanup rewriting it.
  const model::Matcher b[] = {Eq("job", "b")};
  ASSERT_TRUE(db_->Delete(b, {3000, 3500}).ok());
  const std::vector<BlockMeta> before = db_->Blocks();
  ASSERT_TRUE(db_->CleanTombstones().ok());
  const std::vector<BlockMeta> after = db_->Blocks();
  ASSERT_EQ(after.size(), before.size());
  for (const BlockMeta& m : after) EXPECT_FALSE(HasTombstonesFile(m)) << m.ulid;
  EXPECT_EQ(Metric("osprey_tsdb_tombstone_cleanups_total"), 1);
  Data d = ReadAll(*db_, {Eq("job", "b")}, {2900, 3600});
  EXPECT_EQ(d[kB], Expected({{2900, 2900}, {3600, 3600}}, 1));
  Open();
  EXPECT_EQ(ReadAll(*db_, {Eq("job", "b")}, {2900, 3600})[kB],
            Expected({{2900, 2900}, {3600, 3600}}, 1));
}

TEST_F(DbAdminTest, DeletingAllOfAHeadSeriesRemovesItUntilNewSamplesArrive) {
  Open();
  AppendRange(*db_, {Series("a"), Series("b")}, 0, 500);
  const model::Matcher a[] = {Eq("job", "a")};
  ASSERT_TRUE(db_->Delete(a, {}).ok());
  EXPECT_THAT(ReadAll(*db_), ElementsAre(::testing::Key(kB)));

  Open();
  EXPECT_THAT(ReadAll(*db_), ElementsAre(::testing::Key(kB)));
  // The tombstone ended at the newest sample then: later samples are visible.
  AppendRange(*db_, {Series("a")}, 600, 700);
  EXPECT_EQ(ReadAll(*db_)[kA], Expected({{600, 700}}));
  Open();
  EXPECT_EQ(ReadAll(*db_)[kA], Expected({{600, 700}}));
}

TEST_F(DbAdminTest, CleanupDropsABlockWhoseSamplesAreAllDeleted) {
  Open();
  AppendRange(*db_, {Series("a")}, 0, 3000);
  ASSERT_TRUE(db_->Compact().ok());
  const model::Matcher a[] = {Eq("job", "a")};
  ASSERT_TRUE(db_->Delete(a, {0, 999}).ok());
  EXPECT_THAT(db_->Blocks(), SizeIs(2));
  ASSERT_TRUE(db_->CleanTombstones().ok());
  EXPECT_THAT(db_->Blocks(),
              ElementsAre(::testing::Field(&BlockMeta::range, model::TimeRange{1000, 1999})));
  EXPECT_EQ(ReadAll(*db_)[kA], Expected({{1000, 3000}}));
}

Data ReadBlocks(const std::string& dir) {
  PosixFileSystem fs;
  std::vector<std::unique_ptr<storage::Querier>> parts;
  auto names = fs.ListDir(dir);
  EXPECT_TRUE(names.ok());
  for (const std::string& n : *names) {
    auto block = Block::Open(JoinPath(dir, n));
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    auto tombstones = ReadTombstonesFile(fs, JoinPath(dir, n));
    EXPECT_TRUE(tombstones.ok());
    parts.push_back(
        *(*block)->NewQuerier({}, std::make_shared<const Tombstones>(std::move(*tombstones))));
  }
  auto q = NewMergeQuerier(std::move(parts));
  Data out;
  auto set = q->Select({}, std::vector<model::Matcher>{All()});
  while (set->Next()) {
    auto it = set->At().Iterator();
    auto& s = out[set->At().labels().ToString()];
    while (it->Next()) s.emplace_back(it->At().t, it->At().v);
  }
  return out;
}

TEST_F(DbAdminTest, SnapshotHardLinksBlocksAndPersistsTheHead) {
  Open();
  AppendRange(*db_, {Series("a"), Series("b")}, 0, 3000);
  ASSERT_TRUE(db_->Compact().ok());
  const model::Matcher b[] = {Eq("job", "b")};
  ASSERT_TRUE(db_->Delete(b, {0, 1500}).ok());
  const Data all = ReadAll(*db_);

  auto name = db_->CreateSnapshot(/*with_head=*/true);
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  EXPECT_THAT(*name, ::testing::MatchesRegex("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}"));
  const std::string dir = JoinPath(JoinPath(Options().dir, "snapshots"), *name);
  auto entries = posix_.ListDir(dir);
  ASSERT_TRUE(entries.ok());
  EXPECT_THAT(*entries, SizeIs(3));  // two blocks and the head
  const std::string first = JoinPath(dir, db_->Blocks().front().ulid);
  EXPECT_GE(std::filesystem::hard_link_count(JoinPath(first, "data")), 2u);
  EXPECT_TRUE(posix_.Exists(JoinPath(first, kTombstonesFileName)));
  EXPECT_EQ(ReadBlocks(dir), all);

  const std::string blocks_only = dir_.Join("blocks_only");
  ASSERT_TRUE(db_->Snapshot(blocks_only, /*with_head=*/false).ok());
  Data d = ReadBlocks(blocks_only);
  EXPECT_EQ(d[kA], Expected({{0, 1999}}));
  // The snapshot is unaffected by later changes to the database.
  ASSERT_TRUE(db_->CleanTombstones().ok());
  EXPECT_EQ(ReadBlocks(dir), all);
}

}  // namespace
}  // namespace osprey::tsdb::db_test
