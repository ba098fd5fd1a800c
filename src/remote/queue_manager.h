// One remote_write destination: reads the WAL (WalTailer), relabels each series once, hashes
// series to shards, batches each shard's samples and POSTs them (protobuf + snappy, remote
// write 1.0) with retries. After Prometheus's storage/remote/queue_manager.go.
//
//   OSPREY_ASSIGN_OR_RETURN(auto q, QueueManager::Start(fs, options, families, logger));
//   ...
//   q->Stop(std::chrono::seconds(5));   // flush what is queued, save the position
//
// Delivery: at least once, in order per series. The position (per shard, the last sample
// acknowledged; wal_position.h) is saved under options.state_dir at most every
// position_save_interval and at Stop(), so after a restart the queue resumes where it was;
// after a crash it may resend up to that interval's samples (receivers ignore identical
// duplicates). A new queue (no saved position) starts after options.start_after when set,
// else at the end of the WAL as it is when the queue starts, as Prometheus does. Retries: 5xx,
// network errors and (with retry_on_http_429) 429 are retried with exponential backoff forever;
// other 4xx drop the batch (samples_failed_total).
//
// Backlog cap: while the remote is down the WAL segments not yet sent are kept (the head's
// truncation asks MinSegmentNeeded()). When the closed segments not yet read exceed
// max_backlog_bytes, the queue drops what it holds and skips ahead, counting every sample
// it skips in osprey_remote_storage_samples_dropped_total{reason="backlog"}, until the
// backlog is under the cap again; so a dead remote costs at most that much disk.
//
// Shards: min_shards of them, fixed (dynamic resharding up to max_shards is not done yet).
//
// Thread-safe. Threads: one WAL reader, one per shard (each with its own HttpClient).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/remote_write_config.h"
#include "http/client.h"
#include "ingest/relabel.h"
#include "model/labels.h"
#include "remote/remote_metrics.h"
#include "remote/wal_position.h"
#include "remote/wal_tailer.h"

namespace osprey::remote {

struct QueueOptions {
  config::RemoteWriteConfig config;
  // remote_name: config.name, or a hash of the entry when empty.
  std::string name;
  // Added to each series that lacks the label, before write_relabel_configs.
  std::map<std::string, std::string> external_labels;
  // Holds the position file.
  std::string state_dir;
  // The WAL to read, and its current segment (Wal::Segments().second).
  std::string wal_dir;
  std::function<int()> current_segment;
  // Without a saved position: send the samples after this key (and save it as the position
  // at once). Unset: start at the end of the WAL as it is when Start() reads it.
  std::optional<SampleKey> start_after;
  uint64_t max_backlog_bytes = uint64_t{1} << 30;
  // How often the reader looks for new WAL records.
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds position_save_interval{1000};
  std::string user_agent = "Osprey";
};

class QueueManager : public WalTailer::Handler {
 public:
  // Reads the saved position (a damaged file is logged and treated as absent) and starts
  // the threads. Errors: kInvalidArgument for write_relabel_configs RE2 rejects;
  // kUnavailable when a password or credentials file cannot be read.
  static Result<std::unique_ptr<QueueManager>> Start(FileSystem& fs, QueueOptions options,
                                                     RemoteMetricFamilies& families, Logger logger);
  // Stop(0) unless stopped.
  ~QueueManager() override;
  QueueManager(const QueueManager&) = delete;
  QueueManager& operator=(const QueueManager&) = delete;

  // Stops reading the WAL, sends what is queued for up to `deadline` (sends in flight then
  // are abandoned and their samples resent after a restart), saves the position, joins.
  // Idempotent.
  void Stop(std::chrono::milliseconds deadline);

  // The lowest WAL segment this queue still needs. Quick; thread-safe.
  int MinSegmentNeeded() const;
  // The position as it would be saved now.
  WalPosition Position() const;

  const QueueOptions& options() const { return options_; }

  // WalTailer::Handler; called on the reader thread.
  void OnSeries(std::span<const tsdb::RefSeries> series) override;
  bool OnSamples(int segment, uint64_t offset, std::span<const tsdb::RefSample> samples) override;
  void OnCorruption(int segment, uint64_t offset) override;

