// Osprey's Alertmanager, assembled: the alert store, silences, notification log and marker
// live as long as the process; the routing tree, inhibition rules, time intervals,
// templates and receivers are rebuilt from each config (Alertmanager's reload). Alerts from
// Osprey's rules and from POST /api/v2/alerts both enter through Put().
//
//   auto stack = AlertingStack::Open({.data_dir = ..., ...});
//   OSPREY_RETURN_IF_ERROR((*stack)->ApplyConfig(cfg, external_url));   // start and reload
//   (*stack)->Put(alerts);
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alerting/alert_store.h"
#include "alerting/dispatcher.h"
#include "alerting/flush_observer.h"
#include "alerting/inhibitor.h"
#include "alerting/marker.h"
#include "alerting/nflog.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/pipeline.h"
#include "alerting/silences.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/logger.h"
#include "base/thread_annotations.h"
#include "config/config.h"
#include "metrics/registry.h"

namespace osprey::server {

struct AlertingStackOptions {
  std::string data_dir;  // silences and nflog snapshots go here
  FileSystem* fs = nullptr;
  const Clock* clock = nullptr;
  metrics::Registry* registry = nullptr;
  const Logger* logger = nullptr;
  // Optional; not owned, outlives the stack: told of every flush and notification outcome
  // (the incident manager's feed).
  alerting::FlushObserver* observer = nullptr;
};

class AlertingStack {
 public:
  // Loads the silences and the notification log (a corrupt file is logged, counted and
  // replaced, never fatal). kUnavailable when the directory cannot be created.
  static Result<std::unique_ptr<AlertingStack>> Open(AlertingStackOptions options);
  ~AlertingStack();

  // Checks everything that can fail (templates, receivers, time zones) before touching the
  // running pipeline; on error the old one keeps running. A config without `route:` stores
  // alerts (the API shows them) but notifies nobody.
  Status ApplyConfig(const config::Config& cfg, const std::string& external_url)
      OSPREY_EXCLUDES(mu_);
  // Validates and stores alerts; the dispatcher gets them through the store.
  Status Put(std::vector<model::Alert> alerts);
  // Stops notifying and writes the snapshots. Idempotent.
  void Shutdown() OSPREY_EXCLUDES(mu_);

  alerting::AlertStore& store() { return *store_; }
  alerting::Silences& silences() { return *silences_; }
  alerting::Marker& marker() { return marker_; }
  // The receivers an alert with these labels is routed to, sorted, unique.
  std::vector<std::string> ReceiversFor(const model::Labels& labels) const OSPREY_EXCLUDES(mu_);
  // The dispatcher's aggregation groups (empty without a route), filtered as
  // Dispatcher::Groups.
  alerting::GroupsView Groups(
      const std::function<bool(const alerting::Route&)>& route_filter = nullptr,
      const std::function<bool(const model::Alert&)>& alert_filter = nullptr) const
      OSPREY_EXCLUDES(mu_);
  // Refreshes the marker's status of an alert (inhibited, silenced) before the API reads it,
  // so a new silence shows at once (Alertmanager's setAlertStatus).
  void UpdateStatus(const model::Labels& labels) OSPREY_EXCLUDES(mu_);
  std::vector<std::string> ReceiverNames() const OSPREY_EXCLUDES(mu_);
  // After a fake clock moved: runs the dispatcher's due flushes and waits until they and the
  // notifications they started are done.
  void WaitIdleForTest() OSPREY_EXCLUDES(mu_);

 private:
  explicit AlertingStack(AlertingStackOptions options);

  const AlertingStackOptions options_;
  alerting::Marker marker_;
  std::unique_ptr<alerting::AlertStore> store_;
  std::unique_ptr<alerting::Silences> silences_;
  std::unique_ptr<alerting::Silencer> silencer_;
  std::unique_ptr<alerting::Nflog> nflog_;
  alerting::NotifyMetrics notify_metrics_;
  alerting::DispatcherMetrics dispatcher_metrics_;
  alerting::notifiers::NotifierMetrics notifier_metrics_;

  mutable Mutex mu_;
  std::unique_ptr<alerting::Inhibitor> inhibitor_ OSPREY_GUARDED_BY(mu_);
  std::unique_ptr<alerting::Dispatcher> dispatcher_ OSPREY_GUARDED_BY(mu_);
  int subscription_ OSPREY_GUARDED_BY(mu_) = -1;
  std::vector<std::string> receiver_names_ OSPREY_GUARDED_BY(mu_);
  bool shut_down_ OSPREY_GUARDED_BY(mu_) = false;
};

}  // namespace osprey::server
