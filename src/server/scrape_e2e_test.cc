// Scraping end to end: the real osprey binary scrapes the real Debian node_exporter and
// itself (found through a file_sd file written after start), shows both in
// /api/v1/targets and the metadata endpoints, marks a dead target down, and marks a
// removed job's series stale on reload.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "testing/api_query.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;
using testing::ChildProcess;
using testing::Eventually;
using testing::HttpGet;
using testing::InstantQuery;
using testing::OspreyProcess;
using testing::UrlEncode;

Json GetJson(int port, const std::string& target) {
  auto r = HttpGet(port, target);
  if (!r.ok() || r->status != 200) return Json();
  Json j = Json::parse(r->body, nullptr, false);
  return j.is_discarded() ? Json() : j["data"];
}

void WriteFile(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path + ".tmp");
    out << text;
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
}

class ScrapeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_exporter_ = testing::FindExecutable(
        {"/usr/bin/prometheus-node-exporter", "/usr/local/bin/node_exporter"});
    if (node_exporter_.empty()) {
      if (testing::RunningUnderCi()) GTEST_FAIL() << "prometheus-node-exporter not installed";
      GTEST_SKIP() << "prometheus-node-exporter not installed (tools/install-deps.sh)";
    }
  }
  std::string node_exporter_;
};

TEST_F(ScrapeE2eTest, ScrapesNodeExporterAndItselfWithFileSd) {
  const int ne_port = testing::FreeLocalPort();
  testing::TempDir scratch;
  auto ne = ChildProcess::Start(
      {node_exporter_, "--web.listen-address=127.0.0.1:" + std::to_string(ne_port),
       "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo",
       "--collector.loadavg"},
      scratch.Join("node_exporter.log"));
  ASSERT_TRUE(ne.ok()) << ne.status().ToString();
  ASSERT_TRUE(testing::WaitForPort(ne_port)) << (*ne)->Log();

  const std::string sd_file = scratch.Join("self.json");
  WriteFile(sd_file, "[]");
  const std::string node_job =
      "  - job_name: node\n    scrape_interval: 1s\n"
      "    static_configs:\n      - targets: ['127.0.0.1:" +
      std::to_string(ne_port) + "']\n        labels: {env: e2e}\n";
  const std::string sd_job =
      "  - job_name: self\n    scrape_interval: 1s\n"
      "    file_sd_configs:\n      - files: ['" +
      sd_file + "']\n";
  auto osprey = OspreyProcess::Start({.config_yaml = "scrape_configs:\n" + node_job + sd_job,
                                      .extra_args = {"--web.enable-lifecycle"}});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();

  // node_exporter's data is queryable with the target labels.
  ASSERT_TRUE(Eventually([&] {
    Json up = InstantQuery(port, "up{job=\"node\",env=\"e2e\"}");
    return up.size() == 1 && up[0]["value"][1] == "1";
  })) << (*osprey)->Stderr();
  ASSERT_TRUE(Eventually([&] {
    return !InstantQuery(port, "rate(node_cpu_seconds_total{job=\"node\",mode=\"idle\"}[5s])")
                .empty();
  }));
  Json mem = InstantQuery(port, "node_memory_MemTotal_bytes");
  ASSERT_EQ(mem.size(), 1u);
  EXPECT_EQ(mem[0]["metric"]["instance"], "127.0.0.1:" + std::to_string(ne_port));
  EXPECT_GT(std::stod(mem[0]["value"][1].get<std::string>()), 0);

  // The self target appears once the SD file names it.
  WriteFile(sd_file, "[{\"targets\": [\"127.0.0.1:" + std::to_string(port) +
                         "\"], \"labels\": {\"role\": \"self\"}}]");
  ASSERT_TRUE(Eventually([&] {
    Json up = InstantQuery(port, "up{job=\"self\",role=\"self\"}");
    return up.size() == 1 && up[0]["value"][1] == "1";
  })) << (*osprey)->Stderr();

  Json targets = GetJson(port, "/api/v1/targets");
  ASSERT_EQ(targets["activeTargets"].size(), 2u) << targets.dump();
  for (const Json& t : targets["activeTargets"]) {
    EXPECT_EQ(t["health"], "up") << t.dump();
    EXPECT_EQ(t["lastError"], "");
    EXPECT_TRUE(t["discoveredLabels"].contains("__address__"));
    EXPECT_EQ(t["scrapeInterval"], "1s");
  }
  Json self = GetJson(port, "/api/v1/targets?scrapePool=self")["activeTargets"];
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0]["discoveredLabels"]["__meta_filepath"], sd_file);
  EXPECT_EQ(self[0]["scrapeUrl"], "http://127.0.0.1:" + std::to_string(port) + "/metrics");

  // Metadata from the scrapes.
  Json md = GetJson(port, "/api/v1/metadata?metric=node_cpu_seconds_total");
  ASSERT_TRUE(md.contains("node_cpu_seconds_total")) << md.dump();
  EXPECT_EQ(md["node_cpu_seconds_total"][0]["type"], "counter");
  Json tmd = GetJson(port, "/api/v1/targets/metadata?match_target=" + UrlEncode("{job=\"node\"}") +
                               "&metric=node_load1");
  ASSERT_EQ(tmd.size(), 1u) << tmd.dump();
  EXPECT_EQ(tmd[0]["type"], "gauge");
  EXPECT_EQ(tmd[0]["target"]["job"], "node");

  // node_exporter dies: the target goes down with a reason, the other stays up.
  (*ne)->Stop();
  ASSERT_TRUE(Eventually([&] {
    Json t = GetJson(port, "/api/v1/targets?scrapePool=node")["activeTargets"];
    return t.size() == 1 && t[0]["health"] == "down" &&
           !t[0]["lastError"].get<std::string>().empty();
  }));
  ASSERT_TRUE(Eventually([&] {
    Json up = InstantQuery(port, "up{job=\"node\"}");
    return up.size() == 1 && up[0]["value"][1] == "0";
  }));
  // Its series went stale at the failed scrape: an instant query no longer returns them.
  EXPECT_TRUE(InstantQuery(port, "node_memory_MemTotal_bytes").empty());

  // Reload without the node job: its report series go stale too; self keeps running.
  WriteFile((*osprey)->config_path(), "scrape_configs:\n" + sd_job);
  auto reload = testing::HttpPost(port, "/-/reload", "");
  ASSERT_TRUE(reload.ok());
  ASSERT_EQ(reload->status, 200) << reload->body;
  ASSERT_TRUE(Eventually([&] { return InstantQuery(port, "up{job=\"node\"}").empty(); }));
  EXPECT_EQ(GetJson(port, "/api/v1/targets")["activeTargets"].size(), 1u);
  EXPECT_EQ(InstantQuery(port, "up{job=\"self\"}").size(), 1u);
}