 private:
  // What the reader knows of a series. Entries are never erased while the queue runs, so
  // shards may hold pointers to them (unordered_map nodes do not move).
  struct SeriesEntry {
    model::Labels labels;  // after external labels and relabeling
    bool dropped = false;
  };
  struct Pending {
    const SeriesEntry* series;
    model::Timestamp t;
    double v;
    SampleKey key;
  };
  struct Shard {
    Mutex mu;
    std::condition_variable_any cv;        // to the shard: samples queued, stopping
    std::condition_variable_any space_cv;  // to the reader: the queue shrank
    std::deque<Pending> queue OSPREY_GUARDED_BY(mu);
    bool inflight OSPREY_GUARDED_BY(mu) = false;
    // A batch was given up unsent (hard stop): idle_mark no longer covers the shard.
    bool unsent OSPREY_GUARDED_BY(mu) = false;
    // The last sample sent or given up on; and the end of the last record the reader
    // dispatched whole (covers this shard when its queue is empty and nothing is in flight).
    SampleKey done OSPREY_GUARDED_BY(mu) = kBeforeWal;
    SampleKey idle_mark OSPREY_GUARDED_BY(mu) = kBeforeWal;
    // Bumped when the backlog cap drops what the shard holds: a send in flight gives up.
    uint64_t abandon_gen OSPREY_GUARDED_BY(mu) = 0;
    std::chrono::steady_clock::time_point first_queued OSPREY_GUARDED_BY(mu);
    std::jthread thread;
  };

  QueueManager(FileSystem& fs, QueueOptions options, http::ClientOptions client_options,
               ingest::Relabeler relabeler, RemoteMetricFamilies& families, Logger logger);
  void ReaderLoop();
  void ShardLoop(Shard& shard);
  // Sends one batch with retries. Returns when acknowledged or rejected (true: the position
  // may pass the batch), or abandoned by the backlog cap (true) or a hard stop (false).
  bool SendBatch(Shard& shard, http::HttpClient& client, const std::vector<Pending>& batch,
                 uint64_t gen);
  // Waits up to `d`; false when a hard stop or abandonment ended the wait early.
  bool Backoff(Shard& shard, uint64_t gen, std::chrono::milliseconds d);
  bool Abandoned(Shard& shard, uint64_t gen);
  SampleKey Watermark(Shard& shard) const;
  void MaybeSavePosition(bool force);
  // Bytes of the closed WAL segments from `segment` on.
  uint64_t BacklogBytes(int segment) const;
  void DropBacklog();

  FileSystem& fs_;
  const QueueOptions options_;
  const http::ClientOptions client_options_;
  const ingest::Relabeler relabeler_;
  const Logger logger_;
  QueueMetrics metrics_;
  std::vector<std::unique_ptr<Shard>> shards_;
  WalTailer tailer_;

  // Reader thread state.
  std::unordered_map<storage::SeriesRef, std::unique_ptr<SeriesEntry>> series_;
  std::vector<SampleKey> resume_;            // per shard: samples up to here were sent before
  std::optional<SampleKey> next_in_record_;  // where a record cut short resumes
  bool skipping_ = false;                    // the backlog cap is in force
  int last_segment_seen_ = -1;
  double highest_ts_ = 0;
  std::chrono::steady_clock::time_point last_save_;

  std::atomic<bool> dirty_{false};      // the position moved since it was saved
  std::atomic<bool> stopping_{false};   // reader: stop; shards: flush and exit
  std::atomic<bool> hard_stop_{false};  // shards: give up now
  std::atomic<bool> stopped_{false};
  Mutex stop_mu_;
  std::condition_variable_any stop_cv_;  // wakes the reader's poll wait and backoffs
  Mutex save_mu_;                        // one position write at a time
  std::atomic<double> highest_sent_ts_{0};
  std::jthread reader_;
};

// The directory name of a queue's state: a hash of its url and name, so that changing any
// other setting keeps the position.
std::string QueueHash(const config::RemoteWriteConfig& c);

}  // namespace osprey::remote
