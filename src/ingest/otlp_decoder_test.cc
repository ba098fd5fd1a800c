#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <string>

#include "ingest/internal/protobuf_wire.h"
#include "ingest/otlp_encoder.h"
#include "ingest/otlp_json_decoder.h"
#include "ingest/otlp_protobuf_decoder.h"
#include "ingest/otlp_request.h"

namespace osprey::ingest {
namespace {

using internal::AppendBytesField;
using internal::AppendFixed64;
using internal::AppendTag;
using internal::AppendVarint;
using internal::kWireEndGroup;
using internal::kWireFixed64;
using internal::kWireLengthDelimited;
using internal::kWireStartGroup;
using internal::kWireVarint;

std::string Bytes(uint32_t field, std::string_view s) {
  std::string out;
  AppendBytesField(out, field, s);
  return out;
}
std::string Fixed(uint32_t field, uint64_t v) {
  std::string out;
  AppendTag(out, field, kWireFixed64);
  AppendFixed64(out, v);
  return out;
}
std::string Double(uint32_t field, double v) { return Fixed(field, std::bit_cast<uint64_t>(v)); }
std::string Varint(uint32_t field, uint64_t v) {
  std::string out;
  AppendTag(out, field, kWireVarint);
  AppendVarint(out, v);
  return out;
}

// ExportMetricsServiceRequest{resource_metrics{scope_metrics{metrics: metric}}}.
std::string WrapMetric(const std::string& metric, const std::string& resource = "") {
  return Bytes(1, Bytes(1, resource) + Bytes(2, Bytes(2, metric)));
}

std::string AnyString(std::string_view s) { return Bytes(1, s); }
std::string KeyValue(std::string_view k, const std::string& any) {
  return Bytes(1, k) + Bytes(2, any);
}

TEST(OtlpProtobufDecoderTest, DecodesGaugeWithAttributesAndSkipsUnknownFields) {
  std::string point = Bytes(7, KeyValue("host", AnyString("a"))) + Fixed(2, 1) +
                      Fixed(3, 2'000'000'000) + Double(4, 1.5) +
                      Bytes(5, Bytes(7, "exemplar attrs") + Bytes(4, "spanid")) +  // exemplar
                      Varint(99, 7) +                                              // unknown
                      Bytes(7, KeyValue("n", Varint(3, static_cast<uint64_t>(-3))));
  // An unknown group field with a nested group inside.
  AppendTag(point, 50, kWireStartGroup);
  AppendTag(point, 51, kWireStartGroup);
  point += Varint(1, 1);
  AppendTag(point, 51, kWireEndGroup);
  AppendTag(point, 50, kWireEndGroup);
  const std::string metric = Bytes(1, "g") + Bytes(3, "s") + Bytes(5, Bytes(1, point));
  // The decoded views point into the body: keep it alive.
  const std::string body = WrapMetric(metric);
  OtlpMetricsRequest r;
  ASSERT_TRUE(DecodeOtlpProtobuf(body, r).ok());
  ASSERT_EQ(r.resources.size(), 1u);
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_EQ(r.metrics[0].name, "g");
  EXPECT_EQ(r.metrics[0].unit, "s");
  EXPECT_EQ(r.metrics[0].kind, OtlpMetricKind::kGauge);
  ASSERT_EQ(r.number_points.size(), 1u);
  EXPECT_EQ(r.number_points[0].time_unix_nano, 2'000'000'000u);
  EXPECT_EQ(r.number_points[0].value, 1.5);
  auto attrs = OtlpMetricsRequest::Slice(r.attributes, r.number_points[0].attributes);
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(attrs[0].key, "host");
  EXPECT_EQ(attrs[0].value, "a");
  EXPECT_EQ(attrs[1].key, "n");
  EXPECT_EQ(attrs[1].value, "-3");
}

TEST(OtlpProtobufDecoderTest, AcceptsPackedAndUnpackedRepeatedScalars) {
  std::string packed_counts;
  AppendFixed64(packed_counts, 1);
  AppendFixed64(packed_counts, 2);
  std::string packed_bounds;
  AppendFixed64(packed_bounds, std::bit_cast<uint64_t>(0.5));
  const std::string point = Fixed(4, 6) + Bytes(6, packed_counts) + Fixed(6, 3) +
                            Bytes(7, packed_bounds) + Double(7, 1.0) + Double(5, 9.5);
  const std::string metric = Bytes(1, "h") + Bytes(9, Bytes(1, point) + Varint(2, 2));
  const std::string body = WrapMetric(metric);
  OtlpMetricsRequest r;
  ASSERT_TRUE(DecodeOtlpProtobuf(body, r).ok());
  ASSERT_EQ(r.histogram_points.size(), 1u);
  const OtlpHistogramPoint& p = r.histogram_points[0];
  EXPECT_TRUE(p.has_sum);
  EXPECT_EQ(p.sum, 9.5);
  EXPECT_EQ(p.count, 6u);
  auto counts = OtlpMetricsRequest::Slice(r.counts, p.bucket_counts);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[2], 3u);
  auto bounds = OtlpMetricsRequest::Slice(r.bounds, p.explicit_bounds);
  ASSERT_EQ(bounds.size(), 2u);
  EXPECT_EQ(bounds[1], 1.0);
  EXPECT_EQ(r.metrics[0].temporality, OtlpTemporality::kCumulative);
}

TEST(OtlpProtobufDecoderTest, RendersNonStringAttributeValues) {
  std::string arr = Bytes(1, Varint(2, 1)) + Bytes(1, Double(4, 1e-7)) + Bytes(1, Bytes(7, "hi"));
  std::string kvlist =
      Bytes(1, KeyValue("b", AnyString("x"))) + Bytes(1, KeyValue("a", Varint(3, 2)));
  const std::string resource =
      Bytes(1, KeyValue("arr", Bytes(5, arr))) + Bytes(1, KeyValue("kv", Bytes(6, kvlist))) +
      Bytes(1, KeyValue("bytes", Bytes(7, std::string("\x00\xff", 2)))) +
      Bytes(1, KeyValue("d", Double(4, 3.0))) + Bytes(1, KeyValue("empty", ""));
  const std::string body = WrapMetric(Bytes(1, "m"), resource);
  OtlpMetricsRequest r;
  ASSERT_TRUE(DecodeOtlpProtobuf(body, r).ok());
  auto attrs = OtlpMetricsRequest::Slice(r.attributes, r.resources[0].attributes);
  ASSERT_EQ(attrs.size(), 5u);
  EXPECT_EQ(attrs[0].value, R"([true,1e-7,"aGk="])");
  EXPECT_EQ(attrs[1].value, R"({"a":2,"b":"x"})");
  EXPECT_EQ(attrs[2].value, "AP8=");
  EXPECT_EQ(attrs[3].value, "3");
  EXPECT_EQ(attrs[4].value, "");
}

TEST(OtlpProtobufDecoderTest, SplitRepeatedFieldsStayContiguous) {
  // Two Resource messages for one ResourceMetrics (merged), and the metric between them.
  const std::string rm = Bytes(1, Bytes(1, KeyValue("a", AnyString("1")))) +
                         Bytes(2, Bytes(2, Bytes(1, "m"))) +
                         Bytes(1, Bytes(1, KeyValue("b", AnyString("2"))));
  const std::string body = Bytes(1, rm) + Bytes(1, rm);
  OtlpMetricsRequest r;
  ASSERT_TRUE(DecodeOtlpProtobuf(body, r).ok());
  ASSERT_EQ(r.resources.size(), 2u);
  for (const OtlpResourceMetrics& res : r.resources) {
    auto attrs = OtlpMetricsRequest::Slice(r.attributes, res.attributes);
    ASSERT_EQ(attrs.size(), 2u);
    EXPECT_EQ(attrs[0].key, "a");
    EXPECT_EQ(attrs[1].key, "b");
  }
}

TEST(OtlpProtobufDecoderTest, RejectsMalformedInputWithOffset) {
  struct Case {
    std::string name;
    std::string body;
    std::string want;
  };
  const Case cases[] = {
      {"truncated length", std::string("\x0a\x05\x12", 3), "byte 0 in ExportMetricsServiceRequest"},
      {"bad wire type", WrapMetric(Varint(1, 5)), "field 1 has wire type 0, want 2"},
      {"truncated fixed64", WrapMetric(Bytes(5, Bytes(1, std::string("\x19\x01", 2)))),
       "NumberDataPoint: field 3 is truncated"},
      {"field zero", std::string("\x00\x01", 2), "invalid field number 0"},
      {"wire type 7", std::string("\x0f", 1), "invalid wire type 7"},
      {"lone end group", std::string("\x0c", 1), "unexpected end-group"},
      {"unterminated group", std::string("\x0b\x08\x01", 3), "unterminated group"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OtlpMetricsRequest r;
    Status s = DecodeOtlpProtobuf(c.body, r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.want), std::string::npos) << s.message();
  }
}

TEST(OtlpProtobufDecoderTest, RejectsDeeplyNestedValues) {
  std::string any = AnyString("x");
  for (int i = 0; i < 40; ++i) any = Bytes(5, Bytes(1, any));
  OtlpMetricsRequest r;
  Status s = DecodeOtlpProtobuf(WrapMetric(Bytes(1, "m"), Bytes(1, KeyValue("deep", any))), r);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s.message();
}

TEST(OtlpProtobufDecoderTest, EmptyBodyIsAnEmptyRequest) {
  OtlpMetricsRequest r;
  ASSERT_TRUE(DecodeOtlpProtobuf("", r).ok());
  EXPECT_TRUE(r.resources.empty());
}

TEST(OtlpJsonDecoderTest, DecodesCamelAndSnakeCaseAndSpecialNumbers) {
  const std::string body = R"({"resource_metrics":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"s"}}]},
    "scopeMetrics":[{"metrics":[
      {"name":"a","sum":{"aggregation_temporality":"AGGREGATION_TEMPORALITY_DELTA",
        "is_monotonic":true,"data_points":[{"time_unix_nano":1000,"as_double":"Infinity"}]}},
      {"name":"b","gauge":{"dataPoints":[{"timeUnixNano":"2000","asDouble":"NaN","flags":1,
        "exemplars":[{"spanId":"0102","traceId":"0a0b"}]}]}},
      {"name":"c","exponentialHistogram":{"aggregationTemporality":2,"dataPoints":[{
        "scale":-2,"zeroThreshold":1e-9,"positive":{"offset":-3,"bucketCounts":[1,"2"]},
        "negative":null}]}}]}]}]})";
  OtlpJsonDecoder d;
  OtlpMetricsRequest r;
  ASSERT_TRUE(d.Decode(body, r).ok());
  ASSERT_EQ(r.metrics.size(), 3u);
  EXPECT_EQ(r.metrics[0].temporality, OtlpTemporality::kDelta);
  EXPECT_TRUE(r.metrics[0].monotonic);
  ASSERT_EQ(r.number_points.size(), 2u);
  EXPECT_EQ(r.number_points[0].time_unix_nano, 1000u);
  EXPECT_TRUE(std::isinf(r.number_points[0].value));
  EXPECT_EQ(r.number_points[1].time_unix_nano, 2000u);
  EXPECT_TRUE(std::isnan(r.number_points[1].value));
  EXPECT_EQ(r.number_points[1].flags, kOtlpFlagNoRecordedValue);
  ASSERT_EQ(r.exponential_points.size(), 1u);
  const OtlpExponentialHistogramPoint& e = r.exponential_points[0];
  EXPECT_EQ(e.scale, -2);
  EXPECT_EQ(e.positive.offset, -3);
  EXPECT_EQ(e.zero_threshold, 1e-9);
  EXPECT_EQ(OtlpMetricsRequest::Slice(r.counts, e.positive.bucket_counts).size(), 2u);
}

