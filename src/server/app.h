// The running server: config, data dir, HTTP API and every module, wired together.
// This is the only place that names concrete classes (STYLE.md section 1).
//
// Start-up order: config (a bad one stops start-up, exit 2) -> data dir lock -> storage
// (replays the WAL) -> routes -> HTTP listener (ready). Shutdown runs it backwards: stop
// accepting, finish in-flight requests, flush and close storage, release the lock.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "agent/probe_manager.h"
#include "alerting/external_sender.h"
#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/config.h"
#include "config/web_config.h"
#include "http/router.h"
#include "http/server.h"
#include "ingest/ingest_metrics.h"
#include "ingest/otlp_ingester.h"
#include "ingest/remote_write_ingester.h"
#include "metrics/registry.h"
#include "promql/engine.h"
#include "remote/remote_storage.h"
#include "rules/manager.h"
#include "scrape/manager.h"
#include "server/alerting_stack.h"
#include "server/dashboard_store.h"
#include "server/dashboards_api.h"
#include "server/data_dir.h"
#include "server/flags.h"
#include "server/incidents_api.h"
#include "server/incidents_wiring.h"
#include "server/otlp_api.h"
#include "server/query_api.h"
#include "server/storage_api.h"
#include "server/uptime_api.h"
#include "tsdb/db/db.h"

namespace osprey::server {

// Thread-safe: Reload() and Shutdown() may be called from any thread, including HTTP
// handlers (POST /-/reload) and the signal thread.
class App {
 public:
  // kInvalidArgument: the config or web config file is bad (exit code 2).
  // Other codes: the port, the data dir, ... (exit code 1).
  static Result<std::unique_ptr<App>> Start(Flags flags, Logger logger);
  ~App();

  // Re-reads the config file and the web config file. A bad file is rejected whole and
  // the old configuration keeps running; the outcome is in
  // osprey_config_last_reload_successful and in the log.
  Status Reload() OSPREY_EXCLUDES(mu_);

  // Graceful: stop accepting, let in-flight requests finish, flush state. Idempotent.
  void Shutdown() OSPREY_EXCLUDES(mu_);

  int port() const { return server_->port(); }

 private:
  App(Flags flags, Logger logger);
  Status OpenStorage();
  void RegisterRoutes();
  std::shared_ptr<const config::Config> current_config() const OSPREY_EXCLUDES(mu_);
  std::string RuntimeInfoJson() const;
  // The in-process scrape jobs for `cfg`: the built-in host metrics when agent.host is on.
  // kInvalidArgument for a bad collector option. Called by Start and Reload (serialised).
  Result<std::vector<scrape::InternalJob>> InternalJobs(const config::Config& cfg);
  // Loads cfg's rule files into the rule manager and rebuilds the notification pipeline.
  // Either failing leaves both as they were only for the failing part: rules are applied
  // first (nothing changes when a rule file is bad), then alerting.
  Status ApplyRulesAndAlerting(const config::Config& cfg);
  // --web.external-url when given, else global.external_url; without a trailing "/".
  std::string ExternalUrl(const config::Config& cfg) const;

  const Flags flags_;
  const Logger logger_;
  const SystemClock clock_;
  const int64_t start_time_ms_;
  metrics::Registry registry_;
  http::Router router_;
  metrics::Gauge& reload_successful_;
  metrics::Gauge& reload_success_timestamp_;
  metrics::Counter& reloads_total_;
  metrics::Counter& reload_failures_total_;
  std::unique_ptr<DataDirLock> data_dir_;
  PosixFileSystem fs_;
  std::unique_ptr<tsdb::Db> db_;
  // remote_write senders: tail db_'s WAL and hold back its truncation (Head::SetWalRetention).
  std::unique_ptr<remote::RemoteStorage> remote_storage_;
  std::unique_ptr<ingest::IngestMetrics> ingest_metrics_;
  std::unique_ptr<ingest::RemoteWriteIngester> remote_write_;
  std::unique_ptr<StorageApi> storage_api_;
  // Exemplars from scrapes, for /api/v1/query_exemplars (in memory, as Prometheus's).
  std::unique_ptr<storage::ExemplarStore> exemplars_;
  std::unique_ptr<QueryApi> query_api_;
  // Scrapes the targets of scrape_configs into db_; started once the web server listens
  // (so a self-scrape finds it), stopped after it stopped (so no handler sees it gone).
  std::unique_ptr<Logger> scrape_logger_;
  std::unique_ptr<scrape::Manager> scrape_;
  // The host metrics job's options and body; kept while the options stay the same so a
  // reload leaves its loop running.
  config::HostMetricsConfig host_config_;
  std::shared_ptr<const std::function<void(std::string&)>> host_body_;
  // Uptime probes (`probes:`), writing into db_; stopped before db_ closes.
  std::unique_ptr<Logger> probe_logger_;
  std::unique_ptr<agent::ProbeManager> probes_;
  // /api/v1/uptime and /status read the probes of the current config from db_.
  std::unique_ptr<UptimeSource> uptime_source_;
  // Saved dashboards (<data dir>/dashboards.db) and /api/v1/dashboards. Not in agent mode.
  std::unique_ptr<DashboardStore> dashboards_;
  std::unique_ptr<DashboardsApi> dashboards_api_;
  std::unique_ptr<ingest::OtlpIngester> otlp_;
  // Incidents, on-call and automated responses (incidents.db in the data dir). Not in agent
  // mode. Outlives alerting_ (which feeds it through the manager's observer).
  std::unique_ptr<Logger> incidents_logger_;
  std::unique_ptr<IncidentsWiring> incidents_;
  std::unique_ptr<IncidentsApiSource> incidents_api_;
  // Alertmanager: alert store, silences, notification log, routing and receivers. Not in
  // agent mode. Outlives rules_ (its sink).
  std::unique_ptr<Logger> alerting_logger_;
  std::unique_ptr<AlertingStack> alerting_;
  // Sends rule alerts to the external Alertmanagers of `alerting:` (Prometheus's notifier).
  // Not in agent mode. Outlives rules_ (its sink).
  std::unique_ptr<Logger> alert_sender_logger_;
  std::unique_ptr<alerting::ExternalAlertSender> alert_sender_;
  // Recording and alerting rules (rule_files), evaluated with their own engine on db_.
  std::unique_ptr<promql::Engine> rules_engine_;
  std::unique_ptr<rules::Manager> rules_;
  // Shared by the web server and the OTLP/HTTP listener (a Registry takes each name once).
  std::unique_ptr<http::ServerMetrics> http_metrics_;
  std::unique_ptr<http::Server> server_;
  // OTLP/HTTP and OTLP/gRPC listeners; started after the web server, stopped with it.
  std::unique_ptr<OtlpReceivers> otlp_receivers_;
  std::atomic<bool> ready_{false};

  mutable Mutex mu_;
  // shared_ptr: an immutable snapshot read by HTTP handlers on other threads while a
  // reload swaps in the next one.
  std::shared_ptr<const config::Config> config_ OSPREY_GUARDED_BY(mu_);
  bool last_reload_ok_ OSPREY_GUARDED_BY(mu_) = true;
  int64_t last_config_time_ms_ OSPREY_GUARDED_BY(mu_) = 0;
  bool shut_down_ OSPREY_GUARDED_BY(mu_) = false;
  Mutex reload_mu_;  // serialises whole reloads
};

}  // namespace osprey::server
