// Sends the alerts of Osprey's rules to external Alertmanagers, as Prometheus's notifier does
// for its `alerting:` section (prometheus/notifier, v2.42):
//
//   ExternalAlertSender sender({.registry = &registry, .logger = &logger,
//                               .relabeler_factory = MakeRelabeler});
//   OSPREY_RETURN_IF_ERROR(sender.ApplyConfig(cfg.alerting, external_labels));  // start, reload
//   sender.Send(alerts);  // from the rules' AlertSink; never blocks on the network
//   sender.Stop();        // at shutdown
//
// Send adds the external labels (an alert's own label wins), applies alert_relabel_configs and
// appends to a bounded queue (the oldest alerts are dropped and counted when it is full). A
// background thread takes batches of at most 64 alerts and POSTs each batch, as Alertmanager
// v2 postable-alerts JSON, to every Alertmanager at once, each with its own timeout and HTTP
// client settings. A batch no Alertmanager accepted counts as dropped.
//
// Targets: static_configs only. Each target gets __address__, __scheme__ (the endpoint's
// scheme) and __alerts_path__ (path_prefix + "/api/v2/alerts"), plus its group's labels;
// relabel_configs then rewrite or drop it, and the URL is
// <__scheme__>://<__address__><__alerts_path__>.
//
// Relabeling is done by the function `relabeler_factory` builds (the server passes one backed
// by ingest::Relabeler, which this module may not include). Without a factory, a config with
// relabel_configs or alert_relabel_configs is rejected.
//
// Metrics (Prometheus's names): prometheus_notifications_sent_total{alertmanager},
// prometheus_notifications_errors_total{alertmanager}, prometheus_notifications_dropped_total,
// prometheus_notifications_queue_length, prometheus_notifications_queue_capacity,
// prometheus_notifications_alertmanagers_discovered,
// prometheus_notifications_latency_seconds{alertmanager} (a histogram). As in Prometheus,
// sent_total counts every alert posted, accepted or not; errors_total the alerts of failed
// posts.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/alertmanager_config.h"
#include "config/relabel_config.h"
#include "metrics/registry.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::alerting {

// Applies relabeling rules to a label set; nullopt drops it. Must be thread-safe.
using RelabelFunc = std::function<std::optional<model::Labels>(const model::Labels&)>;
// Compiles rules into a RelabelFunc; fails on a rule that cannot be compiled.
using RelabelerFactory = std::function<Result<RelabelFunc>(std::span<const config::RelabelConfig>)>;

struct ExternalAlertSenderOptions {
  metrics::Registry* registry = nullptr;  // Required. The metric names are registered once.
  const Logger* logger = nullptr;         // Required; outlives the sender.
  RelabelerFactory relabeler_factory;     // Empty: relabeling rules are rejected.
  size_t queue_capacity = 10000;
  size_t max_batch_size = 64;
  std::string user_agent = "Osprey";
};

// A v2 postable-alerts JSON array: [{"labels":..,"annotations":..,"startsAt":..,"endsAt":..,
// "generatorURL":..}]. Times are RFC 3339 UTC with milliseconds; a zero time is left out.
std::string EncodePostableAlerts(std::span<const model::Alert> alerts);

// Thread-safe. ApplyConfig, Send and Stop may be called from any thread.
class ExternalAlertSender {
 public:
  explicit ExternalAlertSender(ExternalAlertSenderOptions options);
  // Stops.
  ~ExternalAlertSender();
  ExternalAlertSender(const ExternalAlertSender&) = delete;
  ExternalAlertSender& operator=(const ExternalAlertSender&) = delete;

  // Replaces the targets and rules. On error (kInvalidArgument naming the entry) nothing
  // changes. Alerts already queued are sent to the new targets.
  Status ApplyConfig(const config::AlertingConfig& config, const model::Labels& external_labels)
      OSPREY_EXCLUDES(mu_);

  // Queues copies of the alerts for every Alertmanager. Does nothing when there is none (so
  // alerts fired before an Alertmanager is configured are not sent later) or after Stop.
  void Send(std::vector<model::Alert> alerts) OSPREY_EXCLUDES(mu_);

  // True when the applied config has at least one Alertmanager target.
  bool HasAlertmanagers() const OSPREY_EXCLUDES(mu_);

  // The URLs alerts are posted to, in config order.
  std::vector<std::string> AlertmanagerUrls() const OSPREY_EXCLUDES(mu_);

  // Stops the sending thread: a batch in flight is abandoned, queued alerts are dropped
  // (not counted). Idempotent.
  void Stop() OSPREY_EXCLUDES(mu_);

  size_t QueueLengthForTest() const OSPREY_EXCLUDES(mu_);

 private:
  struct Target {
    std::string url;
    size_t endpoint = 0;  // Index into Config::endpoints.
  };
  // Immutable once built; shared with the sending thread while a batch is in flight
  // (shared_ptr: a reload may replace it meanwhile).
  struct Config {
    std::vector<config::AlertmanagerEndpointConfig> endpoints;
    std::vector<Target> targets;
    model::Labels external_labels;
    std::optional<RelabelFunc> alert_relabel;
  };
  struct Metrics;

  Result<std::shared_ptr<const Config>> BuildConfig(const config::AlertingConfig& config,
                                                    const model::Labels& external_labels) const;
  // No thread-safety analysis: std::unique_lock and the wait predicate hide the lock from it.
  void Run(std::stop_token stop) OSPREY_NO_THREAD_SAFETY_ANALYSIS;
  // Posts one batch to every target; true when at least one accepted it.
  bool SendAll(const Config& config, std::span<const model::Alert> batch, std::stop_token stop);

  const ExternalAlertSenderOptions options_;
  const std::unique_ptr<Metrics> metrics_;

  mutable Mutex mu_;
  std::condition_variable_any more_;
  std::shared_ptr<const Config> config_ OSPREY_GUARDED_BY(mu_);
  std::deque<model::Alert> queue_ OSPREY_GUARDED_BY(mu_);
  bool stopped_ OSPREY_GUARDED_BY(mu_) = false;

  std::jthread thread_;  // Last: stops before the members it uses.
};

}  // namespace osprey::alerting
