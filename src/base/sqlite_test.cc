#include "base/sqlite.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "testing/temp_dir.h"

namespace osprey {
namespace {

TEST(SqliteDbTest, CreatesInsertsAndReadsBack) {
  testing::TempDir dir;
  auto db = SqliteDb::Open(dir.path() + "/t.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t (v, n) VALUES (?, ?)");
  ASSERT_TRUE(ins.ok());
  for (int i = 0; i < 3; ++i) {
    ins->Bind(1, std::string("v") + std::to_string(i));
    ins->Bind(2, int64_t{i * 10});
    ASSERT_TRUE(ins->Run().ok());
  }
  EXPECT_EQ((*db)->LastInsertId(), 3);
  auto q = (*db)->Prepare("SELECT v, n FROM t WHERE n >= ? ORDER BY id");
  ASSERT_TRUE(q.ok());
  q->Bind(1, int64_t{10});
  std::string got;
  while (true) {
    auto row = q->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    got += q->ColumnText(0) + "=" + std::to_string(q->ColumnInt(1)) + ";";
  }
  EXPECT_EQ(got, "v1=10;v2=20;");
}

TEST(SqliteDbTest, TransactionRollsBackUnlessCommitted) {
  testing::TempDir dir;
  auto db = SqliteDb::Open(dir.path() + "/t.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v TEXT)").ok());
  {
    auto tx = (*db)->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES ('dropped')").ok());
  }
  {
    auto tx = (*db)->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES ('kept')").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto q = (*db)->Prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "kept");
}

TEST(SqliteDbTest, GarbageFileIsDataLossNamingThePath) {
  testing::TempDir dir;
  std::string path = dir.path() + "/bad.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto db = SqliteDb::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find(path), std::string::npos) << db.status().ToString();
}

TEST(SqliteDbTest, SqlErrorsAreReported) {
  testing::TempDir dir;
  auto db = SqliteDb::Open(dir.path() + "/t.db");
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Prepare("SELEC nonsense").ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO u VALUES ('a')").ok());
  Status dup = (*db)->Exec("INSERT INTO u VALUES ('a')");
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists) << dup.ToString();
}

}  // namespace
}  // namespace osprey
