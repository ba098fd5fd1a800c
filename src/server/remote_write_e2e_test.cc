// End-to-end: Osprey's remote_write sender shipping to a real Prometheus (Debian's
// /usr/bin/prometheus with its remote-write receiver), through Prometheus outages and an
// Osprey restart, with nothing lost.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "http/compression.h"
#include "ingest/remote_write_encoder.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

namespace osprey {
namespace {

using Json = nlohmann::json;
using testing::ChildProcess;
using testing::Eventually;
using testing::HttpDo;
using testing::HttpGet;
using testing::OspreyProcess;
using testing::UrlEncode;

// series labels -> "t=value" lines, from a range-vector query's matrix.
using Samples = std::map<std::string, std::vector<std::string>>;

// The same instant query, answered by Osprey or by Prometheus. `external_label`: a label
// to check on every series and leave out (the sender adds it on the wire only).
Samples QueryMatrix(int port, const std::string& query, int64_t at_seconds,
                    const std::string& external_label = "") {
  Samples out;
  auto resp = HttpGet(
      port, "/api/v1/query?query=" + UrlEncode(query) + "&time=" + std::to_string(at_seconds));
  if (!resp.ok() || resp->status != 200) return out;
  Json j = Json::parse(resp->body, nullptr, false);
  if (j.is_discarded() || j["data"]["resultType"] != "matrix") return out;
  for (const Json& series : j["data"]["result"]) {
    Json metric = series["metric"];
    if (!external_label.empty()) {
      if (!metric.contains(external_label)) return {};
      metric.erase(external_label);
    }
    auto& lines = out[metric.dump()];
    for (const Json& v : series["values"]) {
      lines.push_back(v[0].dump() + "=" + v[1].get<std::string>());
    }
  }
  return out;
}

size_t Count(const Samples& s) {
  size_t n = 0;
  for (const auto& [k, v] : s) n += v.size();
  return n;
}

class RemoteWriteE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prometheus_bin_ = testing::FindExecutable({"/usr/bin/prometheus"});
    if (prometheus_bin_.empty()) {
      if (testing::RunningUnderCi()) GTEST_FAIL() << "prometheus not installed";
      GTEST_SKIP() << "prometheus not installed (tools/install-deps.sh)";
    }
    prom_port_ = testing::FreeLocalPort();
    const std::string config = scratch_.WriteFile("prometheus.yml", "");
    prom_args_ = {prometheus_bin_, "--web.enable-remote-write-receiver",
                  "--storage.tsdb.path=" + scratch_.Join("prometheus-data"),
                  "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_),
                  "--config.file=" + config};
    now_s_ = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  }

  void StartPrometheus() {
    auto p = ChildProcess::Start(prom_args_, scratch_.Join("prometheus.log"));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    prometheus_ = std::move(p).value();
    ASSERT_TRUE(testing::WaitForPort(prom_port_)) << prometheus_->Log();
    ASSERT_TRUE(Eventually([&] {
      auto r = HttpGet(prom_port_, "/-/ready");
      return r.ok() && r->status == 200;
    })) << prometheus_->Log();
  }

  void StopPrometheus() {
    EXPECT_EQ(prometheus_->Stop(), 0) << prometheus_->Log();
    prometheus_.reset();
  }

  std::string OspreyConfig() const {
    return "global:\n  external_labels: {origin: osprey}\n"
           "remote_write:\n"
           "  - url: http://127.0.0.1:" +
           std::to_string(prom_port_) +
           "/api/v1/write\n"
           "    name: prom\n"
           "    queue_config: {batch_send_deadline: 100ms, min_backoff: 10ms, max_backoff: 200ms,"
           " max_samples_per_send: 50}\n";
  }

