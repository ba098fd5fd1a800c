// Fuzzes the /proc parsers: the input is split at "\n@@\n" into the contents of stat, meminfo,
// loadavg, diskstats, net/dev, net/netstat, net/snmp, net/snmp6, vmstat, pressure/io,
// 1/mounts, sys/fs/file-nr, 7/stat, net/sockstat, net/sockstat6, net/softnet_stat, net/arp,
// net/stat/nf_conntrack, sys/net/netfilter/nf_conntrack_count, schedstat of a temporary procfs
// and class/net/eth0/{flags,speed,address,operstate}, devices/system/cpu/cpu0/cpufreq/
// scaling_cur_freq of a temporary sysfs; every collector then runs over it. The output must always
// be valid text exposition (no crash, no duplicate series).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/host_collector.h"
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
      "@devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"};
  osprey::testing::TempDir dir;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view file : kFiles) {
    size_t sep = input.find("\n@@\n");
    std::string_view part = input.substr(0, sep);
    // '@' marks a sysfs file.
    dir.WriteFile(file.starts_with('@') ? std::string("sys/").append(file.substr(1))
                                        : std::string("proc/").append(file),
                  part);
    if (sep == std::string_view::npos) {
      input = {};
    } else {
      input.remove_prefix(sep + 4);
    }
  }
  osprey::agent::HostCollector collector(osprey::agent::HostCollectorOptions{
      .procfs = dir.Join("proc"), .sysfs = dir.Join("sys"), .rootfs = dir.path()});
  std::string out;
  collector.Collect(out);
  out.clear();
  collector.Collect(out);
  osprey::agent::internal::ParsedExposition parsed;
  osprey::Status status = osprey::agent::internal::ParseExposition(out, parsed);
  OSPREY_CHECK(status.ok()) << status.ToString() << "\n" << out;
  return 0;
}
