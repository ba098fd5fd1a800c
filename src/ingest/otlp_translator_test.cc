// Golden cases of the OTLP -> Prometheus translation, one per metric kind and rule. Each case
// is written in OTLP/JSON and run twice: as JSON, and re-encoded as protobuf
// (otlp_encoder.h), which must store the same samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ingest/internal/fake_appendable.h"
#include "ingest/otlp_encoder.h"
#include "ingest/otlp_ingester.h"
#include "ingest/otlp_json_decoder.h"
#include "ingest/otlp_response.h"
#include "metrics/registry.h"
#include "model/sample.h"

namespace osprey::ingest {
namespace {

using internal::FakeAppendable;

// 2023-11-14T22:13:20Z in ns, and in ms.
constexpr const char* kT = "1700000000000000000";
constexpr int64_t kMs = 1700000000000;

std::string FormatValue(double v) {
  if (model::IsStaleNaN(v)) return "stale";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// Committed samples as "{labels} t v" lines, sorted by series.
std::vector<std::string> Dump(const FakeAppendable& db) {
  std::vector<std::string> out;
  for (const auto& [labels, samples] : db.Committed()) {
    for (const model::Sample& s : samples) {
      out.push_back(labels.ToString() + " " + std::to_string(s.t - kMs) + " " + FormatValue(s.v));
    }
  }
  return out;
}

// One resource with service.name=svc and one scope holding `metrics` (a JSON array body).
std::string Request(
    const std::string& metrics,
    const std::string& resource_attrs = R"({"key":"service.name","value":{"stringValue":"svc"}})") {
  return R"({"resourceMetrics":[{"resource":{"attributes":[)" + resource_attrs +
         R"(]},"scopeMetrics":[{"scope":{"name":"test"},"metrics":[)" + metrics + "]}]}]}";
}

class OtlpTranslatorTest : public ::testing::Test {
 protected:
  // Ingests `json` as JSON into one store and as protobuf into another; expects both to hold
  // the same samples and returns the JSON outcome.
  WriteOutcome Ingest(const std::string& json) {
    Result<WriteOutcome> r = json_ingester_.Ingest(json, OtlpEncoding::kJson);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    OtlpJsonDecoder decoder;
    OtlpMetricsRequest request;
    EXPECT_TRUE(decoder.Decode(json, request).ok());
    const std::string proto = EncodeOtlpProtobuf(request);
    Result<WriteOutcome> p = proto_ingester_.Ingest(proto, OtlpEncoding::kProtobuf);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (p.ok() && r.ok()) {
      EXPECT_EQ(p->samples_accepted, r->samples_accepted);
      EXPECT_EQ(p->samples_rejected, r->samples_rejected);
    }
    EXPECT_EQ(Dump(proto_db_), Dump(json_db_)) << "protobuf and JSON disagree";
    return r.ok() ? *r : WriteOutcome{};
  }

  std::vector<std::string> Stored() const { return Dump(json_db_); }

  metrics::Registry registry_;
  IngestMetrics metrics_{registry_};
  FakeAppendable json_db_;
  FakeAppendable proto_db_;
  OtlpIngester json_ingester_{json_db_, metrics_};
  OtlpIngester proto_ingester_{proto_db_, metrics_};
};

TEST_F(OtlpTranslatorTest, GaugeWithJobInstanceAndTargetInfo) {
  const std::string resource = R"({"key":"service.name","value":{"stringValue":"api"}},)"
                               R"({"key":"service.namespace","value":{"stringValue":"shop"}},)"
                               R"({"key":"service.instance.id","value":{"stringValue":"host-1"}},)"
                               R"({"key":"host.arch","value":{"stringValue":"amd64"}})";
  const std::string metric = std::string(R"({"name":"queue.depth","unit":"{items}","gauge":{)") +
                             R"("dataPoints":[{"attributes":[{"key":"queue.name","value":)" +
                             R"({"stringValue":"q1"}}],"timeUnixNano":")" + kT +
                             R"(","asInt":"42"}]}})";
  WriteOutcome o = Ingest(Request(metric, resource));
  EXPECT_EQ(o.samples_rejected, 0);
  EXPECT_EQ(
      Stored(),
      (std::vector<std::string>{
          R"({__name__="queue_depth", instance="host-1", job="shop/api", queue_name="q1"} 0 42)",
          R"({__name__="target_info", host_arch="amd64", instance="host-1", job="shop/api"} 0 1)",
      }));
}