  // Writes `n` samples for each of two series into Osprey through its remote_write
  // receiver, continuing the timestamps of earlier calls (15 s apart, ending in the past).
  void WriteIntoOsprey(int osprey_port, int n) {
    ingest::WriteRequestEncoder enc;
    for (const char* code : {"200", "500"}) {
      std::vector<model::Sample> samples;
      for (int i = 0; i < n; ++i) {
        const int64_t t = (now_s_ - 3600 + 15 * (written_ + i)) * 1000;
        samples.push_back({.t = t, .v = static_cast<double>(written_ + i) + 0.5});
      }
      enc.AddSeries(model::Labels::FromStrings(
                        {"__name__", "e2e_requests_total", "code", code, "job", "api"}),
                    samples);
    }
    written_ += n;
    auto resp = HttpDo(osprey_port, {.method = "POST",
                                     .target = "/api/v1/write",
                                     .headers = {{"Content-Type", "application/x-protobuf"},
                                                 {"Content-Encoding", "snappy"},
                                                 {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                                     .body = http::SnappyCompress(enc.Release())});
    ASSERT_TRUE(resp.ok());
    ASSERT_EQ(resp->status, 204) << resp->body;
  }

  // Prometheus ends up answering exactly what Osprey answers, every sample written so far.
  void ExpectPrometheusMatchesOsprey(int osprey_port) {
    const std::string query = "e2e_requests_total[2h]";
    const int64_t at = now_s_ + 60;
    const Samples ours = QueryMatrix(osprey_port, query, at);
    ASSERT_EQ(Count(ours), static_cast<size_t>(2 * written_));
    Samples theirs;
    const bool same = Eventually([&] {
      theirs = QueryMatrix(prom_port_, query, at, "origin");
      return theirs == ours;
    });
    ASSERT_TRUE(same) << "osprey has " << Count(ours) << " samples, prometheus " << Count(theirs)
                      << "\nprometheus log:\n"
                      << prometheus_->Log();
  }

  // osprey_remote_storage_samples_retried_total of the queue.
  double Retried(int osprey_port) const {
    auto m = HttpGet(osprey_port, "/metrics");
    if (!m.ok()) return -1;
    const std::string key = "osprey_remote_storage_samples_retried_total{remote_name=\"prom\"";
    const size_t at = m->body.find(key);
    if (at == std::string::npos) return 0;
    const size_t space = m->body.find(' ', at);
    return std::stod(m->body.substr(space + 1));
  }

  std::string prometheus_bin_;
  testing::TempDir scratch_;
  int prom_port_ = 0;
  std::vector<std::string> prom_args_;
  std::unique_ptr<ChildProcess> prometheus_;
  int64_t now_s_ = 0;
  int written_ = 0;
};

TEST_F(RemoteWriteE2eTest, PrometheusReceivesEverythingThroughOutagesAndRestarts) {
  StartPrometheus();
  auto osprey = OspreyProcess::Start({.config_yaml = OspreyConfig()});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  // Written as soon as Osprey listens, which may be before its remote_write queues start
  // (it is not /-/ready yet): sent all the same.
  WriteIntoOsprey((*osprey)->port(), 40);
  ExpectPrometheusMatchesOsprey((*osprey)->port());

  // Prometheus goes away; Osprey keeps taking writes and retries.
  StopPrometheus();
  WriteIntoOsprey((*osprey)->port(), 30);
  StartPrometheus();
  ExpectPrometheusMatchesOsprey((*osprey)->port());

  // Prometheus down again, and Osprey restarts meanwhile: the unsent samples are sent by
  // the next Osprey, from the position the first one saved.
  StopPrometheus();
  const double retried_before = Retried((*osprey)->port());
  WriteIntoOsprey((*osprey)->port(), 20);
  // Read from the WAL and failing: the shutdown gives up on them, unsent.
  ASSERT_TRUE(Eventually([&] { return Retried((*osprey)->port()) > retried_before; }));
  const std::string data = (*osprey)->data_path();
  ASSERT_TRUE((*osprey)->Signal(SIGTERM).ok());
  auto exited = (*osprey)->Wait();
  ASSERT_TRUE(exited.ok());
  EXPECT_EQ(exited->exit_code, 0) << exited->stderr_text;
  StartPrometheus();
  auto again = OspreyProcess::Start({.config_yaml = OspreyConfig(), .data_path = data});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  WriteIntoOsprey((*again)->port(), 10);
  ExpectPrometheusMatchesOsprey((*again)->port());

  auto metrics = HttpGet((*again)->port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("osprey_remote_storage_samples_total{remote_name=\"prom\""),
            std::string::npos);
}

}  // namespace
}  // namespace osprey
