#include "server/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace osprey::server {

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status(StatusCode::kPermissionDenied,
                  "cannot create data dir " + dir + ": " + ec.message());
  }
  std::string lock_path = dir + "/lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return ErrnoError("data dir " + dir + " is not writable: open " + lock_path, errno);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return UnavailableError("data dir " + dir + " is in use by another process (lock " +
                              lock_path + " is held)");
    }
    return ErrnoError("lock data dir " + lock_path, err);
  }
  // Prove we can write data files, not only open the lock (e.g. a read-only remount).
  std::string probe = dir + "/.write_probe";
  int pfd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (pfd < 0 || ::write(pfd, "x", 1) != 1) {
    int err = errno;
    if (pfd >= 0) ::close(pfd);
    ::close(fd);
    return ErrnoError("data dir " + dir + " is not writable: write " + probe, err);
  }
  ::close(pfd);
  ::unlink(probe.c_str());
  return std::unique_ptr<DataDirLock>(new DataDirLock(dir, fd));
}

DataDirLock::~DataDirLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace osprey::server
