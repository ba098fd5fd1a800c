// The Marker remembers, per alert fingerprint, why the alert is or is not being notified:
// which silences mute it, which alerts inhibit it (Alertmanager's types.Marker), and per
// aggregation group which time intervals mute the group (Alertmanager's GroupMarker). The
// API reads it for the `status` of each alert; the silencer and the inhibitor write it.
//
//   Marker marker(&registry);
//   marker.SetActiveOrSilenced(fp, version, {"4e0c..."}, {});
//   marker.Status(fp).state == AlertState::kSuppressed
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"

namespace osprey::metrics {
class MetricWriter;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

namespace internal {
template <typename T>
class CollectorLink;
}

enum class AlertState { kUnprocessed, kActive, kSuppressed };

// "unprocessed", "active", "suppressed" (the API's and the metrics' values).
std::string_view AlertStateName(AlertState state);

// Alertmanager's Fingerprint.String(): 16 lower-case hex digits.
std::string FingerprintString(uint64_t fp);

struct AlertStatus {
  AlertState state = AlertState::kUnprocessed;
  std::vector<std::string> silenced_by;   // Ids of active silences muting the alert, sorted.
  std::vector<std::string> inhibited_by;  // FingerprintString()s of the inhibiting alerts.
  // Ids of pending silences that match (not shown by the API; lets the silencer skip work).
  std::vector<std::string> pending_silences;
  uint64_t silences_version = 0;  // Silences::version() the two lists above were computed at.

  friend bool operator==(const AlertStatus&, const AlertStatus&) = default;
};

class Marker {
 public:
  // `registry` (may be null) gets alertmanager_marked_alerts{state}. One Marker per registry.
  explicit Marker(metrics::Registry* registry = nullptr);
  ~Marker();
  Marker(const Marker&) = delete;
  Marker& operator=(const Marker&) = delete;

  // Records the silences matching the alert. The state becomes suppressed when
  // `active_ids` or the recorded inhibitions are non-empty, else active.
  void SetActiveOrSilenced(uint64_t fp, uint64_t version, std::vector<std::string> active_ids,
                           std::vector<std::string> pending_ids) OSPREY_EXCLUDES(mu_);
  // Records the alerts inhibiting this one (FingerprintString()s); empty: not inhibited.
  void SetInhibited(uint64_t fp, std::vector<std::string> inhibiting_fps) OSPREY_EXCLUDES(mu_);

  // The recorded status; kUnprocessed with empty lists for an unknown fingerprint.
  AlertStatus Status(uint64_t fp) const OSPREY_EXCLUDES(mu_);
  // Forgets the alert (when the store garbage-collects it).
  void Delete(uint64_t fp) OSPREY_EXCLUDES(mu_);
  // How many marked alerts are in `state`.
  size_t Count(AlertState state) const OSPREY_EXCLUDES(mu_);
  // How many alerts are marked at all.
  size_t Size() const OSPREY_EXCLUDES(mu_);

  // Group level: the mute time intervals (names) muting the aggregation group `group_key` of
  // route `route_id` now; empty: not muted. Setting an empty list clears the entry.
  void SetMuted(std::string_view route_id, std::string_view group_key,
                std::vector<std::string> time_interval_names) OSPREY_EXCLUDES(mu_);
  // The names recorded by SetMuted; empty when the group is not muted.
  std::vector<std::string> Muted(std::string_view route_id, std::string_view group_key) const
      OSPREY_EXCLUDES(mu_);
  // Forgets a group (when its aggregation group is destroyed).
  void DeleteGroup(std::string_view route_id, std::string_view group_key) OSPREY_EXCLUDES(mu_);

 private:
  friend class internal::CollectorLink<Marker>;
  void Collect(metrics::MetricWriter& writer) const OSPREY_EXCLUDES(mu_);

  // Recomputes the state from the two lists.
  static void UpdateState(AlertStatus& s);

  mutable Mutex mu_;
  std::map<uint64_t, AlertStatus> alerts_ OSPREY_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::vector<std::string>, std::less<>> groups_
      OSPREY_GUARDED_BY(mu_);
  // Lets the registry's collector outlive this object safely.
  std::shared_ptr<internal::CollectorLink<Marker>> link_;
};

}  // namespace osprey::alerting
