#include "config/remote_write_config.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

// Headers the sender sets itself (Prometheus's reservedHeaders).
constexpr std::string_view kReservedHeaders[] = {
    "host",
    "content-encoding",
    "content-length",
    "content-type",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "www-authenticate",
    "accept-encoding",
    "x-prometheus-remote-write-version",
    "x-prometheus-remote-read-version",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The checks of Prometheus's URL decoding for remote_write: http(s) and a host.
Status ValidateUrl(const MappingDecoder& m, std::string_view url) {
  const YamlMark at = m.ValueMark("url");
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return m.ErrorAt(at, "invalid URL " + Quote(url) + " for url: missing scheme");
  }
  const std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return m.ErrorAt(at, "invalid URL " + Quote(url) + " for url: scheme must be http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at_sign = authority.rfind('@');
  if (at_sign != std::string_view::npos) authority.remove_prefix(at_sign + 1);
  if (authority.empty()) return m.ErrorAt(at, "invalid URL " + Quote(url) + ": host is missing");
  return OkStatus();
}

Status ValidateHeaders(const MappingDecoder& m, const std::map<std::string, std::string>& headers) {
  for (const auto& [name, value] : headers) {
    const std::string lower = Lower(name);
    if (lower == "authorization") {
      return m.ErrorAt(m.ValueMark("headers"),
                       "authorization header must be changed via the basic_auth or "
                       "authorization parameter");
    }
    if (std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), lower) !=
        std::end(kReservedHeaders)) {
      return m.ErrorAt(m.ValueMark("headers"),
                       name + " is a reserved header. It must not be changed");
    }
    const bool bad_name = name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
                            return c <= ' ' || c == ':' || c == 0x7f;
                          });
    if (bad_name) {
      return m.ErrorAt(m.ValueMark("headers"), "invalid header name " + Quote(name));
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      return m.ErrorAt(m.ValueMark("headers"),
                       "invalid value for header " + Quote(name) + ": contains a line break");
    }
  }
  return OkStatus();
}

Result<RemoteWriteQueueConfig> DecodeQueueConfig(const YamlDocument& doc, const YamlNode& node,
                                                 const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(
          doc, node, path,
          {"capacity", "max_shards", "min_shards", "max_samples_per_send", "batch_send_deadline",
           "min_backoff", "max_backoff", "retry_on_http_429", "sample_age_limit"}));
  RemoteWriteQueueConfig q;
  OSPREY_RETURN_IF_ERROR(m.Optional("capacity", &q.capacity));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_shards", &q.max_shards));
  OSPREY_RETURN_IF_ERROR(m.Optional("min_shards", &q.min_shards));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_samples_per_send", &q.max_samples_per_send));
  OSPREY_RETURN_IF_ERROR(m.Optional("batch_send_deadline", &q.batch_send_deadline));
  OSPREY_RETURN_IF_ERROR(m.Optional("min_backoff", &q.min_backoff));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_backoff", &q.max_backoff));
  OSPREY_RETURN_IF_ERROR(m.Optional("retry_on_http_429", &q.retry_on_http_429));
  if (const YamlNode* n = m.Get("sample_age_limit")) {
    model::Duration ignored;
    OSPREY_RETURN_IF_ERROR(DecodeValue(doc, *n, "sample_age_limit", &ignored));
    if (ignored.ms != 0) {
      return m.ErrorAt(n->mark(), "sample_age_limit is not supported yet");
    }
  }
  // Prometheus's QueueConfig.Validate, in its order.
  if (q.max_shards <= 0) {
    return m.ErrorAt(m.ValueMark("max_shards"), "remote write queue max_shards must be positive");
  }
  if (q.min_shards <= 0) {
    return m.ErrorAt(m.ValueMark("min_shards"), "remote write queue min_shards must be positive");
  }
  if (q.min_shards > q.max_shards) {
    return m.ErrorAt(m.ValueMark("min_shards"),
                     "remote write queue min_shards must not be greater than max_shards");
  }
  if (q.max_samples_per_send <= 0) {
    return m.ErrorAt(m.ValueMark("max_samples_per_send"),
                     "remote write queue max_samples_per_send must be positive");
  }
  if (q.capacity <= 0) {
    return m.ErrorAt(m.ValueMark("capacity"), "remote write queue capacity must be positive");
  }
  if (q.max_backoff < q.min_backoff) {
    return m.ErrorAt(m.ValueMark("max_backoff"),
                     "remote write queue max_backoff must not be less than min_backoff");
  }
  return q;
}

Result<RemoteWriteMetadataConfig> DecodeMetadataConfig(const YamlDocument& doc,
                                                       const YamlNode& node,
                                                       const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path, {"send", "send_interval", "max_samples_per_send"}));
  RemoteWriteMetadataConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("send", &c.send));
  OSPREY_RETURN_IF_ERROR(m.Optional("send_interval", &c.send_interval));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_samples_per_send", &c.max_samples_per_send));
  return c;
}

}  // namespace

