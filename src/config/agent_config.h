// The `agent:` section of osprey.yml: Osprey's built-in host metrics (node_exporter's names,
// collected in-process, no exporter to install). Off when the section is absent; the
// default osprey.yml turns it on.
//
//   agent:
//     host:
//       enabled: true
//       interval: 15s                 # default: global.scrape_interval
//       collectors: [cpu, meminfo]    # default: all of them
//       labels: {env: prod}           # added to every host series
//       path: {procfs: /proc, sysfs: /sys, rootfs: /}
//       textfile_directory: /var/lib/node_exporter/textfile   # *.prom files merged in
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/yaml_decoder.h"
#include "model/duration.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

struct HostMetricsConfig {
  bool enabled = false;
  // Effective: global.scrape_interval when not given (whose default is 1m).
  model::Duration interval = model::Duration::Minutes(1);
  // Collector names; empty: every default collector. Names are checked by the agent
  // module when the config is applied (the config module does not know them).
  std::vector<std::string> collectors;
  std::map<std::string, std::string> labels;
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  // node_exporter's --collector.textfile.directory: its *.prom files are merged into the
  // host metrics. Empty: none.
  std::string textfile_directory;
  friend bool operator==(const HostMetricsConfig&, const HostMetricsConfig&) = default;
};

struct AgentConfig {
  HostMetricsConfig host;
  friend bool operator==(const AgentConfig&, const AgentConfig&) = default;
};

// `default_interval`: global.scrape_interval.
Result<AgentConfig> DecodeAgentConfig(const YamlDocument& doc, const YamlNode& node,
                                      model::Duration default_interval);
// Makes relative procfs/sysfs/rootfs/textfile_directory paths relative to `dir`.
void ResolveAgentPaths(std::string_view dir, AgentConfig* c);
void EmitAgentConfig(const AgentConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
