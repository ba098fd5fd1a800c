// Every remote_write queue of the running config: starts, restarts and stops them on config
// changes, and tells the head how much WAL they still need. After Prometheus's
// storage/remote/write.go (WriteStorage).
//
//   RemoteStorage remote(fs, {.state_dir = data + "/remote_write", .wal_dir = ...,
//                             .current_segment = ...}, registry, logger);
//   db.head().SetWalRetention([&remote] { return remote.MinSegmentNeeded(); });
//   OSPREY_RETURN_IF_ERROR(remote.ApplyConfig(cfg.remote_write, cfg.global.external_labels));
//   ...
//   remote.Close(std::chrono::seconds(5));
//
// A queue is identified by its url and name (QueueHash): its state directory
// <state_dir>/<hash>/ keeps the position, so a queue whose other settings change restarts
// where it stopped, and one removed and added back later resumes too (if the WAL still has
// the segments).
//
// Start-up: construct it right after the WAL is opened (replayed), before anything can be
// ingested. The queues of the first ApplyConfig that have no saved position send every
// sample written since then, so nothing ingested between the HTTP listener (or the first
// scrape) and the queues' start is missed. Queues added by a later reload start at the end
// of the WAL as it is then, as Prometheus's do.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/remote_write_config.h"
#include "metrics/registry.h"
#include "remote/queue_manager.h"
#include "remote/remote_metrics.h"

namespace osprey::remote {

struct RemoteStorageOptions {
  std::string state_dir;  // <data dir>/remote_write
  std::string wal_dir;
  std::function<int()> current_segment;
  // Per queue: the closed WAL segments kept for it, at most (see queue_manager.h).
  uint64_t max_backlog_bytes = uint64_t{1} << 30;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds position_save_interval{1000};
  // How long a queue stopped by a config change gets to flush.
  std::chrono::milliseconds restart_flush_deadline{5000};
  std::string user_agent = "Osprey";
};

// Thread-safe.
class RemoteStorage {
 public:
  // Registers the osprey_remote_storage_* metrics in `registry` (one per registry), and
  // notes where the WAL is (options.current_segment) for the first ApplyConfig's new queues.
  RemoteStorage(FileSystem& fs, RemoteStorageOptions options, metrics::Registry& registry,
                Logger logger);
  // Close(0).
  ~RemoteStorage();
  RemoteStorage(const RemoteStorage&) = delete;
  RemoteStorage& operator=(const RemoteStorage&) = delete;

  // Makes the running queues match `configs`: entries equal to a running queue's (and the
  // same external labels) keep running untouched; changed ones are stopped (flushing for up
  // to restart_flush_deadline) and started again from their saved position; removed ones
  // are stopped; new ones start (without a saved position: on the first call, from where
  // the WAL was at construction; later, at the end of the WAL). Returns the first error (a queue
  // that cannot start, a duplicate url and name); the other entries are still applied.
  Status ApplyConfig(const std::vector<config::RemoteWriteConfig>& configs,
                     const std::map<std::string, std::string>& external_labels)
      OSPREY_EXCLUDES(mu_);

  // The lowest WAL segment a queue still needs; INT_MAX when there is no queue. For
  // Head::SetWalRetention.
  int MinSegmentNeeded() const OSPREY_EXCLUDES(mu_);

  // Stops every queue, each flushing for up to `deadline`. ApplyConfig fails afterwards.
  void Close(std::chrono::milliseconds deadline) OSPREY_EXCLUDES(mu_);

  size_t QueueCount() const OSPREY_EXCLUDES(mu_);
  // The running queue for an entry (QueueHash), or null. It lives until ApplyConfig or Close.
  const QueueManager* QueueForTest(const std::string& hash) const OSPREY_EXCLUDES(mu_);

 private:
  FileSystem& fs_;
  const RemoteStorageOptions options_;
  const Logger logger_;
  RemoteMetricFamilies families_;
  // Before the first record of the segment current at construction: Wal::Open starts a new
  // segment, so this is before everything ingested since the storage opened (and at worst
  // before a little more, sent again: never less).
  const SampleKey startup_mark_;

  mutable Mutex mu_;
  std::map<std::string, std::unique_ptr<QueueManager>> queues_ OSPREY_GUARDED_BY(mu_);
  bool closed_ OSPREY_GUARDED_BY(mu_) = false;
  bool applied_ OSPREY_GUARDED_BY(mu_) = false;  // ApplyConfig ran: startup_mark_ is used up
};

}  // namespace osprey::remote
