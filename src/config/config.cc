#include "config/config.h"

#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <unordered_map>

#include "config/internal/alerting_sections.h"
#include "config/internal/emit.h"
#include "config/internal/validate.h"
#include "config/yaml_decoder.h"
#include "config/yaml_node.h"

namespace osprey::config {
namespace {

using internal::DecodeAlertingSections;
using internal::EmitAlertingSections;
using internal::kAlertingSections;
using internal::Quote;
using internal::ResolveAlertingPaths;

// Top-level sections of osprey.yml that are recognised but not implemented yet.
constexpr std::string_view kPlannedSections[] = {
    "remote_read",
    "logs",
    "traces",
    "auth",
};

const model::Duration kDefaultScrapeInterval = model::Duration::Minutes(1);
const model::Duration kDefaultScrapeTimeout = model::Duration::Seconds(10);
const model::Duration kDefaultEvaluationInterval = model::Duration::Minutes(1);

Result<GlobalConfig> DecodeGlobal(const YamlDocument& doc, const YamlNode& node) {
  std::vector<std::string_view> keys = {"scrape_interval", "scrape_timeout", "evaluation_interval",
                                        "external_labels", "query_log_file"};
  keys.insert(keys.end(), kAlertmanagerGlobalKeys.begin(), kAlertmanagerGlobalKeys.end());
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, "global", keys));
  GlobalConfig g;
  // Zero means "not set" here, as in Prometheus: an explicit 0s also gets the default.
  g.scrape_interval = g.scrape_timeout = g.evaluation_interval = model::Duration{0};
  OSPREY_RETURN_IF_ERROR(m.Optional("scrape_interval", &g.scrape_interval));
  OSPREY_RETURN_IF_ERROR(m.Optional("scrape_timeout", &g.scrape_timeout));
  OSPREY_RETURN_IF_ERROR(m.Optional("evaluation_interval", &g.evaluation_interval));
  if (const YamlNode* labels = m.Get("external_labels")) {
    OSPREY_RETURN_IF_ERROR(
        internal::DecodeLabelMap(doc, *labels, "external_labels", &g.external_labels));
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("query_log_file", &g.query_log_file));
  OSPREY_ASSIGN_OR_RETURN(g.alertmanager, DecodeAlertmanagerGlobal(m));

  if (g.scrape_interval.ms == 0) g.scrape_interval = kDefaultScrapeInterval;
  if (g.scrape_timeout > g.scrape_interval) {
    return m.ErrorAt(m.ValueMark("scrape_timeout"),
                     "global scrape timeout greater than scrape interval");
  }
  if (g.scrape_timeout.ms == 0)
    g.scrape_timeout = std::min(kDefaultScrapeTimeout, g.scrape_interval);
  if (g.evaluation_interval.ms == 0) g.evaluation_interval = kDefaultEvaluationInterval;
  return g;
}

Result<StorageConfig> DecodeStorage(const YamlDocument& doc, const YamlNode& node) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, "storage", {"tsdb"}));
  StorageConfig s;
  if (const YamlNode* tsdb = m.Get("tsdb")) {
    OSPREY_ASSIGN_OR_RETURN(MappingDecoder t, MappingDecoder::Open(doc, *tsdb, m.ChildPath("tsdb"),
                                                                   {"out_of_order_time_window"}));
    OSPREY_RETURN_IF_ERROR(
        t.Optional("out_of_order_time_window", &s.tsdb.out_of_order_time_window));
  }
  return s;
}

// Prometheus's patRulePath: ^[^*]*(\*[^/]*)?$
bool IsValidRuleFilePattern(std::string_view path) {
  const size_t star = path.find('*');
  if (star == std::string_view::npos) return true;
  const std::string_view after = path.substr(star + 1);
  return after.find('*') == std::string_view::npos && after.find('/') == std::string_view::npos;
}

Status DecodeRuleFiles(const MappingDecoder& m, std::vector<std::string>* out) {
  OSPREY_RETURN_IF_ERROR(m.Optional("rule_files", out));
  for (size_t i = 0; i < out->size(); ++i) {
    if (!IsValidRuleFilePattern((*out)[i])) {
      return m.ErrorAt(m.Get("rule_files")->items()[i].mark(),
                       "invalid rule file path " + Quote((*out)[i]));
    }
  }
  return OkStatus();
}

