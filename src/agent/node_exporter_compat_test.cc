// Runs the real node_exporter (Debian's prometheus-node-exporter 1.5) on this host with the
// same filters as HostCollectorOptions' defaults and checks that both expose the same series
// and values for the metrics they share.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent/host_collector.h"
#include "agent/internal/exposition_test_util.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

using internal::ParsedExposition;

std::vector<std::string> Keys(const std::map<std::string, double>& family) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : family) keys.push_back(key);
  return keys;
}

// Counters read by us shortly after node_exporter: never lower, and not far above.
void ExpectCounterClose(const ParsedExposition& theirs, const ParsedExposition& ours,
                        std::string_view metric, double abs_tolerance, double rel_tolerance) {
  auto their_family = theirs.Family(metric);
  auto our_family = ours.Family(metric);
  ASSERT_FALSE(their_family.empty()) << metric;
  for (const auto& [key, their_value] : their_family) {
    auto it = our_family.find(key);
    ASSERT_NE(it, our_family.end()) << key;
    EXPECT_GE(it->second + 1e-9, their_value) << key;
    EXPECT_LE(it->second, their_value + abs_tolerance + rel_tolerance * their_value) << key;
  }
}

TEST(NodeExporterCompatTest, SharedMetricsAgree) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "prometheus-node-exporter is not installed";
    GTEST_SKIP() << "prometheus-node-exporter is not installed (apt install "
                    "prometheus-node-exporter)";
  }
  const HostCollectorOptions options;
  testing::TempDir dir;
  int port = testing::FreeLocalPort();
  auto node_exporter = testing::ChildProcess::Start(
      {binary, "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--collector.filesystem.mount-points-exclude=" + options.filesystem_mount_points_exclude,
       "--collector.filesystem.fs-types-exclude=" + options.filesystem_fs_types_exclude,
       "--collector.netdev.device-exclude=" + options.netdev_device_exclude,
       "--collector.diskstats.device-exclude=" + options.diskstats_device_exclude},
      dir.Join("node_exporter.log"));
  ASSERT_TRUE(node_exporter.ok()) << node_exporter.status().ToString();
  ASSERT_TRUE(testing::WaitForPort(port)) << (*node_exporter)->Log();

  auto response = testing::HttpGet(port, "/metrics");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->status, 200);
  HostCollector collector(options);
  std::string body;
  collector.Collect(body);

  ParsedExposition theirs, ours;
  ASSERT_TRUE(internal::ParseExposition(response->body, theirs).ok());
  Status parsed = internal::ParseExposition(body, ours);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();

  for (std::string_view metric :
       {"node_cpu_seconds_total", "node_filesystem_size_bytes", "node_network_receive_bytes_total",
        "node_disk_reads_completed_total", "node_filesystem_readonly", "node_disk_io_now",
        "node_network_transmit_packets_total", "node_load1", "node_filefd_maximum"}) {
    EXPECT_EQ(Keys(ours.Family(metric)), Keys(theirs.Family(metric))) << metric;
  }
  // Same names, types and HELP texts for every shared family we produce.
  int shared = 0;
  for (const auto& [name, type] : ours.types) {
    auto it = theirs.types.find(name);
    if (it == theirs.types.end()) continue;
    ++shared;
    EXPECT_EQ(type, it->second) << name;
    EXPECT_EQ(ours.help.at(name), theirs.help.at(name)) << name;
  }
  EXPECT_GT(shared, 100);
  // Families node_exporter has for our collectors that we lack (documented differences).
  for (std::string_view metric :
       {"node_memory_MemAvailable_bytes", "node_boot_time_seconds", "node_netstat_Tcp_CurrEstab",
        "node_vmstat_pgfault", "node_entropy_available_bits", "node_uname_info",
        "node_pressure_io_waiting_seconds_total"}) {
    EXPECT_EQ(ours.types.count(std::string(metric)), theirs.types.count(std::string(metric)))
        << metric;
  }

  // thermal_zone and powersupplyclass (default in both): the same success and the same
  // series on this host (none on the dev VM; fixtures: thermal_power_test.cc).
  for (std::string_view c : {"thermal_zone", "powersupplyclass"}) {
    std::string key =
        std::string("node_scrape_collector_success{collector=\"").append(c).append("\"}");
    EXPECT_EQ(ours.samples.at(key), theirs.samples.at(key)) << key;
  }
  for (std::string_view metric :
       {"node_thermal_zone_temp", "node_cooling_device_cur_state", "node_cooling_device_max_state",
        "node_power_supply_info", "node_power_supply_online", "node_power_supply_capacity"}) {
    EXPECT_EQ(Keys(ours.Family(metric)), Keys(theirs.Family(metric))) << metric;
  }

  EXPECT_EQ(ours.samples.at("node_memory_MemTotal_bytes"),
            theirs.samples.at("node_memory_MemTotal_bytes"));
  EXPECT_NEAR(ours.samples.at("node_boot_time_seconds"),
              theirs.samples.at("node_boot_time_seconds"), 1);
  EXPECT_EQ(ours.Family("node_filesystem_size_bytes"), theirs.Family("node_filesystem_size_bytes"));
  EXPECT_EQ(ours.Family("node_filefd_maximum"), theirs.Family("node_filefd_maximum"));
  ExpectCounterClose(theirs, ours, "node_cpu_seconds_total", 30, 0);
  ExpectCounterClose(theirs, ours, "node_network_receive_bytes_total", 1 << 20, 0.01);
  ExpectCounterClose(theirs, ours, "node_disk_reads_completed_total", 1000, 0.01);
  ExpectCounterClose(theirs, ours, "node_context_switches_total", 1e6, 0.05);
  ExpectCounterClose(theirs, ours, "node_forks_total", 1000, 0.01);
}

