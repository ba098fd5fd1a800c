#include "ingest/remote_write_decoder.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "ingest/internal/protobuf_wire.h"
#include "ingest/internal/test_requests.h"
#include "ingest/remote_write_encoder.h"

namespace osprey::ingest {
namespace {

using internal::AppendBytesField;
using internal::AppendFixed64;
using internal::AppendTag;
using internal::AppendVarint;
using internal::kWireFixed64;
using internal::kWireLengthDelimited;
using internal::kWireVarint;

struct DecodedSeries {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<model::Sample> samples;
  std::string label_key;
  int64_t exemplars = 0;
  int64_t histograms = 0;
};

struct DecodedMetadata {
  int32_t type;
  std::string name, help, unit;
};

// Copies everything it sees, since the views die after each call.
class RecordingVisitor : public WriteRequestVisitor {
 public:
  Status OnTimeSeries(const TimeSeriesView& s) override {
    DecodedSeries d;
    for (const LabelView& l : s.labels) d.labels.emplace_back(l.name, l.value);
    d.samples.assign(s.samples.begin(), s.samples.end());
    d.label_key = std::string(s.label_key);
    d.exemplars = s.exemplar_count;
    d.histograms = s.histogram_count;
    series.push_back(std::move(d));
    if (fail_after > 0 && static_cast<int>(series.size()) == fail_after) {
      return CancelledError("visitor stop");
    }
    return OkStatus();
  }
  Status OnMetadata(const MetadataView& m) override {
    metadata.push_back(
        {m.type, std::string(m.metric_family_name), std::string(m.help), std::string(m.unit)});
    return OkStatus();
  }

  std::vector<DecodedSeries> series;
  std::vector<DecodedMetadata> metadata;
  int fail_after = 0;
};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// Wraps `body` as a length-delimited field.
std::string Field(uint32_t field, const std::string& body) {
  std::string out;
  AppendBytesField(out, field, body);
  return out;
}

std::string LabelMsg(std::string_view name, std::string_view value) {
  std::string m;
  AppendBytesField(m, 1, name);
  AppendBytesField(m, 2, value);
  return m;
}

std::string SampleMsg(double v, int64_t t) {
  std::string m;
  AppendTag(m, 1, kWireFixed64);
  AppendFixed64(m, std::bit_cast<uint64_t>(v));
  AppendTag(m, 2, kWireVarint);
  AppendVarint(m, static_cast<uint64_t>(t));
  return m;
}

TEST(RemoteWriteDecoderTest, DecodesSeriesAndMetadataWrittenByTheEncoder) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}, {"job", "api"}}, {{.t = 1000, .v = 1}, {.t = 2000, .v = 0}});
  enc.AddSeries({{"__name__", "temp"}}, {{.t = -5, .v = -2.5}});
  enc.AddMetadata({.type = 2, .metric_family_name = "temp", .help = "Temp.", .unit = "celsius"});

  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(enc.bytes(), v).ok());
  ASSERT_EQ(v.series.size(), 2u);
  EXPECT_EQ(v.series[0].labels,
            (std::vector<std::pair<std::string, std::string>>{{"__name__", "up"}, {"job", "api"}}));
  ASSERT_EQ(v.series[0].samples.size(), 2u);
  EXPECT_EQ(v.series[0].samples[0].t, 1000);
  EXPECT_EQ(v.series[0].samples[0].v, 1);
  EXPECT_EQ(v.series[0].samples[1].t, 2000);
  EXPECT_EQ(v.series[1].samples[0].t, -5);
  EXPECT_EQ(v.series[1].samples[0].v, -2.5);
  ASSERT_EQ(v.metadata.size(), 1u);
  EXPECT_EQ(v.metadata[0].type, 2);
  EXPECT_EQ(v.metadata[0].name, "temp");
  EXPECT_EQ(v.metadata[0].help, "Temp.");
  EXPECT_EQ(v.metadata[0].unit, "celsius");
}

TEST(RemoteWriteDecoderTest, PreservesNaNBitPatternsAndExtremeTimestamps) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "x"}}, {{.t = model::kMinTimestamp, .v = model::StaleNaN()},
                                      {.t = model::kMaxTimestamp, .v = -0.0}});
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(enc.bytes(), v).ok());
  ASSERT_EQ(v.series.at(0).samples.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(v.series[0].samples[0].v));
  EXPECT_EQ(v.series[0].samples[0].t, model::kMinTimestamp);
  EXPECT_EQ(v.series[0].samples[1].t, model::kMaxTimestamp);
  EXPECT_TRUE(std::signbit(v.series[0].samples[1].v));
}

