// Silences: label matchers that mute matching alerts between two times (Alertmanager's
// silence package). Kept in memory, persisted as a snapshot file in the data directory
// (docs/format/silences_snapshot.md), written atomically after each change (coalesced by a
// background thread) and on Close(), read back by Open().
//
//   OSPREY_ASSIGN_OR_RETURN(auto silences, Silences::Open({.data_dir = dir}, fs, clock, &reg));
//   OSPREY_ASSIGN_OR_RETURN(std::string id, silences->Set(silence));
//   Silencer silencer(*silences, marker);   // an alerting::Muter
//   if (silencer.Mutes(alert.labels)) ...
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "alerting/muter.h"
#include "alerting/silence.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "model/duration.h"
#include "model/labels.h"
#include "model/matcher.h"

namespace osprey::metrics {
class Counter;
class Gauge;
class MetricWriter;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

class Marker;
namespace internal {
template <typename T>
class CollectorLink;
}

struct SilencesOptions {
  // Where the snapshot file `silences` lives; empty: nothing is persisted.
  std::string data_dir;
  // How long an expired silence is kept (and shown by the API) before GC (Alertmanager:
  // --data.retention).
  model::Duration retention = model::Duration::Hours(120);
  // How often the background thread runs GC() and writes a snapshot even without changes.
  model::Duration maintenance_interval = model::Duration::Minutes(15);
  // Whether Open() starts the background thread that writes snapshots after changes and runs
  // maintenance. Without it, call Flush() and GC() yourself (tests).
  bool background = true;
};

// Selects silences; empty fields select everything.
struct SilenceQuery {
  std::vector<std::string> ids;
  std::vector<SilenceState> states;
  // Only silences whose matchers all match these alert labels.
  std::optional<model::Labels> matching_labels;
  // The API's `filter`: only silences having, for each of these, a matcher with the same name,
  // type and value.
  std::vector<model::Matcher> with_matchers;
};

// Which silences match an alert, at one instant.
struct SilenceMatch {
  std::vector<std::string> active;   // Ids of active silences (they mute the alert), sorted.
  std::vector<std::string> pending;  // Ids of pending silences, sorted.
  uint64_t version = 0;              // Silences::version() at that instant.
};

class Silences {
 public:
  // Reads the snapshot of options.data_dir (creating the directory when missing). A missing
  // snapshot starts empty; an unreadable or corrupt one also starts empty, is logged, counted
  // in osprey_silences_snapshot_errors_total{operation="load"} and kept in load_status().
  // Fails only when the data directory cannot be created. `registry` (may be null) gets the
  // alertmanager_silences* metrics; one Silences per registry.
  static Result<std::unique_ptr<Silences>> Open(SilencesOptions options, FileSystem& fs,
                                                const Clock& clock, metrics::Registry* registry,
                                                const Logger* logger = nullptr);
  // Close()s, ignoring its status.
  ~Silences();
  Silences(const Silences&) = delete;
  Silences& operator=(const Silences&) = delete;

  // Creates or updates a silence and returns its id. Alertmanager's semantics: a silence
  // without id gets a new UUID v4. With the id of a stored silence, it is updated in place
  // when its matchers are unchanged and the change does not rewrite history (an active
  // silence keeps its start and does not end in the past; a pending one does not start in the
  // past); otherwise the stored one is expired (when not already) and a new one with a new id
  // is created. A new silence starting in the past starts now. updated_at is set to now.
  // Errors: kNotFound for an unknown id; kInvalidArgument naming the field for no matchers,
  // an invalid matcher, matchers that all match the empty string, ends_at before starts_at,
  // a missing starts_at/ends_at, created_by or comment.
  Result<std::string> Set(Silence silence) OSPREY_EXCLUDES(mu_);
  // Expires a silence now (a pending one gets starts_at = ends_at = now). kNotFound for an
  // unknown id, kFailedPrecondition when it already expired.
  Status Expire(std::string_view id) OSPREY_EXCLUDES(mu_);
  // kNotFound for an unknown id.
  Result<Silence> Get(std::string_view id) const OSPREY_EXCLUDES(mu_);
  // Matching silences, sorted by id. Counts alertmanager_silences_queries_total.
  std::vector<Silence> Query(const SilenceQuery& query) const OSPREY_EXCLUDES(mu_);
  // The silences matching an alert with these labels now. Counts as a query.
  SilenceMatch Match(const model::Labels& labels) const OSPREY_EXCLUDES(mu_);
  // Increases whenever a silence is added or changed (the Marker records it).
  uint64_t version() const OSPREY_EXCLUDES(mu_);
  size_t CountState(SilenceState state) const OSPREY_EXCLUDES(mu_);

