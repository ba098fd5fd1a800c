// The notification log (Alertmanager's nflog): for each (aggregation group, receiver
// integration), which alerts were firing and resolved in the last notification that went out,
// and when. The dedup stage of the pipeline reads it to decide whether a group needs a new
// notification; the pipeline writes it after a successful send.
//
// The log is persisted as a snapshot file (docs/format/nflog.md), written atomically, so that
// after a restart the re-formed groups neither send again what was already sent nor lose a
// notification that is due.
//
//   OSPREY_ASSIGN_OR_RETURN(auto nflog, Nflog::Open({.snapshot_path = dir + "/nflog"}, fs,
//                                                    clock, &registry));
//   nflog->Log(receiver, group_key, firing, resolved, /*expiry_ms=*/2 * repeat);
//   std::optional<NflogEntry> e = nflog->Query(group_key, receiver);
//   nflog->StartMaintenance();  // GC and snapshots in the background
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "model/sample.h"

namespace osprey::metrics {
class Counter;
class Gauge;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

// One integration of a receiver, as Alertmanager's nflogpb.Receiver.
struct NflogReceiver {
  std::string group_name;   // The receiver's name in the config.
  std::string integration;  // "webhook", "email", ...
  uint32_t idx = 0;         // Index among the receiver's integrations of this kind.

  // Alertmanager's receiverKey: "<name>/<integration>/<idx>".
  std::string Key() const;
  friend bool operator==(const NflogReceiver&, const NflogReceiver&) = default;
};

struct NflogEntry {
  std::string group_key;
  NflogReceiver receiver;
  model::Timestamp timestamp = 0;         // When the notification was sent (ms since the epoch).
  std::vector<uint64_t> firing_alerts;    // Fingerprints.
  std::vector<uint64_t> resolved_alerts;  // Fingerprints.
  model::Timestamp expires_at = 0;        // Dropped by GC at and after this time.

  // Whether every fingerprint of `subset` was firing at the last notification.
  bool IsFiringSubset(const std::unordered_set<uint64_t>& subset) const;
  // Whether every fingerprint of `subset` was resolved at the last notification.
  bool IsResolvedSubset(const std::unordered_set<uint64_t>& subset) const;

  friend bool operator==(const NflogEntry&, const NflogEntry&) = default;
};

// The snapshot codec (docs/format/nflog.md). Decode never crashes on bad input: it returns
// kDataLoss naming what is wrong and at which byte offset.
std::string EncodeNflogSnapshot(const std::vector<NflogEntry>& entries);
Result<std::vector<NflogEntry>> DecodeNflogSnapshot(std::string_view data);

// Thread-safe.
class Nflog {
 public:
  struct Options {
    // Snapshot file; empty: in memory only.
    std::string snapshot_path;
    // How long an entry lives at most (Alertmanager's --data.retention, 120h).
    int64_t retention_ms = 120LL * 3600 * 1000;
    // StartMaintenance(): how often GC runs and how long a changed log may stay unsaved.
    int64_t gc_interval_ms = 15LL * 60 * 1000;
    int64_t snapshot_interval_ms = 1000;
  };

  // Loads the snapshot when present. A corrupt or unreadable snapshot does not fail Open: the
  // log starts empty, the error is counted (osprey_nflog_snapshot_load_errors_total), logged
  // and kept in load_status(). `registry` and `logger` may be null.
  static std::unique_ptr<Nflog> Open(Options options, FileSystem& fs, const Clock& clock,
                                     metrics::Registry* registry, const Logger* logger = nullptr);
  ~Nflog();  // Stops maintenance and writes a last snapshot when the log changed.
  Nflog(const Nflog&) = delete;
  Nflog& operator=(const Nflog&) = delete;

  // Records a notification sent now. The entry expires after `expiry_ms` when that is
  // positive and shorter than the retention (the pipeline passes 2 x repeat_interval).
  // An existing entry is replaced unless its timestamp is later than now.
  void Log(const NflogReceiver& receiver, std::string_view group_key,
           std::vector<uint64_t> firing_alerts, std::vector<uint64_t> resolved_alerts,
           int64_t expiry_ms);
  // The last entry for this group and integration; nullopt when none.
  std::optional<NflogEntry> Query(std::string_view group_key, const NflogReceiver& receiver) const;
  // Every entry, sorted by key (for /api and tests).
  std::vector<NflogEntry> Entries() const;
  // Drops expired entries; returns how many.
  int GC();
  // Writes the snapshot file now (atomic temp + rename); OK without a snapshot path.
  Status Snapshot();
  // A background thread that runs GC every gc_interval_ms and Snapshot() at most every
  // snapshot_interval_ms while the log changed. Stopped by the destructor.
  void StartMaintenance();
  // The outcome of loading the snapshot at Open.
  const Status& load_status() const { return load_status_; }

 private:
  struct Metrics;
  Nflog(Options options, FileSystem& fs, const Clock& clock, metrics::Registry* registry,
        const Logger* logger);
  void Load();
  void MaintenanceLoop(std::stop_token stop) OSPREY_NO_THREAD_SAFETY_ANALYSIS;

  const Options options_;
  FileSystem& fs_;
  const Clock& clock_;
  const Logger* const logger_;  // May be null.
  const std::unique_ptr<Metrics> metrics_;
  Status load_status_;

  mutable Mutex mu_;
  // Key: "<group key>:<receiver key>" (Alertmanager's stateKey).
  std::unordered_map<std::string, NflogEntry> entries_ OSPREY_GUARDED_BY(mu_);
  uint64_t version_ OSPREY_GUARDED_BY(mu_) = 0;  // Bumped by each change.
  uint64_t saved_version_ OSPREY_GUARDED_BY(mu_) = 0;

  Mutex snapshot_mu_;  // Serializes writers of the file.
  Mutex stop_mu_;
  std::condition_variable_any stop_cv_;
  std::jthread maintenance_;  // Last member: joined first.
};

}  // namespace osprey::alerting
