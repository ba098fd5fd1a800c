// statfs with a deadline, for mounts that can hang (NFS, CIFS, FUSE...): the call runs on a
// detached thread, and a mount whose statfs has not returned by the deadline is reported as
// an error and skipped ("stuck") until that call finally returns, as node_exporter does with
// its mount_timeout. Local filesystems are asked inline: a thread per mount would cost more
// than the call.
#pragma once

#include <sys/statfs.h>

#include <chrono>
#include <string>
#include <string_view>

namespace osprey::agent::internal {

using StatfsFunction = int (*)(const char* path, struct statfs* out);

// Filesystem types whose statfs may block on the network: nfs, nfs4, cifs, smb3, ceph,
// glusterfs, 9p, fuse.* and friends.
bool IsNetworkFilesystem(std::string_view fstype);

class BoundedStatfs {
 public:
  explicit BoundedStatfs(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                         StatfsFunction fn = &::statfs)
      : timeout_(timeout), fn_(fn) {}

  // True and `out` filled on success. False when statfs failed, took longer than the
  // timeout, or an earlier call on `path` is still stuck. Thread-safe.
  bool Stat(const std::string& path, bool may_hang, struct statfs* out) const;

  // Whether a call on `path` is still outstanding (for tests and the log).
  static bool IsStuck(const std::string& path);

 private:
  std::chrono::milliseconds timeout_;
  StatfsFunction fn_;
};

}  // namespace osprey::agent::internal
