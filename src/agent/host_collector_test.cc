#include "agent/host_collector.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "agent/internal/exposition_test_util.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

using internal::ParsedExposition;

const std::string kTestdata = OSPREY_AGENT_TESTDATA;

HostCollectorOptions FixtureOptions(std::vector<std::string> collectors) {
  return HostCollectorOptions{.procfs = kTestdata + "/procfs",
                              .sysfs = kTestdata + "/sysfs",
                              .rootfs = kTestdata + "/rootfs",
                              .collectors = std::move(collectors)};
}

ParsedExposition CollectParsed(HostCollector& collector, std::string* body_out = nullptr) {
  std::string body;
  collector.Collect(body);
  ParsedExposition parsed;
  Status status = internal::ParseExposition(body, parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << body;
  if (body_out != nullptr) *body_out = body;
  return parsed;
}

ParsedExposition CollectFixture(std::vector<std::string> collectors) {
  HostCollector collector(FixtureOptions(std::move(collectors)));
  return CollectParsed(collector);
}

TEST(HostCollectorTest, CpuReportsSecondsPerCpuAndMode) {
  ParsedExposition p = CollectFixture({"cpu"});
  EXPECT_DOUBLE_EQ(p.samples.at(R"(node_cpu_seconds_total{cpu="0",mode="idle"})"), 10757.88);
  EXPECT_DOUBLE_EQ(p.samples.at(R"(node_cpu_seconds_total{cpu="1",mode="user"})"), 11991.37);
  EXPECT_DOUBLE_EQ(p.samples.at(R"(node_cpu_guest_seconds_total{cpu="0",mode="nice"})"), 0.02);
  EXPECT_EQ(p.Family("node_cpu_seconds_total").size(), 16u);  // 2 CPUs x 8 modes, no "cpu" total
  EXPECT_EQ(p.types.at("node_cpu_seconds_total"), ingest::MetricType::kCounter);
  EXPECT_EQ(p.samples.at(R"(node_scrape_collector_success{collector="cpu"})"), 1);
}

TEST(HostCollectorTest, StatReportsBootTimeAndCounters) {
  ParsedExposition p = CollectFixture({"stat"});
  EXPECT_EQ(p.samples.at("node_boot_time_seconds"), 1795272329);
  EXPECT_EQ(p.samples.at("node_context_switches_total"), 23224679);
  EXPECT_EQ(p.samples.at("node_forks_total"), 887746);
  EXPECT_EQ(p.samples.at("node_intr_total"), 13187094);
  EXPECT_EQ(p.samples.at("node_procs_running"), 3);
  EXPECT_EQ(p.samples.at("node_procs_blocked"), 1);
}

TEST(HostCollectorTest, MeminfoScalesKilobytesAndRenamesParentheses) {
  ParsedExposition p = CollectFixture({"meminfo"});
  EXPECT_EQ(p.samples.at("node_memory_MemTotal_bytes"), 24684084.0 * 1024);
  EXPECT_EQ(p.samples.at("node_memory_Active_anon_bytes"), 1520.0 * 1024);
  EXPECT_EQ(p.samples.at("node_memory_HugePages_Total"), 0);
  EXPECT_EQ(p.help.at("node_memory_MemTotal_bytes"), "Memory information field MemTotal_bytes.");
}

TEST(HostCollectorTest, LoadavgFilefdEntropyVmstatPressure) {
  ParsedExposition p =
      CollectFixture({"loadavg", "filefd", "entropy", "vmstat", "pressure", "time", "uname"});
  EXPECT_DOUBLE_EQ(p.samples.at("node_load1"), 0.08);
  EXPECT_DOUBLE_EQ(p.samples.at("node_load15"), 1.21);
  EXPECT_EQ(p.samples.at("node_filefd_allocated"), 351);
  EXPECT_EQ(p.samples.at("node_filefd_maximum"), 2466170);
  EXPECT_EQ(p.samples.at("node_entropy_available_bits"), 256);
  EXPECT_EQ(p.samples.at("node_vmstat_pgmajfault"), 21102);
  EXPECT_EQ(p.samples.at("node_vmstat_oom_kill"), 0);
  EXPECT_EQ(p.samples.count("node_vmstat_pgfree"), 0u);  // not a default field
  EXPECT_EQ(p.samples.count("node_vmstat_nr_free_pages"), 0u);
  EXPECT_DOUBLE_EQ(p.samples.at("node_pressure_cpu_waiting_seconds_total"), 8274.040345);
  EXPECT_DOUBLE_EQ(p.samples.at("node_pressure_io_stalled_seconds_total"), 36.514023);
  EXPECT_DOUBLE_EQ(p.samples.at("node_pressure_memory_stalled_seconds_total"), 0.00025);
  EXPECT_EQ(p.samples.count("node_pressure_cpu_stalled_seconds_total"), 0u);
  EXPECT_GT(p.samples.at("node_time_seconds"), 1.5e9);
  ASSERT_EQ(p.Family("node_uname_info").size(), 1u);
  EXPECT_NE(p.Family("node_uname_info").begin()->first.find("sysname=\"Linux\""),
            std::string::npos);
}

TEST(HostCollectorTest, FilesystemSkipsPseudoAndDuplicateMountsAndFlagsErrors) {
  ParsedExposition p = CollectFixture({"filesystem"});
  auto sizes = p.Family("node_filesystem_size_bytes");
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_GT(
      sizes.at(R"(node_filesystem_size_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"})"), 0);
  EXPECT_EQ(p.samples.at(
                R"(node_filesystem_readonly{device="/dev/sdb1",fstype="xfs",mountpoint="/srv"})"),
            1);
  EXPECT_EQ(
      p.samples.at(
          R"(node_filesystem_device_error{device="/dev/sdc1",fstype="ext4",mountpoint="/gone"})"),
      1);
  EXPECT_EQ(
      p.samples.count(
          R"(node_filesystem_size_bytes{device="/dev/sdc1",fstype="ext4",mountpoint="/gone"})"),
      0u);
  EXPECT_EQ(p.Family("node_filesystem_device_error").size(),
            3u);  // proc, cgroup2, /run/credentials out
}

TEST(HostCollectorTest, DiskstatsScalesSectorsAndMillisecondsAndExcludesPartitions) {
  ParsedExposition p = CollectFixture({"diskstats"});
  EXPECT_EQ(p.Family("node_disk_reads_completed_total").size(), 2u);  // vda, sdb
  EXPECT_EQ(p.samples.at(R"(node_disk_reads_completed_total{device="vda"})"), 431571);
  EXPECT_EQ(p.samples.at(R"(node_disk_read_bytes_total{device="vda"})"), 21635546.0 * 512);
  EXPECT_DOUBLE_EQ(p.samples.at(R"(node_disk_io_time_seconds_total{device="vda"})"), 158.46);
  EXPECT_EQ(p.samples.at(R"(node_disk_flush_requests_total{device="vda"})"), 279912);
  // An old kernel's 11-field line has no discard or flush counters.
  EXPECT_EQ(p.samples.count(R"(node_disk_flush_requests_total{device="sdb"})"), 0u);
  EXPECT_EQ(p.samples.at(R"(node_disk_info{device="vda",major="254",minor="0"})"), 1);
}

TEST(HostCollectorTest, NetdevExcludesLoopbackByDefault) {
  ParsedExposition p = CollectFixture({"netdev"});
  EXPECT_EQ(p.Family("node_network_receive_bytes_total").size(), 1u);
  EXPECT_EQ(p.samples.at(R"(node_network_receive_bytes_total{device="eth0"})"), 257167531);
  EXPECT_EQ(p.samples.at(R"(node_network_receive_multicast_total{device="eth0"})"), 6);
  EXPECT_EQ(p.samples.at(R"(node_network_transmit_compressed_total{device="eth0"})"), 12);
  // From sysfs statistics/rx_nohandler, as node_exporter's rtnetlink stats.
  EXPECT_EQ(p.Family("node_network_receive_nohandler_total"),
            (std::map<std::string, double>{
                {R"(node_network_receive_nohandler_total{device="eth0"})", 17}}));
  EXPECT_EQ(p.types.at("node_network_receive_nohandler_total"), ingest::MetricType::kCounter);
  EXPECT_EQ(p.help.at("node_network_transmit_colls_total"),
            "Network device statistic transmit_colls.");
}

TEST(HostCollectorTest, NetstatKeepsDefaultFields) {
  ParsedExposition p = CollectFixture({"netstat"});
  EXPECT_EQ(p.samples.at("node_netstat_Tcp_CurrEstab"), 2);
  EXPECT_EQ(p.samples.at("node_netstat_TcpExt_ListenDrops"), 723);
  EXPECT_EQ(p.samples.at("node_netstat_IpExt_InOctets"), 13516963709.0);
  EXPECT_EQ(p.samples.at("node_netstat_Ip6_InOctets"), 384);
  EXPECT_EQ(p.samples.at("node_netstat_Ip_Forwarding"), 2);
  EXPECT_EQ(p.samples.count("node_netstat_Tcp_MaxConn"), 0u);
  EXPECT_EQ(p.samples.count("node_netstat_TcpExt_PruneCalled"), 0u);
  EXPECT_EQ(p.help.at("node_netstat_TcpExt_ListenDrops"), "Statistic TcpExtListenDrops.");
  EXPECT_EQ(p.types.at("node_netstat_Tcp_CurrEstab"), ingest::MetricType::kUntyped);
}

TEST(HostCollectorTest, HwmonReportsTemperaturesInCelsius) {
  ParsedExposition p = CollectFixture({"hwmon"});
  EXPECT_EQ(p.samples.at(R"(node_hwmon_temp_celsius{chip="coretemp",sensor="temp1"})"), 45);
  EXPECT_EQ(p.samples.at(R"(node_hwmon_temp_celsius{chip="coretemp",sensor="temp2"})"), 51.5);
  EXPECT_EQ(p.Family("node_hwmon_temp_celsius").size(), 2u);
}

TEST(HostCollectorTest, NamedProcessGroupsByCommAndKeepsTopN) {
  HostCollectorOptions options = FixtureOptions({"namedprocess"});
  options.process_top_n = 1;
  HostCollector collector(options);
  ParsedExposition p = CollectParsed(collector);
  // Top 1 by CPU and top 1 by memory: "my worker" leads both, so it is the only group.
  EXPECT_EQ(p.Family("namedprocess_namegroup_num_procs").size(), 1u);
  EXPECT_EQ(p.samples.at(R"(namedprocess_namegroup_num_procs{groupname="my worker"})"), 2);
  EXPECT_DOUBLE_EQ(
      p.samples.at(
          R"(namedprocess_namegroup_cpu_seconds_total{groupname="my worker",mode="user"})"),
      10.1);
  EXPECT_EQ(p.samples.at(
                R"(namedprocess_namegroup_memory_bytes{groupname="my worker",memtype="virtual"})"),
            400000000);
  // A second collection over unchanged processes adds nothing to the counters.
  ParsedExposition again = CollectParsed(collector);
  EXPECT_DOUBLE_EQ(
      again.samples.at(
          R"(namedprocess_namegroup_cpu_seconds_total{groupname="my worker",mode="user"})"),
      10.1);

  options.process_top_n = 10;
  HostCollector all(options);
  ParsedExposition q = CollectParsed(all);
  EXPECT_EQ(q.Family("namedprocess_namegroup_num_procs").size(), 3u);
  EXPECT_EQ(q.samples.count(R"(namedprocess_namegroup_num_procs{groupname="a) b) c"})"), 1u);
}