Result<RemoteWriteConfig> DecodeRemoteWriteConfig(const YamlDocument& doc, const YamlNode& node,
                                                  const std::string& path) {
  if (node.IsNull()) return doc.Error(node.mark(), "empty or null remote write config section");
  std::vector<std::string_view> keys = {"url",
                                        "name",
                                        "remote_timeout",
                                        "headers",
                                        "queue_config",
                                        "metadata_config",
                                        "write_relabel_configs",
                                        "send_exemplars",
                                        "send_native_histograms",
                                        "protobuf_message"};
  keys.insert(keys.end(), std::begin(kHttpClientConfigKeys), std::end(kHttpClientConfigKeys));
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, path, keys));
  RemoteWriteConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("url", &c.url));
  if (c.url.empty()) return m.ErrorAt(m.ValueMark("url"), "url for remote_write is empty");
  OSPREY_RETURN_IF_ERROR(ValidateUrl(m, c.url));
  OSPREY_RETURN_IF_ERROR(m.Optional("name", &c.name));
  OSPREY_RETURN_IF_ERROR(m.Optional("remote_timeout", &c.remote_timeout));
  OSPREY_RETURN_IF_ERROR(m.Optional("headers", &c.headers));
  OSPREY_RETURN_IF_ERROR(ValidateHeaders(m, c.headers));
  // Osprey stores neither exemplars nor native histograms yet, so there is nothing to send;
  // remote write 2.0 is not implemented.
  bool flag = false;
  OSPREY_RETURN_IF_ERROR(m.Optional("send_exemplars", &flag));
  OSPREY_RETURN_IF_ERROR(m.Optional("send_native_histograms", &flag));
  std::string message = "prometheus.WriteRequest";
  OSPREY_RETURN_IF_ERROR(m.Optional("protobuf_message", &message));
  if (message != "prometheus.WriteRequest") {
    return m.ErrorAt(m.ValueMark("protobuf_message"),
                     "invalid protobuf_message value: " + Quote(message) +
                         " (only \"prometheus.WriteRequest\", remote write 1.0, is supported)");
  }
  if (const YamlNode* n = m.Get("queue_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.queue_config,
                            DecodeQueueConfig(doc, *n, m.ChildPath("queue_config")));
  }
  if (const YamlNode* n = m.Get("metadata_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.metadata_config,
                            DecodeMetadataConfig(doc, *n, m.ChildPath("metadata_config")));
  }
  OSPREY_ASSIGN_OR_RETURN(c.http_client, DecodeHttpClientConfig(m));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "write_relabel_configs", &c.write_relabel_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeRelabelConfig(doc, n, p); }));
  return c;
}

Status CheckRemoteWriteNames(const MappingDecoder& m, const std::vector<RemoteWriteConfig>& list) {
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].name.empty() || seen.emplace(list[i].name, i).second) continue;
    const YamlEntry* name = m.Get("remote_write")->items()[i].Find("name");
    return m.ErrorAt(name != nullptr ? name->value.mark() : m.ValueMark("remote_write"),
                     "found multiple remote write configs with job name " + Quote(list[i].name));
  }
  return OkStatus();
}

void ResolveRemoteWritePaths(std::string_view dir, RemoteWriteConfig* c) {
  ResolveHttpClientPaths(dir, &c->http_client);
}

void EmitRemoteWriteConfig(const RemoteWriteConfig& c, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::WriteStringEntry(out, "url", c.url);
  if (!c.name.empty()) internal::WriteStringEntry(out, "name", c.name);
  out << YAML::Key << "remote_timeout" << YAML::Value << model::FormatDuration(c.remote_timeout);
  if (!c.headers.empty()) {
    out << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : c.headers) internal::WriteStringEntry(out, k, v);
    out << YAML::EndMap;
  }
  if (!c.write_relabel_configs.empty()) {
    out << YAML::Key << "write_relabel_configs" << YAML::Value << YAML::BeginSeq;
    for (const RelabelConfig& r : c.write_relabel_configs) EmitRelabelConfig(r, out);
    out << YAML::EndSeq;
  }
  internal::WriteStringEntry(out, "protobuf_message", "prometheus.WriteRequest");
  EmitHttpClientConfig(c.http_client, out);
  const RemoteWriteQueueConfig& q = c.queue_config;
  out << YAML::Key << "queue_config" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "capacity" << YAML::Value << q.capacity;
  out << YAML::Key << "max_shards" << YAML::Value << q.max_shards;
  out << YAML::Key << "min_shards" << YAML::Value << q.min_shards;
  out << YAML::Key << "max_samples_per_send" << YAML::Value << q.max_samples_per_send;
  out << YAML::Key << "batch_send_deadline" << YAML::Value
      << model::FormatDuration(q.batch_send_deadline);
  out << YAML::Key << "min_backoff" << YAML::Value << model::FormatDuration(q.min_backoff);
  out << YAML::Key << "max_backoff" << YAML::Value << model::FormatDuration(q.max_backoff);
  out << YAML::Key << "retry_on_http_429" << YAML::Value << q.retry_on_http_429;
  out << YAML::EndMap;
  const RemoteWriteMetadataConfig& md = c.metadata_config;
  out << YAML::Key << "metadata_config" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "send" << YAML::Value << md.send;
  out << YAML::Key << "send_interval" << YAML::Value << model::FormatDuration(md.send_interval);
  out << YAML::Key << "max_samples_per_send" << YAML::Value << md.max_samples_per_send;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace osprey::config
