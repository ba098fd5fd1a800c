// End-to-end tests of the query API through the real binary: data goes in through
// /api/v1/import/prometheus, queries come back as Prometheus's JSON and through promtool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey {
namespace {

using ::testing::HasSubstr;
using testing::HttpGet;
using testing::HttpPost;
using testing::OspreyProcess;
using testing::UrlEncode;
using Json = nlohmann::json;

// Seconds; the data spans kT0 .. kT0 + 300 at a 15s interval.
constexpr int64_t kT0 = 1'700'000'000;

// up{job="api"} on instances a and b, up{job="db"} on c, all 1; http_requests_total on a
// and b growing by 15 and 30 per 15s.
std::string TestData() {
  std::string text = "# TYPE up gauge\n# TYPE http_requests_total counter\n";
  auto line = [&text](std::string_view series, int64_t value, const std::string& ms) {
    text.append(series).append(" ").append(std::to_string(value)).append(" ").append(ms);
    text += '\n';
  };
  for (int i = 0; i <= 20; ++i) {
    std::string ms = std::to_string((kT0 + 15 * i) * 1000);
    line(R"(up{job="api",instance="a"})", 1, ms);
    line(R"(up{job="api",instance="b"})", 1, ms);
    line(R"(up{job="db",instance="c"})", 1, ms);
    line(R"(http_requests_total{job="api",instance="a"})", 15 * i, ms);
    line(R"(http_requests_total{job="api",instance="b"})", 30 * i, ms);
  }
  return text;
}

// "a=1&b=2" with values encoded.
std::string Form(std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out.append(k).append("=").append(UrlEncode(v));
  }
  return out;
}

std::string Sec(int64_t offset) { return std::to_string(kT0 + offset); }

class QueryE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::vector<std::string> extra_args) {
    auto p = OspreyProcess::Start({.extra_args = std::move(extra_args)});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    osprey_ = std::move(p).value();
    auto resp = HttpPost(port(), "/api/v1/import/prometheus", TestData(), "text/plain");
    ASSERT_TRUE(resp.ok());
    ASSERT_EQ(resp->status, 204) << resp->body;
  }

  int port() const { return osprey_->port(); }

  // GET `path?form`; expects JSON.
  std::pair<int, Json> Get(std::string_view path, const std::string& form) {
    auto resp = HttpGet(port(), std::string(path) + "?" + form);
    EXPECT_TRUE(resp.ok());
    if (!resp.ok()) return {0, Json()};
    EXPECT_EQ(resp->Header("content-type").value_or(""), "application/json");
    return {resp->status, Json::parse(resp->body)};
  }

  std::unique_ptr<OspreyProcess> osprey_;
};

TEST_F(QueryE2ETest, InstantVectorResult) {
  auto [code, j] = Get("/api/v1/query", Form({{"query", "sum by (job) (up)"}, {"time", Sec(300)}}));
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(j["data"]["resultType"], "vector");
  Json result = j["data"]["result"];
  ASSERT_EQ(result.size(), 2u) << j.dump();
  std::map<std::string, Json> by_job;
  for (const Json& s : result) by_job[s["metric"]["job"]] = s["value"];
  EXPECT_EQ(by_job["api"], Json::parse("[1700000300,\"2\"]"));
  EXPECT_EQ(by_job["db"], Json::parse("[1700000300,\"1\"]"));
  EXPECT_FALSE(j.contains("warnings"));

  // A fractional time keeps its milliseconds; POST form bodies work too.
  auto post = HttpPost(port(), "/api/v1/query",
                       Form({{"query", "up{instance=\"c\"}"}, {"time", Sec(300) + ".25"}}));
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 200) << post->body;
  EXPECT_THAT(post->body, HasSubstr(R"("metric":{"__name__":"up","instance":"c","job":"db"},)"
                                    R"("value":[1700000300.250,"1"])"));
}

TEST_F(QueryE2ETest, RateOfCounters) {
  auto [code, j] =
      Get("/api/v1/query",
          Form({{"query", "sum by (job) (rate(http_requests_total[5m]))"}, {"time", Sec(300)}}));
  ASSERT_EQ(code, 200) << j.dump();
  ASSERT_EQ(j["data"]["result"].size(), 1u) << j.dump();
  EXPECT_NEAR(std::stod(j["data"]["result"][0]["value"][1].get<std::string>()), 3.0, 1e-9);
}