TEST_F(OtlpTranslatorTest, NoTargetInfoWithoutOtherResourceAttributes) {
  Ingest(Request(std::string(R"({"name":"g","gauge":{"dataPoints":[{"timeUnixNano":")") + kT +
                 R"(","asDouble":1.5}]}})"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{R"({__name__="g", job="svc"} 0 1.5)"}));
}

TEST_F(OtlpTranslatorTest, MonotonicAndNonMonotonicSums) {
  const std::string metrics =
      std::string(R"({"name":"http.requests","unit":"1","sum":{"aggregationTemporality":2,)") +
      R"("isMonotonic":true,"dataPoints":[{"timeUnixNano":")" + kT + R"(","asInt":"7"}]}},)" +
      R"({"name":"io","unit":"By","sum":{"aggregationTemporality":2,"isMonotonic":true,)" +
      R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","asDouble":1024}]}},)" +
      R"({"name":"active.requests","sum":{"aggregationTemporality":2,)" +
      R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","asInt":"-3"}]}})";
  Ingest(Request(metrics));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="active_requests", job="svc"} 0 -3)",
                          R"({__name__="http_requests_total", job="svc"} 0 7)",
                          R"({__name__="io_bytes_total", job="svc"} 0 1024)",
                      }));
}

TEST_F(OtlpTranslatorTest, HistogramBecomesClassicSeries) {
  const std::string metric =
      std::string(R"({"name":"http.server.duration","unit":"ms","histogram":{)") +
      R"("aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE","dataPoints":[{)" +
      R"("timeUnixNano":")" + kT + R"(","count":"10","sum":123.5,)" +
      R"("bucketCounts":["1","2","3","4"],"explicitBounds":[5,10,25.5]}]}})";
  Ingest(Request(metric));
  EXPECT_EQ(
      Stored(),
      (std::vector<std::string>{
          R"({__name__="http_server_duration_milliseconds_bucket", job="svc", le="+Inf"} 0 10)",
          R"({__name__="http_server_duration_milliseconds_bucket", job="svc", le="10"} 0 3)",
          R"({__name__="http_server_duration_milliseconds_bucket", job="svc", le="25.5"} 0 6)",
          R"({__name__="http_server_duration_milliseconds_bucket", job="svc", le="5"} 0 1)",
          R"({__name__="http_server_duration_milliseconds_count", job="svc"} 0 10)",
          R"({__name__="http_server_duration_milliseconds_sum", job="svc"} 0 123.5)",
      }));
}

TEST_F(OtlpTranslatorTest, HistogramWithoutSumHasNoSumSeries) {
  Ingest(Request(std::string(R"({"name":"h","histogram":{"aggregationTemporality":2,)") +
                 R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","count":"2",)" +
                 R"("bucketCounts":["2"]}]}})"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="h_bucket", job="svc", le="+Inf"} 0 2)",
                          R"({__name__="h_count", job="svc"} 0 2)",
                      }));
}

