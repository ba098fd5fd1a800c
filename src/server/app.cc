#include "server/app.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "agent/host_collector.h"
#include "agent/probe_runner.h"
#include "base/strings.h"
#include "http/response.h"
#include "ingest/relabel.h"
#include "metrics/build_info.h"
#include "metrics/process_collector.h"
#include "model/duration.h"
#include "server/alertmanager_api.h"
#include "server/api_params.h"
#include "server/build_info.h"
#include "server/influx_api.h"
#include "server/rules_api.h"
#include "server/scrape_api.h"

namespace osprey::server {
namespace {

using nlohmann::json;

// How long connections in the middle of a request get to finish at shutdown.
constexpr std::chrono::milliseconds kShutdownGrace{5000};

struct Security {
  std::optional<http::TlsOptions> tls;
  http::AuthOptions auth;
};

Result<Security> LoadSecurity(const std::string& web_config_file) {
  Security s;
  if (web_config_file.empty()) return s;
  OSPREY_ASSIGN_OR_RETURN(config::WebConfig wc, config::LoadWebConfigFile(web_config_file));
  if (wc.tls_server_config) {
    const auto& t = *wc.tls_server_config;
    s.tls = http::TlsOptions{
        .cert_file = t.cert_file,
        .key_file = t.key_file,
        .client_ca_file = t.client_ca_file,
        .client_auth_type = std::string(config::ClientAuthTypeName(t.client_auth_type)),
        .min_version = std::string(config::TlsVersionName(t.min_version)),
        .max_version = std::string(config::TlsVersionName(t.max_version))};
  }
  s.auth.basic_auth_users = wc.basic_auth_users;
  s.auth.bearer_tokens = wc.bearer_tokens;
  // The status page is public; one-click ack links carry their own signed credential.
  s.auth.open_paths = {"/-/healthy", "/status", "/ack/*"};
  return s;
}

// ICMP probes need a raw or ping socket: refuse a config that has them when neither can be
// opened, naming the probe and what to change.
Status CheckIcmpProbes(const config::Config& cfg) {
  for (const config::ProbeConfig& p : cfg.probes) {
    if (p.module != "icmp") continue;
    Status s = agent::CheckIcmpAvailable(p.icmp.ip_protocol == "ip6");
    if (!s.ok()) return s.Annotate("probe \"" + p.name + "\"");
  }
  return OkStatus();
}

int ThreadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

}  // namespace

App::App(Flags flags, Logger logger)
    : flags_(std::move(flags)),
      logger_(std::move(logger)),
      start_time_ms_(clock_.NowMillis()),
      reload_successful_(
          registry_.NewGauge("osprey_config_last_reload_successful",
                             "Whether the last configuration reload attempt was successful.")),
      reload_success_timestamp_(
          registry_.NewGauge("osprey_config_last_reload_success_timestamp_seconds",
                             "Timestamp of the last successful configuration reload.")),
      reloads_total_(
          registry_.NewCounter("osprey_config_reloads_total", "Configuration reload attempts.")),
      reload_failures_total_(registry_.NewCounter("osprey_config_reload_failures_total",
                                                  "Configuration reload attempts that failed.")) {
  metrics::AddProcessCollector(registry_);
  metrics::AddBuildInfo(registry_, kVersion, kRevision, kBranch, kCompiler);
}

App::~App() { Shutdown(); }

Result<std::unique_ptr<App>> App::Start(Flags flags, Logger logger) {
  std::unique_ptr<App> app(new App(std::move(flags), std::move(logger)));
  const Flags& f = app->flags_;
  app->logger_.Info("Starting Osprey", {{"version", kVersion}, {"revision", kRevision}});

  // Config first: a bad config is the most common start-up failure and exits 2.
  Result<config::Config> cfg = config::LoadConfigFile(f.config_file);
  if (!cfg.ok()) {
    return Status(StatusCode::kInvalidArgument, cfg.status().message());
  }
  Result<Security> security = LoadSecurity(f.web_config_file);
  if (!security.ok()) {
    return Status(StatusCode::kInvalidArgument, security.status().message());
  }
  {
    MutexLock lock(app->mu_);
    app->config_ = std::make_shared<const config::Config>(std::move(cfg).value());
    app->last_config_time_ms_ = app->clock_.NowMillis();
  }
  app->reload_successful_.Set(1);
  app->reload_success_timestamp_.Set(static_cast<double>(app->clock_.NowMillis()) / 1000.0);
  app->logger_.Info("Completed loading of configuration file", {{"filename", f.config_file}});

  OSPREY_ASSIGN_OR_RETURN(app->data_dir_, DataDirLock::Acquire(f.storage_tsdb_path));
  OSPREY_RETURN_IF_ERROR(app->OpenStorage());

  app->RegisterRoutes();
  http::ServerOptions options;
  options.listen_address = f.web_listen_address;
  options.tls = security->tls;
  options.auth = security->auth;
  options.max_connections = f.web_max_connections;
  options.read_timeout = std::chrono::milliseconds(f.web_read_timeout.ms);
  app->http_metrics_ = std::make_unique<http::ServerMetrics>(app->registry_);
  OSPREY_ASSIGN_OR_RETURN(app->server_,
                          http::Server::Start(std::move(options), app->router_, *app->http_metrics_,
                                              app->logger_.With({{"component", "web"}})));
  std::string bound = f.web_listen_address;
  if (size_t colon = bound.rfind(':'); colon != std::string::npos) {
    bound = bound.substr(0, colon + 1) + std::to_string(app->server_->port());
  }
  app->logger_.Info("Listening on address",
                    {{"address", bound}, {"tls", security->tls.has_value()}});
  OSPREY_ASSIGN_OR_RETURN(app->otlp_receivers_,
                          OtlpReceivers::Start({.http_listen_address = f.otlp_http_listen_address,
                                                .grpc_listen_address = f.otlp_grpc_listen_address},
                                               *app->otlp_, *app->http_metrics_, app->logger_));
  {
    std::shared_ptr<const config::Config> current = app->current_config();
    Result<std::vector<scrape::InternalJob>> internal = app->InternalJobs(*current);
    if (!internal.ok()) return Status(StatusCode::kInvalidArgument, internal.status().message());
    Status scraping = app->scrape_->ApplyConfig(*current, *internal);
    if (!scraping.ok()) return Status(StatusCode::kInvalidArgument, scraping.message());
    Status icmp = CheckIcmpProbes(*current);
    if (!icmp.ok()) return Status(StatusCode::kInvalidArgument, icmp.message());
    Status probing = app->probes_->ApplyConfig(current->probes);
    if (!probing.ok()) return Status(StatusCode::kInvalidArgument, probing.message());
    Status alerting = app->ApplyRulesAndAlerting(*current);
    if (!alerting.ok()) return Status(StatusCode::kInvalidArgument, alerting.message());
  }
  {
    std::shared_ptr<const config::Config> current = app->current_config();
    Status remote =
        app->remote_storage_->ApplyConfig(current->remote_write, current->global.external_labels);
    if (!remote.ok()) return Status(StatusCode::kInvalidArgument, remote.message());
  }
  app->ready_.store(true);
  app->logger_.Info("Server is ready to receive web requests.");
  return app;
}

Status App::OpenStorage() {
  tsdb::DbOptions db_options;
  db_options.dir = flags_.storage_tsdb_path;
  db_options.min_block_duration_ms = flags_.storage_tsdb_min_block_duration.ms;
  // Validated by the flag parser.
  db_options.retention_bytes = ParseByteSize(flags_.storage_tsdb_retention_size).value_or(0);
  db_options.retention_ms = flags_.storage_tsdb_retention_time.ms;
  if (db_options.retention_ms == 0 && db_options.retention_bytes == 0) {
    db_options.retention_ms = Flags{}.storage_tsdb_retention_time.ms;  // as Prometheus
  }
  if (flags_.mode == "agent") {
    // The agent keeps only what remote_write may still need to resend.
    constexpr int64_t kAgentRetentionMs = 4 * 3600 * 1000;
    if (db_options.retention_ms == 0 || db_options.retention_ms > kAgentRetentionMs) {
      db_options.retention_ms = kAgentRetentionMs;
    }
  }
  {
    MutexLock lock(mu_);
    db_options.head.out_of_order_window_ms = config_->storage.tsdb.out_of_order_time_window.ms;
  }
  Result<std::unique_ptr<tsdb::Db>> db =
      tsdb::Db::Open(fs_, db_options, registry_, logger_.With({{"component", "tsdb"}}));
  if (!db.ok()) return db.status().Annotate("opening storage in " + flags_.storage_tsdb_path);
  db_ = std::move(db).value();
  {
    const tsdb::Wal* wal = &db_->head().wal();
    remote_storage_ = std::make_unique<remote::RemoteStorage>(
        fs_,
        remote::RemoteStorageOptions{
            .state_dir = JoinPath(flags_.storage_tsdb_path, "remote_write"),
            .wal_dir = wal->dir(),
            .current_segment = [wal] { return wal->Segments().second; },
            .user_agent = std::string("Osprey/").append(kVersion)},
        registry_, logger_.With({{"component", "remote"}}));
    remote::RemoteStorage* remote = remote_storage_.get();
    db_->head().SetWalRetention([remote] { return remote->MinSegmentNeeded(); });
  }
  ingest_metrics_ = std::make_unique<ingest::IngestMetrics>(registry_);
  remote_write_ = std::make_unique<ingest::RemoteWriteIngester>(*db_, *ingest_metrics_);
  otlp_ = std::make_unique<ingest::OtlpIngester>(*db_, *ingest_metrics_);
  storage_api_ = std::unique_ptr<StorageApi>(new StorageApi{
      .queryable = *db_,
      .appendable = *db_,
      .remote_write = *remote_write_,
      .ingest_metrics = *ingest_metrics_,
      .head_stats = [this](size_t limit) { return db_->head().Stats(limit); },
      .clock = clock_,
      .enable_admin_api = flags_.web_enable_admin_api,
      .delete_series = [this](std::span<const model::Matcher> ms,
                              model::TimeRange r) { return db_->Delete(ms, r); },
      .snapshot = [this](bool with_head) { return db_->CreateSnapshot(with_head); },
      .clean_tombstones = [this] { return db_->CleanTombstones(); },
  });
  exemplars_ = std::make_unique<storage::ExemplarStore>(storage::ExemplarStoreOptions{});
  query_api_ = std::make_unique<QueryApi>(
      QueryApiOptions{.engine = {.lookback_delta_ms = flags_.query_lookback_delta.ms,
                                 .max_samples = flags_.query_max_samples},
                      .timeout_ms = flags_.query_timeout.ms,
                      .max_concurrency = flags_.query_max_concurrency,
                      .exemplars = exemplars_.get()},
      *db_, clock_, registry_);
  if (flags_.mode != "agent") {
    OSPREY_ASSIGN_OR_RETURN(
        dashboards_,
        DashboardStore::Open(JoinPath(flags_.storage_tsdb_path, "dashboards.db"), clock_));
    std::vector<std::string> skipped;
    Result<int> provisioned = ProvisionDashboards(*dashboards_, EmbeddedDashboardFiles(), skipped);
    if (!provisioned.ok()) return provisioned.status().Annotate("provisioning dashboards");
    for (const std::string& e : skipped) {
      logger_.Error("Skipping a built-in dashboard", {{"err", e}});
    }
    dashboards_api_ = std::make_unique<DashboardsApi>(*dashboards_, registry_);
  }
  if (flags_.mode != "agent") {
    // As Prometheus's agent mode: no rules, no alerting.
    incidents_logger_ = std::make_unique<Logger>(logger_.With({{"component", "incidents"}}));
    OSPREY_ASSIGN_OR_RETURN(incidents_, IncidentsWiring::Open({.data_dir = flags_.storage_tsdb_path,
                                                               .clock = &clock_,
                                                               .registry = &registry_,
                                                               .logger = incidents_logger_.get()}));
    alerting_logger_ = std::make_unique<Logger>(logger_.With({{"component", "alertmanager"}}));
    OSPREY_ASSIGN_OR_RETURN(
        alerting_, AlertingStack::Open({.data_dir = JoinPath(flags_.storage_tsdb_path, "alerting"),
                                        .fs = &fs_,
                                        .clock = &clock_,
                                        .registry = &registry_,
                                        .logger = alerting_logger_.get(),
                                        .observer = incidents_->manager().observer()}));
    rules_engine_ = std::make_unique<promql::Engine>(
        promql::EngineOptions{.lookback_delta_ms = flags_.query_lookback_delta.ms,
                              .max_samples = flags_.query_max_samples});
    alert_sender_logger_ = std::make_unique<Logger>(logger_.With({{"component", "notifier"}}));
    alert_sender_ =
        std::make_unique<alerting::ExternalAlertSender>(alerting::ExternalAlertSenderOptions{
            .registry = &registry_,
            .logger = alert_sender_logger_.get(),
            .relabeler_factory =
                [](std::span<const config::RelabelConfig> rules) -> Result<alerting::RelabelFunc> {
              OSPREY_ASSIGN_OR_RETURN(ingest::Relabeler r, ingest::Relabeler::Create(rules));
              auto shared = std::make_shared<const ingest::Relabeler>(std::move(r));
              return alerting::RelabelFunc(
                  [shared](const model::Labels& in) { return shared->Process(in); });
            }});
    AlertingStack* alerting = alerting_.get();
    alerting::ExternalAlertSender* sender = alert_sender_.get();
    rules_ = std::make_unique<rules::Manager>(
        rules::ManagerOptions{.restore_queryable = db_.get()},
        [this](std::string_view expr, model::Timestamp at) -> Result<promql::Vector> {
          OSPREY_ASSIGN_OR_RETURN(promql::QueryResult r, rules_engine_->Instant(*db_, expr, at));
          switch (r.type) {
            case promql::ValueType::kVector:
              return std::move(r.vector);
            case promql::ValueType::kScalar:
              return promql::Vector{{.labels = {}, .t = r.t, .v = r.scalar}};
            default:
              return InvalidArgumentError("rule query must be a vector or scalar, got " +
                                          std::string(promql::ValueTypeName(r.type)));
          }
        },
        *db_,
        [alerting, sender](std::vector<model::Alert> alerts) {
          // External Alertmanagers (`alerting:`) get a copy; queued, never blocks.
          if (sender->HasAlertmanagers()) sender->Send(alerts);
          // Invalid alerts are counted by the store; the rest are kept.
          (void)alerting->Put(std::move(alerts));
        },
        clock_, registry_);
  }
  probe_logger_ = std::make_unique<Logger>(logger_.With({{"component", "probes"}}));
  probes_ = std::make_unique<agent::ProbeManager>(
      agent::ProbeManagerOptions{.storage = db_.get(),
                                 .registry = &registry_,
                                 .clock = &clock_,
                                 .logger = probe_logger_.get()});
  scrape_logger_ = std::make_unique<Logger>(logger_.With({{"component", "scrape manager"}}));
  scrape_ = std::make_unique<scrape::Manager>(
      scrape::ManagerOptions{.storage = db_.get(),
                             .exemplars = exemplars_.get(),
                             .registry = &registry_,
                             .logger = scrape_logger_.get(),
                             .clock = &clock_,
                             .user_agent = std::string("Osprey/") + kVersion});
  return OkStatus();
}

std::shared_ptr<const config::Config> App::current_config() const {
  MutexLock lock(mu_);
  return config_;
}

Status App::Reload() {
  MutexLock reload_lock(reload_mu_);
  reloads_total_.Inc();
  logger_.Info("Loading configuration file", {{"filename", flags_.config_file}});
  auto fail = [this](const Status& s) {
    reload_successful_.Set(0);
    reload_failures_total_.Inc();
    {
      MutexLock lock(mu_);
      last_reload_ok_ = false;
    }
    logger_.Error("Error reloading config; the previous configuration stays in effect",
                  {{"err", s.message()}});
    return s;
  };
  Result<config::Config> cfg = config::LoadConfigFile(flags_.config_file);
  if (!cfg.ok()) return fail(cfg.status());
  Result<Security> security = LoadSecurity(flags_.web_config_file);
  if (!security.ok()) return fail(security.status());
  if (server_ != nullptr) {
    Status s = server_->UpdateSecurity(security->tls, security->auth);
    if (!s.ok()) return fail(s);
  }
  if (scrape_ != nullptr) {
    // Unchanged jobs keep their loops; a regex that does not compile or a bad host
    // collector option rejects the reload.
    Result<std::vector<scrape::InternalJob>> internal = InternalJobs(*cfg);
    if (!internal.ok()) return fail(internal.status());
    Status s = scrape_->ApplyConfig(*cfg, *internal);
    if (!s.ok()) return fail(s);
  }
  if (probes_ != nullptr) {
    // Unchanged probes keep their schedule.
    Status s = CheckIcmpProbes(*cfg);
    if (s.ok()) s = probes_->ApplyConfig(cfg->probes);
    if (!s.ok()) return fail(s);
  }
  {
    Status s = ApplyRulesAndAlerting(*cfg);
    if (!s.ok()) return fail(s);
  }
  if (remote_storage_ != nullptr) {
    // Unchanged remote_write queues keep running; changed ones resume from their position.
    Status s = remote_storage_->ApplyConfig(cfg->remote_write, cfg->global.external_labels);
    if (!s.ok()) return fail(s);
  }
  {
    MutexLock lock(mu_);
    config_ = std::make_shared<const config::Config>(std::move(cfg).value());
    last_reload_ok_ = true;
    last_config_time_ms_ = clock_.NowMillis();
  }
  reload_successful_.Set(1);
  reload_success_timestamp_.Set(static_cast<double>(clock_.NowMillis()) / 1000.0);
  logger_.Info("Completed loading of configuration file", {{"filename", flags_.config_file}});
  return OkStatus();
}

void App::Shutdown() {
  {
    MutexLock lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  ready_.store(false);
  if (server_ != nullptr) {
    logger_.Info("Stopping web server; finishing in-flight requests");
    server_->Shutdown(kShutdownGrace);
  }
  if (otlp_receivers_ != nullptr) otlp_receivers_->Shutdown(kShutdownGrace);
  // Scrape loops stop after the last request that could read them, before storage closes:
  // their series get staleness markers.
  scrape_.reset();
  probes_.reset();
  // Rules stop before storage closes (they append) and before alerting (their sink);
  // alerting then saves its silences and notification log.
  if (rules_ != nullptr) rules_->Stop();
  if (alert_sender_ != nullptr) alert_sender_->Stop();
  if (alerting_ != nullptr) alerting_->Shutdown();
  // After alerting: its pipeline feeds the incident manager until it stops.
  if (incidents_ != nullptr) incidents_->Shutdown();
  // remote_write queues send what the WAL holds (within the grace period) and save their
  // positions; the rest is sent after the next start.
  if (remote_storage_ != nullptr) {
    remote_storage_->Close(kShutdownGrace);
    db_->head().SetWalRetention(nullptr);
    remote_storage_.reset();
  }
  // Storage is flushed after the last request finished.
  if (db_ != nullptr) {
    Status s = db_->Close();
    if (!s.ok()) logger_.Error("Error closing storage", {{"err", s.message()}});
  }
  data_dir_.reset();
  logger_.Info("See you next time!");
}

Result<std::vector<scrape::InternalJob>> App::InternalJobs(const config::Config& cfg) {
  std::vector<scrape::InternalJob> jobs;
  const config::HostMetricsConfig& host = cfg.agent.host;
  if (!host.enabled) return jobs;
  if (host_body_ == nullptr || !(host_config_ == host)) {
    agent::HostCollectorOptions o;
    o.procfs = host.procfs;
    o.sysfs = host.sysfs;
    o.rootfs = host.rootfs;
    o.collectors = host.collectors;
    o.textfile_directory = host.textfile_directory;
    if (host.filesystem_mount_points_exclude) {
      o.filesystem_mount_points_exclude = *host.filesystem_mount_points_exclude;
    }
    if (host.filesystem_fs_types_exclude) {
      o.filesystem_fs_types_exclude = *host.filesystem_fs_types_exclude;
    }
    if (host.netdev_device_exclude) o.netdev_device_exclude = *host.netdev_device_exclude;
    if (host.diskstats_device_exclude) o.diskstats_device_exclude = *host.diskstats_device_exclude;
    if (host.netstat_fields) o.netstat_fields = *host.netstat_fields;
    if (host.powersupply_ignored_supplies) {
      o.powersupply_ignored_supplies = *host.powersupply_ignored_supplies;
    }
    if (host.process_top_n) o.process_top_n = *host.process_top_n;
    o.logger = logger_.With({{"component", "host_collector"}});
    Status valid = agent::HostCollector::ValidateOptions(o);
    if (!valid.ok()) return valid.Annotate("agent.host");
    // Owned by the function the scrape pool calls (one call at a time); replaced with the
    // pool when the options change.
    auto collector = std::make_shared<agent::HostCollector>(std::move(o));
    host_body_ = std::make_shared<const std::function<void(std::string&)>>(
        [collector](std::string& out) { collector->Collect(out); });
    host_config_ = host;
  }
  config::ScrapeConfig sc;
  sc.job_name = "node";  // node_exporter's conventional job, so its dashboards work
  sc.scrape_interval = host.interval;
  sc.scrape_timeout = host.interval;
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    std::snprintf(name, sizeof name, "localhost");
  }
  sc.static_configs.push_back({.targets = {name}, .labels = host.labels});
  jobs.push_back({std::move(sc), host_body_});
  return jobs;
}

std::string App::ExternalUrl(const config::Config& cfg) const {
  std::string url = flags_.web_external_url.empty() ? cfg.global.alertmanager.external_url
                                                    : flags_.web_external_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status App::ApplyRulesAndAlerting(const config::Config& cfg) {
  if (rules_ == nullptr) return OkStatus();  // agent mode
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> files,
                          rules::ExpandRuleFileGlobs(cfg.rule_files));
  model::LabelsBuilder external;
  for (const auto& [name, value] : cfg.global.external_labels) external.Set(name, value);
  const std::string url = ExternalUrl(cfg);
  // The sender first: a bad `alerting:` section rejects the reload before rules change.
  OSPREY_RETURN_IF_ERROR(alert_sender_->ApplyConfig(cfg.alerting, external.Build()));
  OSPREY_RETURN_IF_ERROR(rules_->Update(files, {.interval = cfg.global.evaluation_interval,
                                                .external_labels = external.Build(),
                                                .external_url = url}));
  // Incidents before alerting: a bad `incidents:` section rejects the reload before the
  // notification pipeline changes.
  OSPREY_RETURN_IF_ERROR(incidents_->ApplyConfig(cfg, url));
  return alerting_->ApplyConfig(cfg, url);
}

std::string App::RuntimeInfoJson() const {
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  bool reload_ok;
  int64_t last_config_ms;
  {
    MutexLock lock(mu_);
    reload_ok = last_reload_ok_;
    last_config_ms = last_config_time_ms_;
  }
  return SuccessJson(json{
      {"startTime", FormatRfc3339Millis(start_time_ms_)},
      {"CWD", cwd},
      {"reloadConfigSuccess", reload_ok},
      {"lastConfigTime", FormatRfc3339Millis(last_config_ms)},
      {"corruptionCount", 0},
      {"threadCount", ThreadCount()},
      {"hardwareConcurrency", std::thread::hardware_concurrency()},
      {"storageRetention", model::FormatDuration(flags_.storage_tsdb_retention_time)},
  });
}

void App::RegisterRoutes() {
  using http::Request;
  using http::Response;
  RegisterStorageWriteRoutes(router_, *storage_api_);
  RegisterOtlpRoutes(router_, *otlp_);
  RegisterInfluxRoutes(router_, *db_, *ingest_metrics_, registry_, clock_);
  RegisterScrapeRoutes(router_, *scrape_);
  if (flags_.mode == "agent") {
    // As Prometheus's agent: no local queries; collection, receivers and status stay.
    auto unavailable = [](const Request&) {
      return http::ErrorResponse(503, "unavailable", "unavailable with Osprey in agent mode");
    };
    for (const char* path : {"/api/v1/query", "/api/v1/query_range", "/api/v1/query_exemplars",
                             "/api/v1/series", "/api/v1/labels", "/api/v1/label/:name/values",
                             "/api/v1/export", "/api/v1/status/tsdb"}) {
      router_.Handle("GET", path, unavailable);
      router_.Handle("POST", path, unavailable);
    }
  } else {
    RegisterStorageReadRoutes(router_, *storage_api_);
    query_api_->RegisterRoutes(router_);
    IncidentsWiring* incidents = incidents_.get();
    uptime_source_ = std::unique_ptr<UptimeSource>(
        new UptimeSource{.config = [this] { return current_config(); },
                         .storage = *db_,
                         .clock = clock_,
                         .open_incidents = [incidents] { return incidents->OpenIncidents(); }});
    RegisterUptimeRoutes(router_, *uptime_source_);
    incidents_api_ = std::unique_ptr<IncidentsApiSource>(
        new IncidentsApiSource{.manager = incidents->manager(),
                               .external_url = [incidents] { return incidents->external_url(); },
                               .policies_now = [incidents] { return incidents->PoliciesNow(); },
                               .logger = incidents_logger_.get()});
    RegisterIncidentsRoutes(router_, *incidents_api_);
    RegisterRulesRoutes(router_, [this] { return rules_->Snapshot(); });
    AlertingStack* am = alerting_.get();
    RegisterAlertmanagerRoutes(
        router_, AlertmanagerApiSource{
                     .alerts = am->store(),
                     .silences = am->silences(),
                     .marker = am->marker(),
                     .clock = clock_,
                     .update_status = [am](const model::Labels& l) { am->UpdateStatus(l); },
                     .receivers_for = [am](const model::Labels& l) { return am->ReceiversFor(l); },
                     .groups =
                         [am](const std::function<bool(const alerting::Route&)>& route_filter,
                              const std::function<bool(const model::Alert&)>& alert_filter) {
                           return am->Groups(route_filter, alert_filter);
                         },
                     .receiver_names = [am] { return am->ReceiverNames(); },
                     .config_yaml = [this] { return AlertmanagerConfigYaml(*current_config()); },
                     .start_time = start_time_ms_,
                     .registry = &registry_});
  }
  router_.Handle("GET", "/-/healthy",
                 [](const Request&) { return Response::Text("Osprey is Healthy.\n"); });
  router_.Handle("GET", "/-/ready", [this](const Request&) {
    if (!ready_.load()) return Response::Text("Service Unavailable\n", 503);
    return Response::Text("Osprey is Ready.\n");
  });
  auto reload = [this](const Request&) {
    if (!flags_.web_enable_lifecycle) {
      return Response::Text("Lifecycle API is not enabled.\n", 403);
    }
    Status s = Reload();
    if (!s.ok()) return Response::Text("failed to reload config: " + s.message() + "\n", 500);
    return Response::Text("");
  };
  router_.Handle("POST", "/-/reload", reload);
  router_.Handle("PUT", "/-/reload", reload);
  router_.Handle("GET", "/metrics", [this](const Request&) {
    return Response::Text(registry_.ExpositionText(), 200,
                          "text/plain; version=0.0.4; charset=utf-8");
  });
  router_.Handle("GET", "/api/v1/status/buildinfo", [](const Request&) {
    return Response::Json(SuccessJson(json{{"version", kVersion},
                                           {"revision", kRevision},
                                           {"branch", kBranch},
                                           {"buildUser", ""},
                                           {"buildDate", kBuildDate},
                                           {"compiler", kCompiler}}));
  });
  router_.Handle("GET", "/api/v1/status/flags", [this](const Request&) {
    json data = json::object();
    for (const auto& [k, v] : flags_.as_strings) data[k] = v;
    return Response::Json(SuccessJson(data));
  });
  router_.Handle("GET", "/api/v1/status/config", [this](const Request&) {
    return Response::Json(SuccessJson(json{{"yaml", current_config()->ToYaml()}}));
  });
  router_.Handle("GET", "/api/v1/status/runtimeinfo",
                 [this](const Request&) { return Response::Json(RuntimeInfoJson()); });
  if (dashboards_api_ != nullptr) dashboards_api_->RegisterRoutes(router_);
  // Last: the UI takes "/" and its client-side routes, but no path registered above.
  RegisterUiRoutes(router_, EmbeddedUiFiles());
}

}  // namespace osprey::server
