#include "ingest/otlp_encoder.h"

#include <bit>

#include "ingest/internal/protobuf_wire.h"

namespace osprey::ingest {
namespace {

using internal::AppendBytesField;
using internal::AppendFixed64;
using internal::AppendTag;
using internal::AppendVarint;
using internal::kWireFixed64;
using internal::kWireVarint;

void Fixed64Field(std::string& out, uint32_t field, uint64_t v) {
  AppendTag(out, field, kWireFixed64);
  AppendFixed64(out, v);
}

void DoubleField(std::string& out, uint32_t field, double v) {
  Fixed64Field(out, field, std::bit_cast<uint64_t>(v));
}

void VarintField(std::string& out, uint32_t field, uint64_t v) {
  AppendTag(out, field, kWireVarint);
  AppendVarint(out, v);
}

uint64_t ZigZag(int32_t v) {
  return static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

class Encoder {
 public:
  explicit Encoder(const OtlpMetricsRequest& r) : r_(r) {}

  std::string Request() {
    std::string out;
    for (const OtlpResourceMetrics& rm : r_.resources) {
      std::string resource;
      Attributes(resource, 1, rm.attributes);
      std::string scope;
      for (const OtlpMetric& m : OtlpMetricsRequest::Slice(r_.metrics, rm.metrics)) {
        AppendBytesField(scope, 2, Metric(m));
      }
      std::string body;
      AppendBytesField(body, 1, resource);
      AppendBytesField(body, 2, scope);
      AppendBytesField(out, 1, body);
    }
    return out;
  }

 private:
  void Attributes(std::string& out, uint32_t field, OtlpRange range) {
    for (const OtlpAttribute& a : OtlpMetricsRequest::Slice(r_.attributes, range)) {
      std::string any;
      AppendBytesField(any, 1, a.value);
      std::string kv;
      AppendBytesField(kv, 1, a.key);
      AppendBytesField(kv, 2, any);
      AppendBytesField(out, field, kv);
    }
  }

  std::string Metric(const OtlpMetric& m) {
    std::string out;
    AppendBytesField(out, 1, m.name);
    if (!m.description.empty()) AppendBytesField(out, 2, m.description);
    if (!m.unit.empty()) AppendBytesField(out, 3, m.unit);
    std::string data;
    uint32_t field = 0;
    switch (m.kind) {
      case OtlpMetricKind::kGauge:
      case OtlpMetricKind::kSum:
        field = m.kind == OtlpMetricKind::kGauge ? 5 : 7;
        for (const auto& p : OtlpMetricsRequest::Slice(r_.number_points, m.points)) {
          std::string pt;
          Attributes(pt, 7, p.attributes);
          Fixed64Field(pt, 3, p.time_unix_nano);
          DoubleField(pt, 4, p.value);
          if (p.flags != 0) VarintField(pt, 8, p.flags);
          AppendBytesField(data, 1, pt);
        }
        break;
      case OtlpMetricKind::kHistogram:
        field = 9;
        for (const auto& p : OtlpMetricsRequest::Slice(r_.histogram_points, m.points)) {
          std::string pt;
          Attributes(pt, 9, p.attributes);
          Fixed64Field(pt, 3, p.time_unix_nano);
          Fixed64Field(pt, 4, p.count);
          if (p.has_sum) DoubleField(pt, 5, p.sum);
          std::string packed;
          for (uint64_t c : OtlpMetricsRequest::Slice(r_.counts, p.bucket_counts)) {
            AppendFixed64(packed, c);
          }
          if (!packed.empty()) AppendBytesField(pt, 6, packed);
          // Bounds unpacked, so both encodings of repeated fields are exercised.
          for (double b : OtlpMetricsRequest::Slice(r_.bounds, p.explicit_bounds)) {
            DoubleField(pt, 7, b);
          }
          if (p.flags != 0) VarintField(pt, 10, p.flags);
          AppendBytesField(data, 1, pt);
        }
        break;
      case OtlpMetricKind::kExponentialHistogram:
        field = 10;
        for (const auto& p : OtlpMetricsRequest::Slice(r_.exponential_points, m.points)) {
          std::string pt;
          Attributes(pt, 1, p.attributes);
          Fixed64Field(pt, 3, p.time_unix_nano);
          Fixed64Field(pt, 4, p.count);
          if (p.has_sum) DoubleField(pt, 5, p.sum);
          VarintField(pt, 6, ZigZag(p.scale));
          Fixed64Field(pt, 7, p.zero_count);
          for (int side = 0; side < 2; ++side) {
            const OtlpExponentialBuckets& b = side == 0 ? p.positive : p.negative;
            std::string buckets;
            VarintField(buckets, 1, ZigZag(b.offset));
            std::string packed;
            for (uint64_t c : OtlpMetricsRequest::Slice(r_.counts, b.bucket_counts)) {
              AppendVarint(packed, c);
            }
            AppendBytesField(buckets, 2, packed);
            AppendBytesField(pt, side == 0 ? 8 : 9, buckets);
          }
          if (p.flags != 0) VarintField(pt, 10, p.flags);
          DoubleField(pt, 14, p.zero_threshold);
          AppendBytesField(data, 1, pt);
        }
        break;
      case OtlpMetricKind::kSummary:
        field = 11;
        for (const auto& p : OtlpMetricsRequest::Slice(r_.summary_points, m.points)) {
          std::string pt;
          Attributes(pt, 7, p.attributes);
          Fixed64Field(pt, 3, p.time_unix_nano);
          Fixed64Field(pt, 4, p.count);
          DoubleField(pt, 5, p.sum);
          for (const OtlpQuantile& q : OtlpMetricsRequest::Slice(r_.quantiles, p.quantiles)) {
            std::string vq;
            DoubleField(vq, 1, q.quantile);
            DoubleField(vq, 2, q.value);
            AppendBytesField(pt, 6, vq);
          }
          if (p.flags != 0) VarintField(pt, 8, p.flags);
          AppendBytesField(data, 1, pt);
        }
        break;
      case OtlpMetricKind::kNone:
        return out;
    }
    if (m.kind != OtlpMetricKind::kGauge && m.kind != OtlpMetricKind::kSummary) {
      VarintField(data, 2, static_cast<uint64_t>(m.temporality));
    }
    if (m.kind == OtlpMetricKind::kSum) VarintField(data, 3, m.monotonic ? 1 : 0);
    AppendBytesField(out, field, data);
    return out;
  }

  const OtlpMetricsRequest& r_;
};

}  // namespace

std::string EncodeOtlpProtobuf(const OtlpMetricsRequest& request) {
  return Encoder(request).Request();
}

}  // namespace osprey::ingest
