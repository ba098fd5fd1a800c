// End-to-end tests of the metric store through the real binary: remote_write, text import,
// reads, restart and crash recovery.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/compression.h"
#include "ingest/remote_write_encoder.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey {
namespace {

using ::testing::HasSubstr;
using testing::HttpDo;
using testing::HttpGet;
using testing::OspreyProcess;
using Json = nlohmann::json;

Result<testing::HttpResponse> RemoteWrite(int port, const std::string& proto) {
  return HttpDo(port, {.method = "POST",
                       .target = "/api/v1/write",
                       .headers = {{"Content-Type", "application/x-protobuf"},
                                   {"Content-Encoding", "snappy"},
                                   {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                       .body = http::SnappyCompress(proto)});
}

// series labels (as JSON text) -> (timestamp -> value) from /api/v1/export.
std::map<std::string, std::map<int64_t, double>> Export(int port, const std::string& selector) {
  std::map<std::string, std::map<int64_t, double>> out;
  std::string target = "/api/v1/export?match[]=";
  for (char c : selector) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      target += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", static_cast<unsigned char>(c));
      target += buf;
    }
  }
  auto resp = HttpGet(port, target);
  EXPECT_TRUE(resp.ok());
  if (!resp.ok()) return out;
  EXPECT_EQ(resp->status, 200) << resp->body;
  size_t pos = 0;
  while (pos < resp->body.size()) {
    size_t nl = resp->body.find('\n', pos);
    Json line = Json::parse(resp->body.substr(pos, nl - pos));
    pos = nl + 1;
    auto& series = out[line["metric"].dump()];
    for (size_t i = 0; i < line["timestamps"].size(); ++i) {
      series[line["timestamps"][i].get<int64_t>()] = line["values"][i].get<double>();
    }
  }
  return out;
}

TEST(StorageE2ETest, RemoteWriteIsStoredAndReadable) {
  auto osprey = OspreyProcess::Start({});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  int port = (*osprey)->port();
  ingest::WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "api"}},
                {{.t = 1000, .v = 1}, {.t = 16000, .v = 5}});
  enc.AddSeries({{"__name__", "http_requests_total"}, {"code", "500"}, {"job", "api"}},
                {{.t = 1000, .v = 0}});
  auto resp = RemoteWrite(port, enc.Release());
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 204) << resp->body;

  auto data = Export(port, "http_requests_total{job=\"api\"}");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[R"({"__name__":"http_requests_total","code":"200","job":"api"})"],
            (std::map<int64_t, double>{{1000, 1}, {16000, 5}}));

  Json series = Json::parse(HttpGet(port, "/api/v1/series?match[]=http_requests_total")->body);
  EXPECT_EQ(series["status"], "success");
  EXPECT_EQ(series["data"].size(), 2u);
  Json values = Json::parse(HttpGet(port, "/api/v1/label/code/values")->body);
  EXPECT_EQ(values["data"], Json::parse(R"(["200","500"])"));
  Json names = Json::parse(HttpGet(port, "/api/v1/labels")->body);
  EXPECT_EQ(names["data"], Json::parse(R"(["__name__","code","job"])"));
  Json tsdb = Json::parse(HttpGet(port, "/api/v1/status/tsdb")->body);
  EXPECT_EQ(tsdb["data"]["headStats"]["numSeries"], 2);
  EXPECT_EQ(tsdb["data"]["seriesCountByMetricName"][0]["name"], "http_requests_total");
}

TEST(StorageE2ETest, BadWritesAreRejectedWithReasonsAndGoodSeriesKept) {
  auto osprey = OspreyProcess::Start({});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  int port = (*osprey)->port();

  auto garbage = RemoteWrite(port, "\xff\xff\xff not protobuf");
  EXPECT_EQ(garbage->status, 400);
  auto bad_snappy = HttpDo(port, {.method = "POST",
                                  .target = "/api/v1/write",
                                  .headers = {{"Content-Encoding", "snappy"}},
                                  .body = "definitely not snappy"});
  EXPECT_EQ(bad_snappy->status, 400);
  EXPECT_THAT(bad_snappy->body, HasSubstr("snappy"));

  ingest::WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "good"}, {"job", "a"}}, {{.t = 1000, .v = 1}});
  enc.AddSeries({{"__name__", "bad"}, {"bad-label", "x"}}, {{.t = 1000, .v = 1}});
  enc.AddSeries({{"__name__", "unsorted"}, {"z", "1"}, {"a", "2"}}, {{.t = 1000, .v = 1}});
  auto partial = RemoteWrite(port, enc.Release());
  EXPECT_EQ(partial->status, 400);
  EXPECT_THAT(partial->body, HasSubstr("bad-label"));
  EXPECT_EQ(Export(port, "good").size(), 1u);
  EXPECT_TRUE(Export(port, "bad").empty());

  ingest::WriteRequestEncoder old;
  old.AddSeries({{"__name__", "good"}, {"job", "a"}}, {{.t = 500, .v = 1}});
  auto ooo = RemoteWrite(port, old.Release());
  EXPECT_EQ(ooo->status, 400);
  EXPECT_THAT(ooo->body, HasSubstr("out of order sample"));
  std::string metrics = HttpGet(port, "/metrics")->body;
  EXPECT_THAT(metrics, HasSubstr("osprey_ingest_samples_rejected_total"));
  // The server is unharmed.
  EXPECT_EQ(HttpGet(port, "/-/healthy")->status, 200);
}

