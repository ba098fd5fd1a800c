// A decoded OTLP ExportMetricsServiceRequest (opentelemetry-proto collector/metrics/v1), as
// flat arrays of views. Both decoders (otlp_protobuf_decoder.h, otlp_json_decoder.h) fill it and
// the ingester (otlp_ingester.h) translates it, so translation does not care about the encoding.
//
// Layout: every repeated thing lives in one vector per type for the whole request, and a parent
// names its children by an OtlpRange (begin, size) into that vector. Clear() keeps the capacity,
// so a reused request decodes without allocating once warm. Scopes are flattened into their
// resource (scope metadata is not translated, as Prometheus's default).
//
// Strings are views: into the request body (protobuf), into the JSON parser's buffers (JSON),
// or into strings the request owns (attribute values that are not strings, rendered as text the
// way the OpenTelemetry Collector's pcommon.Value.AsString does). They live until the next
// Clear() or decode into this request, and as long as the decoded body / decoder.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey::ingest {

enum class OtlpMetricKind : uint8_t {
  kNone,  // no data field set
  kGauge,
  kSum,
  kHistogram,
  kExponentialHistogram,
  kSummary,
};

// AggregationTemporality, numbered as in the proto.
enum class OtlpTemporality : uint8_t { kUnspecified = 0, kDelta = 1, kCumulative = 2 };

// DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks the end of a series (a staleness
// marker in Prometheus terms).
inline constexpr uint32_t kOtlpFlagNoRecordedValue = 1;

// [begin, begin + size) of one of OtlpMetricsRequest's vectors.
struct OtlpRange {
  uint32_t begin = 0;
  uint32_t size = 0;
};

// A KeyValue with its value as text (see the file comment).
struct OtlpAttribute {
  std::string_view key;
  std::string_view value;
};

struct OtlpNumberPoint {
  OtlpRange attributes;
  uint64_t time_unix_nano = 0;
  double value = 0;  // as_double, or as_int converted
  uint32_t flags = 0;
};

struct OtlpHistogramPoint {
  OtlpRange attributes;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  double sum = 0;
  bool has_sum = false;
  OtlpRange bucket_counts;    // into OtlpMetricsRequest::counts
  OtlpRange explicit_bounds;  // into OtlpMetricsRequest::bounds
  uint32_t flags = 0;
};

struct OtlpExponentialBuckets {
  int32_t offset = 0;
  OtlpRange bucket_counts;  // into OtlpMetricsRequest::counts
};

struct OtlpExponentialHistogramPoint {
  OtlpRange attributes;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  double sum = 0;
  bool has_sum = false;
  int32_t scale = 0;
  uint64_t zero_count = 0;
  double zero_threshold = 0;
  OtlpExponentialBuckets positive;
  OtlpExponentialBuckets negative;
  uint32_t flags = 0;
};

struct OtlpQuantile {
  double quantile = 0;
  double value = 0;
};

struct OtlpSummaryPoint {
  OtlpRange attributes;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  double sum = 0;
  OtlpRange quantiles;  // into OtlpMetricsRequest::quantiles
  uint32_t flags = 0;
};

struct OtlpMetric {
  std::string_view name;
  std::string_view description;
  std::string_view unit;
  OtlpMetricKind kind = OtlpMetricKind::kNone;
  OtlpTemporality temporality = OtlpTemporality::kUnspecified;  // sums and histograms
  bool monotonic = false;                                       // sums
  // Into the point vector of `kind`.
  OtlpRange points;
};

struct OtlpResourceMetrics {
  OtlpRange attributes;
  OtlpRange metrics;
};

// Thread-compatible value type.
class OtlpMetricsRequest {
 public:
  OtlpMetricsRequest() = default;
  OtlpMetricsRequest(const OtlpMetricsRequest&) = delete;
  OtlpMetricsRequest& operator=(const OtlpMetricsRequest&) = delete;

  // Empties every vector (keeping capacity) and frees owned strings.
  void Clear();

  // Stores `s` for the life of the request and returns a view of it.
  std::string_view Own(std::string s);

  template <typename T>
  static std::span<const T> Slice(const std::vector<T>& v, OtlpRange r) {
    return std::span<const T>(v.data() + r.begin, r.size);
  }

  // Appends `x` to `v` as the last element of range `r`. When `r` is not at the end of `v` (a
  // repeated field split by other data on the wire) its elements are first moved to the end,
  // so ranges stay contiguous whatever the field order. Cost: amortised O(1) in the usual
  // in-order case.
  template <typename T>
  static void AppendTo(std::vector<T>& v, OtlpRange& r, const T& x) {
    if (r.size == 0) {
      r.begin = static_cast<uint32_t>(v.size());
    } else if (size_t{r.begin} + r.size != v.size()) {
      const uint32_t old_begin = r.begin;
      r.begin = static_cast<uint32_t>(v.size());
      v.reserve(v.size() + r.size + 1);
      for (uint32_t i = 0; i < r.size; ++i) v.push_back(v[old_begin + i]);
    }
    v.push_back(x);
    ++r.size;
  }

  std::vector<OtlpResourceMetrics> resources;
  std::vector<OtlpMetric> metrics;
  std::vector<OtlpAttribute> attributes;
  std::vector<OtlpNumberPoint> number_points;
  std::vector<OtlpHistogramPoint> histogram_points;
  std::vector<OtlpExponentialHistogramPoint> exponential_points;
  std::vector<OtlpSummaryPoint> summary_points;
  std::vector<uint64_t> counts;
  std::vector<double> bounds;
  std::vector<OtlpQuantile> quantiles;

  // Total data points, over all kinds.
  size_t PointCount() const {
    return number_points.size() + histogram_points.size() + exponential_points.size() +
           summary_points.size();
  }

 private:
  // A deque: growing it never moves the strings already handed out as views.
  std::deque<std::string> owned_;
};

// An AnyValue rendered as text while decoding. `text`/`view` hold the pcommon.Value.AsString
// form; `kind` says how to embed it in the JSON of an enclosing array or key-value list.
struct OtlpValueText {
  enum class Kind { kEmpty, kString, kBytes, kOther } kind = Kind::kEmpty;
  std::string_view view;  // kString: a view of the decoded string
  std::string text;       // the other kinds: the rendered text (base64 for kBytes)
};

// Appends `v` as a JSON value: null, a string, or the number/bool/array/object text.
void AppendOtlpValueJson(std::string& out, const OtlpValueText& v);

// Appends a KeyValueList as a JSON object: keys sorted, the last of duplicate keys kept, as Go's
// encoding/json writes a map. `entries` holds (key, JSON value) pairs and is sorted in place.
void AppendOtlpKvListJson(std::string& out,
                          std::vector<std::pair<std::string_view, std::string>>& entries);

// Text forms of attribute values, as pcommon.Value.AsString: doubles as ES6 numbers
// (JSON's float format: shortest round trip, exponent form below 1e-6 and from 1e21), bytes as
// standard base64 (base/base64.h).
std::string OtlpDoubleAsString(double v);

}  // namespace osprey::ingest