TEST(HostCollectorTest, MissingFilesFailOnlyTheirCollector) {
  testing::TempDir dir;
  dir.WriteFile("proc/stat", "cpu0 1 2 3 4 5 6 7 8 9 10\n");
  dir.WriteFile("proc/meminfo", "MemTotal: garbage kB\n");
  HostCollector collector(HostCollectorOptions{.procfs = dir.Join("proc"),
                                               .sysfs = dir.Join("sys"),
                                               .rootfs = dir.path(),
                                               .collectors = {"cpu", "loadavg", "meminfo"}});
  ParsedExposition p = CollectParsed(collector);
  EXPECT_EQ(p.samples.at(R"(node_scrape_collector_success{collector="cpu"})"), 1);
  EXPECT_EQ(p.samples.at(R"(node_scrape_collector_success{collector="loadavg"})"), 0);
  EXPECT_EQ(p.samples.at(R"(node_scrape_collector_success{collector="meminfo"})"), 0);
  EXPECT_EQ(p.Family("node_cpu_seconds_total").size(), 8u);
  EXPECT_TRUE(p.Family("node_load1").empty());
  EXPECT_TRUE(p.Family("node_memory_MemTotal_bytes").empty());
  auto errors = p.Family("node_scrape_collector_error_info");
  ASSERT_EQ(errors.size(), 2u);
  bool named_file = false;
  for (const auto& [key, value] : errors) {
    named_file |= key.find("loadavg: No such file") != std::string::npos;
  }
  EXPECT_TRUE(named_file) << errors.begin()->first;
  EXPECT_EQ(p.Family("node_scrape_collector_duration_seconds").size(), 3u);
}

