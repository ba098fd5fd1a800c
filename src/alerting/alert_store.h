// The in-memory set of alerts the notification pipeline knows (Alertmanager's provider/mem
// plus the validation its API does on POST /api/v2/alerts). One entry per fingerprint:
// an alert sent again is merged with the stored one, resolved alerts are dropped by GC.
// Subscribers (the dispatcher, the inhibitor) hear of every stored alert.
//
//   AlertStore store({.resolve_timeout = model::Duration::Minutes(5)}, clock, marker, &registry);
//   int id = store.Subscribe([&](const model::Alert& a) { dispatcher.Process(a); });
//   Status s = store.Put(std::move(alerts));  // kInvalidArgument lists the rejected alerts
//   store.GC();                               // or StartGC() for a background timer
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "model/alert.h"
#include "model/duration.h"

namespace osprey::metrics {
class Counter;
class MetricWriter;
class Registry;
}  // namespace osprey::metrics

namespace osprey::alerting {

class Marker;
namespace internal {
template <typename T>
class CollectorLink;
}

struct AlertStoreOptions {
  // ends_at given to an alert received without one (the config's global.resolve_timeout).
  model::Duration resolve_timeout = model::Duration::Minutes(5);
  // How often StartGC()'s thread drops resolved alerts (Alertmanager: --alerts.gc-interval).
  model::Duration gc_interval = model::Duration::Minutes(30);
};

// Checks an alert as Alertmanager's API does: at least one label, valid label and annotation
// names, UTF-8 values, starts_at set, ends_at not before starts_at. The message names the
// alert (its labels) and the field.
Status ValidateAlert(const model::Alert& alert);

class AlertStore {
 public:
  // Called with each alert as stored (after merging), in the order of storing. Runs on the
  // thread calling Put() (or Subscribe() for the alerts already stored); it may call List()
  // and Get() but not Put(), Subscribe(), Unsubscribe() or GC().
  using Listener = std::function<void(const model::Alert&)>;
  // Called after a GC with the alerts it removed and the time it used. Same rules as Listener.
  using GcListener =
      std::function<void(std::span<const model::Alert> removed, model::Timestamp now)>;

  // `marker` must outlive the store; `registry` (may be null) gets alertmanager_alerts{state},
  // alertmanager_alerts_received_total{status} and alertmanager_alerts_invalid_total.
  AlertStore(AlertStoreOptions options, const Clock& clock, Marker& marker,
             metrics::Registry* registry);
  // Stops the GC thread.
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  // Stores alerts received now (Clock::NowMillis()); see the overload.
  Status Put(std::vector<model::Alert> alerts);
  // Best effort, like Alertmanager: fills updated_at = now, starts_at (now, or ends_at when only
  // that is set) and, when ends_at is missing, ends_at = now + resolve_timeout with
  // timeout = true; stores every valid alert (merging with the stored alert of the same
  // fingerprint when their active ranges overlap: the later-updated one wins, the earliest
  // start is kept) and tells the listeners. Returns OK, or kInvalidArgument with one
  // "; "-separated message per rejected alert.
  Status Put(std::vector<model::Alert> alerts, model::Timestamp now);

  // All stored alerts (resolved ones until GC), sorted by fingerprint.
  std::vector<model::Alert> List() const OSPREY_EXCLUDES(mu_);
  // kNotFound when no alert has this fingerprint.
  Result<model::Alert> Get(uint64_t fingerprint) const OSPREY_EXCLUDES(mu_);
  size_t Size() const OSPREY_EXCLUDES(mu_);

  // Registers a listener and, before returning, calls it with every alert already stored
  // (so no alert is missed between the two). Returns an id for Unsubscribe().
  int Subscribe(Listener listener) OSPREY_EXCLUDES(put_mu_);
  int SubscribeGC(GcListener listener) OSPREY_EXCLUDES(put_mu_);
  // Once this returns the listener is not called again.
  void Unsubscribe(int id) OSPREY_EXCLUDES(put_mu_);

  // Drops alerts resolved at `now` (ends_at <= now), forgets them in the Marker and tells the
  // GC listeners. Returns how many were dropped.
  size_t GC(model::Timestamp now) OSPREY_EXCLUDES(put_mu_);
  size_t GC() { return GC(clock_.NowMillis()); }
  // Runs GC() every gc_interval on a background thread until destruction.
  void StartGC();

 private:
  friend class internal::CollectorLink<AlertStore>;
  void Collect(metrics::MetricWriter& writer) const OSPREY_EXCLUDES(mu_);

  const AlertStoreOptions options_;
  const Clock& clock_;
  Marker& marker_;
  // Null without a registry; set in the constructor only.
  metrics::Counter* received_firing_ = nullptr;
  metrics::Counter* received_resolved_ = nullptr;
  metrics::Counter* invalid_ = nullptr;

  // Serializes writers (Put, GC) with subscription changes, so that listeners see alerts in
  // the order they were stored. Taken before mu_.
  Mutex put_mu_;
  std::map<int, Listener> listeners_ OSPREY_GUARDED_BY(put_mu_);
  std::map<int, GcListener> gc_listeners_ OSPREY_GUARDED_BY(put_mu_);
  int next_listener_id_ OSPREY_GUARDED_BY(put_mu_) = 0;

  mutable Mutex mu_;
  std::map<uint64_t, model::Alert> alerts_ OSPREY_GUARDED_BY(mu_);

  std::shared_ptr<internal::CollectorLink<AlertStore>> link_;

  Mutex gc_mu_;
  std::condition_variable_any gc_cv_;
  std::jthread gc_thread_;  // Last member: stopped and joined first.
};

}  // namespace osprey::alerting