TEST(RemoteWriteDecoderTest, EmptyRequestDecodesToNothing) {
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode("", v).ok());
  EXPECT_TRUE(v.series.empty());
}

TEST(RemoteWriteDecoderTest, LabelKeyIsTheContiguousLabelBytes) {
  const std::string labels = Field(1, LabelMsg("__name__", "up")) + Field(1, LabelMsg("a", "b"));
  const std::string request = Field(1, labels + Field(2, SampleMsg(1, 1)));
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(request, v).ok());
  EXPECT_EQ(v.series.at(0).label_key, labels);
}

TEST(RemoteWriteDecoderTest, InterleavedLabelsGetTheSameKeyAsContiguousOnes) {
  const std::string l1 = Field(1, LabelMsg("__name__", "up"));
  const std::string l2 = Field(1, LabelMsg("a", "b"));
  const std::string s = Field(2, SampleMsg(1, 1));
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(Field(1, l1 + s + l2) + Field(1, l1 + l2 + s), v).ok());
  ASSERT_EQ(v.series.size(), 2u);
  EXPECT_EQ(v.series[0].labels, v.series[1].labels);
  EXPECT_EQ(v.series[0].label_key, v.series[1].label_key);
}

TEST(RemoteWriteDecoderTest, DifferentLabelsGetDifferentKeys) {
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}, {"a", "bc"}}, {{.t = 1, .v = 1}});
  enc.AddSeries({{"__name__", "up"}, {"ab", "c"}}, {{.t = 1, .v = 1}});
  ASSERT_TRUE(decoder.Decode(enc.bytes(), v).ok());
  EXPECT_NE(v.series.at(0).label_key, v.series.at(1).label_key);
}

TEST(RemoteWriteDecoderTest, SkipsUnknownFieldsOfEveryWireTypeAtEveryLevel) {
  std::string unknown;
  AppendTag(unknown, 9, kWireVarint);
  AppendVarint(unknown, 300);
  AppendTag(unknown, 10, kWireFixed64);
  AppendFixed64(unknown, 7);
  AppendTag(unknown, 11, internal::kWireFixed32);
  unknown += "abcd";
  AppendBytesField(unknown, 12, "skipped");
  // A group holding a varint and a nested group.
  AppendTag(unknown, 13, internal::kWireStartGroup);
  AppendTag(unknown, 1, kWireVarint);
  AppendVarint(unknown, 5);
  AppendTag(unknown, 2, internal::kWireStartGroup);
  AppendTag(unknown, 2, internal::kWireEndGroup);
  AppendTag(unknown, 13, internal::kWireEndGroup);

  const std::string label = Field(1, unknown + LabelMsg("__name__", "up") + unknown);
  const std::string sample = Field(2, unknown + SampleMsg(2.5, 42) + unknown);
  const std::string request =
      unknown + Field(1, unknown + label + sample + unknown) + Field(2, "reserved") + unknown;
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(request, v).ok()) << decoder.Decode(request, v).ToString();
  ASSERT_EQ(v.series.size(), 1u);
  EXPECT_EQ(v.series[0].labels,
            (std::vector<std::pair<std::string, std::string>>{{"__name__", "up"}}));
  ASSERT_EQ(v.series[0].samples.size(), 1u);
  EXPECT_EQ(v.series[0].samples[0].v, 2.5);
  EXPECT_EQ(v.series[0].samples[0].t, 42);
}

TEST(RemoteWriteDecoderTest, AcceptsFieldsInAnyOrderAndMissingFieldsAsZero) {
  std::string sample_reversed;
  AppendTag(sample_reversed, 2, kWireVarint);
  AppendVarint(sample_reversed, 77);
  AppendTag(sample_reversed, 1, kWireFixed64);
  AppendFixed64(sample_reversed, std::bit_cast<uint64_t>(3.0));
  std::string value_first;
  AppendBytesField(value_first, 2, "v");
  AppendBytesField(value_first, 1, "n");
  const std::string request =
      Field(1, Field(2, sample_reversed) + Field(2, "") + Field(1, value_first));
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(request, v).ok());
  ASSERT_EQ(v.series.size(), 1u);
  EXPECT_EQ(v.series[0].labels, (std::vector<std::pair<std::string, std::string>>{{"n", "v"}}));
  ASSERT_EQ(v.series[0].samples.size(), 2u);
  EXPECT_EQ(v.series[0].samples[0].t, 77);
  EXPECT_EQ(v.series[0].samples[0].v, 3.0);
  EXPECT_EQ(v.series[0].samples[1].t, 0);
  EXPECT_EQ(v.series[0].samples[1].v, 0);
}