TEST_F(OtlpTranslatorTest, ExponentialHistogramBecomesClassicBuckets) {
  // Scale 0: base 2. Negative bucket 0 holds [-2, -1), positive buckets 0 and 1 hold (1, 2]
  // and (2, 4].
  const std::string metric =
      std::string(R"({"name":"latency","unit":"s","exponentialHistogram":{)") +
      R"("aggregationTemporality":2,"dataPoints":[{"timeUnixNano":")" + kT +
      R"(","count":"7","sum":3.25,"scale":0,"zeroCount":"1",)" +
      R"("positive":{"offset":0,"bucketCounts":["1","2"]},)" +
      R"("negative":{"offset":0,"bucketCounts":["3"]}}]}})";
  Ingest(Request(metric));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="latency_seconds_bucket", job="svc", le="+Inf"} 0 7)",
                          R"({__name__="latency_seconds_bucket", job="svc", le="-1"} 0 3)",
                          R"({__name__="latency_seconds_bucket", job="svc", le="0"} 0 4)",
                          R"({__name__="latency_seconds_bucket", job="svc", le="2"} 0 5)",
                          R"({__name__="latency_seconds_bucket", job="svc", le="4"} 0 7)",
                          R"({__name__="latency_seconds_count", job="svc"} 0 7)",
                          R"({__name__="latency_seconds_sum", job="svc"} 0 3.25)",
                      }));
}

TEST_F(OtlpTranslatorTest, ExponentialHistogramPositiveScale) {
  // Scale 1: base sqrt(2); bucket 2 holds (2, 2*sqrt(2)].
  Ingest(Request(std::string(R"({"name":"x","exponentialHistogram":{"aggregationTemporality":2,)") +
                 R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","count":"1","scale":1,)" +
                 R"("zeroThreshold":0.5,"positive":{"offset":2,"bucketCounts":["1"]}}]}})"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="x_bucket", job="svc", le="+Inf"} 0 1)",
                          R"({__name__="x_bucket", job="svc", le="0.5"} 0 0)",
                          R"({__name__="x_bucket", job="svc", le="2.8284271247461903"} 0 1)",
                          R"({__name__="x_count", job="svc"} 0 1)",
                      }));
}

TEST_F(OtlpTranslatorTest, ManyExponentialBucketsAreMergedToALowerScale) {
  // 400 buckets at scale 3 -> 100 buckets at scale 1 (base sqrt(2)), each holding 4.
  std::string counts;
  for (int i = 0; i < 400; ++i) counts += std::string(i > 0 ? "," : "") + "\"1\"";
  Ingest(Request(std::string(R"({"name":"x","exponentialHistogram":{"aggregationTemporality":2,)") +
                 R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","count":"400","scale":3,)" +
                 R"("positive":{"offset":0,"bucketCounts":[)" + counts + "]}}]}}"));
  const std::vector<std::string> stored = Stored();
  size_t buckets = 0;
  for (const std::string& line : stored) buckets += line.find("x_bucket") != std::string::npos;
  EXPECT_EQ(buckets, 102u);  // 100, the zero bucket and +Inf
  EXPECT_NE(
      std::find(stored.begin(), stored.end(), R"({__name__="x_bucket", job="svc", le="2"} 0 8)"),
      stored.end());
  EXPECT_NE(std::find(stored.begin(), stored.end(),
                      R"({__name__="x_bucket", job="svc", le="1125899906842624"} 0 400)"),
            stored.end());
}

TEST_F(OtlpTranslatorTest, SummaryBecomesQuantileSeries) {
  Ingest(Request(std::string(R"({"name":"rpc.latency","unit":"s","summary":{"dataPoints":[{)") +
                 R"("timeUnixNano":")" + kT + R"(","count":"5","sum":2.5,"quantileValues":[)" +
                 R"({"quantile":0.5,"value":0.4},{"quantile":0.99,"value":1.2}]}]}})"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="rpc_latency_seconds", job="svc", quantile="0.5"} 0 0.4)",
                          R"({__name__="rpc_latency_seconds", job="svc", quantile="0.99"} 0 1.2)",
                          R"({__name__="rpc_latency_seconds_count", job="svc"} 0 5)",
                          R"({__name__="rpc_latency_seconds_sum", job="svc"} 0 2.5)",
                      }));
}