TEST_F(ScrapeE2eTest, UnreachableTargetIsDownWithTheReason) {
  // Nothing listens on the target's port: the target is down and lastError names it.
  const int closed = testing::FreeLocalPort();
  auto osprey =
      OspreyProcess::Start({.config_yaml = "scrape_configs:\n"
                                           "  - job_name: closed\n    scrape_interval: 1s\n"
                                           "    static_configs: [{targets: ['127.0.0.1:" +
                                           std::to_string(closed) + "']}]\n"});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  ASSERT_TRUE(Eventually([&] {
    Json t = GetJson(port, "/api/v1/targets")["activeTargets"];
    return t.size() == 1 && t[0]["health"] == "down";
  }));
  Json t = GetJson(port, "/api/v1/targets")["activeTargets"][0];
  EXPECT_NE(t["lastError"].get<std::string>().find("127.0.0.1:" + std::to_string(closed)),
            std::string::npos)
      << t.dump();
  Json up = InstantQuery(port, "up{job=\"closed\"}");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0]["value"][1], "0");
}

// A real Prometheus scrapes itself and remote_writes into Osprey: the samples it sends are
// queryable in Osprey with the labels Prometheus gave them.
TEST(PrometheusRemoteWriteE2eTest, PrometheusRemoteWritesIntoOsprey) {
  const std::string prometheus =
      testing::FindExecutable({"/usr/bin/prometheus", "/usr/local/bin/prometheus"});
  if (prometheus.empty()) {
    if (testing::RunningUnderCi()) GTEST_FAIL() << "prometheus not installed";
    GTEST_SKIP() << "prometheus not installed (tools/install-deps.sh)";
  }
  auto osprey = OspreyProcess::Start({.config_yaml = ""});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();

  testing::TempDir scratch;
  const int prom_port = testing::FreeLocalPort();
  WriteFile(scratch.Join("prometheus.yml"),
            "global: {scrape_interval: 1s}\n"
            "scrape_configs:\n"
            "  - job_name: prom\n"
            "    static_configs: [{targets: ['127.0.0.1:" +
                std::to_string(prom_port) +
                "']}]\n"
                "remote_write:\n"
                "  - url: http://127.0.0.1:" +
                std::to_string(port) +
                "/api/v1/write\n"
                "    queue_config: {batch_send_deadline: 1s}\n");
  auto prom = ChildProcess::Start({prometheus, "--config.file=" + scratch.Join("prometheus.yml"),
                                   "--storage.tsdb.path=" + scratch.Join("data"),
                                   "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                                  scratch.Join("prometheus.log"));
  ASSERT_TRUE(prom.ok()) << prom.status().ToString();
  ASSERT_TRUE(testing::WaitForPort(prom_port)) << (*prom)->Log();

  ASSERT_TRUE(Eventually(
      [&] {
        Json up = InstantQuery(port, "up{job=\"prom\"}");
        return up.size() == 1 && up[0]["value"][1] == "1";
      },
      std::chrono::seconds(60)))
      << (*prom)->Log();
  Json info = InstantQuery(port, "prometheus_build_info{job=\"prom\"}");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0]["metric"]["instance"], "127.0.0.1:" + std::to_string(prom_port));
  // The receiver counted what it accepted.
  auto metrics = HttpGet(port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("osprey_ingest_requests_total{"), std::string::npos);
  (*prom)->Stop();
}

