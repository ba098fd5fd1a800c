// scrape_configs entries: what to scrape, how often, and how to relabel, as in
// prometheus.yml. Values are effective ones: intervals not given are inherited from `global`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/http_client_config.h"
#include "config/relabel_config.h"
#include "config/yaml_decoder.h"
#include "model/duration.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

// A fixed list of targets sharing labels.
struct StaticConfig {
  std::vector<std::string> targets;  // "host:port"
  std::map<std::string, std::string> labels;
  friend bool operator==(const StaticConfig&, const StaticConfig&) = default;
};

// Decodes one static_configs entry (targets, labels); shared by scrape_configs and the
// `alerting:` section's Alertmanagers.
Result<StaticConfig> DecodeStaticConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path);

// Targets read from JSON or YAML files matching globs, re-read every refresh_interval.
struct FileSdConfig {
  std::vector<std::string> files;  // Globs; "*" only in the last path element.
  model::Duration refresh_interval = model::Duration::Minutes(5);
  friend bool operator==(const FileSdConfig&, const FileSdConfig&) = default;
};

// Targets fetched as JSON from an HTTP endpoint.
struct HttpSdConfig {
  std::string url;  // http or https, with a host.
  model::Duration refresh_interval = model::Duration::Seconds(60);
  HttpClientConfig http_client;
  friend bool operator==(const HttpSdConfig&, const HttpSdConfig&) = default;
};

struct ScrapeConfig {
  std::string job_name;  // Non-empty, unique across scrape_configs.
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  std::map<std::string, std::vector<std::string>> params;  // URL query parameters.
  model::Duration scrape_interval;  // Effective: inherited from global when not given.
  model::Duration scrape_timeout;   // Effective; never greater than scrape_interval.
  std::string metrics_path = "/metrics";
  std::string scheme = "http";  // "http" or "https".
  int64_t body_size_limit = 0;  // Bytes; 0 means no limit.
  uint64_t sample_limit = 0;    // 0 means no limit, as for the other limits.
  uint64_t target_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  HttpClientConfig http_client;  // basic_auth, authorization, tls_config.
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<HttpSdConfig> http_sd_configs;
  std::vector<StaticConfig> static_configs;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;

  friend bool operator==(const ScrapeConfig&, const ScrapeConfig&) = default;
};

// What a scrape config inherits from `global`.
struct ScrapeDefaults {
  model::Duration scrape_interval;
  model::Duration scrape_timeout;
};

// Decodes and validates one scrape_configs entry, filling inherited values. Does not check
// job name uniqueness (that needs the whole list).
Result<ScrapeConfig> DecodeScrapeConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path, const ScrapeDefaults& defaults);

// Makes file_sd globs and credential/TLS file paths relative to `dir`.
void ResolveScrapeConfigPaths(std::string_view dir, ScrapeConfig* c);

// Emits one scrape config as a mapping, secrets masked.
// Requires: out.SetOutputCharset(YAML::EscapeNonAscii), so that any string reads back as is.
void EmitScrapeConfig(const ScrapeConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
