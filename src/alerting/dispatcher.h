// The Dispatcher (Alertmanager's dispatch.Dispatcher, 0.25): sorts alerts into aggregation
// groups by route and group labels and flushes each group through the notification
// Pipeline: first group_wait after the group appeared (at once when its alert started longer
// ago than that), then every group_interval. Whether a flush actually notifies is the
// pipeline's dedup decision (new alerts, resolved ones, repeat_interval). A group whose
// alerts all resolved and were notified is removed.
//
//   Dispatcher d(Route::Build(cfg.route), std::make_unique<Pipeline>(...), clock, &metrics,
//                &logger, {});
//   alert_store.Subscribe([&](const model::Alert& a) { d.Add(a); });
//   ...
//   d.Stop();
//
// Threading: one TaskScheduler (a timer thread and a few workers) runs every group's flush
// and every notification; Add() takes the dispatcher's mutex briefly and never blocks on a
// notifier. On a config reload the server builds a new Dispatcher, stops the old one, and
// re-feeds the alert store's alerts; the nflog prevents duplicate notifications.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "alerting/aggregation_group.h"
#include "alerting/pipeline.h"
#include "alerting/route.h"
#include "alerting/task_scheduler.h"
#include "base/clock.h"
#include "base/logger.h"
#include "base/thread_annotations.h"
#include "model/alert.h"

namespace osprey::metrics {
class Gauge;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

// Create once per process; dispatchers of successive configs share it.
class DispatcherMetrics {
 public:
  explicit DispatcherMetrics(metrics::Registry& registry);
  metrics::Gauge& aggregation_groups;  // alertmanager_dispatcher_aggregation_groups
};

// One group as /api/v2/alerts/groups shows it.
struct AlertGroupView {
  model::Labels labels;
  std::string receiver;
  std::string group_key;
  const Route* route;                // Lives as long as the Dispatcher.
  std::vector<model::Alert> alerts;  // Sorted.
};

struct GroupsView {
  std::vector<AlertGroupView> groups;  // Sorted by labels (LabelSetBefore), then receiver.
  // For each alert fingerprint, the receivers of the groups holding it, sorted.
  std::unordered_map<uint64_t, std::vector<std::string>> receivers;
};

class Dispatcher {
 public:
  struct Options {
    int workers = 8;  // Threads sending notifications.
  };

  // `metrics` and `logger` may be null.
  Dispatcher(std::unique_ptr<Route> root, std::unique_ptr<Pipeline> pipeline, const Clock& clock,
             DispatcherMetrics* metrics, const Logger* logger, Options options);
  ~Dispatcher();  // Stop().
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Inserts (or updates, by fingerprint) the alert into its group on every matching route.
  // Cost: the route match plus a hash lookup per matching route.
  void Add(const model::Alert& alert);

  // Stops timers and pending retries and waits for notifications in progress. Idempotent.
  void Stop();

  // A copy of the groups. `route_filter` and `alert_filter` (both optional) select what is
  // shown; a group none of whose alerts pass is left out.
  GroupsView Groups(const std::function<bool(const Route&)>& route_filter = nullptr,
                    const std::function<bool(const model::Alert&)>& alert_filter = nullptr) const;

  const Route& route() const { return *root_; }
  size_t group_count() const;

  // Tests with a fake clock: re-read the clock, then wait until nothing is due or running.
  void WaitIdleForTest();
  // Runs, for every group, a flush task of the timer generation before the current one: what
  // a worker does with a timer it had already taken when a reschedule cancelled it.
  void RunStaleTimersForTest() OSPREY_EXCLUDES(mu_);
  // Tests with a fake clock: re-read the clock without waiting.
  void WakeForTest() { scheduler_.Wake(); }

 private:
  struct GroupMapKey {
    int route_index;
    model::Labels labels;
    friend bool operator==(const GroupMapKey&, const GroupMapKey&) = default;
  };
  struct GroupMapHash {
    size_t operator()(const GroupMapKey& k) const {
      return static_cast<size_t>(k.labels.Hash() * 31 + static_cast<uint64_t>(k.route_index));
    }
  };

  void ScheduleFlushLocked(AggregationGroup& g, int64_t at_ms) OSPREY_REQUIRES(mu_);
  void Flush(uint64_t serial, uint64_t generation) OSPREY_EXCLUDES(mu_);
  void FlushDone(uint64_t serial, bool ok,
                 const std::vector<std::pair<uint64_t, model::Timestamp>>& sent_resolved)
      OSPREY_EXCLUDES(mu_);
  void RemoveGroupLocked(uint64_t serial) OSPREY_REQUIRES(mu_);

  const std::unique_ptr<Route> root_;
  const std::unique_ptr<Pipeline> pipeline_;
  const Clock& clock_;
  DispatcherMetrics* const metrics_;
  const Logger* const logger_;

  mutable Mutex mu_;
  std::unordered_map<GroupMapKey, std::unique_ptr<AggregationGroup>, GroupMapHash> groups_
      OSPREY_GUARDED_BY(mu_);
  // Serial -> group. Tasks hold serials, never pointers: a group may be gone when its task
  // runs.
  std::unordered_map<uint64_t, AggregationGroup*> by_serial_ OSPREY_GUARDED_BY(mu_);
  uint64_t next_serial_ OSPREY_GUARDED_BY(mu_) = 1;
  bool stopped_ OSPREY_GUARDED_BY(mu_) = false;

  // Declared last: destroyed (stopped) first, before what its tasks use.
  TaskScheduler scheduler_;
};

}  // namespace osprey::alerting
