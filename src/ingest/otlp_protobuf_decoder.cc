// Invariant: each Decode* function reads exactly the bytes [p, end) of one message and appends
// to `out_` only through OtlpMetricsRequest::AppendTo, so every range stays contiguous.
#include "ingest/otlp_protobuf_decoder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/base64.h"
#include "base/strings.h"
#include "ingest/internal/protobuf_wire.h"
#include "ingest/otlp_protobuf_reader.h"

namespace osprey::ingest {
namespace {

using internal::kWireFixed64;
using internal::kWireLengthDelimited;
using internal::kWireVarint;

// How deeply AnyValue arrays and key-value lists may nest.
constexpr int kMaxValueDepth = 32;

using Field = OtlpProtoField;

using ValueText = OtlpValueText;

class ProtobufDecoder : private OtlpFieldReader {
 public:
  ProtobufDecoder(std::string_view body, OtlpMetricsRequest& out)
      : OtlpFieldReader(reinterpret_cast<const uint8_t*>(body.data())), out_(out) {}

  Status DecodeRequest(const uint8_t* p, const uint8_t* end) {
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "ExportMetricsServiceRequest"));
      if (f.number == 1) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "ExportMetricsServiceRequest"));
        out_.resources.emplace_back();
        OSPREY_RETURN_IF_ERROR(
            DecodeResourceMetrics(f.data, f.data_end, out_.resources.size() - 1));
      }
    }
    return OkStatus();
  }

 private:
  Status DecodeResourceMetrics(const uint8_t* p, const uint8_t* end, size_t index) {
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "ResourceMetrics"));
      if (f.number == 1) {  // Resource
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "ResourceMetrics"));
        const uint8_t* q = f.data;
        Field g;
        while (q < f.data_end) {
          OSPREY_RETURN_IF_ERROR(Next(q, f.data_end, g, "Resource"));
          if (g.number == 1) {
            OSPREY_RETURN_IF_ERROR(Want(g, kWireLengthDelimited, "Resource"));
            OSPREY_RETURN_IF_ERROR(
                DecodeKeyValue(g.data, g.data_end, out_.resources[index].attributes));
          }
        }
      } else if (f.number == 2) {  // ScopeMetrics
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "ResourceMetrics"));
        const uint8_t* q = f.data;
        Field g;
        while (q < f.data_end) {
          OSPREY_RETURN_IF_ERROR(Next(q, f.data_end, g, "ScopeMetrics"));
          if (g.number == 2) {
            OSPREY_RETURN_IF_ERROR(Want(g, kWireLengthDelimited, "ScopeMetrics"));
            OtlpMetric m;
            OSPREY_RETURN_IF_ERROR(DecodeMetric(g.data, g.data_end, m));
            OtlpMetricsRequest::AppendTo(out_.metrics, out_.resources[index].metrics, m);
          }
        }
      }
    }
    return OkStatus();
  }

  // Switches `m` to `kind`, dropping the points of another kind (a oneof keeps the last).
  static void SetKind(OtlpMetric& m, OtlpMetricKind kind) {
    if (m.kind == kind) return;
    m.kind = kind;
    m.points = {};
    m.temporality = OtlpTemporality::kUnspecified;
    m.monotonic = false;
  }

  Status DecodeMetric(const uint8_t* p, const uint8_t* end, OtlpMetric& m) {
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "Metric"));
      OtlpMetricKind kind = OtlpMetricKind::kNone;
      switch (f.number) {
        case 1:
        case 2:
        case 3:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "Metric"));
          (f.number == 1 ? m.name : f.number == 2 ? m.description : m.unit) = f.bytes();
          continue;
        case 5:
          kind = OtlpMetricKind::kGauge;
          break;
        case 7:
          kind = OtlpMetricKind::kSum;
          break;
        case 9:
          kind = OtlpMetricKind::kHistogram;
          break;
        case 10:
          kind = OtlpMetricKind::kExponentialHistogram;
          break;
        case 11:
          kind = OtlpMetricKind::kSummary;
          break;
        default:
          continue;
      }
      OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "Metric"));
      SetKind(m, kind);
      OSPREY_RETURN_IF_ERROR(DecodeData(f.data, f.data_end, m));
    }
    return OkStatus();
  }

  // Gauge, Sum, Histogram, ExponentialHistogram or Summary, per m.kind.
  Status DecodeData(const uint8_t* p, const uint8_t* end, OtlpMetric& m) {
    static constexpr std::string_view kNames[] = {
        "", "Gauge", "Sum", "Histogram", "ExponentialHistogram", "Summary"};
    const std::string_view message = kNames[static_cast<int>(m.kind)];
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, message));
      if (f.number == 1) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, message));
        switch (m.kind) {
          case OtlpMetricKind::kGauge:
          case OtlpMetricKind::kSum: {
            OtlpNumberPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeNumberPoint(f.data, f.data_end, pt));
            OtlpMetricsRequest::AppendTo(out_.number_points, m.points, pt);
            break;
          }
          case OtlpMetricKind::kHistogram: {
            OtlpHistogramPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeHistogramPoint(f.data, f.data_end, pt));
            OtlpMetricsRequest::AppendTo(out_.histogram_points, m.points, pt);
            break;
          }
          case OtlpMetricKind::kExponentialHistogram: {
            OtlpExponentialHistogramPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeExponentialPoint(f.data, f.data_end, pt));
            OtlpMetricsRequest::AppendTo(out_.exponential_points, m.points, pt);
            break;
          }
          case OtlpMetricKind::kSummary: {
            OtlpSummaryPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeSummaryPoint(f.data, f.data_end, pt));
            OtlpMetricsRequest::AppendTo(out_.summary_points, m.points, pt);
            break;
          }
          case OtlpMetricKind::kNone:
            break;
        }
      } else if (f.number == 2 && m.kind != OtlpMetricKind::kGauge &&
                 m.kind != OtlpMetricKind::kSummary) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, message));
        // Unknown enum values are kept as unspecified, which translation rejects.
        m.temporality = f.scalar == 1   ? OtlpTemporality::kDelta
                        : f.scalar == 2 ? OtlpTemporality::kCumulative
                                        : OtlpTemporality::kUnspecified;
      } else if (f.number == 3 && m.kind == OtlpMetricKind::kSum) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, message));
        m.monotonic = f.scalar != 0;
      }
    }
    return OkStatus();
  }

  Status DecodeNumberPoint(const uint8_t* p, const uint8_t* end, OtlpNumberPoint& pt) {
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "NumberDataPoint"));
      switch (f.number) {
        case 7:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "NumberDataPoint"));
          OSPREY_RETURN_IF_ERROR(DecodeKeyValue(f.data, f.data_end, pt.attributes));
          break;
        case 3:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, "NumberDataPoint"));
          pt.time_unix_nano = f.scalar;
          break;
        case 4:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, "NumberDataPoint"));
          pt.value = f.as_double();
          break;
        case 6:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, "NumberDataPoint"));
          pt.value = static_cast<double>(static_cast<int64_t>(f.scalar));
          break;
        case 8:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, "NumberDataPoint"));
          pt.flags = static_cast<uint32_t>(f.scalar);
          break;
        default:
          break;
      }
    }
    return OkStatus();
  }

  Status DecodeHistogramPoint(const uint8_t* p, const uint8_t* end, OtlpHistogramPoint& pt) {
    constexpr std::string_view kMsg = "HistogramDataPoint";
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, kMsg));
      switch (f.number) {
        case 9:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, kMsg));
          OSPREY_RETURN_IF_ERROR(DecodeKeyValue(f.data, f.data_end, pt.attributes));
          break;
        case 3:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.time_unix_nano = f.scalar;
          break;
        case 4:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.count = f.scalar;
          break;
        case 5:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.sum = f.as_double();
          pt.has_sum = true;
          break;
        case 6:
          OSPREY_RETURN_IF_ERROR(ForEachScalar(f, kWireFixed64, kMsg, [&](uint64_t v) {
            OtlpMetricsRequest::AppendTo(out_.counts, pt.bucket_counts, v);
          }));
          break;
        case 7:
          OSPREY_RETURN_IF_ERROR(ForEachScalar(f, kWireFixed64, kMsg, [&](uint64_t v) {
            OtlpMetricsRequest::AppendTo(out_.bounds, pt.explicit_bounds, std::bit_cast<double>(v));
          }));
          break;
        case 10:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, kMsg));
          pt.flags = static_cast<uint32_t>(f.scalar);
          break;
        default:
          break;
      }
    }
    return OkStatus();
  }

  static int32_t ZigZag32(uint64_t v) {
    const auto u = static_cast<uint32_t>(v);
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  Status DecodeBuckets(const uint8_t* p, const uint8_t* end, OtlpExponentialBuckets& b) {
    constexpr std::string_view kMsg = "ExponentialHistogramDataPoint.Buckets";
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, kMsg));
      if (f.number == 1) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, kMsg));
        b.offset = ZigZag32(f.scalar);
      } else if (f.number == 2) {
        OSPREY_RETURN_IF_ERROR(ForEachScalar(f, kWireVarint, kMsg, [&](uint64_t v) {
          OtlpMetricsRequest::AppendTo(out_.counts, b.bucket_counts, v);
        }));
      }
    }
    return OkStatus();
  }

  Status DecodeExponentialPoint(const uint8_t* p, const uint8_t* end,
                                OtlpExponentialHistogramPoint& pt) {
    constexpr std::string_view kMsg = "ExponentialHistogramDataPoint";
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, kMsg));
      switch (f.number) {
        case 1:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, kMsg));
          OSPREY_RETURN_IF_ERROR(DecodeKeyValue(f.data, f.data_end, pt.attributes));
          break;
        case 3:
        case 4:
        case 5:
        case 7:
        case 14:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          if (f.number == 3) pt.time_unix_nano = f.scalar;
          if (f.number == 4) pt.count = f.scalar;
          if (f.number == 5) {
            pt.sum = f.as_double();
            pt.has_sum = true;
          }
          if (f.number == 7) pt.zero_count = f.scalar;
          if (f.number == 14) pt.zero_threshold = f.as_double();
          break;
        case 6:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, kMsg));
          pt.scale = ZigZag32(f.scalar);
          break;
        case 8:
        case 9:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, kMsg));
          OSPREY_RETURN_IF_ERROR(
              DecodeBuckets(f.data, f.data_end, f.number == 8 ? pt.positive : pt.negative));
          break;
        case 10:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, kMsg));
          pt.flags = static_cast<uint32_t>(f.scalar);
          break;
        default:
          break;
      }
    }
    return OkStatus();
  }

  Status DecodeSummaryPoint(const uint8_t* p, const uint8_t* end, OtlpSummaryPoint& pt) {
    constexpr std::string_view kMsg = "SummaryDataPoint";
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, kMsg));
      switch (f.number) {
        case 7:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, kMsg));
          OSPREY_RETURN_IF_ERROR(DecodeKeyValue(f.data, f.data_end, pt.attributes));
          break;
        case 3:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.time_unix_nano = f.scalar;
          break;
        case 4:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.count = f.scalar;
          break;
        case 5:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, kMsg));
          pt.sum = f.as_double();
          break;
        case 6: {
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, kMsg));
          OtlpQuantile q;
          const uint8_t* r = f.data;
          Field g;
          while (r < f.data_end) {
            OSPREY_RETURN_IF_ERROR(Next(r, f.data_end, g, "SummaryDataPoint.ValueAtQuantile"));
            if (g.number == 1 || g.number == 2) {
              OSPREY_RETURN_IF_ERROR(Want(g, kWireFixed64, "SummaryDataPoint.ValueAtQuantile"));
              (g.number == 1 ? q.quantile : q.value) = g.as_double();
            }
          }
          OtlpMetricsRequest::AppendTo(out_.quantiles, pt.quantiles, q);
          break;
        }
        case 8:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, kMsg));
          pt.flags = static_cast<uint32_t>(f.scalar);
          break;
        default:
          break;
      }
    }
    return OkStatus();
  }

  // A KeyValue, appended to `range` of out_.attributes.
  Status DecodeKeyValue(const uint8_t* p, const uint8_t* end, OtlpRange& range) {
    OtlpAttribute a;
    ValueText v;
    OSPREY_RETURN_IF_ERROR(DecodeKeyValueText(p, end, a.key, v, 0));
    if (v.kind == ValueText::Kind::kString) {
      a.value = v.view;
    } else if (!v.text.empty()) {
      a.value = out_.Own(std::move(v.text));
    }
    OtlpMetricsRequest::AppendTo(out_.attributes, range, a);
    return OkStatus();
  }

  Status DecodeKeyValueText(const uint8_t* p, const uint8_t* end, std::string_view& key,
                            ValueText& value, int depth) {
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "KeyValue"));
      if (f.number == 1) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "KeyValue"));
        key = f.bytes();
      } else if (f.number == 2) {
        OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "KeyValue"));
        OSPREY_RETURN_IF_ERROR(DecodeAnyValue(f.data, f.data_end, value, depth));
      }
    }
    return OkStatus();
  }

  Status DecodeAnyValue(const uint8_t* p, const uint8_t* end, ValueText& v, int depth) {
    if (depth >= kMaxValueDepth) return Fail(p, "AnyValue", "values nested too deeply");
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "AnyValue"));
      switch (f.number) {
        case 1:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "AnyValue"));
          v.kind = ValueText::Kind::kString;
          v.view = f.bytes();
          break;
        case 2:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, "AnyValue"));
          v.kind = ValueText::Kind::kOther;
          v.text = f.scalar != 0 ? "true" : "false";
          break;
        case 3:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireVarint, "AnyValue"));
          v.kind = ValueText::Kind::kOther;
          v.text = std::to_string(static_cast<int64_t>(f.scalar));
          break;
        case 4:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireFixed64, "AnyValue"));
          v.kind = ValueText::Kind::kOther;
          v.text = OtlpDoubleAsString(f.as_double());
          break;
        case 5:
        case 6:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "AnyValue"));
          v.kind = ValueText::Kind::kOther;
          v.text.clear();
          OSPREY_RETURN_IF_ERROR(f.number == 5 ? RenderArray(f.data, f.data_end, v.text, depth)
                                               : RenderKvList(f.data, f.data_end, v.text, depth));
          break;
        case 7:
          OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "AnyValue"));
          v.kind = ValueText::Kind::kBytes;
          v.text = Base64Encode(f.bytes());
          break;
        default:
          break;
      }
    }
    return OkStatus();
  }

  // ArrayValue as a JSON array.
  Status RenderArray(const uint8_t* p, const uint8_t* end, std::string& out, int depth) {
    out += '[';
    bool first = true;
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "ArrayValue"));
      if (f.number != 1) continue;
      OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "ArrayValue"));
      ValueText v;
      OSPREY_RETURN_IF_ERROR(DecodeAnyValue(f.data, f.data_end, v, depth + 1));
      if (!first) out += ',';
      first = false;
      AppendOtlpValueJson(out, v);
    }
    out += ']';
    return OkStatus();
  }

  // KeyValueList as a JSON object with sorted keys (Go's encoding/json sorts map keys; a
  // repeated key keeps its last value, as a map would).
  Status RenderKvList(const uint8_t* p, const uint8_t* end, std::string& out, int depth) {
    std::vector<std::pair<std::string_view, std::string>> entries;
    Field f;
    while (p < end) {
      OSPREY_RETURN_IF_ERROR(Next(p, end, f, "KeyValueList"));
      if (f.number != 1) continue;
      OSPREY_RETURN_IF_ERROR(Want(f, kWireLengthDelimited, "KeyValueList"));
      std::string_view key;
      ValueText v;
      OSPREY_RETURN_IF_ERROR(DecodeKeyValueText(f.data, f.data_end, key, v, depth + 1));
      std::string fragment;
      AppendOtlpValueJson(fragment, v);
      entries.emplace_back(key, std::move(fragment));
    }
    AppendOtlpKvListJson(out, entries);
    return OkStatus();
  }

  OtlpMetricsRequest& out_;
};

}  // namespace

Status DecodeOtlpProtobuf(std::string_view body, OtlpMetricsRequest& out) {
  out.Clear();
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  ProtobufDecoder decoder(body, out);
  return decoder.DecodeRequest(p, p + body.size());
}

}  // namespace osprey::ingest
