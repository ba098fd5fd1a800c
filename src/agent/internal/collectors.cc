#include "agent/internal/collectors.h"

#include <unistd.h>

#include <utility>

namespace osprey::agent::internal {

CachedRegex::CachedRegex(const std::string& pattern) {
  try {
    regex_ = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    status_ = InvalidArgumentError(
        std::string("invalid regex \"").append(pattern).append("\": ").append(e.what()));
  }
}

bool CachedRegex::Matches(std::string_view subject) {
  if (!status_.ok()) return false;
  auto it = cache_.find(subject);
  if (it != cache_.end()) return it->second;
  // Bounded: subjects are mount points and device names, but containers churn them.
  if (cache_.size() > 4096) cache_.clear();
  bool match = std::regex_search(subject.begin(), subject.end(), regex_);
  cache_.emplace(std::string(subject), match);
  return match;
}

Collectors::Collectors(HostCollectorOptions options)
    : options_(std::move(options)),
      clock_ticks_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))),
      mount_exclude_(options_.filesystem_mount_points_exclude),
      fstype_exclude_(options_.filesystem_fs_types_exclude),
      netdev_exclude_(options_.netdev_device_exclude),
      disk_exclude_(options_.diskstats_device_exclude),
      netstat_fields_(options_.netstat_fields),
      power_supply_ignored_(options_.powersupply_ignored_supplies) {}

Collectors::~Collectors() {
  if (netlink_fd_ >= 0) ::close(netlink_fd_);
}

Collectors::Method Collectors::Find(std::string_view name) {
  static constexpr std::pair<std::string_view, Method> kTable[] = {
      {"arp", &Collectors::CollectArp},
      {"conntrack", &Collectors::CollectConntrack},
      {"cpu", &Collectors::CollectCpu},
      {"cpufreq", &Collectors::CollectCpufreq},
      {"diskstats", &Collectors::CollectDiskstats},
      {"entropy", &Collectors::CollectEntropy},
      {"filefd", &Collectors::CollectFilefd},
      {"filesystem", &Collectors::CollectFilesystem},
      {"hwmon", &Collectors::CollectHwmon},
      {"interrupts", &Collectors::CollectInterrupts},
      {"loadavg", &Collectors::CollectLoadavg},
      {"meminfo", &Collectors::CollectMeminfo},
      {"namedprocess", &Collectors::CollectNamedProcess},
      {"netclass", &Collectors::CollectNetclass},
      {"netdev", &Collectors::CollectNetdev},
      {"netstat", &Collectors::CollectNetstat},
      {"powersupplyclass", &Collectors::CollectPowerSupplyClass},
      {"pressure", &Collectors::CollectPressure},
      {"processes", &Collectors::CollectProcesses},
      {"schedstat", &Collectors::CollectSchedstat},
      {"sockstat", &Collectors::CollectSockstat},
      {"softnet", &Collectors::CollectSoftnet},
      {"stat", &Collectors::CollectStat},
      {"tcpstat", &Collectors::CollectTcpstat},
      {"textfile", &Collectors::CollectTextfile},
      {"thermal_zone", &Collectors::CollectThermalZone},
      {"time", &Collectors::CollectTime},
      {"timex", &Collectors::CollectTimex},
      {"udp_queues", &Collectors::CollectUdpQueues},
      {"uname", &Collectors::CollectUname},
      {"vmstat", &Collectors::CollectVmstat},
  };
  for (const auto& entry : kTable) {
    if (entry.first == name) return entry.second;
  }
  return nullptr;
}

bool Collectors::FirstSeen(std::string_view key) {
  // Compared as written out: two byte strings that differ only in invalid UTF-8 collide.
  utf8_.clear();
  AppendValidUtf8(utf8_, key);
  if (seen_.find(utf8_) != seen_.end()) return false;
  seen_.emplace(utf8_);
  return true;
}

void AppendMetricNamePart(std::string& out, std::string_view part) {
  for (char c : part) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':';
    out += ok ? c : '_';
  }
}

const std::string& Collectors::ProcPath(std::string_view rel) {
  path_.assign(options_.procfs).append("/").append(rel);
  return path_;
}

const std::string& Collectors::SysPath(std::string_view rel) {
  path_.assign(options_.sysfs).append("/").append(rel);
  return path_;
}

}  // namespace osprey::agent::internal