// "name{a=\"1\",b=\"2\"}" -> "name{a,b}".
std::string NameAndLabelNames(const std::string& key) {
  std::string out;
  bool in_value = false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (in_value) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_value = false;
      }
      continue;
    }
    if (c == '"') {
      in_value = true;
      continue;
    }
    if (c != '=') out += c;
  }
  return out;
}

// Families (with their label names) of one exposition, without the exporters' own metrics.
std::set<std::string> Shapes(const ParsedExposition& p) {
  std::set<std::string> out;
  for (const auto& [key, value] : p.samples) {
    if (!key.starts_with("node_") || key.starts_with("node_scrape_collector_") ||
        key.starts_with("node_exporter_")) {
      continue;
    }
    out.insert(NameAndLabelNames(key));
  }
  return out;
}

// Starts node_exporter with `args` (after the binary; the listen address is added), scrapes
// it once, then runs a HostCollector with `options` once; both bodies parsed.
void ScrapeBoth(const std::string& binary, std::vector<std::string> args,
                const HostCollectorOptions& options, ParsedExposition& theirs,
                ParsedExposition& ours) {
  testing::TempDir dir;
  int port = testing::FreeLocalPort();
  args.insert(args.begin(), binary);
  args.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
  auto node_exporter = testing::ChildProcess::Start(args, dir.Join("node_exporter.log"));
  ASSERT_TRUE(node_exporter.ok()) << node_exporter.status().ToString();
  ASSERT_TRUE(testing::WaitForPort(port)) << (*node_exporter)->Log();
  auto response = testing::HttpGet(port, "/metrics");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  HostCollector collector(options);
  std::string body;
  collector.Collect(body);
  ASSERT_TRUE(internal::ParseExposition(response->body, theirs).ok());
  ASSERT_TRUE(internal::ParseExposition(body, ours).ok()) << body;
}

