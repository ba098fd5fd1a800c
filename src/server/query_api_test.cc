// Unit tests of the query API: JSON encoding (against Prometheus's own json_codec_test
// expectations), parameter validation, error mapping and the concurrency gate.
#include "server/query_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "server/query_json.h"
#include "storage/mem_storage.h"

namespace osprey::server {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return 1'700'000'000'000; }
  int64_t MonotonicNanos() const override { return 0; }
};

std::string Timestamp(model::Timestamp t) {
  std::string out;
  AppendApiTimestamp(out, t);
  return out;
}

TEST(QueryJsonTest, TimestampsKeepThreeMillisecondDigits) {
  struct Case {
    model::Timestamp t;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{0, "0"},
                                         {1, "0.001"},
                                         {10, "0.010"},
                                         {100, "0.100"},
                                         {1000, "1"},
                                         {1001, "1.001"},
                                         {1010, "1.010"},
                                         {1100, "1.100"},
                                         {12345678123456555, "12345678123456.555"},
                                         {-1, "-0.001"},
                                         {-1500, "-1.500"},
                                         {1'700'000'000'000, "1700000000"}}) {
    SCOPED_TRACE(c.t);
    EXPECT_EQ(Timestamp(c.t), c.want);
  }
  EXPECT_EQ(Timestamp(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
}

TEST(QueryJsonTest, ValuesFormatLikeGoFormatFloat) {
  struct Case {
    double v;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {0, "0"},
           {-0.0, "-0"},
           {1, "1"},
           {20, "20"},
           {0.1, "0.1"},
           {1.0 / 3, "0.3333333333333333"},
           {1.2345678e6, "1234567.8"},
           {1.2345678e-6, "0.0000012345678"},
           {1e-6, "0.000001"},
           {9.99e-7, "9.99e-07"},
           {1.2345678e-67, "1.2345678e-67"},
           {1e20, "100000000000000000000"},
           {1e21, "1e+21"},
           {-2.5e22, "-2.5e+22"},
           {DBL_MAX, "1.7976931348623157e+308"},
           {5e-324, "5e-324"},
           {std::nan(""), "NaN"},
           {std::numeric_limits<double>::infinity(), "+Inf"},
           {-std::numeric_limits<double>::infinity(), "-Inf"},
       }) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(FormatApiFloat(c.v), c.want);
  }
}

TEST(QueryJsonTest, VectorAndMatrixMatchPrometheusBytes) {
  promql::QueryResult vec{.type = promql::ValueType::kVector};
  vec.vector = {{.labels = model::Labels::FromStrings({"__name__", "foo"}), .t = 1000, .v = 1},
                {.labels = model::Labels::FromStrings({"__name__", "bar"}), .t = 2000, .v = 2}};
  EXPECT_EQ(QueryResultJson(vec, {}),
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"__name__":"foo"},"value":[1,"1"]},)"
            R"({"metric":{"__name__":"bar"},"value":[2,"2"]}]}})");

  promql::QueryResult mat{.type = promql::ValueType::kMatrix};
  mat.matrix = {
      {.labels = model::Labels::FromStrings({"__name__", "foo", "a", "x\"y"}),
       .points = {{.t = 1000, .v = std::nan("")}, {.t = 1500, .v = -1e-7}}},
      {.labels = model::Labels::FromStrings({"__name__", "bar"}), .points = {}},
  };
  EXPECT_EQ(QueryResultJson(mat, {}),
            R"({"status":"success","data":{"resultType":"matrix","result":[)"
            R"({"metric":{"__name__":"foo","a":"x\"y"},"values":[[1,"NaN"],[1.500,"-1e-07"]]},)"
            R"({"metric":{"__name__":"bar"}}]}})");

  promql::QueryResult empty{.type = promql::ValueType::kVector};
  EXPECT_EQ(QueryResultJson(empty, {}),
            R"({"status":"success","data":{"resultType":"vector","result":[]}})");
}