TEST(HostCollectorTest, ValidateOptionsNamesTheBadOption) {
  EXPECT_TRUE(HostCollector::ValidateOptions(HostCollectorOptions{}).ok());
  HostCollectorOptions bad_regex;
  bad_regex.filesystem_fs_types_exclude = "^(unclosed";
  Status status = HostCollector::ValidateOptions(bad_regex);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("filesystem_fs_types_exclude"), std::string::npos);
  HostCollectorOptions bad_name{.collectors = {"cpu", "nope"}};
  EXPECT_NE(HostCollector::ValidateOptions(bad_name).message().find("\"nope\""), std::string::npos);
}

TEST(HostCollectorTest, RealHostOutputPassesPromtool) {
  HostCollector collector(HostCollectorOptions{});
  std::string body;
  collector.Collect(body);
  ParsedExposition parsed;
  ASSERT_TRUE(internal::ParseExposition(body, parsed).ok());
  std::string promtool = testing::FindExecutable({"/usr/bin/promtool"});
  if (promtool.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "promtool not installed";
    GTEST_SKIP() << "promtool not installed";
  }
  testing::TempDir dir;
  std::string input = dir.WriteFile("metrics.txt", body);
  std::string command = promtool + " check metrics < " + input + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) output.append(buf, n);
  int rc = ::pclose(pipe);
  // Exit 3 = lint problems only. node_exporter's own names (node_memory_MemTotal_bytes,
  // node_netstat_Tcp_CurrEstab, *_bits) draw the same two lint remarks; nothing else may.
  ASSERT_TRUE(rc == 0 || WEXITSTATUS(rc) == 3) << output;
  std::string_view rest = output;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty()) continue;
    bool allowed =
        line.find("should be written in 'snake_case' not 'camelCase'") != std::string_view::npos ||
        line.find("use base unit \"bytes\" instead of \"bits\"") != std::string_view::npos;
    EXPECT_TRUE(allowed) << line;
  }
}

}  // namespace
}  // namespace osprey::agent