TEST_F(OtlpTranslatorTest, NoRecordedValueWritesStalenessMarkers) {
  Ingest(Request(std::string(R"({"name":"h","histogram":{"aggregationTemporality":2,)") +
                 R"("dataPoints":[{"timeUnixNano":")" + kT + R"(","count":"2","sum":1,"flags":1,)" +
                 R"("bucketCounts":["2","0"],"explicitBounds":[1]}]}},)" +
                 R"({"name":"g","gauge":{"dataPoints":[{"timeUnixNano":")" + kT +
                 R"(","asDouble":3,"flags":1}]}})"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="g", job="svc"} 0 stale)",
                          R"({__name__="h_bucket", job="svc", le="+Inf"} 0 stale)",
                          R"({__name__="h_bucket", job="svc", le="1"} 0 stale)",
                          R"({__name__="h_count", job="svc"} 0 stale)",
                          R"({__name__="h_sum", job="svc"} 0 stale)",
                      }));
}

TEST_F(OtlpTranslatorTest, AttributesAreSanitisedJoinedAndTypedValuesRendered) {
  const std::string attrs =
      R"({"key":"a.b","value":{"stringValue":"x"}},)"
      R"({"key":"a_b","value":{"stringValue":"y"}},)"
      R"({"key":"__name__","value":{"stringValue":"ignored"}},)"
      R"({"key":"job","value":{"stringValue":"overridden"}},)"
      R"({"key":"n","value":{"intValue":"-5"}},)"
      R"({"key":"d","value":{"doubleValue":0.25}},)"
      R"({"key":"b","value":{"boolValue":true}},)"
      R"({"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"s"},{"intValue":1}]}}},)"
      R"({"key":"kv","value":{"kvlistValue":{"values":[{"key":"z","value":{"boolValue":false}},)"
      R"({"key":"a","value":{"stringValue":"q\""}}]}}})";
  Ingest(Request(std::string(R"({"name":"g","gauge":{"dataPoints":[{"attributes":[)") + attrs +
                 R"(],"timeUnixNano":")" + kT + R"(","asDouble":1}]}})"));
  EXPECT_EQ(Stored(),
            (std::vector<std::string>{
                R"({__name__="g", a_b="x;y", arr="[\"s\",1]", b="true", d="0.25", job="svc", )"
                R"(kv="{\"a\":\"q\\\"\",\"z\":false}", n="-5"} 0 1)"}));
}

TEST_F(OtlpTranslatorTest, DeltaSumsAccumulateIntoCumulativeTotals) {
  auto delta = [](const std::string& t, const std::string& v) {
    return Request(std::string(R"({"name":"jobs","sum":{"aggregationTemporality":1,)") +
                   R"("isMonotonic":true,"dataPoints":[{"timeUnixNano":")" + t + R"(","asInt":")" +
                   v + R"("}]}})");
  };
  Ingest(delta("1700000000000000000", "5"));
  Ingest(delta("1700000010000000000", "3"));
  WriteOutcome late = Ingest(delta("1700000005000000000", "100"));  // out of order: dropped
  EXPECT_EQ(late.rejected_by_reason.at(std::string(kReasonDeltaOutOfOrder)), 1);
  Ingest(delta("1700000020000000000", "2"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="jobs_total", job="svc"} 0 5)",
                          R"({__name__="jobs_total", job="svc"} 10000 8)",
                          R"({__name__="jobs_total", job="svc"} 20000 10)",
                      }));
  EXPECT_EQ(json_ingester_.DeltaSeriesForTest(), 1u);
}

TEST_F(OtlpTranslatorTest, DeltaHistogramAccumulatesEverySeries) {
  auto delta = [](const std::string& t, const std::string& c0, const std::string& c1) {
    return Request(std::string(R"({"name":"h","histogram":{"aggregationTemporality":1,)") +
                   R"("dataPoints":[{"timeUnixNano":")" + t + R"(","count":")" +
                   std::to_string(std::stoi(c0) + std::stoi(c1)) + R"(","sum":1,)" +
                   R"("bucketCounts":[")" + c0 + R"(",")" + c1 + R"("],"explicitBounds":[1]}]}})");
  };
  Ingest(delta("1700000000000000000", "1", "1"));
  Ingest(delta("1700000010000000000", "2", "0"));
  EXPECT_EQ(Stored(), (std::vector<std::string>{
                          R"({__name__="h_bucket", job="svc", le="+Inf"} 0 2)",
                          R"({__name__="h_bucket", job="svc", le="+Inf"} 10000 4)",
                          R"({__name__="h_bucket", job="svc", le="1"} 0 1)",
                          R"({__name__="h_bucket", job="svc", le="1"} 10000 3)",
                          R"({__name__="h_count", job="svc"} 0 2)",
                          R"({__name__="h_count", job="svc"} 10000 4)",
                          R"({__name__="h_sum", job="svc"} 0 1)",
                          R"({__name__="h_sum", job="svc"} 10000 2)",
                      }));
}