TEST(QueryJsonTest, ScalarAndStringUseFloatSecondsAndPlainFormatting) {
  // promql.Scalar.MarshalJSON: float64(t)/1000 and FormatFloat(v, 'f', -1, 64).
  promql::QueryResult scalar{.type = promql::ValueType::kScalar, .t = 1100, .scalar = 1e-7};
  EXPECT_EQ(QueryResultJson(scalar, {}),
            R"({"status":"success","data":{"resultType":"scalar","result":[1.1,"0.0000001"]}})");
  scalar.scalar = -std::numeric_limits<double>::infinity();
  scalar.t = 1'700'000'000'000;
  EXPECT_EQ(QueryResultJson(scalar, {}),
            R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"-Inf"]}})");

  promql::QueryResult str{.type = promql::ValueType::kString, .t = 2500, .string = "a\"b\n"};
  EXPECT_EQ(QueryResultJson(str, {}),
            R"({"status":"success","data":{"resultType":"string","result":[2.5,"a\"b\n"]}})");
}

TEST(QueryJsonTest, WarningsAndInfosAtTopLevelWithPositions) {
  promql::QueryResult r{.type = promql::ValueType::kVector};
  r.annotations.Warn("something odd", {.start = 4, .end = 7});
  r.annotations.Info("for your information", {.start = 0, .end = 3});
  Json j = Json::parse(QueryResultJson(r, {.query = "foo bar"}));
  EXPECT_EQ(j["warnings"], Json::parse(R"j(["PromQL warning: something odd (1:5)"])j"));
  EXPECT_EQ(j["infos"], Json::parse(R"j(["PromQL info: for your information (1:1)"])j"));
  EXPECT_FALSE(j["data"].contains("warnings"));

  promql::QueryResult many{.type = promql::ValueType::kVector};
  for (int i = 0; i < 12; ++i)
    many.annotations.Warn(std::string("w").append(std::to_string(i)), {});
  Json m = Json::parse(QueryResultJson(many, {.extra_warnings = {"results truncated"}}));
  ASSERT_EQ(m["warnings"].size(), 11u);
  EXPECT_EQ(m["warnings"][0], "PromQL warning: w0");
  EXPECT_EQ(m["warnings"][10], "3 more warning annotations omitted");
  EXPECT_FALSE(m.contains("infos"));
}

TEST(QueryJsonTest, StatsInPrometheusShape) {
  promql::QueryResult r{.type = promql::ValueType::kScalar};
  r.stats.total_queryable_samples = 42;
  r.stats.peak_samples = 7;
  Json j = Json::parse(QueryResultJson(
      r, {.include_stats = true,
          .timings = {.queue_seconds = 0.25, .prepare_seconds = 0.5, .eval_seconds = 1}}));
  const Json& s = j["data"]["stats"];
  EXPECT_EQ(s["samples"], Json::parse(R"({"totalQueryableSamples":42,"peakSamples":7})"));
  EXPECT_EQ(s["timings"]["execQueueTime"], 0.25);
  EXPECT_EQ(s["timings"]["queryPreparationTime"], 0.5);
  EXPECT_EQ(s["timings"]["innerEvalTime"], 1.0);
  EXPECT_EQ(s["timings"]["evalTotalTime"], 1.0);
  EXPECT_EQ(s["timings"]["resultSortTime"], 0.0);
  EXPECT_EQ(s["timings"]["execTotalTime"], 1.75);
  EXPECT_FALSE(Json::parse(QueryResultJson(r, {}))["data"].contains("stats"));
}

TEST(QueryErrorResponseTest, MapsEngineCodesToPrometheusErrorTypes) {
  struct Case {
    Status status;
    int http;
    std::string type;
  };
  for (const Case& c : std::vector<Case>{
           {InvalidArgumentError("invalid regular expression in label_replace()"), 422,
            "execution"},
           {FailedPreconditionError("vector cannot contain metrics with the same labelset"), 422,
            "execution"},
           {ResourceExhaustedError("query processing would load too many samples into memory "
                                   "in query execution"),
            422, "execution"},
           {DeadlineExceededError("query timed out in query execution"), 503, "timeout"},
           {CancelledError("query was canceled in query execution"), 499, "canceled"},
           {InternalError("disk on fire"), 500, "internal"},
           {UnavailableError("storage closed"), 500, "internal"},
       }) {
    SCOPED_TRACE(c.status.ToString());
    http::Response r = QueryErrorResponse(c.status);
    EXPECT_EQ(r.status, c.http);
    Json j = Json::parse(r.body);
    EXPECT_EQ(j["status"], "error");
    EXPECT_EQ(j["errorType"], c.type);
    EXPECT_EQ(j["error"], c.status.message());
  }
}

