// Fuzzes the /proc parsers: the input is split at "\n@@\n" into the contents of stat, meminfo,
// loadavg, diskstats, net/dev, net/netstat, net/snmp, net/snmp6, vmstat, pressure/io,
// 1/mounts, sys/fs/file-nr, 7/stat, net/sockstat, net/sockstat6, net/softnet_stat, net/arp,
// net/stat/nf_conntrack, sys/net/netfilter/nf_conntrack_count, schedstat of a temporary procfs
// and class/net/eth0/{flags,speed,address,operstate}, devices/system/cpu/cpu0/cpufreq/
// scaling_cur_freq of a temporary sysfs, then net/udp, net/udp6, interrupts,
// sys/kernel/{pid_max,threads-max}, 8/stat, 8/task/9/stat, two textfiles (textfile/a.prom,
// textfile/b.prom), raw bytes for the sock_diag dump parser, and class/hwmon/hwmon0/
// {temp1_label,in0_input}, class/thermal/{thermal_zone0/{type,policy,temp},
// cooling_device0/{type,cur_state,max_state}} and class/power_supply/BAT0/{capacity,
// model_name,voltage_now}; every collector but tcpstat
// (which reads the live kernel; its parser gets the raw bytes) then runs over it, plus
// processes. The output must always be valid text exposition (no crash, no duplicate series).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/host_collector.h"
#include "agent/internal/collectors.h"
#include "agent/internal/exposition_test_util.h"
#include "base/check.h"
#include "testing/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kFiles[] = {
      "stat", "meminfo", "loadavg", "diskstats", "net/dev", "net/netstat", "net/snmp", "net/snmp6",
      "vmstat", "pressure/io", "1/mounts", "sys/fs/file-nr", "7/stat",
      // Added with the netclass, sockstat, softnet, arp, conntrack, schedstat and cpufreq
      // collectors; older seeds leave them empty.
      "net/sockstat", "net/sockstat6", "net/softnet_stat", "net/arp", "net/stat/nf_conntrack",
      "sys/net/netfilter/nf_conntrack_count", "schedstat", "@class/net/eth0/flags",
      "@class/net/eth0/speed", "@class/net/eth0/address", "@class/net/eth0/operstate",
      "@devices/system/cpu/cpu0/cpufreq/scaling_cur_freq",
      // Added with udp_queues, interrupts, processes, textfile and tcpstat ('!': textfile
      // directory, '%': sock_diag bytes).
      "net/udp", "net/udp6", "interrupts", "sys/kernel/pid_max", "sys/kernel/threads-max", "8/stat",
      "8/task/9/stat", "!a.prom", "!b.prom", "%sock_diag",
      // hwmon's label and voltage files.
      "@class/hwmon/hwmon0/temp1_label", "@class/hwmon/hwmon0/in0_input",
      // thermal_zone and powersupplyclass.
      "@class/thermal/thermal_zone0/type", "@class/thermal/thermal_zone0/policy",
      "@class/thermal/thermal_zone0/temp", "@class/thermal/cooling_device0/type",
      "@class/thermal/cooling_device0/cur_state", "@class/thermal/cooling_device0/max_state",
      "@class/power_supply/BAT0/capacity", "@class/power_supply/BAT0/model_name",
      "@class/power_supply/BAT0/voltage_now"};
  osprey::testing::TempDir dir;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view file : kFiles) {
    size_t sep = input.find("\n@@\n");
    std::string_view part = input.substr(0, sep);
    if (file.starts_with('%')) {
      osprey::agent::internal::TcpStats stats;
      (void)osprey::agent::internal::ParseInetDiagDump(part, stats);
      std::string out;
      osprey::agent::internal::TextWriter w(out);
      osprey::agent::internal::WriteTcpStats(w, stats);
      osprey::agent::internal::ParsedExposition parsed;
      osprey::Status status = osprey::agent::internal::ParseExposition(out, parsed);
      OSPREY_CHECK(status.ok()) << status.ToString() << "\n" << out;
    } else if (file.starts_with('@')) {
      dir.WriteFile(std::string("sys/").append(file.substr(1)), part);
    } else if (file.starts_with('!')) {
      dir.WriteFile(std::string("textfile/").append(file.substr(1)), part);
    } else {
      dir.WriteFile(std::string("proc/").append(file), part);
    }
    if (sep == std::string_view::npos) {
      input = {};
    } else {
      input.remove_prefix(sep + 4);
    }
  }
  std::vector<std::string> collectors = {"processes"};
  for (const std::string& c : osprey::agent::HostCollector::DefaultCollectors()) {
    if (c != "tcpstat") collectors.push_back(c);
  }
  osprey::agent::HostCollector collector(
      osprey::agent::HostCollectorOptions{.procfs = dir.Join("proc"),
                                          .sysfs = dir.Join("sys"),
                                          .rootfs = dir.path(),
                                          .collectors = std::move(collectors),
                                          .textfile_directory = dir.Join("textfile")});
  std::string out;
  collector.Collect(out);
  out.clear();
  collector.Collect(out);
  osprey::agent::internal::ParsedExposition parsed;
  osprey::Status status = osprey::agent::internal::ParseExposition(out, parsed);
  OSPREY_CHECK(status.ok()) << status.ToString() << "\n" << out;
  return 0;
}