Status CheckUniqueJobNames(const MappingDecoder& m, const std::vector<ScrapeConfig>& jobs) {
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (seen.emplace(jobs[i].job_name, i).second) continue;
    const YamlEntry* name = m.Get("scrape_configs")->items()[i].Find("job_name");
    return m.ErrorAt(name != nullptr ? name->value.mark() : m.ValueMark("scrape_configs"),
                     "found multiple scrape configs with job name " + Quote(jobs[i].job_name));
  }
  return OkStatus();
}

// incidents.receivers must name receivers of the `receivers:` section.
Status CheckIncidentReceivers(const MappingDecoder& m, const Config& c) {
  for (size_t i = 0; i < c.incidents.receivers.size(); ++i) {
    const std::string& name = c.incidents.receivers[i];
    if (std::any_of(c.receivers.begin(), c.receivers.end(),
                    [&name](const ReceiverConfig& r) { return r.name == name; })) {
      continue;
    }
    return m.ErrorAt(m.Get("incidents")->Find("receivers")->value.items()[i].mark(),
                     "unknown receiver " + Quote(name) + " in incidents.receivers");
  }
  return OkStatus();
}

Result<Config> DecodeConfig(const YamlDocument& doc) {
  std::vector<std::string_view> known = {"global",  "rule_files", "scrape_configs", "remote_write",
                                         "storage", "agent",      "probes",         "incidents"};
  known.insert(known.end(), std::begin(kAlertingSections), std::end(kAlertingSections));
  known.insert(known.end(), std::begin(kPlannedSections), std::end(kPlannedSections));
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, doc.root(), "", known));
  for (const YamlEntry& e : doc.root().entries()) {
    if (std::find(std::begin(kPlannedSections), std::end(kPlannedSections), e.key) !=
        std::end(kPlannedSections)) {
      return doc.Error(e.key_mark, "section " + Quote(e.key) + " is not supported yet",
                       StatusCode::kUnimplemented);
    }
  }
  Config c;
  if (const YamlNode* n = m.Get("global")) {
    OSPREY_ASSIGN_OR_RETURN(c.global, DecodeGlobal(doc, *n));
  }
  OSPREY_RETURN_IF_ERROR(DecodeRuleFiles(m, &c.rule_files));
  const ScrapeDefaults defaults{c.global.scrape_interval, c.global.scrape_timeout};
  OSPREY_RETURN_IF_ERROR(m.DecodeList("scrape_configs", &c.scrape_configs,
                                      [&](const YamlNode& n, const std::string& path) {
                                        return DecodeScrapeConfig(doc, n, path, defaults);
                                      }));
  OSPREY_RETURN_IF_ERROR(CheckUniqueJobNames(m, c.scrape_configs));
  OSPREY_RETURN_IF_ERROR(m.DecodeList("remote_write", &c.remote_write,
                                      [&](const YamlNode& n, const std::string& path) {
                                        return DecodeRemoteWriteConfig(doc, n, path);
                                      }));
  OSPREY_RETURN_IF_ERROR(CheckRemoteWriteNames(m, c.remote_write));
  if (const YamlNode* n = m.Get("storage")) {
    OSPREY_ASSIGN_OR_RETURN(c.storage, DecodeStorage(doc, *n));
  }
  if (const YamlNode* n = m.Get("agent")) {
    OSPREY_ASSIGN_OR_RETURN(c.agent, DecodeAgentConfig(doc, *n, c.global.scrape_interval));
  } else {
    c.agent.host.interval = c.global.scrape_interval;
  }
  OSPREY_RETURN_IF_ERROR(DecodeProbeConfigs(m, &c.probes));
  OSPREY_RETURN_IF_ERROR(DecodeAlertingSections(doc, m, &c));
  OSPREY_RETURN_IF_ERROR(DecodeIncidentsConfig(m, &c.incidents));
  OSPREY_RETURN_IF_ERROR(CheckIncidentReceivers(m, c));
  return c;
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml_text, std::string_view filename) {
  OSPREY_ASSIGN_OR_RETURN(YamlDocument doc, YamlDocument::Parse(yaml_text, std::string(filename)));
  return DecodeConfig(doc);
}

