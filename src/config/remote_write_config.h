// remote_write entries of osprey.yml, as in prometheus.yml: where to send a copy of every
// sample written to the local store, how to authenticate, which series to send
// (write_relabel_configs) and how to batch and retry (queue_config). Defaults and validation
// follow Prometheus's config/config.go.
//
//   remote_write:
//     - url: http://central:9090/api/v1/write
//       name: central
//       headers: {X-Scope-OrgID: team-a}
//       queue_config: {max_samples_per_send: 1000, retry_on_http_429: true}
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

// Batching and retries of one remote. Prometheus's DefaultQueueConfig.
struct RemoteWriteQueueConfig {
  // Samples buffered per shard before the WAL reader waits.
  int64_t capacity = 10000;
  int64_t max_shards = 50;
  int64_t min_shards = 1;
  int64_t max_samples_per_send = 2000;
  // A batch is sent when full or when its oldest sample waited this long.
  model::Duration batch_send_deadline = model::Duration::Seconds(5);
  // Retries of a failed send wait min_backoff, doubling up to max_backoff.
  model::Duration min_backoff = model::Duration::Millis(30);
  model::Duration max_backoff = model::Duration::Seconds(5);
  // Retry on HTTP 429 like on 5xx; when false a 429 drops the batch like other 4xx.
  bool retry_on_http_429 = false;
  friend bool operator==(const RemoteWriteQueueConfig&, const RemoteWriteQueueConfig&) = default;
};

// Accepted for compatibility; Osprey does not send metadata yet.
struct RemoteWriteMetadataConfig {
  bool send = true;
  model::Duration send_interval = model::Duration::Minutes(1);
  int64_t max_samples_per_send = 2000;
  friend bool operator==(const RemoteWriteMetadataConfig&,
                         const RemoteWriteMetadataConfig&) = default;
};

struct RemoteWriteConfig {
  std::string url;   // http or https, with a host.
  std::string name;  // Unique when set; empty: named after a hash of the entry.
  model::Duration remote_timeout = model::Duration::Seconds(30);
  // Extra request headers. Not the reserved ones (Content-Type, User-Agent, ...) nor
  // Authorization (use basic_auth or authorization).
  std::map<std::string, std::string> headers;
  HttpClientConfig http_client;  // basic_auth, authorization, tls_config.
  std::vector<RelabelConfig> write_relabel_configs;
  RemoteWriteQueueConfig queue_config;
  RemoteWriteMetadataConfig metadata_config;
  friend bool operator==(const RemoteWriteConfig&, const RemoteWriteConfig&) = default;
};

// Decodes and validates one remote_write entry. Does not check name uniqueness (that needs
// the whole list, see CheckRemoteWriteNames).
Result<RemoteWriteConfig> DecodeRemoteWriteConfig(const YamlDocument& doc, const YamlNode& node,
                                                  const std::string& path);

// `found multiple remote write configs with job name "x"` at the second entry's name.
Status CheckRemoteWriteNames(const MappingDecoder& m, const std::vector<RemoteWriteConfig>& list);

// Makes credential and TLS file paths relative to `dir`.
void ResolveRemoteWritePaths(std::string_view dir, RemoteWriteConfig* c);

// Emits one entry as a mapping, secrets masked (header values are shown, as Prometheus does).
// Requires: out.SetOutputCharset(YAML::EscapeNonAscii).
void EmitRemoteWriteConfig(const RemoteWriteConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
