#include "config/scrape_config.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "config/byte_size.h"
#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

std::vector<std::string_view> WithHttpClientKeys(std::vector<std::string_view> keys) {
  keys.insert(keys.end(), std::begin(kHttpClientConfigKeys), std::end(kHttpClientConfigKeys));
  return keys;
}

// Prometheus's patFileSDName: ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$
bool IsValidFileSdPattern(std::string_view name) {
  static constexpr std::string_view kExtensions[] = {".json", ".yml", ".yaml",
                                                     ".JSON", ".YML", ".YAML"};
  bool ext_ok = false;
  for (std::string_view ext : kExtensions) {
    if (name.size() > ext.size() - 1 && name.ends_with(ext)) ext_ok = true;
  }
  if (!ext_ok) return false;
  const size_t star = name.find('*');
  if (star == std::string_view::npos) return true;
  const std::string_view after = name.substr(star + 1);
  return after.find('*') == std::string_view::npos && after.find('/') == std::string_view::npos;
}

Result<FileSdConfig> DecodeFileSdConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"files", "refresh_interval"}));
  FileSdConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("files", &c.files));
  OSPREY_RETURN_IF_ERROR(m.Optional("refresh_interval", &c.refresh_interval));
  if (c.files.empty()) {
    return m.ErrorAt(m.ValueMark("files"),
                     "file service discovery config must contain at least one path name");
  }
  for (size_t i = 0; i < c.files.size(); ++i) {
    if (!IsValidFileSdPattern(c.files[i])) {
      return m.ErrorAt(m.Get("files")->items()[i].mark(),
                       "path name " + Quote(c.files[i]) + " is not valid for file discovery");
    }
  }
  return c;
}

// The checks of Prometheus's http_sd: scheme http(s) and a host.
Status ValidateSdUrl(const MappingDecoder& m, std::string_view url) {
  const YamlMark at = m.ValueMark("url");
  const size_t sep = url.find("://");
  std::string scheme(sep == std::string_view::npos ? std::string_view() : url.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "http" && scheme != "https") {
    return m.ErrorAt(at, "URL scheme must be 'http' or 'https'");
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at_sign = authority.rfind('@');
  if (at_sign != std::string_view::npos) authority.remove_prefix(at_sign + 1);
  if (authority.empty()) return m.ErrorAt(at, "host is missing in URL");
  return OkStatus();
}

Result<HttpSdConfig> DecodeHttpSdConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path, WithHttpClientKeys({"url", "refresh_interval"})));
  HttpSdConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("url", &c.url));
  OSPREY_RETURN_IF_ERROR(m.Optional("refresh_interval", &c.refresh_interval));
  if (c.url.empty()) return m.ErrorAt(m.ValueMark("url"), "URL is missing");
  OSPREY_RETURN_IF_ERROR(ValidateSdUrl(m, c.url));
  OSPREY_ASSIGN_OR_RETURN(c.http_client, DecodeHttpClientConfig(m));
  return c;
}

// Without relabeling, a static target is used as the address as written; Prometheus rejects
// the common mistake of writing a URL there.
Status CheckStaticTargets(const MappingDecoder& m, const std::vector<StaticConfig>& groups) {
  const YamlNode* list = m.Get("static_configs");
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t t = 0; t < groups[g].targets.size(); ++t) {
      const std::string& target = groups[g].targets[t];
      if (target.find('/') == std::string::npos) continue;
      const YamlNode* targets = list->items()[g].Find("targets") != nullptr
                                    ? &list->items()[g].Find("targets")->value
                                    : nullptr;
      const YamlMark at = targets != nullptr ? targets->items()[t].mark() : list->mark();
      return m.ErrorAt(at, Quote(target) + " is not a valid hostname");
    }
  }
  return OkStatus();
}

Status DecodeBodySizeLimit(const MappingDecoder& m, int64_t* out) {
  const YamlNode* n = m.Get("body_size_limit");
  if (n == nullptr) return OkStatus();
  std::string text;
  OSPREY_RETURN_IF_ERROR(DecodeValue(m.doc(), *n, "body_size_limit", &text));
  Result<int64_t> bytes = ParseByteSize(text);
  if (!bytes.ok()) {
    return m.ErrorAt(n->mark(), "invalid size " + Quote(text) +
                                    " for body_size_limit: " + bytes.status().message());
  }
  *out = *bytes;
  return OkStatus();
}