TEST(StorageE2ETest, TextImportAndParseErrors) {
  auto osprey = OspreyProcess::Start({});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  int port = (*osprey)->port();
  auto ok = HttpDo(
      port, {.method = "POST",
             .target = "/api/v1/import/prometheus",
             .body = "# TYPE temp gauge\ntemp{room=\"a\"} 21.5 1000\ntemp{room=\"b\"} 19 1000\n"});
  EXPECT_EQ(ok->status, 204) << ok->body;
  EXPECT_EQ(Export(port, "temp").size(), 2u);
  auto bad = HttpDo(
      port,
      {.method = "POST", .target = "/api/v1/import/prometheus", .body = "temp{room=\"a\" 21.5\n"});
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("line 1"));
}

TEST(StorageE2ETest, DataSurvivesRestart) {
  auto first = OspreyProcess::Start({});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ingest::WriteRequestEncoder enc;
  std::vector<model::Sample> samples;
  for (int i = 0; i < 500; ++i) samples.push_back({.t = i * 15000, .v = i * 0.5});
  enc.AddSeries(model::Labels::FromStrings({"__name__", "kept", "i", "1"}), samples);
  ASSERT_EQ(RemoteWrite((*first)->port(), enc.Release())->status, 204);
  ASSERT_TRUE((*first)->Signal(SIGTERM).ok());
  ASSERT_EQ((*first)->Wait()->exit_code, 0);

  auto second = OspreyProcess::Start({.data_path = (*first)->data_path()});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto data = Export((*second)->port(), "kept");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data.begin()->second.size(), 500u);
  EXPECT_EQ(data.begin()->second[499 * 15000], 249.5);
}

// The durability promise: a write answered with 204 survives kill -9.
TEST(StorageE2ETest, AcknowledgedWritesSurviveKill9) {
  auto first = OspreyProcess::Start({});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  int port = (*first)->port();

  constexpr int kSeries = 50;
  std::atomic<int> acked_requests{0};
  std::atomic<bool> stop{false};
  // Each acknowledged request i wrote value i at t = i*1000 for every series.
  std::thread writer([&] {
    for (int i = 1; !stop.load(); ++i) {
      ingest::WriteRequestEncoder enc;
      for (int s = 0; s < kSeries; ++s) {
        enc.AddSeries({{"__name__", "crash_test"}, {"s", std::to_string(s)}},
                      {{.t = i * 1000, .v = static_cast<double>(i)}});
      }
      auto r = RemoteWrite(port, enc.Release());
      if (!r.ok() || r->status != 204) return;
      acked_requests.store(i);
    }
  });
  while (acked_requests.load() < 200) std::this_thread::yield();
  ASSERT_TRUE((*first)->Signal(SIGKILL).ok());
  stop = true;
  writer.join();
  auto killed = (*first)->Wait();
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(killed->signal, SIGKILL);
  int acked = acked_requests.load();

  auto second = OspreyProcess::Start({.data_path = (*first)->data_path()});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto data = Export((*second)->port(), "crash_test");
  ASSERT_EQ(data.size(), static_cast<size_t>(kSeries));
  for (const auto& [series, samples] : data) {
    for (int i = 1; i <= acked; ++i) {
      auto it = samples.find(i * 1000);
      ASSERT_NE(it, samples.end())
          << series << " lost acknowledged sample " << i << " of " << acked;
      EXPECT_EQ(it->second, i);
    }
  }
}

}  // namespace
}  // namespace osprey
