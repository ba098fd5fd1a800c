#include "remote/wal_position.h"

#include <gtest/gtest.h>

#include "testing/mem_file_system.h"

namespace osprey::remote {
namespace {

TEST(WalPositionTest, RoundTripsThroughTheFile) {
  testing::MemFileSystem fs;
  const WalPosition p{
      {SampleKey{3, 1024, 7}, SampleKey{2, UINT64_MAX, SampleKey::kWholeRecord}, kBeforeWal}};
  ASSERT_TRUE(WritePositionFile(fs, "data/remote_write/abc", p).ok());
  Result<WalPosition> got = ReadPositionFile(fs, "data/remote_write/abc");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, p);
  EXPECT_EQ(got->Min(), kBeforeWal);
}

TEST(WalPositionTest, MissingFileIsNotFound) {
  testing::MemFileSystem fs;
  EXPECT_EQ(ReadPositionFile(fs, "nowhere").status().code(), StatusCode::kNotFound);
}

TEST(WalPositionTest, GarbageIsDataLossNamingTheProblem) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "remote_write position file: missing header line"},
      {"osprey-remote-write-position v1\nshards x\n",
       "remote_write position file: invalid shard count"},
      {"osprey-remote-write-position v1\nshards 0\n",
       "remote_write position file: shard count out of range"},
      {"osprey-remote-write-position v1\nshards 2\n1 2 3\n",
       "remote_write position file: fewer shard lines than the shard count"},
      {"osprey-remote-write-position v1\nshards 1\n1 2\n",
       "remote_write position file: invalid line for shard 0"},
      {"osprey-remote-write-position v1\nshards 1\n1 2 3\nmore\n",
       "remote_write position file: trailing data"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<WalPosition> p = ParsePosition(c.text);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(p.status().message(), c.message);
  }
}

TEST(SampleKeyTest, OrdersAsTheWal) {
  EXPECT_LT(kBeforeWal, (SampleKey{0, 0, 0}));
  EXPECT_LT((SampleKey{0, 10, 5}), (SampleKey{0, 11, 0}));
  EXPECT_LT((SampleKey{0, 10, SampleKey::kWholeRecord}), (SampleKey{1, 0, 0}));
}

}  // namespace
}  // namespace osprey::remote
