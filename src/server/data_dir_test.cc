#include "server/data_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using ::testing::HasSubstr;

TEST(DataDirLockTest, CreatesMissingDirectory) {
  testing::TempDir tmp;
  auto lock = DataDirLock::Acquire(tmp.Join("a/b/data"));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ((*lock)->dir(), tmp.Join("a/b/data"));
}

TEST(DataDirLockTest, SecondLockOnSameDirFails) {
  testing::TempDir tmp;
  auto first = DataDirLock::Acquire(tmp.path());
  ASSERT_TRUE(first.ok());
  auto second = DataDirLock::Acquire(tmp.path());
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another process"));
  EXPECT_THAT(second.status().message(), HasSubstr(tmp.path()));
  first->reset();
  EXPECT_TRUE(DataDirLock::Acquire(tmp.path()).ok());
}

TEST(DataDirLockTest, PathUnderAFileIsAnErrorNamingThePath) {
  testing::TempDir tmp;
  std::string file = tmp.WriteFile("plain-file", "x");
  auto lock = DataDirLock::Acquire(file + "/data");
  ASSERT_FALSE(lock.ok());
  EXPECT_THAT(lock.status().message(), HasSubstr(file + "/data"));
}

}  // namespace
}  // namespace osprey::server
