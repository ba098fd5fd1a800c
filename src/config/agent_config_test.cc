#include "config/agent_config.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace osprey::config {
namespace {

TEST(AgentConfigTest, OffByDefaultAndIntervalFromGlobal) {
  auto c = ParseConfig("global: {scrape_interval: 30s}\n", "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->agent.host.enabled);
  EXPECT_EQ(c->agent.host.interval.ms, 30000);
  EXPECT_EQ(c->ToYaml().find("agent"), std::string::npos);  // defaults are not written
}

TEST(AgentConfigTest, ReadsEveryFieldAndRoundTrips) {
  auto c = ParseConfig(
      "agent:\n"
      "  host:\n"
      "    enabled: true\n"
      "    interval: 5s\n"
      "    collectors: [cpu, meminfo]\n"
      "    labels: {env: prod}\n"
      "    path: {procfs: /host/proc, sysfs: /host/sys, rootfs: /host}\n"
      "    textfile_directory: /var/lib/node_exporter/textfile\n"
      "    filesystem_mount_points_exclude: '^/(dev|proc|sys|snap/.+)($|/)'\n"
      "    filesystem_fs_types_exclude: '^(proc|sysfs)$'\n"
      "    netdev_device_exclude: '^(lo|veth.+)$'\n"
      "    diskstats_device_exclude: '^loop\\d+$'\n"
      "    netstat_fields: '^Tcp_.*$'\n"
      "    powersupply_ignored_supplies: '^AC$'\n"
      "    process_top_n: 25\n",
      "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const HostMetricsConfig& h = c->agent.host;
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.interval.ms, 5000);
  EXPECT_EQ(h.collectors, (std::vector<std::string>{"cpu", "meminfo"}));
  EXPECT_EQ(h.labels.at("env"), "prod");
  EXPECT_EQ(h.procfs, "/host/proc");
  EXPECT_EQ(h.rootfs, "/host");
  EXPECT_EQ(h.textfile_directory, "/var/lib/node_exporter/textfile");
  EXPECT_EQ(h.filesystem_mount_points_exclude, "^/(dev|proc|sys|snap/.+)($|/)");
  EXPECT_EQ(h.filesystem_fs_types_exclude, "^(proc|sysfs)$");
  EXPECT_EQ(h.netdev_device_exclude, "^(lo|veth.+)$");
  EXPECT_EQ(h.diskstats_device_exclude, "^loop\\d+$");
  EXPECT_EQ(h.netstat_fields, "^Tcp_.*$");
  EXPECT_EQ(h.powersupply_ignored_supplies, "^AC$");
  EXPECT_EQ(h.process_top_n, 25);
  auto again = ParseConfig(c->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << c->ToYaml();
  EXPECT_EQ(again->agent, c->agent);
}

TEST(AgentConfigTest, ErrorsNameTheField) {
  auto unknown = ParseConfig("agent:\n  host:\n    enable: true\n", "osprey.yml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("osprey.yml:3:5"), std::string::npos)
      << unknown.status().message();
  EXPECT_NE(unknown.status().message().find("enable"), std::string::npos);
  auto zero = ParseConfig("agent:\n  host: {interval: 0s}\n", "osprey.yml");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("interval must be greater than 0"), std::string::npos)
      << zero.status().message();
  auto top = ParseConfig("agent:\n  host: {process_top_n: 0}\n", "osprey.yml");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.status().message().find("process_top_n must be from 1 to 10000"), std::string::npos)
      << top.status().message();
}

TEST(AgentConfigTest, FiltersLeftOutStayUnsetSoTheAgentKeepsNodeExporterDefaults) {
  auto c = ParseConfig("agent:\n  host: {enabled: true}\n", "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->agent.host.filesystem_mount_points_exclude.has_value());
  EXPECT_FALSE(c->agent.host.netstat_fields.has_value());
  EXPECT_FALSE(c->agent.host.process_top_n.has_value());
  EXPECT_EQ(c->ToYaml().find("netstat_fields"), std::string::npos);
}

}  // namespace
}  // namespace osprey::config