TEST_F(OtlpTranslatorTest, FailedCommitDoesNotAdvanceDeltaTotals) {
  auto delta = [](const std::string& t, const std::string& v) {
    return Request(std::string(R"({"name":"d","sum":{"aggregationTemporality":1,)") +
                   R"("dataPoints":[{"timeUnixNano":")" + t + R"(","asDouble":)" + v + "}]}}");
  };
  json_db_.FailCommits(UnavailableError("disk full"));
  Result<WriteOutcome> failed =
      json_ingester_.Ingest(delta("1700000000000000000", "5"), OtlpEncoding::kJson);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->Classify(), RequestOutcome::kCommitFailed);
  EXPECT_EQ(json_ingester_.DeltaSeriesForTest(), 0u);
}

TEST_F(OtlpTranslatorTest, MissingTemporalityAndBadNamesAreRejected) {
  WriteOutcome o = Ingest(Request(
      std::string(R"({"name":"s","sum":{"dataPoints":[{"timeUnixNano":")") + kT +
      R"(","asInt":"1"}]}},)" + R"({"name":"@@@","gauge":{"dataPoints":[{"timeUnixNano":")" + kT +
      R"(","asInt":"1"}]}},)" + R"({"name":"ok","gauge":{"dataPoints":[{"timeUnixNano":")" + kT +
      R"(","asInt":"1"}]}})"));
  EXPECT_EQ(o.samples_accepted, 1);
  EXPECT_EQ(o.samples_rejected, 2);
  EXPECT_EQ(o.rejected_by_reason.at(std::string(kReasonInvalidTemporality)), 1);
  EXPECT_EQ(o.rejected_by_reason.at(std::string(kReasonInvalidMetricName)), 1);
  EXPECT_NE(o.first_error.find("invalid temporality"), std::string::npos) << o.first_error;
  EXPECT_EQ(Stored(), (std::vector<std::string>{R"({__name__="ok", job="svc"} 0 1)"}));
  EXPECT_EQ(EncodeOtlpExportResponse(o, OtlpEncoding::kJson),
            R"({"partialSuccess":{"rejectedDataPoints":"2","errorMessage":")" +
                std::string("series {__name__=\\\"s\\\"}: invalid temporality and type "
                            "combination for metric \\\"s\\\"\"}}"));
}

TEST_F(OtlpTranslatorTest, EmptyRequestStoresNothing) {
  WriteOutcome o = Ingest("{}");
  EXPECT_EQ(o.Classify(), RequestOutcome::kSuccess);
  EXPECT_TRUE(Stored().empty());
  EXPECT_EQ(EncodeOtlpExportResponse(o, OtlpEncoding::kJson), "{}");
  EXPECT_EQ(EncodeOtlpExportResponse(o, OtlpEncoding::kProtobuf), "");
}

TEST_F(OtlpTranslatorTest, MalformedBodiesAreCountedAndKeepNothing) {
  Result<WriteOutcome> r = json_ingester_.Ingest("{\"resourceMetrics\": 5}", OtlpEncoding::kJson);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = json_ingester_.Ingest(std::string("\x0a\x05\x12", 3), OtlpEncoding::kProtobuf);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(registry_.ExpositionText().find(
                R"(osprey_ingest_requests_total{protocol="otlp",outcome="malformed"} 2)"),
            std::string::npos)
      << registry_.ExpositionText();
}

}  // namespace
}  // namespace osprey::ingest
