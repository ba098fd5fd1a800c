#include "agent/internal/bounded_statfs.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace osprey::agent::internal {
namespace {

// Paths whose statfs is still running on an abandoned thread. Process-wide: a stuck kernel
// call outlives any collector.
std::mutex stuck_mu;
std::set<std::string>& Stuck() {
  static auto* paths = new std::set<std::string>;
  return *paths;
}

struct Call {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  int rc = -1;
  struct statfs st = {};
};

}  // namespace

bool IsNetworkFilesystem(std::string_view fstype) {
  static constexpr std::string_view kNetwork[] = {"nfs",  "nfs4",      "cifs", "smb3",  "smbfs",
                                                  "ceph", "glusterfs", "9p",   "afs",   "lustre",
                                                  "gpfs", "ocfs2",     "gfs2", "davfs", "sshfs"};
  if (fstype.starts_with("fuse")) return true;
  for (std::string_view n : kNetwork) {
    if (fstype == n) return true;
  }
  return false;
}

bool BoundedStatfs::IsStuck(const std::string& path) {
  std::lock_guard lock(stuck_mu);
  return Stuck().contains(path);
}

bool BoundedStatfs::Stat(const std::string& path, bool may_hang, struct statfs* out) const {
  if (!may_hang) return fn_(path.c_str(), out) == 0;
  {
    std::lock_guard lock(stuck_mu);
    if (!Stuck().insert(path).second) return false;  // an earlier call has not returned
  }
  auto call = std::make_shared<Call>();
  std::thread([call, path, fn = fn_] {
    struct statfs st = {};
    const int rc = fn(path.c_str(), &st);
    {
      // Before the waiter wakes: once Stat() returns, the path is no longer stuck.
      std::lock_guard stuck_lock(stuck_mu);
      Stuck().erase(path);
    }
    {
      std::lock_guard lock(call->mu);
      call->rc = rc;
      call->st = st;
      call->done = true;
    }
    call->cv.notify_all();
  }).detach();
  std::unique_lock lock(call->mu);
  if (!call->cv.wait_for(lock, timeout_, [&] { return call->done; })) return false;
  *out = call->st;
  return call->rc == 0;
}

}  // namespace osprey::agent::internal