TEST_F(QueryE2ETest, RangeQueryMatrixSortedByLabels) {
  auto [code, j] =
      Get("/api/v1/query_range",
          Form({{"query", "up"}, {"start", Sec(60)}, {"end", Sec(120)}, {"step", "30s"}}));
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  Json result = j["data"]["result"];
  ASSERT_EQ(result.size(), 3u) << j.dump();
  EXPECT_EQ(result[0]["metric"]["instance"], "a");
  EXPECT_EQ(result[1]["metric"]["instance"], "b");
  EXPECT_EQ(result[2]["metric"]["instance"], "c");
  EXPECT_EQ(result[0]["values"],
            Json::parse("[[1700000060,\"1\"],[1700000090,\"1\"],[1700000120,\"1\"]]"));

  // Float seconds as step, RFC 3339 as times.
  auto [code2, j2] = Get("/api/v1/query_range", Form({{"query", "sum(up)"},
                                                      {"start", "2023-11-14T22:14:20Z"},
                                                      {"end", "2023-11-14T22:15:20Z"},
                                                      {"step", "60"}}));
  ASSERT_EQ(code2, 200) << j2.dump();
  EXPECT_EQ(j2["data"]["result"][0]["values"],
            Json::parse("[[1700000060,\"3\"],[1700000120,\"3\"]]"));
}

TEST_F(QueryE2ETest, InstantMatrixScalarAndStringResults) {
  auto [c1, m] =
      Get("/api/v1/query", Form({{"query", "up{instance=\"a\"}[30s]"}, {"time", Sec(300)}}));
  ASSERT_EQ(c1, 200) << m.dump();
  EXPECT_EQ(m["data"]["resultType"], "matrix");
  EXPECT_EQ(m["data"]["result"][0]["values"],
            Json::parse("[[1700000285,\"1\"],[1700000300,\"1\"]]"));

  auto [c2, s] = Get("/api/v1/query", Form({{"query", "scalar(sum(up)) / 2"}, {"time", Sec(300)}}));
  ASSERT_EQ(c2, 200) << s.dump();
  EXPECT_EQ(s["data"], Json::parse(R"({"resultType":"scalar","result":[1700000300,"1.5"]})"));

  auto [c3, inf] = Get("/api/v1/query", Form({{"query", "-1/0"}, {"time", "1.5"}}));
  ASSERT_EQ(c3, 200) << inf.dump();
  EXPECT_EQ(inf["data"]["result"], Json::parse(R"([1.5,"-Inf"])"));

  auto [c4, str] = Get("/api/v1/query", Form({{"query", "\"hello\""}, {"time", Sec(0)}}));
  ASSERT_EQ(c4, 200) << str.dump();
  EXPECT_EQ(str["data"], Json::parse(R"({"resultType":"string","result":[1700000000,"hello"]})"));
}

TEST_F(QueryE2ETest, LimitTruncatesWithWarningAndStatsOnRequest) {
  auto [code, j] =
      Get("/api/v1/query",
          Form({{"query", "up"}, {"time", Sec(300)}, {"limit", "2"}, {"stats", "all"}}));
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["data"]["result"].size(), 2u);
  EXPECT_EQ(j["warnings"], Json::parse(R"(["results truncated due to limit"])"));
  const Json& stats = j["data"]["stats"];
  EXPECT_TRUE(stats["timings"].contains("execTotalTime")) << stats.dump();
  EXPECT_GE(stats["samples"]["totalQueryableSamples"].get<int64_t>(), 3) << stats.dump();
  EXPECT_GE(stats["samples"]["peakSamples"].get<int64_t>(), 3) << stats.dump();
}

TEST_F(QueryE2ETest, AnnotationsCarryPositions) {
  auto [code, j] = Get("/api/v1/query", Form({{"query", "sum(rate(up[5m]))"}, {"time", Sec(300)}}));
  ASSERT_EQ(code, 200) << j.dump();
  ASSERT_TRUE(j.contains("infos")) << j.dump();
  EXPECT_THAT(j["infos"][0].get<std::string>(),
              HasSubstr("PromQL info: metric might not be a counter"));
  EXPECT_THAT(j["infos"][0].get<std::string>(), HasSubstr("(1:10)"));
}