void EmitStringList(YAML::Emitter& out, const std::vector<std::string>& values) {
  out << YAML::BeginSeq;
  for (const std::string& v : values) internal::WriteString(out, v);
  out << YAML::EndSeq;
}

void EmitStringMap(YAML::Emitter& out, const std::map<std::string, std::string>& values) {
  out << YAML::BeginMap;
  for (const auto& [k, v] : values) internal::WriteStringEntry(out, k, v);
  out << YAML::EndMap;
}

void EmitLimit(YAML::Emitter& out, const char* key, uint64_t value) {
  if (value != 0) out << YAML::Key << key << YAML::Value << value;
}

void EmitRelabelList(YAML::Emitter& out, const char* key, const std::vector<RelabelConfig>& list) {
  if (list.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const RelabelConfig& r : list) EmitRelabelConfig(r, out);
  out << YAML::EndSeq;
}

}  // namespace

Result<StaticConfig> DecodeStaticConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"targets", "labels"}));
  StaticConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("targets", &c.targets));
  if (const YamlNode* labels = m.Get("labels")) {
    OSPREY_RETURN_IF_ERROR(internal::DecodeLabelMap(doc, *labels, "labels", &c.labels));
  }
  return c;
}

Result<ScrapeConfig> DecodeScrapeConfig(const YamlDocument& doc, const YamlNode& node,
                                        const std::string& path, const ScrapeDefaults& defaults) {
  if (node.IsNull()) return doc.Error(node.mark(), "empty or null scrape config section");
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path,
                                               WithHttpClientKeys({"job_name",
                                                                   "honor_labels",
                                                                   "honor_timestamps",
                                                                   "track_timestamps_staleness",
                                                                   "params",
                                                                   "scrape_interval",
                                                                   "scrape_timeout",
                                                                   "metrics_path",
                                                                   "scheme",
                                                                   "body_size_limit",
                                                                   "sample_limit",
                                                                   "target_limit",
                                                                   "label_limit",
                                                                   "label_name_length_limit",
                                                                   "label_value_length_limit",
                                                                   "file_sd_configs",
                                                                   "http_sd_configs",
                                                                   "static_configs",
                                                                   "relabel_configs",
                                                                   "metric_relabel_configs"})));
  ScrapeConfig c;
  OSPREY_RETURN_IF_ERROR(m.Required("job_name", &c.job_name));
  if (c.job_name.empty()) return m.ErrorAt(m.ValueMark("job_name"), "job_name is empty");
  OSPREY_RETURN_IF_ERROR(m.Optional("honor_labels", &c.honor_labels));
  OSPREY_RETURN_IF_ERROR(m.Optional("honor_timestamps", &c.honor_timestamps));
  OSPREY_RETURN_IF_ERROR(m.Optional("track_timestamps_staleness", &c.track_timestamps_staleness));
  OSPREY_RETURN_IF_ERROR(m.Optional("params", &c.params));
  OSPREY_RETURN_IF_ERROR(m.Optional("scrape_interval", &c.scrape_interval));
  OSPREY_RETURN_IF_ERROR(m.Optional("scrape_timeout", &c.scrape_timeout));
  OSPREY_RETURN_IF_ERROR(m.Optional("metrics_path", &c.metrics_path));
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("scheme", {"http", "https"}, &c.scheme));
  OSPREY_RETURN_IF_ERROR(DecodeBodySizeLimit(m, &c.body_size_limit));
  OSPREY_RETURN_IF_ERROR(m.Optional("sample_limit", &c.sample_limit));
  OSPREY_RETURN_IF_ERROR(m.Optional("target_limit", &c.target_limit));
  OSPREY_RETURN_IF_ERROR(m.Optional("label_limit", &c.label_limit));
  OSPREY_RETURN_IF_ERROR(m.Optional("label_name_length_limit", &c.label_name_length_limit));
  OSPREY_RETURN_IF_ERROR(m.Optional("label_value_length_limit", &c.label_value_length_limit));
  OSPREY_ASSIGN_OR_RETURN(c.http_client, DecodeHttpClientConfig(m));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "file_sd_configs", &c.file_sd_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeFileSdConfig(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "http_sd_configs", &c.http_sd_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeHttpSdConfig(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "static_configs", &c.static_configs,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeStaticConfig(doc, n, p); }));
  const auto decode_rule = [&doc](const YamlNode& n, const std::string& p) {
    return DecodeRelabelConfig(doc, n, p);
  };
  OSPREY_RETURN_IF_ERROR(m.DecodeList("relabel_configs", &c.relabel_configs, decode_rule));
  OSPREY_RETURN_IF_ERROR(
      m.DecodeList("metric_relabel_configs", &c.metric_relabel_configs, decode_rule));
  if (c.relabel_configs.empty()) OSPREY_RETURN_IF_ERROR(CheckStaticTargets(m, c.static_configs));

  // As Prometheus: a zero interval means "inherit"; the timeout defaults to the global one
  // but never beyond this job's interval.
  if (c.scrape_interval.ms == 0) c.scrape_interval = defaults.scrape_interval;
  if (c.scrape_timeout > c.scrape_interval) {
    return m.ErrorAt(
        m.Has("scrape_timeout") ? m.ValueMark("scrape_timeout") : m.ValueMark("scrape_interval"),
        "scrape timeout greater than scrape interval for scrape config with job "
        "name " +
            Quote(c.job_name));
  }
  if (c.scrape_timeout.ms == 0) {
    c.scrape_timeout = std::min(defaults.scrape_timeout, c.scrape_interval);
  }
  return c;
}