TEST(OtlpJsonDecoderTest, ErrorsNameThePath) {
  struct Case {
    std::string body;
    std::string want;
  };
  const Case cases[] = {
      {"{", "invalid OTLP JSON: "},
      {"[]", "want an object, got an array"},
      {R"({"resourceMetrics":{}})", "resourceMetrics: want an array, got an object"},
      {R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","sum":{"dataPoints":[{},
          {"timeUnixNano":"abc"}]}}]}]}]})",
       "resourceMetrics[0]: scopeMetrics[0]: metrics[0]: sum: dataPoints[1]: timeUnixNano: want "
       "an unsigned integer, got \"abc\""},
      {R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[
          {"asInt":"9223372036854775808"}]}}]}]}]})",
       "asInt: want an integer"},
      {R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":7}]}]}]})",
       "name: want a string, got a number"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    OtlpJsonDecoder d;
    OtlpMetricsRequest r;
    Status s = d.Decode(c.body, r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.want), std::string::npos) << s.message();
  }
}

TEST(OtlpJsonDecoderTest, RoundTripsThroughTheProtobufEncoder) {
  const std::string body = R"({"resourceMetrics":[{"resource":{"attributes":[
      {"key":"k","value":{"stringValue":"v"}}]},"scopeMetrics":[{"metrics":[
      {"name":"s","unit":"1","summary":{"dataPoints":[{"timeUnixNano":"5","count":"3","sum":1.5,
        "quantileValues":[{"quantile":0.5,"value":0.25}]}]}}]}]}]})";
  OtlpJsonDecoder d;
  OtlpMetricsRequest from_json;
  ASSERT_TRUE(d.Decode(body, from_json).ok());
  const std::string proto = EncodeOtlpProtobuf(from_json);
  OtlpMetricsRequest from_proto;
  ASSERT_TRUE(DecodeOtlpProtobuf(proto, from_proto).ok());
  EXPECT_EQ(EncodeOtlpProtobuf(from_proto), proto);
  ASSERT_EQ(from_proto.summary_points.size(), 1u);
  EXPECT_EQ(from_proto.summary_points[0].count, 3u);
  EXPECT_EQ(from_proto.quantiles[0].value, 0.25);
}

}  // namespace
}  // namespace osprey::ingest