TEST_F(QueryE2ETest, BadRequestsGetPrometheusErrors) {
  auto [c1, parse] = Get("/api/v1/query", Form({{"query", "sum(up"}}));
  EXPECT_EQ(c1, 400);
  EXPECT_EQ(parse["status"], "error");
  EXPECT_EQ(parse["errorType"], "bad_data");
  EXPECT_THAT(parse["error"].get<std::string>(), HasSubstr("invalid parameter \"query\": 1:"));
  EXPECT_THAT(parse["error"].get<std::string>(), HasSubstr("parse error"));

  auto [c2, order] = Get("/api/v1/query_range",
                         Form({{"query", "up"}, {"start", "10"}, {"end", "5"}, {"step", "1"}}));
  EXPECT_EQ(c2, 400);
  EXPECT_EQ(order["error"],
            "invalid parameter \"end\": end timestamp must not be before start time");

  auto [c3, step] = Get("/api/v1/query_range",
                        Form({{"query", "up"}, {"start", "0"}, {"end", "5"}, {"step", "0"}}));
  EXPECT_EQ(c3, 400);
  EXPECT_EQ(step["error"],
            "invalid parameter \"step\": zero or negative query resolution step widths are not "
            "accepted. Try a positive integer");

  auto [c4, points] = Get("/api/v1/query_range",
                          Form({{"query", "up"}, {"start", "0"}, {"end", "86400"}, {"step", "1"}}));
  EXPECT_EQ(c4, 400);
  EXPECT_EQ(points["error"],
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
            "query resolution (?step=XX)");

  // An evaluation error is 422; an expired timeout is 503.
  auto [c5, dup] = Get("/api/v1/query", Form({{"query",
                                               "label_replace(up, \"instance\", \"x\", "
                                               "\"instance\", \".*\")"},
                                              {"time", Sec(300)}}));
  EXPECT_EQ(c5, 422) << dup.dump();
  EXPECT_EQ(dup["errorType"], "execution");

  auto [c6, late] =
      Get("/api/v1/query", Form({{"query", "up"}, {"timeout", "-1"}, {"time", Sec(300)}}));
  EXPECT_EQ(c6, 503) << late.dump();
  EXPECT_EQ(late["errorType"], "timeout");

  auto format = Get("/api/v1/format_query", Form({{"query", "sum by(job)(up)"}}));
  EXPECT_EQ(format.second["data"], "sum by (job) (up)");

  EXPECT_EQ(late["error"], "query timed out in query queue");

  std::string metrics = HttpGet(port(), "/metrics")->body;
  auto has = [&metrics](std::string_view line) {
    return metrics.find(std::string(line).append("\n")) != std::string::npos;
  };
  EXPECT_TRUE(has("osprey_engine_queries 0"));
  EXPECT_TRUE(has("osprey_engine_queries_failed_total{reason=\"bad_data\"} 4"));
  EXPECT_TRUE(has("osprey_engine_queries_failed_total{reason=\"execution\"} 1"));
  EXPECT_TRUE(has("osprey_engine_queries_failed_total{reason=\"timeout\"} 1"));
  EXPECT_TRUE(has("osprey_engine_query_duration_seconds_count{slice=\"inner_eval\"} 1"));
}

class QueryMaxSamplesE2ETest : public QueryE2ETest {
 protected:
  void SetUp() override { Start({"--query.max-samples=10"}); }
};

TEST_F(QueryMaxSamplesE2ETest, TooManySamplesGives422) {
  auto [code, j] = Get("/api/v1/query", Form({{"query", "up[5m]"}, {"time", Sec(300)}}));
  EXPECT_EQ(code, 422) << j.dump();
  EXPECT_EQ(j["errorType"], "execution");
  EXPECT_THAT(j["error"].get<std::string>(),
              HasSubstr("query processing would load too many samples"));
  // Small queries still work.
  auto [ok, small] =
      Get("/api/v1/query", Form({{"query", "up{instance=\"a\"}"}, {"time", Sec(300)}}));
  EXPECT_EQ(ok, 200) << small.dump();
}

// Runs `command` through the shell; returns its exit status and stdout+stderr.
std::pair<int, std::string> RunShell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string Promtool() {
  for (const char* p : {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

TEST_F(QueryE2ETest, PromtoolQueries) {
  std::string promtool = Promtool();
  if (promtool.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string_view(ci) == "true") FAIL() << "promtool not found";
    GTEST_SKIP() << "promtool not found";
  }
  std::string server = std::string("http://127.0.0.1:") + std::to_string(port());

  auto [c1, instant] = RunShell(promtool + " query instant --time=" + Sec(300) + " " + server +
                                " 'sum by (job) (rate(up[5m]))'");
  EXPECT_EQ(c1, 0) << instant;
  EXPECT_THAT(instant, HasSubstr("{job=\"api\"} => 0 @[1700000300]"));
  EXPECT_THAT(instant, HasSubstr("{job=\"db\"} => 0 @[1700000300]"));

  auto [c2, counters] =
      RunShell(promtool + " query instant --time=" + Sec(300) + " " + server +
               " 'sum by (job) (increase(http_requests_total[1m] offset 1m) > 0)'");
  EXPECT_EQ(c2, 0) << counters;
  EXPECT_THAT(counters, HasSubstr("{job=\"api\"} => "));

  auto [c3, range] = RunShell(promtool + " query range --start=" + Sec(60) + " --end=" + Sec(120) +
                              " --step=30s " + server + " 'sum by (job) (up)'");
  EXPECT_EQ(c3, 0) << range;
  EXPECT_THAT(range, HasSubstr("{job=\"api\"} =>\n2 @[1700000060]\n2 @[1700000090]\n"
                               "2 @[1700000120]"));
  EXPECT_THAT(range, HasSubstr("{job=\"db\"} =>\n1 @[1700000060]"));

  auto [c4, bad] = RunShell(promtool + " query instant " + server + " 'sum(up'");
  EXPECT_NE(c4, 0);
  EXPECT_THAT(bad, HasSubstr("bad_data"));
}

}  // namespace
}  // namespace osprey