TEST(RemoteWriteDecoderTest, RepeatedScalarFieldKeepsTheLastValue) {
  std::string label;
  AppendBytesField(label, 1, "first");
  AppendBytesField(label, 2, "v");
  AppendBytesField(label, 1, "second");
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(Field(1, Field(1, label)), v).ok());
  EXPECT_EQ(v.series.at(0).labels.at(0).first, "second");
}

TEST(RemoteWriteDecoderTest, DecodesMultiByteLengthsAndLongValues) {
  const std::string long_value(300, 'x');
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}, {"big", long_value}}, {{.t = 1, .v = 1}});
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(enc.bytes(), v).ok());
  EXPECT_EQ(v.series.at(0).labels.at(1).second, long_value);
}

TEST(RemoteWriteDecoderTest, CountsExemplarsAndHistogramsWithoutDecodingThem) {
  std::string exemplar = Field(1, LabelMsg("trace_id", "abc")) + SampleMsg(1, 2);
  std::string histogram;
  AppendTag(histogram, 1, kWireVarint);
  AppendVarint(histogram, 10);
  const std::string request = Field(1, Field(1, LabelMsg("__name__", "h")) + Field(3, exemplar) +
                                           Field(3, exemplar) + Field(4, histogram));
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  ASSERT_TRUE(decoder.Decode(request, v).ok());
  EXPECT_EQ(v.series.at(0).exemplars, 2);
  EXPECT_EQ(v.series.at(0).histograms, 1);
  EXPECT_TRUE(v.series.at(0).samples.empty());
}

TEST(RemoteWriteDecoderTest, VisitorErrorStopsDecodingAndIsReturned) {
  const std::string request = internal::BuildNodeExporterWriteRequest(5, 1, 0);
  RemoteWriteDecoder decoder;
  RecordingVisitor v;
  v.fail_after = 2;
  EXPECT_EQ(decoder.Decode(request, v), CancelledError("visitor stop"));
  EXPECT_EQ(v.series.size(), 2u);
}

TEST(RemoteWriteDecoderTest, ReusedDecoderGivesTheSameResult) {
  const std::string request = internal::BuildNodeExporterWriteRequest(50, 3, 1000);
  RemoteWriteDecoder decoder;
  RecordingVisitor first, second;
  ASSERT_TRUE(decoder.Decode(request, first).ok());
  ASSERT_TRUE(decoder.Decode(request, second).ok());
  ASSERT_EQ(first.series.size(), 50u);
  ASSERT_EQ(second.series.size(), 50u);
  for (size_t i = 0; i < first.series.size(); ++i) {
    EXPECT_EQ(first.series[i].labels, second.series[i].labels);
    EXPECT_EQ(first.series[i].labels.size(), 10u);
    EXPECT_EQ(first.series[i].samples.size(), 3u);
  }
}

TEST(RemoteWriteDecoderTest, EveryTruncationFailsCleanlyOrDecodesAPrefix) {
  const std::string request = internal::BuildNodeExporterWriteRequest(3, 2, 1000);
  RemoteWriteDecoder decoder;
  for (size_t n = 0; n < request.size(); ++n) {
    RecordingVisitor v;
    const Status s = decoder.Decode(std::string_view(request).substr(0, n), v);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << n;
      EXPECT_NE(s.message().find("at byte offset"), std::string::npos) << s.message();
    }
    EXPECT_LE(v.series.size(), 3u);
  }
}

struct MalformedCase {
  std::string name;
  std::string input;
  std::string message;
};