// The collectors added for Grafana's "Node Exporter Full": node_exporter 1.5 run with only
// them enabled exposes the same metric names with the same label names, and the same
// per-device series for netclass.
TEST(NodeExporterCompatTest, NewCollectorsHaveTheSameNamesAndLabels) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "prometheus-node-exporter is not installed";
    GTEST_SKIP() << "prometheus-node-exporter is not installed";
  }
  const std::vector<std::string> collectors = {"arp",       "conntrack", "cpufreq", "netclass",
                                               "schedstat", "sockstat",  "softnet", "timex"};
  std::vector<std::string> args = {"--collector.disable-defaults"};
  for (const std::string& c : collectors) args.push_back("--collector." + c);
  ParsedExposition theirs, ours;
  ASSERT_NO_FATAL_FAILURE(
      ScrapeBoth(binary, args, HostCollectorOptions{.collectors = collectors}, theirs, ours));

  EXPECT_GT(Shapes(theirs).size(), 50u);
  EXPECT_EQ(Shapes(ours), Shapes(theirs));
  for (const std::string& c : collectors) {
    std::string key = "node_scrape_collector_success{collector=\"" + c + "\"}";
    EXPECT_EQ(ours.samples.at(key), theirs.samples.at(key)) << key;
  }
  for (const auto& [name, type] : ours.types) {
    if (name.starts_with("node_scrape_collector_")) continue;
    ASSERT_EQ(theirs.types.count(name), 1u) << name;
    EXPECT_EQ(type, theirs.types.at(name)) << name;
    EXPECT_EQ(ours.help.at(name), theirs.help.at(name)) << name;
  }
  for (std::string_view metric :
       {"node_network_info", "node_network_mtu_bytes", "node_network_flags",
        "node_network_protocol_type", "node_network_up", "node_softnet_processed_total"}) {
    EXPECT_EQ(Keys(ours.Family(metric)), Keys(theirs.Family(metric))) << metric;
  }
  EXPECT_EQ(ours.Family("node_network_mtu_bytes"), theirs.Family("node_network_mtu_bytes"));
  EXPECT_EQ(ours.Family("node_network_flags"), theirs.Family("node_network_flags"));
  EXPECT_EQ(ours.samples.at("node_timex_tick_seconds"),
            theirs.samples.at("node_timex_tick_seconds"));
}

// Both pointed at the same textfile directory (good, unparsable and timestamped files):
// the same series, values, types and HELP texts, and node_textfile_scrape_error 1 on both.
TEST(NodeExporterCompatTest, TextfileIsTheSame) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "prometheus-node-exporter is not installed";
    GTEST_SKIP() << "prometheus-node-exporter is not installed";
  }
  testing::TempDir dir;
  const std::string textfiles = dir.Join("textfile");
  for (const char* name : {"a.prom", "c_bad.prom", "d_timestamp.prom", "e.txt"}) {
    std::ifstream in(std::string(OSPREY_AGENT_TESTDATA) + "/textfile/" + name);
    std::stringstream contents;
    contents << in.rdbuf();
    dir.WriteFile(std::string("textfile/") + name, contents.str());
  }
  ParsedExposition theirs, ours;
  ASSERT_NO_FATAL_FAILURE(
      ScrapeBoth(binary,
                 {"--collector.disable-defaults", "--collector.textfile",
                  "--collector.textfile.directory=" + textfiles},
                 HostCollectorOptions{.collectors = {"textfile"}, .textfile_directory = textfiles},
                 theirs, ours));
  auto without_exporter_own = [](const ParsedExposition& p) {
    std::map<std::string, double> out;
    for (const auto& [key, value] : p.samples) {
      if (key.starts_with("node_scrape_collector_") || key.starts_with("node_exporter_") ||
          key.starts_with("go_") || key.starts_with("process_") || key.starts_with("promhttp_")) {
        continue;
      }
      out.emplace(key, value);
    }
    return out;
  };
  EXPECT_EQ(without_exporter_own(ours), without_exporter_own(theirs));
  EXPECT_EQ(ours.samples.at("node_textfile_scrape_error"), 1);
  for (const auto& [name, type] : ours.types) {
    if (name.starts_with("node_scrape_collector_")) continue;
    ASSERT_EQ(theirs.types.count(name), 1u) << name;
    EXPECT_EQ(type, theirs.types.at(name)) << name;
    EXPECT_EQ(ours.help.at(name), theirs.help.at(name)) << name;
  }
}