void ResolveScrapeConfigPaths(std::string_view dir, ScrapeConfig* c) {
  ResolveHttpClientPaths(dir, &c->http_client);
  for (FileSdConfig& f : c->file_sd_configs) {
    for (std::string& file : f.files) file = internal::JoinDir(dir, file);
  }
  for (HttpSdConfig& h : c->http_sd_configs) ResolveHttpClientPaths(dir, &h.http_client);
}

void EmitScrapeConfig(const ScrapeConfig& c, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::WriteStringEntry(out, "job_name", c.job_name);
  out << YAML::Key << "honor_labels" << YAML::Value << c.honor_labels;
  out << YAML::Key << "honor_timestamps" << YAML::Value << c.honor_timestamps;
  out << YAML::Key << "track_timestamps_staleness" << YAML::Value << c.track_timestamps_staleness;
  if (!c.params.empty()) {
    out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : c.params) {
      out << YAML::Key;
      internal::WriteString(out, k);
      out << YAML::Value;
      EmitStringList(out, v);
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "scrape_interval" << YAML::Value << model::FormatDuration(c.scrape_interval);
  out << YAML::Key << "scrape_timeout" << YAML::Value << model::FormatDuration(c.scrape_timeout);
  internal::WriteStringEntry(out, "metrics_path", c.metrics_path);
  internal::WriteStringEntry(out, "scheme", c.scheme);
  if (c.body_size_limit != 0) {
    out << YAML::Key << "body_size_limit" << YAML::Value << FormatByteSize(c.body_size_limit);
  }
  EmitLimit(out, "sample_limit", c.sample_limit);
  EmitLimit(out, "target_limit", c.target_limit);
  EmitLimit(out, "label_limit", c.label_limit);
  EmitLimit(out, "label_name_length_limit", c.label_name_length_limit);
  EmitLimit(out, "label_value_length_limit", c.label_value_length_limit);
  EmitHttpClientConfig(c.http_client, out);
  if (!c.file_sd_configs.empty()) {
    out << YAML::Key << "file_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const FileSdConfig& f : c.file_sd_configs) {
      out << YAML::BeginMap << YAML::Key << "files" << YAML::Value;
      EmitStringList(out, f.files);
      out << YAML::Key << "refresh_interval" << YAML::Value
          << model::FormatDuration(f.refresh_interval);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!c.http_sd_configs.empty()) {
    out << YAML::Key << "http_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const HttpSdConfig& h : c.http_sd_configs) {
      out << YAML::BeginMap;
      internal::WriteStringEntry(out, "url", h.url);
      out << YAML::Key << "refresh_interval" << YAML::Value
          << model::FormatDuration(h.refresh_interval);
      EmitHttpClientConfig(h.http_client, out);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!c.static_configs.empty()) {
    out << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
    for (const StaticConfig& s : c.static_configs) {
      out << YAML::BeginMap << YAML::Key << "targets" << YAML::Value;
      EmitStringList(out, s.targets);
      if (!s.labels.empty()) {
        out << YAML::Key << "labels" << YAML::Value;
        EmitStringMap(out, s.labels);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  EmitRelabelList(out, "relabel_configs", c.relabel_configs);
  EmitRelabelList(out, "metric_relabel_configs", c.metric_relabel_configs);
  out << YAML::EndMap;
}

}  // namespace osprey::config
