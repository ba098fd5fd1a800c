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
      "    textfile_directory: /var/lib/node_exporter/textfile\n",
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
}

}  // namespace
}  // namespace osprey::config