// The collectors added for the dashboard's remaining panels, node_exporter run with
// --collector.interrupts --collector.processes --collector.tcpstat (and udp_queues, netdev):
// the same metric and label names, the same interrupt and udp_queues series, the same limits.
TEST(NodeExporterCompatTest, InterruptsProcessesTcpstatUdpQueuesNetdev) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "prometheus-node-exporter is not installed";
    GTEST_SKIP() << "prometheus-node-exporter is not installed";
  }
  const std::vector<std::string> collectors = {"interrupts", "netdev", "processes", "tcpstat",
                                               "udp_queues"};
  std::vector<std::string> args = {"--collector.disable-defaults",
                                   "--collector.netdev.device-exclude=^lo$"};
  for (const std::string& c : collectors) args.push_back("--collector." + c);
  ParsedExposition theirs, ours;
  ASSERT_NO_FATAL_FAILURE(
      ScrapeBoth(binary, args, HostCollectorOptions{.collectors = collectors}, theirs, ours));

  // Connection and process states come and go between the two reads: compare names only.
  auto shapes = [](const ParsedExposition& p) {
    std::set<std::string> out;
    for (const std::string& s : Shapes(p)) {
      if (!s.starts_with("node_tcp_connection_states") && !s.starts_with("node_processes_")) {
        out.insert(s);
      }
    }
    return out;
  };
  EXPECT_EQ(shapes(ours), shapes(theirs));
  for (std::string_view metric :
       {"node_tcp_connection_states", "node_processes_state", "node_processes_threads_state",
        "node_processes_pids", "node_processes_threads", "node_processes_max_threads"}) {
    EXPECT_FALSE(ours.Family(metric).empty()) << metric;
    EXPECT_FALSE(theirs.Family(metric).empty()) << metric;
  }
  for (const std::string& c : collectors) {
    std::string key = "node_scrape_collector_success{collector=\"" + c + "\"}";
    EXPECT_EQ(ours.samples.at(key), theirs.samples.at(key)) << key;
  }
  for (const auto& [name, type] : ours.types) {
    if (name.starts_with("node_scrape_collector_")) continue;
    ASSERT_EQ(theirs.types.count(name), 1u) << name;
    EXPECT_EQ(type, theirs.types.at(name)) << name;
    EXPECT_EQ(ours.help.at(name), theirs.help.at(name)) << name;
  }
  for (std::string_view metric :
       {"node_interrupts_total", "node_udp_queues", "node_network_receive_nohandler_total"}) {
    EXPECT_FALSE(theirs.Family(metric).empty()) << metric;
    EXPECT_EQ(Keys(ours.Family(metric)), Keys(theirs.Family(metric))) << metric;
  }
  EXPECT_EQ(ours.Family("node_processes_max_processes"),
            theirs.Family("node_processes_max_processes"));
  EXPECT_EQ(ours.Family("node_processes_max_threads"), theirs.Family("node_processes_max_threads"));
  EXPECT_EQ(ours.Family("node_network_receive_nohandler_total"),
            theirs.Family("node_network_receive_nohandler_total"));
  // Listening sockets' backlog limits dominate tx_queued_bytes; both read them from sock_diag.
  EXPECT_GT(ours.samples.at(R"(node_tcp_connection_states{state="tx_queued_bytes"})"), 0);
  ExpectCounterClose(theirs, ours, "node_interrupts_total", 1e6, 0.05);
}

}  // namespace
}  // namespace osprey::agent
