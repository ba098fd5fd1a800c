// The osprey.yml configuration file: Prometheus's prometheus.yml sections where Osprey
// implements them (global, scrape_configs, rule_files, remote_write), plus Osprey's own `storage`.
//
//   OSPREY_ASSIGN_OR_RETURN(config::Config cfg, config::LoadConfigFile(flags.config_file));
//   for (const config::ScrapeConfig& job : cfg.scrape_configs) ...
//
// Every error names the file, line and column:
//   osprey.yml:12:5: unknown field "scrape_intreval" in scrape_configs[0]
//   osprey.yml:3:19: invalid duration "5x" for scrape_interval: not a valid duration string: "5x"
// Sections that later work will implement (remote_read, logs, traces, ...) are recognised and
// rejected with `section "logs" is not supported yet`. Alertmanager's sections (route,
// receivers, inhibit_rules, time_intervals, templates) are in alertmanager_config.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/agent_config.h"
#include "config/alertmanager_config.h"
#include "config/incidents_config.h"
#include "config/probe_config.h"
#include "config/receiver_config.h"
#include "config/remote_write_config.h"
#include "config/scrape_config.h"
#include "model/duration.h"

namespace osprey::config {

struct GlobalConfig {
  model::Duration scrape_interval = model::Duration::Minutes(1);
  // Defaults to 10s, or to scrape_interval when that is shorter. Never above scrape_interval.
  model::Duration scrape_timeout = model::Duration::Seconds(10);
  model::Duration evaluation_interval = model::Duration::Minutes(1);
  std::map<std::string, std::string> external_labels;  // Names valid, values UTF-8.
  std::string query_log_file;
  // Alertmanager's keys of `global:` (resolve_timeout, smtp_*, slack_api_url, ...).
  AlertmanagerGlobalConfig alertmanager;

  friend bool operator==(const GlobalConfig&, const GlobalConfig&) = default;
};

struct TsdbConfig {
  // How far behind the newest sample an out-of-order sample may be; 0 disables them.
  model::Duration out_of_order_time_window;
  friend bool operator==(const TsdbConfig&, const TsdbConfig&) = default;
};

struct StorageConfig {
  TsdbConfig tsdb;
  friend bool operator==(const StorageConfig&, const StorageConfig&) = default;
};

// A validated configuration with defaults filled in. A plain value: copy it, compare it.
struct Config {
  GlobalConfig global;
  std::vector<std::string> rule_files;  // Globs; "*" only in the last path element.
  std::vector<ScrapeConfig> scrape_configs;
  std::vector<RemoteWriteConfig> remote_write;
  AgentConfig agent;                // Osprey's own: built-in host metrics.
  std::vector<ProbeConfig> probes;  // Osprey's own: uptime probes.
  IncidentsConfig incidents;        // Osprey's own: incidents, on-call, responses.
  StorageConfig storage;

  // Prometheus's `alerting:` (alert relabeling, external Alertmanagers).
  AlertingConfig alerting;
  // Alertmanager's sections. `route` is absent when the file has no `route:`; then
  // receivers, inhibit_rules and time intervals must be absent too (nothing would use them).
  std::optional<RouteConfig> route;
  std::vector<ReceiverConfig> receivers;  // Names unique.
  std::vector<InhibitRuleConfig> inhibit_rules;
  // `time_intervals:` then `mute_time_intervals:` entries; names unique across both.
  std::vector<TimeIntervalConfig> time_intervals;
  std::vector<std::string> templates;  // Notification template file globs.

  // The effective configuration as YAML, like Prometheus's /api/v1/status/config: every
  // default written out, keys in a fixed order (maps sorted), secrets as "<secret>".
  // ParseConfig(ToYaml()) gives back an equal Config when there are no secrets.
  std::string ToYaml() const;

  friend bool operator==(const Config&, const Config&) = default;
};

// Parses and validates osprey.yml text. `filename` is used only in error messages. Empty
// text is a valid configuration with all defaults. Relative paths are kept as written.
// Errors are kInvalidArgument (kUnimplemented for a known section not supported yet).
Result<Config> ParseConfig(std::string_view yaml_text, std::string_view filename);

// Reads and parses a config file, then resolves relative paths in it (rule_files,
// query_log_file, file_sd files, password/credentials files, TLS files, templates, the
// receivers' *_file fields) against the file's directory, as Prometheus does. A read error names
// the path ("open x.yml: No such file or directory", with the errno's code).
Result<Config> LoadConfigFile(const std::string& path);

// Makes the relative paths in `c` relative to `dir` (what LoadConfigFile does).
void ResolveConfigPaths(std::string_view dir, Config* c);

// Reads a whole file; errors name the path. Shared by the config loaders.
Result<std::string> ReadConfigFile(const std::string& path);

}  // namespace osprey::config