TEST(RemoteWriteDecoderTest, RejectsMalformedInputWithTheByteOffset) {
  std::string deep;
  for (int i = 0; i < 33; ++i) deep.push_back(0x2b);  // start-group, field 5
  const std::vector<MalformedCase> cases = {
      {"truncated tag", Bytes({0x80}),
       "malformed protobuf: truncated varint in field tag at byte offset 0"},
      {"overlong tag",
       Bytes({0x0a, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}),
       "malformed protobuf: malformed varint in field tag at byte offset 2"},
      {"field number 0", Bytes({0x00}),
       "malformed protobuf: invalid field number 0 at byte offset 0"},
      {"field number too large", Bytes({0x80, 0x80, 0x80, 0x80, 0x10}),
       "malformed protobuf: invalid field number 536870912 at byte offset 0"},
      {"wire type 7", Bytes({0x0f}),
       "malformed protobuf: invalid wire type 7 for field 1 at byte offset 0"},
      {"timeseries as varint", Bytes({0x08, 0x01}),
       "malformed protobuf: WriteRequest.timeseries (field 1) has wire type 0, want 2 at byte "
       "offset 0"},
      {"truncated length", Bytes({0x0a}),
       "malformed protobuf: truncated varint in length of WriteRequest.timeseries (field 1) at "
       "byte offset 1"},
      {"length past the end", Bytes({0x0a, 0x05, 0x0a}),
       "malformed protobuf: WriteRequest.timeseries (field 1) of length 5 exceeds the 1 "
       "remaining bytes at byte offset 0"},
      {"label length past the series end", Bytes({0x0a, 0x02, 0x0a, 0x05}),
       "malformed protobuf: TimeSeries.labels (field 1) of length 5 exceeds the 0 remaining "
       "bytes at byte offset 2"},
      {"label name as varint", Bytes({0x0a, 0x04, 0x0a, 0x02, 0x08, 0x01}),
       "malformed protobuf: Label.name (field 1) has wire type 0, want 2 at byte offset 4"},
      {"sample value as varint", Bytes({0x0a, 0x04, 0x12, 0x02, 0x08, 0x01}),
       "malformed protobuf: Sample.value (field 1) has wire type 0, want 1 at byte offset 4"},
      {"truncated sample value", Bytes({0x0a, 0x05, 0x12, 0x03, 0x09, 0x00, 0x00}),
       "malformed protobuf: truncated fixed64 in Sample.value (field 1) at byte offset 5"},
      {"sample timestamp as fixed64", Bytes({0x0a, 0x0b, 0x12, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0, 0}),
       "malformed protobuf: Sample.timestamp (field 2) has wire type 1, want 0 at byte offset 4"},
      {"overlong timestamp",
       Bytes({0x0a, 0x0d, 0x12, 0x0b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
              0x02}),
       "malformed protobuf: malformed varint in Sample.timestamp (field 2) at byte offset 5"},
      {"truncated unknown fixed32", Bytes({0x3d, 0x01, 0x02}),
       "malformed protobuf: truncated fixed32 in field 7 at byte offset 1"},
      {"truncated unknown fixed64", Bytes({0x39, 0x01}),
       "malformed protobuf: truncated fixed64 in field 7 at byte offset 1"},
      {"truncated unknown varint", Bytes({0x38, 0x81}),
       "malformed protobuf: truncated varint in field 7 at byte offset 1"},
      {"unknown bytes past the end", Bytes({0x3a, 0x03, 0x01}),
       "malformed protobuf: field 7 of length 3 exceeds the 1 remaining bytes at byte offset 0"},
      {"unterminated group", Bytes({0x2b, 0x08, 0x01}),
       "malformed protobuf: unterminated group (field 5) at byte offset 0"},
      {"stray end-group", Bytes({0x2c}),
       "malformed protobuf: unexpected end-group (field 5) at byte offset 0"},
      {"mismatched end-group", Bytes({0x2b, 0x34}),
       "malformed protobuf: end-group field 6 does not match start-group field 5 at byte "
       "offset 1"},
      {"groups too deep", deep,
       "malformed protobuf: groups nested deeper than 32 at byte offset 32"},
      {"metadata type as bytes", Bytes({0x1a, 0x02, 0x0a, 0x00}),
       "malformed protobuf: MetricMetadata.type (field 1) has wire type 2, want 0 at byte "
       "offset 2"},
      {"malformed exemplar", Bytes({0x0a, 0x03, 0x1a, 0x01, 0x00}),
       "malformed protobuf: invalid field number 0 at byte offset 4"},
  };
  RemoteWriteDecoder decoder;
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    RecordingVisitor v;
    EXPECT_EQ(decoder.Decode(c.input, v), InvalidArgumentError(c.message));
  }
}

}  // namespace
}  // namespace osprey::ingest
