// The data directory: created if missing, checked writable, and locked (flock on
// <dir>/lock) so two servers never share one.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

namespace osprey::server {

class DataDirLock {
 public:
  // Errors name the path: "data dir /x is not writable: open /x/lock: Permission denied",
  // "data dir /x is in use by another process (lock /x/lock is held)".
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::string& dir() const { return dir_; }

 private:
  DataDirLock(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  const std::string dir_;
  const int fd_;
};

}  // namespace osprey::server