// The built-in host metrics are scraped in-process as job "node"; a bad collector name stops
// start-up naming it.
TEST(HostMetricsE2eTest, BuiltInHostMetricsAreQueryable) {
  auto osprey = OspreyProcess::Start(
      {.config_yaml = "agent:\n  host: {enabled: true, interval: 1s, labels: {env: e2e}}\n"});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  ASSERT_TRUE(Eventually([&] {
    Json mem = InstantQuery(port, "node_memory_MemTotal_bytes{job=\"node\",env=\"e2e\"}");
    return mem.size() == 1 && std::stod(mem[0]["value"][1].get<std::string>()) > 0;
  })) << (*osprey)->Stderr();
  EXPECT_FALSE(InstantQuery(port, "node_cpu_seconds_total{mode=\"idle\"}").empty());
  Json up = InstantQuery(port, "up{job=\"node\"}");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0]["value"][1], "1");
  Json t = GetJson(port, "/api/v1/targets?scrapePool=node")["activeTargets"];
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["scrapeUrl"], "osprey://internal/node");

  testing::TempDir dir;
  const std::string config =
      dir.WriteFile("bad.yml", "agent:\n  host: {enabled: true, collectors: [cpu, nope]}\n");
  auto bad =
      OspreyProcess::RunToExit({"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                                "--storage.tsdb.path=" + dir.Join("data"),
                                "--otlp.http-listen-address=", "--otlp.grpc-listen-address="});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_NE(bad->stderr_text.find("nope"), std::string::npos) << bad->stderr_text;
}

// Agent mode: an agent scrapes a central Osprey and remote_writes what it scraped there; it
// answers no queries itself.
TEST(AgentModeE2eTest, AgentScrapesAndForwardsWithoutLocalQueries) {
  auto central = OspreyProcess::Start({.config_yaml = ""});
  ASSERT_TRUE(central.ok()) << central.status().ToString();
  const std::string central_address = "127.0.0.1:" + std::to_string((*central)->port());
  auto agent =
      OspreyProcess::Start({.config_yaml = "scrape_configs:\n"
                                           "  - job_name: central\n    scrape_interval: 1s\n"
                                           "    static_configs: [{targets: ['" +
                                           central_address +
                                           "']}]\n"
                                           "remote_write:\n"
                                           "  - url: http://" +
                                           central_address +
                                           "/api/v1/write\n"
                                           "    queue_config: {batch_send_deadline: 1s}\n",
                            .extra_args = {"--mode=agent"}});
  ASSERT_TRUE(agent.ok()) << agent.status().ToString();
  const int central_port = (*central)->port();
  ASSERT_TRUE(Eventually([&] {
    Json up = InstantQuery(central_port, "up{job=\"central\"}");
    return up.size() == 1 && up[0]["value"][1] == "1";
  })) << (*agent)->Stderr();
  auto local = HttpGet((*agent)->port(), "/api/v1/query?query=up");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->status, 503);
  EXPECT_NE(local->body.find("agent mode"), std::string::npos);
  Json targets = GetJson((*agent)->port(), "/api/v1/targets")["activeTargets"];
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0]["health"], "up");
}

}  // namespace
}  // namespace osprey::server
