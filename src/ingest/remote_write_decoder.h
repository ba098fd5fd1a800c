// A zero-copy streaming decoder of Prometheus remote_write 1.0 `WriteRequest` protobuf
// messages (already snappy-decompressed), written by hand because it is on the ingestion hot
// path. The schema it reads (prompb/remote.proto and prompb/types.proto):
//
//   message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2;
//                          repeated MetricMetadata metadata = 3; }
//   message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2;
//                        repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
//   message Label { string name = 1; string value = 2; }
//   message Sample { double value = 1; int64 timestamp = 2; }
//   message MetricMetadata { MetricType type = 1; string metric_family_name = 4;
//                            string help = 5; string unit = 6; }
//
// Unknown fields are skipped by wire type (including groups, nested at most 32 deep).
// Exemplars and histograms are checked for wire-format validity and counted, not decoded.
// Malformed varints, truncated fields, known fields with the wrong wire type, field number 0,
// wire types 6 and 7 and unbalanced groups fail with kInvalidArgument naming the byte offset:
//   "malformed protobuf: truncated varint at byte offset 17"
//
//   RemoteWriteDecoder decoder;                 // reuse across requests: no allocation once warm
//   Status s = decoder.Decode(body, visitor);   // visitor.OnTimeSeries(...) per series
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/sample.h"

namespace osprey::ingest {

// One label as it appears on the wire (no validation, no unescaping).
struct LabelView {
  std::string_view name;
  std::string_view value;
};

// One decoded TimeSeries. Every view points into the request buffer or into the decoder's
// scratch space and is valid only during the OnTimeSeries call that receives it.
struct TimeSeriesView {
  // In wire order; not validated (the ingester checks names, order and UTF-8).
  std::span<const LabelView> labels;
  // In wire order.
  std::span<const model::Sample> samples;
  // The label fields' bytes as a cache key: equal keys mean equal label lists. Usually the
  // labels' own span of the request; a canonical re-encoding when the sender interleaved
  // labels with other fields.
  std::string_view label_key;
  int64_t exemplar_count = 0;
  int64_t histogram_count = 0;
};

// MetricMetadata.type values.
enum class MetadataType : int32_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateset = 7,
};

// Views valid only during the OnMetadata call. `type` is the raw enum value (not checked).
struct MetadataView {
  int32_t type = 0;
  std::string_view metric_family_name;
  std::string_view help;
  std::string_view unit;
};

// Receives the decoded parts of a request in wire order. A non-OK status stops decoding and
// is returned by Decode unchanged.
class WriteRequestVisitor {
 public:
  virtual ~WriteRequestVisitor() = default;
  virtual Status OnTimeSeries(const TimeSeriesView& series) = 0;
  virtual Status OnMetadata(const MetadataView& /*metadata*/) { return OkStatus(); }
};

// Thread-compatible: use one decoder per thread (or per request). Its scratch vectors grow to
// the largest series seen and are reused, so steady-state decoding does not allocate.
// Cost: linear in the input, no copies of label bytes.
class RemoteWriteDecoder {
 public:
  RemoteWriteDecoder() = default;
  RemoteWriteDecoder(const RemoteWriteDecoder&) = delete;
  RemoteWriteDecoder& operator=(const RemoteWriteDecoder&) = delete;

  // Decodes `buf` (a serialized WriteRequest), calling `visitor` for each series and metadata
  // entry. On a malformed input returns kInvalidArgument; the visitor may already have seen
  // the series before the error, so callers that must be all-or-nothing roll back.
  Status Decode(std::string_view buf, WriteRequestVisitor& visitor);

 private:
  class Impl;

  std::vector<LabelView> labels_;
  std::vector<model::Sample> samples_;
  std::string key_scratch_;
};

}  // namespace osprey::ingest
