// The notification pipeline of one flush of an aggregation group (Alertmanager's notify
// package, 0.25): the group's alerts for one receiver go through
//
//   inhibit (Muter) -> active time intervals -> mute time intervals -> silence (Muter)
//   -> for each integration of the receiver, concurrently:
//        dedup (nflog) -> notify with retries -> record in the nflog
//
// Muted alerts are dropped; when none is left nothing is sent. Dedup sends when the firing
// set is not a subset of what was last sent, when everything resolved after something was
// sent, when resolved alerts changed and the integration has send_resolved, or when
// repeat_interval passed since the last notification. Retries only follow errors the notifier
// marks retryable, with exponential backoff (500 ms, x1.5, at most 60 s, +-50% jitter, as
// Alertmanager's backoff), until the flush's deadline (the next group_interval tick).
//
// Each integration runs as its own task on the TaskScheduler, and retries wait on its timer,
// so a slow or failing receiver never holds up another one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "alerting/flush_observer.h"
#include "alerting/muter.h"
#include "alerting/nflog.h"
#include "alerting/notifier.h"
#include "alerting/task_scheduler.h"
#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::metrics {
class Counter;
class Histogram;
template <typename M>
class Family;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

// Alertmanager's notification metrics. Create once per process (the pipeline is rebuilt on
// each config reload and keeps using them). Thread-safe.
class NotifyMetrics {
 public:
  explicit NotifyMetrics(metrics::Registry& registry);

  metrics::Family<metrics::Counter>& notifications_total;         // {integration}
  metrics::Family<metrics::Counter>& notifications_failed_total;  // {integration, reason}
  metrics::Family<metrics::Counter>& notification_requests_total;
  metrics::Family<metrics::Counter>& notification_requests_failed_total;
  metrics::Family<metrics::Histogram>& notification_latency_seconds;
};

// Whether `t_ms` lies in the time interval named `name` (config `time_intervals`);
// kNotFound for an unknown name. Server wiring binds it to alerting/time_interval.h.
using InTimeIntervalFunc = std::function<Result<bool>(const std::string& name, int64_t t_ms)>;

// A receiver and its integrations in config order. The nflog index of an integration is its
// position among the receiver's integrations of the same kind (webhook_configs[i]).
struct PipelineReceiver {
  std::string name;
  std::vector<std::unique_ptr<Notifier>> integrations;
};

// One flush of one aggregation group.
struct FlushRequest {
  std::string receiver;
  std::string group_key;
  model::Labels group_labels;
  model::Timestamp now = 0;
  // Retries stop when the next attempt would start at or after this time.
  model::Timestamp deadline = 0;
  int64_t repeat_interval_ms = 0;
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  // Sorted; ends_at cleared for alerts not resolved at `now`.
  std::vector<model::Alert> alerts;
};

// Thread-safe; Exec may run for many groups at once.
class Pipeline {
 public:
  struct Deps {
    Nflog* nflog = nullptr;               // Required.
    Muter* inhibitor = nullptr;           // Optional.
    Muter* silencer = nullptr;            // Optional.
    InTimeIntervalFunc in_time_interval;  // Optional when no route names intervals.
    NotifyMetrics* metrics = nullptr;     // Optional.
    const Logger* logger = nullptr;       // Optional.
    std::string external_url;             // NotifyContext::external_url.
    // Optional; not owned, outlives the Pipeline. Told of every flush that got past the
    // mute stages (even with no alert left) and of each integration's final notify outcome.
    FlushObserver* observer = nullptr;
  };
  struct RetryOptions {
    int64_t initial_ms = 500;
    double multiplier = 1.5;
    int64_t max_ms = 60'000;
    double jitter = 0.5;  // Each wait is uniform in [w*(1-jitter), w*(1+jitter)].
  };

  Pipeline(std::vector<PipelineReceiver> receivers, Deps deps, const Clock& clock,
           RetryOptions retry);
  Pipeline(std::vector<PipelineReceiver> receivers, Deps deps, const Clock& clock)
      : Pipeline(std::move(receivers), std::move(deps), clock, RetryOptions{}) {}
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Runs the stages for `flush` and calls done(ok) once every integration finished: ok when
  // each one sent, had nothing to send, or was muted. The integrations' sends run as tasks
  // of `scheduler`; when the scheduler stops first, `done` is never called.
  // Requires: the Pipeline outlives the tasks it scheduled (stop the scheduler first).
  void Exec(FlushRequest flush, TaskScheduler& scheduler, std::function<void(bool ok)> done);

  bool HasReceiver(std::string_view name) const;

 private:
  struct Integration {
    Notifier* notifier;
    NflogReceiver nflog_receiver;
  };
  struct Run;     // One integration's send with its retries.
  struct FanOut;  // Counts the integrations of one Exec still running.

  // The time-interval and Muter stages; false with an error for an unknown interval.
  Result<std::vector<model::Alert>> Mute(const FlushRequest& flush) const;
  bool NeedsUpdate(const Integration& in, const FlushRequest& flush,
                   const std::unordered_set<uint64_t>& firing,
                   const std::unordered_set<uint64_t>& resolved) const;
  void Attempt(std::shared_ptr<Run> run, TaskScheduler& scheduler);
  // `attempted`: false when nothing was sent (resolved-only for an integration without
  // send_resolved): the observer is not told.
  void Finish(Run& run, bool ok, std::string_view reason, const Status& error,
              bool attempted = true);
  int64_t NextBackoff(int64_t current_ms);

  const Clock& clock_;
  const Deps deps_;
  const RetryOptions retry_;
  std::vector<PipelineReceiver> receivers_;
  std::unordered_map<std::string, std::vector<Integration>> by_name_;

  Mutex rng_mu_;
  std::mt19937_64 rng_ OSPREY_GUARDED_BY(rng_mu_);
};

}  // namespace osprey::alerting