  // Drops silences expired longer than `retention` ago. Returns how many.
  size_t GC() OSPREY_EXCLUDES(mu_);
  // Writes the snapshot now when something changed since the last write.
  Status Flush() OSPREY_EXCLUDES(mu_, snapshot_mu_);
  // Stops the background thread and writes a final snapshot. Later changes are not persisted.
  Status Close();

  // Status of reading the snapshot in Open(): OK, or why it was ignored.
  const Status& load_status() const { return load_status_; }
  // Path of the snapshot file; empty without a data directory.
  const std::string& snapshot_path() const { return snapshot_path_; }

 private:
  friend class internal::CollectorLink<Silences>;
  Silences(SilencesOptions options, FileSystem& fs, const Clock& clock, metrics::Registry* registry,
           const Logger* logger);
  void Collect(metrics::MetricWriter& writer) const OSPREY_EXCLUDES(mu_);
  void Load();
  void BackgroundLoop(std::stop_token stop);  // NOLINT(performance-unnecessary-value-param)
  Status ExpireLocked(const std::string& id, model::Timestamp now) OSPREY_REQUIRES(mu_);
  // Stores `s` (already validated) and marks the state dirty.
  void StoreLocked(Silence s) OSPREY_REQUIRES(mu_);
  std::string NewIdLocked() OSPREY_REQUIRES(mu_);

  const SilencesOptions options_;
  FileSystem& fs_;
  const Clock& clock_;
  const Logger* const logger_;  // May be null.
  const std::string snapshot_path_;
  Status load_status_;  // Set in Open() only.
  // Null without a registry; set in the constructor only.
  metrics::Counter* queries_ = nullptr;
  metrics::Counter* load_errors_ = nullptr;
  metrics::Counter* write_errors_ = nullptr;
  metrics::Gauge* snapshot_size_ = nullptr;

  mutable Mutex mu_;
  std::map<std::string, Silence, std::less<>> silences_ OSPREY_GUARDED_BY(mu_);
  uint64_t version_ OSPREY_GUARDED_BY(mu_) = 0;
  bool dirty_ OSPREY_GUARDED_BY(mu_) = false;
  bool closed_ OSPREY_GUARDED_BY(mu_) = false;
  std::mt19937_64 rng_ OSPREY_GUARDED_BY(mu_);

  // Serializes snapshot writes; taken before mu_.
  Mutex snapshot_mu_;

  std::shared_ptr<internal::CollectorLink<Silences>> link_;
  std::condition_variable_any wake_;
  Mutex wake_mu_;  // Only for waiting on wake_.
  std::atomic<bool> wake_pending_{false};
  std::jthread background_;  // Last member: stopped first.
};

// Mutes alerts covered by an active silence and records the silences in the Marker
// (Alertmanager's Silencer). Thread-safe.
class Silencer final : public Muter {
 public:
  // Both must outlive the Silencer.
  Silencer(const Silences& silences, Marker& marker) : silences_(silences), marker_(marker) {}
  bool Mutes(const model::Labels& alert_labels) override;

 private:
  const Silences& silences_;
  Marker& marker_;
};

}  // namespace osprey::alerting