TEST(ParseApiDurationTest, AcceptsFloatSecondsAndPrometheusDurations) {
  EXPECT_EQ(*ParseApiDurationNanos("15"), 15'000'000'000);
  EXPECT_EQ(*ParseApiDurationNanos("0.5"), 500'000'000);
  EXPECT_EQ(*ParseApiDurationNanos("+2"), 2'000'000'000);
  EXPECT_EQ(*ParseApiDurationNanos("-1"), -1'000'000'000);
  EXPECT_EQ(*ParseApiDurationNanos("1m30s"), 90'000'000'000);
  EXPECT_EQ(ParseApiDurationNanos("5x").status().message(),
            "cannot parse \"5x\" to a valid duration");
  EXPECT_EQ(ParseApiDurationNanos("1e300").status().message(),
            "cannot parse \"1e300\" to a valid duration. It overflows int64");
  EXPECT_FALSE(ParseApiDurationNanos("").ok());
}

TEST(QueryGateTest, LimitsConcurrencyAndGivesUpAtTheDeadline) {
  QueryGate gate(2);
  auto past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  ASSERT_TRUE(gate.Acquire(past));  // a free slot is taken even past the deadline
  ASSERT_TRUE(gate.Acquire(past));
  EXPECT_EQ(gate.active(), 2);
  EXPECT_FALSE(gate.Acquire(past));
  gate.Release();
  EXPECT_TRUE(gate.Acquire(past));
  { QueryGate::Slot slot(gate); }
  EXPECT_EQ(gate.active(), 1);
}

class QueryApiTest : public ::testing::Test {
 protected:
  http::Response Call(http::Response (QueryApi::*fn)(const http::Request&) const,
                      http::KeyValues params) {
    http::Request req;
    req.method = "GET";
    req.query = std::move(params);
    return (api_.*fn)(req);
  }
  // The error message of a 400 bad_data response.
  std::string BadData(http::Response (QueryApi::*fn)(const http::Request&) const,
                      http::KeyValues params) {
    http::Response r = Call(fn, std::move(params));
    EXPECT_EQ(r.status, 400) << r.body;
    Json j = Json::parse(r.body);
    EXPECT_EQ(j["errorType"], "bad_data");
    return j["error"].get<std::string>();
  }

  storage::MemStorage storage_;
  FixedClock clock_;
  metrics::Registry registry_;
  QueryApi api_{QueryApiOptions{}, storage_, clock_, registry_};
};

TEST_F(QueryApiTest, InstantQueryParameterErrors) {
  EXPECT_THAT(BadData(&QueryApi::Query, {{"query", "sum(up"}}),
              HasSubstr("invalid parameter \"query\": 1:"));
  EXPECT_EQ(BadData(&QueryApi::Query, {{"query", "up"}, {"time", "yesterday"}}),
            "invalid parameter \"time\": invalid time value for 'time': cannot parse "
            "\"yesterday\" to a valid timestamp");
  EXPECT_EQ(BadData(&QueryApi::Query, {{"query", "up"}, {"limit", "ten"}}),
            "invalid parameter \"limit\": strconv.Atoi: parsing \"ten\": invalid syntax");
  EXPECT_EQ(BadData(&QueryApi::Query, {{"query", "up"}, {"limit", "-1"}}),
            "invalid parameter \"limit\": limit must be non-negative");
  EXPECT_EQ(BadData(&QueryApi::Query, {{"query", "up"}, {"timeout", "soon"}}),
            "invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration");
  EXPECT_EQ(BadData(&QueryApi::Query, {{"query", "up"}, {"lookback_delta", "x"}}),
            "error parsing lookback delta duration: cannot parse \"x\" to a valid duration");
  EXPECT_THAT(registry_.ExpositionText(),
              HasSubstr("osprey_engine_queries_failed_total{reason=\"bad_data\"} 6"));
}

TEST_F(QueryApiTest, RangeQueryParameterErrors) {
  using KV = http::KeyValues;
  auto range = [](std::string start, std::string end, std::string step) {
    return KV{{"query", "up"}, {"start", start}, {"end", end}, {"step", step}};
  };
  EXPECT_EQ(BadData(&QueryApi::QueryRange, {{"query", "up"}, {"end", "10"}, {"step", "1"}}),
            "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
  EXPECT_EQ(BadData(&QueryApi::QueryRange, range("10", "5", "1")),
            "invalid parameter \"end\": end timestamp must not be before start time");
  EXPECT_EQ(BadData(&QueryApi::QueryRange, range("0", "10", "0")),
            "invalid parameter \"step\": zero or negative query resolution step widths are "
            "not accepted. Try a positive integer");
  EXPECT_EQ(BadData(&QueryApi::QueryRange, range("0", "10", "-5s")),
            "invalid parameter \"step\": cannot parse \"-5s\" to a valid duration");
  EXPECT_EQ(BadData(&QueryApi::QueryRange, range("0", "10", "0.0001")),
            "invalid parameter \"step\": zero or negative query resolution step widths are "
            "not accepted. Try a positive integer");
  EXPECT_EQ(BadData(&QueryApi::QueryRange, range("0", "11001", "1")),
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
            "query resolution (?step=XX)");
  // Exactly 11,000 steps is allowed (it fails later, on the query).
  EXPECT_THAT(BadData(&QueryApi::QueryRange,
                      {{"query", "up["}, {"start", "0"}, {"end", "11000"}, {"step", "1s"}}),
              HasSubstr("invalid parameter \"query\": 1:"));
  // The whole representable range with a tiny step saturates instead of overflowing.
  EXPECT_THAT(
      BadData(&QueryApi::QueryRange, range("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1h")),
      HasSubstr("exceeded maximum resolution"));
  EXPECT_EQ(BadData(&QueryApi::QueryRange,
                    {{"query", "up[5m]"}, {"start", "0"}, {"end", "10"}, {"step", "1"}}),
            "invalid parameter \"query\": invalid expression type \"range vector\" for range "
            "query, must be Scalar or instant Vector");
}

TEST_F(QueryApiTest, FormatQueryPrettifiesAndReportsParseErrors) {
  http::Response ok = Call(&QueryApi::FormatQuery, {{"query", "sum by(job)(rate(up[5m]))"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"j({"status":"success","data":"sum by (job) (rate(up[5m]))"})j");
  EXPECT_THAT(BadData(&QueryApi::FormatQuery, {{"query", "1 +"}}),
              HasSubstr("invalid parameter \"query\": 1:"));
}

TEST_F(QueryApiTest, ExemplarsAreEmptyButValidated) {
  EXPECT_EQ(Call(&QueryApi::QueryExemplars, {{"query", "up"}}).body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(BadData(&QueryApi::QueryExemplars, {{"query", "up"}, {"start", "10"}, {"end", "5"}}),
            "end timestamp must not be before start timestamp");
  EXPECT_THAT(BadData(&QueryApi::QueryExemplars, {{"query", "up{"}}), HasSubstr("1:"));
}

TEST(QueryExemplarsTest, ReturnsExemplarsOfTheQuerysSelectorsInRange) {
  storage::MemStorage storage;
  FixedClock clock;
  metrics::Registry registry;
  storage::ExemplarStore exemplars({.max_exemplars = 10});
  const model::Labels a = model::Labels::FromStrings({"__name__", "req_total", "job", "a"});
  const model::Labels b = model::Labels::FromStrings({"__name__", "other", "job", "b"});
  ASSERT_TRUE(exemplars.Add(a, {model::Labels::FromStrings({"trace_id", "t1"}), 1.5, 1000}).ok());
  ASSERT_TRUE(exemplars.Add(a, {model::Labels::FromStrings({"trace_id", "t2"}), 2, 5000}).ok());
  ASSERT_TRUE(exemplars.Add(b, {model::Labels::FromStrings({"trace_id", "t3"}), 3, 1000}).ok());
  QueryApi api(QueryApiOptions{.exemplars = &exemplars}, storage, clock, registry);
  http::Request req;
  req.method = "GET";
  req.query = {{"query", "sum(rate(req_total{job=\"a\"}[5m]))"}, {"start", "0"}, {"end", "2"}};
  http::Response r = api.QueryExemplars(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"status":"success","data":[{"seriesLabels":{"__name__":"req_total","job":"a"},)"
            R"("exemplars":[{"labels":{"trace_id":"t1"},"value":"1.5","timestamp":1}]}]})");
}

}  // namespace
}  // namespace osprey::server