Result<std::string> ReadConfigFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  std::string text;
  char buf[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoError("read " + path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

Result<Config> LoadConfigFile(const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  OSPREY_ASSIGN_OR_RETURN(Config c, ParseConfig(text, path));
  ResolveConfigPaths(internal::DirName(path), &c);
  return c;
}

void ResolveConfigPaths(std::string_view dir, Config* c) {
  c->global.query_log_file = internal::JoinDir(dir, c->global.query_log_file);
  for (std::string& f : c->rule_files) f = internal::JoinDir(dir, f);
  for (ScrapeConfig& s : c->scrape_configs) ResolveScrapeConfigPaths(dir, &s);
  for (RemoteWriteConfig& r : c->remote_write) ResolveRemoteWritePaths(dir, &r);
  ResolveAgentPaths(dir, &c->agent);
  for (ProbeConfig& p : c->probes) ResolveProbePaths(dir, &p);
  ResolveAlertingPaths(dir, c);
  c->incidents.ack_secret_file = internal::JoinDir(dir, c->incidents.ack_secret_file);
}

std::string Config::ToYaml() const {
  YAML::Emitter out;
  out.SetOutputCharset(YAML::EscapeNonAscii);  // Required by internal::WriteString.
  out << YAML::BeginMap;
  out << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "scrape_interval" << YAML::Value
      << model::FormatDuration(global.scrape_interval);
  out << YAML::Key << "scrape_timeout" << YAML::Value
      << model::FormatDuration(global.scrape_timeout);
  out << YAML::Key << "evaluation_interval" << YAML::Value
      << model::FormatDuration(global.evaluation_interval);
  if (!global.external_labels.empty()) {
    out << YAML::Key << "external_labels" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : global.external_labels) internal::WriteStringEntry(out, k, v);
    out << YAML::EndMap;
  }
  if (!global.query_log_file.empty()) {
    internal::WriteStringEntry(out, "query_log_file", global.query_log_file);
  }
  // Alertmanager's keys only when they matter, so Prometheus-only configs print as before.
  if (route || !(global.alertmanager == AlertmanagerGlobalConfig{})) {
    EmitAlertmanagerGlobal(global.alertmanager, out);
  }
  out << YAML::EndMap;
  if (!rule_files.empty()) {
    out << YAML::Key << "rule_files" << YAML::Value << YAML::BeginSeq;
    for (const std::string& f : rule_files) internal::WriteString(out, f);
    out << YAML::EndSeq;
  }
  if (!scrape_configs.empty()) {
    out << YAML::Key << "scrape_configs" << YAML::Value << YAML::BeginSeq;
    for (const ScrapeConfig& s : scrape_configs) EmitScrapeConfig(s, out);
    out << YAML::EndSeq;
  }
  if (!remote_write.empty()) {
    out << YAML::Key << "remote_write" << YAML::Value << YAML::BeginSeq;
    for (const RemoteWriteConfig& r : remote_write) EmitRemoteWriteConfig(r, out);
    out << YAML::EndSeq;
  }
  AgentConfig default_agent;
  default_agent.host.interval = global.scrape_interval;
  if (!(agent == default_agent)) {
    out << YAML::Key << "agent" << YAML::Value;
    EmitAgentConfig(agent, out);
  }
  if (!probes.empty()) {
    out << YAML::Key << "probes" << YAML::Value << YAML::BeginSeq;
    for (const ProbeConfig& p : probes) EmitProbeConfig(p, out);
    out << YAML::EndSeq;
  }
  EmitAlertingSections(*this, out);
  EmitIncidentsConfig(incidents, out);
  out << YAML::Key << "storage" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "tsdb" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "out_of_order_time_window" << YAML::Value
      << model::FormatDuration(storage.tsdb.out_of_order_time_window);
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::EndMap;
  OSPREY_CHECK(out.good()) << "emitting config: " << out.GetLastError();
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace osprey::config
