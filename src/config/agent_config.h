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
//       filesystem_mount_points_exclude: '^/(dev|proc|sys)($|/)' # and the other
//       # node_exporter filters below; each replaces node_exporter's default when given
#pragma once

#include <map>
#include <optional>
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
  // node_exporter's collector flags (--collector.filesystem.mount-points-exclude etc.), as
  // RE2 regexes; unset: node_exporter's defaults. Checked when the server applies them.
  std::optional<std::string> filesystem_mount_points_exclude;
  std::optional<std::string> filesystem_fs_types_exclude;
  std::optional<std::string> netdev_device_exclude;
  std::optional<std::string> diskstats_device_exclude;
  std::optional<std::string> netstat_fields;
  std::optional<std::string> powersupply_ignored_supplies;
  // How many processes the namedprocess collector reports by CPU (Osprey's own); unset: 10.
  std::optional<int> process_top_n;
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
