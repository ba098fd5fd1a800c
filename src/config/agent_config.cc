#include "config/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <utility>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

// The node_exporter filter options, by their osprey.yml key.
std::array<std::pair<const char*, std::optional<std::string>*>, 6> HostFilters(
    HostMetricsConfig& h) {
  return {{{"filesystem_mount_points_exclude", &h.filesystem_mount_points_exclude},
           {"filesystem_fs_types_exclude", &h.filesystem_fs_types_exclude},
           {"netdev_device_exclude", &h.netdev_device_exclude},
           {"diskstats_device_exclude", &h.diskstats_device_exclude},
           {"netstat_fields", &h.netstat_fields},
           {"powersupply_ignored_supplies", &h.powersupply_ignored_supplies}}};
}

}  // namespace

Result<AgentConfig> DecodeAgentConfig(const YamlDocument& doc, const YamlNode& node,
                                      model::Duration default_interval) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, "agent", {"host"}));
  AgentConfig c;
  c.host.interval = default_interval;
  if (const YamlNode* host = m.Get("host")) {
    OSPREY_ASSIGN_OR_RETURN(
        MappingDecoder h,
        MappingDecoder::Open(
            doc, *host, m.ChildPath("host"),
            {"enabled", "interval", "collectors", "labels", "path", "textfile_directory",
             "filesystem_mount_points_exclude", "filesystem_fs_types_exclude",
             "netdev_device_exclude", "diskstats_device_exclude", "netstat_fields",
             "powersupply_ignored_supplies", "process_top_n"}));
    OSPREY_RETURN_IF_ERROR(h.Optional("enabled", &c.host.enabled));
    OSPREY_RETURN_IF_ERROR(h.Optional("interval", &c.host.interval));
    if (c.host.interval.ms <= 0) {
      return h.ErrorAt(h.ValueMark("interval"), "interval must be greater than 0");
    }
    OSPREY_RETURN_IF_ERROR(h.Optional("collectors", &c.host.collectors));
    if (const YamlNode* labels = h.Get("labels")) {
      OSPREY_RETURN_IF_ERROR(internal::DecodeLabelMap(doc, *labels, "labels", &c.host.labels));
    }
    OSPREY_RETURN_IF_ERROR(h.Optional("textfile_directory", &c.host.textfile_directory));
    for (const auto& [key, field] : HostFilters(c.host)) {
      if (h.Get(key) == nullptr) continue;
      std::string value;
      OSPREY_RETURN_IF_ERROR(h.Optional(key, &value));
      *field = std::move(value);
    }
    if (h.Get("process_top_n") != nullptr) {
      int64_t n = 0;
      OSPREY_RETURN_IF_ERROR(h.Optional("process_top_n", &n));
      if (n < 1 || n > 10000) {
        return h.ErrorAt(h.ValueMark("process_top_n"), "process_top_n must be from 1 to 10000");
      }
      c.host.process_top_n = static_cast<int>(n);
    }
    if (const YamlNode* path = h.Get("path")) {
      OSPREY_ASSIGN_OR_RETURN(
          MappingDecoder p,
          MappingDecoder::Open(doc, *path, h.ChildPath("path"), {"procfs", "sysfs", "rootfs"}));
      OSPREY_RETURN_IF_ERROR(p.Optional("procfs", &c.host.procfs));
      OSPREY_RETURN_IF_ERROR(p.Optional("sysfs", &c.host.sysfs));
      OSPREY_RETURN_IF_ERROR(p.Optional("rootfs", &c.host.rootfs));
    }
  }
  return c;
}

void ResolveAgentPaths(std::string_view dir, AgentConfig* c) {
  for (std::string* p :
       {&c->host.procfs, &c->host.sysfs, &c->host.rootfs, &c->host.textfile_directory}) {
    if (!p->empty() && p->front() != '/') *p = std::string(dir) + "/" + *p;
  }
}

void EmitAgentConfig(const AgentConfig& c, YAML::Emitter& out) {
  out << YAML::BeginMap << YAML::Key << "host" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.host.enabled;
  out << YAML::Key << "interval" << YAML::Value << model::FormatDuration(c.host.interval);
  if (!c.host.collectors.empty()) {
    out << YAML::Key << "collectors" << YAML::Value << YAML::BeginSeq;
    for (const std::string& name : c.host.collectors) internal::WriteString(out, name);
    out << YAML::EndSeq;
  }
  if (!c.host.labels.empty()) {
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : c.host.labels) internal::WriteStringEntry(out, k, v);
    out << YAML::EndMap;
  }
  out << YAML::Key << "path" << YAML::Value << YAML::BeginMap;
  internal::WriteStringEntry(out, "procfs", c.host.procfs);
  internal::WriteStringEntry(out, "sysfs", c.host.sysfs);
  internal::WriteStringEntry(out, "rootfs", c.host.rootfs);
  out << YAML::EndMap;
  if (!c.host.textfile_directory.empty()) {
    internal::WriteStringEntry(out, "textfile_directory", c.host.textfile_directory);
  }
  HostMetricsConfig host = c.host;
  for (const auto& [key, field] : HostFilters(host)) {
    if (field->has_value()) internal::WriteStringEntry(out, key, **field);
  }
  if (c.host.process_top_n.has_value()) {
    out << YAML::Key << "process_top_n" << YAML::Value << *c.host.process_top_n;
  }
  out << YAML::EndMap << YAML::EndMap;
}

}  // namespace osprey::config
