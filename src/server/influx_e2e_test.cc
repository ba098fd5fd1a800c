// End-to-end tests of the InfluxDB line protocol endpoints through the real binary: Telegraf-like
// batches, plain and gzip, through /write and /api/v2/write, read back with /api/v1/query.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "http/compression.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey {
namespace {

using ::testing::HasSubstr;
using testing::HttpDo;
using testing::HttpGet;
using testing::OspreyProcess;
using testing::UrlEncode;
using Json = nlohmann::json;

// Seconds.
constexpr int64_t kT0 = 1'700'000'000;

// What Telegraf's cpu, mem and system inputs send, at `ts` in the unit of `precision`.
std::string TelegrafBatch(const std::string& ts, double usage_user) {
  std::string b;
  b.append("cpu,cpu=cpu-total,host=web\\ 1 usage_user=")
      .append(std::to_string(usage_user))
      .append(",usage_system=1.5,usage_idle=90 ")
      .append(ts)
      .append("\n");
  b.append("mem,host=web\\ 1 used=1073741824i,free=5u,available_percent=42.5 ")
      .append(ts)
      .append("\n");
  b.append("system,host=web\\ 1 load1=0.25,n_cpus=2i,uptime_format=\" 1 day,  2:03\" ")
      .append(ts)
      .append("\n");
  return b;
}

Result<testing::HttpResponse> PostLines(int port, const std::string& target, std::string body,
                                        bool gzip = false) {
  testing::HttpRequest req{.method = "POST",
                           .target = target,
                           .headers = {{"Content-Type", "text/plain; charset=utf-8"}},
                           .body = std::move(body)};
  if (gzip) {
    req.body = http::GzipCompress(req.body);
    req.headers.emplace_back("Content-Encoding", "gzip");
  }
  return HttpDo(port, req);
}

// The vector result of an instant query as {labels JSON -> value}.
std::map<std::string, double> Query(int port, const std::string& expr, int64_t at_s) {
  std::map<std::string, double> out;
  std::string target = "/api/v1/query?query=";
  target.append(UrlEncode(expr));
  if (at_s != 0) target.append("&time=").append(std::to_string(at_s));
  auto resp = HttpGet(port, target);
  EXPECT_TRUE(resp.ok());
  if (!resp.ok()) return out;
  EXPECT_EQ(resp->status, 200) << resp->body;
  Json j = Json::parse(resp->body);
  for (const Json& s : j["data"]["result"]) {
    out[s["metric"].dump()] = std::stod(s["value"][1].get<std::string>());
  }
  return out;
}

class InfluxE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = OspreyProcess::Start({});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    osprey_ = std::move(p).value();
    port_ = osprey_->port();
  }
  std::unique_ptr<OspreyProcess> osprey_;
  int port_ = 0;
};

TEST_F(InfluxE2ETest, PingAndHealth) {
  auto ping = HttpGet(port_, "/ping");
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->status, 204);
  EXPECT_TRUE(ping->Header("x-influxdb-version").has_value());
  auto head = HttpDo(port_, {.method = "HEAD", .target = "/ping"});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 204);
  auto health = HttpGet(port_, "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json::parse(health->body)["status"], "pass");
}

TEST_F(InfluxE2ETest, V1WriteWithDbAndSecondPrecision) {
  auto resp = PostLines(port_, "/write?db=telegraf&precision=s&rp=autogen",
                        TelegrafBatch(std::to_string(kT0), 7.5));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 204) << resp->body;

  auto cpu = Query(port_, "cpu_usage_user", kT0);
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_EQ(cpu.begin()->first,
            R"({"__name__":"cpu_usage_user","cpu":"cpu-total","db":"telegraf","host":"web 1"})");
  EXPECT_EQ(cpu.begin()->second, 7.5);
  EXPECT_EQ(Query(port_, "mem_used", kT0).begin()->second, 1073741824);
  EXPECT_EQ(Query(port_, "system_n_cpus", kT0).begin()->second, 2);
  // The string field is not stored.
  EXPECT_TRUE(Query(port_, "{__name__=~\"system_uptime.*\"}", kT0).empty());
}

TEST_F(InfluxE2ETest, V2WriteGzipAndPlain) {
  const std::string ns0 = std::to_string(kT0).append("000000000");
  const std::string ns1 = std::to_string(kT0 + 15).append("000000000");
  auto gz = PostLines(port_, "/api/v2/write?org=o&bucket=b&precision=ns", TelegrafBatch(ns0, 1),
                      /*gzip=*/true);
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(gz->status, 204) << gz->body;
  auto plain = PostLines(port_, "/api/v2/write?org=o&bucket=b", TelegrafBatch(ns1, 3));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->status, 204) << plain->body;

  auto cpu = Query(port_, "cpu_usage_user", kT0 + 15);
  ASSERT_EQ(cpu.size(), 1u);
  // v2 has no db label; bucket and org are ignored.
  EXPECT_EQ(cpu.begin()->first,
            R"({"__name__":"cpu_usage_user","cpu":"cpu-total","host":"web 1"})");
  EXPECT_EQ(cpu.begin()->second, 3);
  auto rate = Query(port_, "delta(cpu_usage_user[1m])", kT0 + 15);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_GT(rate.begin()->second, 0);
}

TEST_F(InfluxE2ETest, PartialWriteReportsFirstBadLineAndKeepsTheRest) {
  const std::string t = std::to_string(kT0);
  std::string body;
  body.append("m,host=a x=1 ").append(t).append("\n");
  body.append("m,host=a x=oops ").append(t).append("\n");
  body.append("m,host=b x=2 ").append(t).append("\n");
  auto resp = PostLines(port_, "/api/v2/write?precision=s", body);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 400);
  Json j = Json::parse(resp->body);
  EXPECT_EQ(j["code"], "invalid");
  const std::string msg = j["message"];
  EXPECT_THAT(msg, HasSubstr("line 2, column 12: invalid value \"oops\" for field \"x\""));
  EXPECT_THAT(msg, HasSubstr("1 of 3 lines rejected; 2 samples written"));
  EXPECT_EQ(j["error"], msg);
  EXPECT_EQ(Query(port_, "sum(m_x)", kT0).begin()->second, 3);

  auto metrics = HttpGet(port_, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body,
              HasSubstr(R"(osprey_ingest_influx_lines_total{outcome="rejected"} 1)"));
  EXPECT_THAT(metrics->body,
              HasSubstr(R"(osprey_ingest_influx_lines_total{outcome="accepted"} 2)"));
}

TEST_F(InfluxE2ETest, BadPrecisionIsRejected) {
  auto resp = PostLines(port_, "/write?precision=d", "m x=1\n");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 400);
  EXPECT_THAT(Json::parse(resp->body)["message"].get<std::string>(),
              HasSubstr("invalid precision \"d\""));
}

TEST_F(InfluxE2ETest, PointsWithoutTimestampUseServerTime) {
  auto resp = PostLines(port_, "/api/v2/write", "nots x=42\n");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 204) << resp->body;
  // Evaluated at the server's now: the sample is within the lookback window.
  auto v = Query(port_, "nots_x", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.begin()->second, 42);
}

}  // namespace
}  // namespace osprey
