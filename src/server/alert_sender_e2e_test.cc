// Osprey as a Prometheus in front of a REAL Alertmanager 0.25: the `alerting:` section sends
// Osprey's rule alerts (with its external labels, after alert_relabel_configs) to
// /api/v2/alerts of the external Alertmanager, which then lists them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;
using testing::ChildProcess;
using testing::Eventually;
using testing::FindExecutable;
using testing::HttpGet;
using testing::OspreyProcess;
using testing::TempDir;

constexpr char kRules[] =
    "groups:\n"
    "  - name: e2e\n"
    "    interval: 1s\n"
    "    rules:\n"
    "      - alert: AlwaysFiring\n"
    "        expr: vector(1)\n"
    "        labels: {severity: page, cluster: from-rule}\n"
    "        annotations: {summary: 'value is {{ $value }}'}\n"
    "      - alert: DroppedByRelabel\n"
    "        expr: vector(1)\n";

// Alertmanager's /api/v2/alerts, or an empty array while it is not answering.
Json AlertmanagerAlerts(int port) {
  auto r = HttpGet(port, "/api/v2/alerts");
  if (!r.ok() || r->status != 200) return Json::array();
  Json j = Json::parse(r->body, nullptr, false);
  return j.is_array() ? j : Json::array();
}

const Json* FindAlert(const Json& alerts, std::string_view name) {
  for (const Json& a : alerts) {
    if (a["labels"].value("alertname", "") == name) return &a;
  }
  return nullptr;
}

TEST(AlertSenderE2eTest, RuleAlertsReachARealAlertmanager) {
  const std::string alertmanager = FindExecutable({"/usr/bin/prometheus-alertmanager"});
  if (alertmanager.empty()) {
    if (testing::RunningUnderCi())
      FAIL() << "prometheus-alertmanager missing (apt prometheus-alertmanager)";
    GTEST_SKIP() << "/usr/bin/prometheus-alertmanager missing (apt prometheus-alertmanager)";
  }
  TempDir dir;
  const std::string am_config = dir.WriteFile("alertmanager.yml",
                                              "route: {receiver: 'null'}\n"
                                              "receivers: [{name: 'null'}]\n");
  const int am_port = testing::FreeLocalPort();
  auto am = ChildProcess::Start(
      {alertmanager, std::string("--config.file=").append(am_config),
       std::string("--storage.path=").append(dir.Join("am-data")),
       std::string("--web.listen-address=127.0.0.1:").append(std::to_string(am_port)),
       "--cluster.listen-address="},
      dir.Join("alertmanager.log"));
  ASSERT_TRUE(am.ok()) << am.status().ToString();
  ASSERT_TRUE(testing::WaitForPort(am_port)) << (*am)->Log();

  const std::string rules = dir.WriteFile("rules.yml", kRules);
  std::string config =
      "global:\n"
      "  evaluation_interval: 1s\n"
      "  external_labels: {cluster: eu1, replica: a}\n"
      "rule_files: ['";
  config.append(rules).append("']\n");
  config +=
      "alerting:\n"
      "  alert_relabel_configs:\n"
      "    - {source_labels: [alertname], regex: DroppedByRelabel, action: drop}\n"
      "    - {target_label: via, replacement: osprey}\n"
      "  alertmanagers:\n"
      "    - timeout: 5s\n"
      "      static_configs: [{targets: ['127.0.0.1:";
  config.append(std::to_string(am_port)).append("']}]\n");
  auto osprey = OspreyProcess::Start({.config_yaml = config});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();

  Json alerts;
  ASSERT_TRUE(Eventually([&] {
    alerts = AlertmanagerAlerts(am_port);
    return FindAlert(alerts, "AlwaysFiring") != nullptr;
  })) << (*osprey)->Stderr()
      << (*am)->Log();
  const Json& a = *FindAlert(alerts, "AlwaysFiring");
  // The rule's own cluster label wins over the external one; replica comes from Osprey.
  EXPECT_EQ(a["labels"], Json({{"alertname", "AlwaysFiring"},
                               {"cluster", "from-rule"},
                               {"replica", "a"},
                               {"severity", "page"},
                               {"via", "osprey"}}))
      << a.dump();
  EXPECT_EQ(a["annotations"], Json({{"summary", "value is 1"}}));
  EXPECT_EQ(a["status"]["state"], "active");
  // Dropped by alert_relabel_configs: it was in the same evaluation, so the same batch.
  EXPECT_EQ(FindAlert(alerts, "DroppedByRelabel"), nullptr) << alerts.dump();

  // Osprey's own metrics, under Prometheus's names.
  const std::string url =
      std::string("http://127.0.0.1:").append(std::to_string(am_port)).append("/api/v2/alerts");
  auto metrics = HttpGet((*osprey)->port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("prometheus_notifications_alertmanagers_discovered 1\n"),
            std::string::npos);
  EXPECT_NE(metrics->body.find(std::string("prometheus_notifications_sent_total{alertmanager=\"")
                                   .append(url)
                                   .append("\"}")),
            std::string::npos);
  EXPECT_NE(metrics->body.find("prometheus_notifications_queue_capacity 10000\n"),
            std::string::npos);
  // Osprey's built-in Alertmanager still gets the alerts too.
  ASSERT_TRUE(Eventually(
      [&] { return FindAlert(AlertmanagerAlerts((*osprey)->port()), "AlwaysFiring") != nullptr; }));
}

}  // namespace
}  // namespace osprey::server
