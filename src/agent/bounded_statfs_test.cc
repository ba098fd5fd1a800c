#include "agent/internal/bounded_statfs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace osprey::agent::internal {
namespace {

std::atomic<bool> release{false};

// A statfs that hangs like a dead NFS server until released.
int HangingStatfs(const char*, struct statfs* out) {
  while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  *out = {};
  out->f_bsize = 4096;
  out->f_blocks = 10;
  return 0;
}

TEST(BoundedStatfsTest, LocalAndNetworkMountsAnswer) {
  struct statfs st = {};
  const BoundedStatfs bounded;
  EXPECT_TRUE(bounded.Stat("/", false, &st));
  EXPECT_GT(st.f_blocks, 0u);
  st = {};
  EXPECT_TRUE(bounded.Stat("/", true, &st));
  EXPECT_GT(st.f_blocks, 0u);
  EXPECT_FALSE(bounded.Stat("/no/such/mount", true, &st));
  EXPECT_FALSE(BoundedStatfs::IsStuck("/no/such/mount"));
}

TEST(BoundedStatfsTest, AHungMountIsCutAtTheDeadlineAndSkippedUntilItReturns) {
  release = false;
  const BoundedStatfs bounded(std::chrono::milliseconds(50), &HangingStatfs);
  struct statfs st = {};
  EXPECT_FALSE(bounded.Stat("/mnt/nfs", true, &st));
  EXPECT_TRUE(BoundedStatfs::IsStuck("/mnt/nfs"));
  // While stuck, no second thread piles up on the same mount.
  EXPECT_FALSE(bounded.Stat("/mnt/nfs", true, &st));
  release = true;
  for (int i = 0; i < 1000 && BoundedStatfs::IsStuck("/mnt/nfs"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(BoundedStatfs::IsStuck("/mnt/nfs"));
  EXPECT_TRUE(bounded.Stat("/mnt/nfs", true, &st));
  EXPECT_EQ(st.f_blocks, 10u);
}

TEST(BoundedStatfsTest, NetworkFilesystemTypes) {
  EXPECT_TRUE(IsNetworkFilesystem("nfs4"));
  EXPECT_TRUE(IsNetworkFilesystem("fuse.sshfs"));
  EXPECT_TRUE(IsNetworkFilesystem("cifs"));
  EXPECT_FALSE(IsNetworkFilesystem("ext4"));
  EXPECT_FALSE(IsNetworkFilesystem("xfs"));
}

}  // namespace
}  // namespace osprey::agent::internal
