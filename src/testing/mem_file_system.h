// An in-memory FileSystem for storage tests, with fault injection (after leveldb's
// fault_injection_test):
//
//   testing::MemFileSystem fs;
//   ... write through fs, some files synced, some not ...
//   fs.DropUnsyncedData();           // power loss: what was not synced is gone
//   fs.SetWriteError(ResourceExhaustedError("disk full"));   // writes fail until cleared
//
// Crash model (DropUnsyncedData):
//  - a file keeps exactly the bytes it had at its last successful WritableFile::Sync()
//    (Truncate() also shortens what is kept);
//  - a file's name (creation, rename, removal) survives only once SyncDir() of its directory
//    ran after the change; until then the crash undoes the change (a created file vanishes,
//    a removed one comes back, a renamed one returns to its old name). Directory creation,
//    directory removal and directory renames are durable at once;
//  - every WritableFile open at the crash is dead: its methods fail with kFailedPrecondition,
//    so a Close() in a destructor cannot write anything after the crash.
// Thread-safe (one mutex). The MemFileSystem must outlive the files it hands out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/thread_annotations.h"

namespace osprey::testing {

class MemFileSystem final : public FileSystem {
 public:
  // Totals since construction, for tests that count I/O (e.g. fsyncs of a group commit).
  struct Counters {
    uint64_t appends = 0;         // successful WritableFile::Append calls
    uint64_t appended_bytes = 0;  // bytes they stored
    uint64_t syncs = 0;           // successful WritableFile::Sync calls
    uint64_t dir_syncs = 0;       // successful SyncDir calls
    uint64_t files_created = 0;   // NewWritableFile/NewAppendableFile that created a file
  };

  MemFileSystem();
  ~MemFileSystem() override;
  MemFileSystem(const MemFileSystem&) = delete;
  MemFileSystem& operator=(const MemFileSystem&) = delete;

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Status Remove(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  bool Exists(const std::string& path) override;

  // Simulates a power loss (see the crash model above).
  void DropUnsyncedData();

  // While `error` is not OK, WritableFile::Append, Flush and Sync fail with it and store
  // nothing (a full disk). OkStatus() clears it, and also a pending FailAppendsAfter().
  void SetWriteError(Status error);
  // While `error` is not OK, WritableFile::Sync fails with it (appends still succeed).
  void SetSyncError(Status error);
  // The next appends store `bytes` more bytes in total, then fail with `error`: the append
  // that crosses the limit stores its first part only (a torn write). Every later append,
  // flush and sync fails with `error` until SetWriteError(OkStatus()).
  void FailAppendsAfter(uint64_t bytes, Status error);

  // Calls `hook` (without any lock held) at the start of every WritableFile::Sync, e.g. to
  // block a sync while a test lines up concurrent callers. An empty function removes it.
  void SetSyncHook(std::function<void()> hook);

  Counters counters() const;

 private:
  struct Node;
  class File;
  class Reader;
  friend class File;
  friend class Reader;

  Result<std::unique_ptr<WritableFile>> OpenFile(const std::string& path, bool truncate);
  // Called by File with mu_ not held.
  Status AppendToNode(Node& node, uint64_t generation, std::string_view data) OSPREY_EXCLUDES(mu_);
  Status SyncNode(Node& node, uint64_t generation) OSPREY_EXCLUDES(mu_);
  Status CheckWritable(uint64_t generation) const OSPREY_REQUIRES(mu_);
  bool DirExists(const std::string& dir) const OSPREY_REQUIRES(mu_);

  mutable Mutex mu_;
  // Current names of files and directories (normalized paths).
  std::map<std::string, std::shared_ptr<Node>> files_ OSPREY_GUARDED_BY(mu_);
  std::set<std::string> dirs_ OSPREY_GUARDED_BY(mu_);
  // The file names a crash would leave (see the crash model).
  std::map<std::string, std::shared_ptr<Node>> durable_files_ OSPREY_GUARDED_BY(mu_);
  // Bumped by DropUnsyncedData; files opened under an older generation are dead.
  uint64_t generation_ OSPREY_GUARDED_BY(mu_) = 0;
  Status write_error_ OSPREY_GUARDED_BY(mu_);
  Status sync_error_ OSPREY_GUARDED_BY(mu_);
  bool fail_after_armed_ OSPREY_GUARDED_BY(mu_) = false;
  uint64_t fail_after_bytes_ OSPREY_GUARDED_BY(mu_) = 0;
  Status fail_after_error_ OSPREY_GUARDED_BY(mu_);
  Counters counters_ OSPREY_GUARDED_BY(mu_);
  // shared_ptr: a sync calls its copy outside mu_ while another thread may replace it.
  std::shared_ptr<const std::function<void()>> sync_hook_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::testing
