// Osprey's built-in host collectors: node_exporter 1.5-compatible metrics read directly from
// /proc and /sys (no shelling out), plus a bounded per-process collector with
// process-exporter's metric names. The server runs a HostCollector as an in-process scrape
// target; the output is what `curl node_exporter:9100/metrics` would give for the same
// collectors.
//
//   agent::HostCollector host(agent::HostCollectorOptions{.collectors = {"cpu", "meminfo"}});
//   std::string body;
//   host.Collect(body);  // "# HELP node_cpu_seconds_total ...\n..."
//
// Collectors and what they read are listed in src/agent/README.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/logger.h"
#include "base/status.h"

namespace osprey::agent {

namespace internal {
class Collectors;
}

struct HostCollectorOptions {
  // Roots, like node_exporter's --path.procfs, --path.sysfs and --path.rootfs.
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  // Enabled collector names; empty = DefaultCollectors(). Unknown names report success 0.
  std::vector<std::string> collectors;
  // ECMAScript regexes (node_exporter 1.5 upstream defaults). An invalid one makes its
  // collector fail with the regex error; check with ValidateOptions first.
  std::string filesystem_mount_points_exclude =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
  std::string filesystem_fs_types_exclude =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
      "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
      "sysfs|tracefs)$";
  std::string netdev_device_exclude = "^lo$";
  std::string diskstats_device_exclude = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
  // node_exporter's default --collector.netstat.fields, matched against "Proto_Field".
  std::string netstat_fields =
      "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|"
      "OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|"
      "InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|"
      "OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";
  // powersupplyclass: supplies whose name matches are not exported (node_exporter's
  // --collector.powersupply.ignored-supplies).
  std::string powersupply_ignored_supplies = "^$";
  // Per-process collector: groups kept (the top N by CPU and the top N by memory).
  int process_top_n = 10;
  // textfile collector: node_exporter's --collector.textfile.directory (a directory or a
  // glob of directories). Empty: the collector writes only node_textfile_scrape_error 0.
  std::string textfile_directory;
  // Where the textfile collector logs a file it rejects (file, line, reason). None: silent.
  std::optional<Logger> logger;
};

// Thread-compatible: one collection at a time. Keeps state between collections (previous
// per-process CPU times for the top-N ranking and monotonic group counters).
class HostCollector {
 public:
  explicit HostCollector(HostCollectorOptions options);
  ~HostCollector();
  HostCollector(const HostCollector&) = delete;
  HostCollector& operator=(const HostCollector&) = delete;

  // Runs every enabled collector and appends Prometheus text format 0.0.4 (# HELP, # TYPE,
  // samples, no timestamps) with node_exporter's metric names and labels to `out`, plus
  // node_scrape_collector_success{collector} and node_scrape_collector_duration_seconds{collector}.
  // A collector that fails (missing or unreadable files) contributes nothing but success 0 and
  // node_scrape_collector_error_info{collector,error} 1; the others continue. Only the
  // textfile collector logs (a rejected file), through options.logger. textfile runs last
  // whatever its position, so it can reject families the built-in collectors wrote.
  void Collect(std::string& out);

  // arp, conntrack, cpu, cpufreq, diskstats, entropy, filefd, filesystem, hwmon, interrupts,
  // loadavg, meminfo, namedprocess, netclass, netdev, netstat, powersupplyclass, pressure,
  // schedstat, sockstat, softnet, stat, tcpstat, textfile, thermal_zone, time, timex,
  // udp_queues, uname, vmstat. Not `processes` (one file per thread: opt in by listing it).
  static std::vector<std::string> DefaultCollectors();
  // kInvalidArgument naming the option when a regex does not compile, a collector name is
  // unknown or process_top_n < 1.
  static Status ValidateOptions(const HostCollectorOptions& options);

 private:
  const std::vector<std::string> enabled_;
  std::unique_ptr<internal::Collectors> collectors_;
  std::string scratch_;
};

}  // namespace osprey::agent
