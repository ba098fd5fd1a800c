// Walks simdjson's DOM of the body. Each Decode* function returns a Status whose message is
// local to its value; callers prefix their field name or index (Status::Annotate), so an error
// carries the path of the value at no cost on the success path.
#include "ingest/otlp_json_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace osprey::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr int kMaxValueDepth = 32;

// True when `key` is the field's lowerCamelCase JSON name or its original proto name.
bool Is(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}

std::string Describe(const element& e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::STRING: {
      std::string s;
      AppendGoQuoted(s, e.get_string().value_unsafe().substr(0, 64), GoQuoteEscapes::kReadable);
      return s;
    }
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

Status WantError(std::string_view want, const element& e) {
  std::string s = "want ";
  s += want;
  s += ", got ";
  s += Describe(e);
  return InvalidArgumentError(std::move(s));
}

template <typename T>
bool ParseDecimal(std::string_view s, T* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(first, last, *out);
  return ec == std::errc() && ptr == last;
}

Status GetU64(const element& e, uint64_t* out) {
  switch (e.type()) {
    case element_type::UINT64:
      *out = e.get_uint64().value_unsafe();
      return OkStatus();
    case element_type::INT64: {
      const int64_t v = e.get_int64().value_unsafe();
      if (v >= 0) {
        *out = static_cast<uint64_t>(v);
        return OkStatus();
      }
      break;
    }
    case element_type::DOUBLE: {
      const double d = e.get_double().value_unsafe();
      if (d >= 0 && d < 18446744073709551616.0 && std::floor(d) == d) {
        *out = static_cast<uint64_t>(d);
        return OkStatus();
      }
      break;
    }
    case element_type::STRING:
      if (ParseDecimal(e.get_string().value_unsafe(), out)) return OkStatus();
      break;
    default:
      break;
  }
  return WantError("an unsigned integer", e);
}

Status GetI64(const element& e, int64_t* out) {
  switch (e.type()) {
    case element_type::INT64:
      *out = e.get_int64().value_unsafe();
      return OkStatus();
    case element_type::UINT64:
      break;  // above INT64_MAX
    case element_type::DOUBLE: {
      const double d = e.get_double().value_unsafe();
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::floor(d) == d) {
        *out = static_cast<int64_t>(d);
        return OkStatus();
      }
      break;
    }
    case element_type::STRING:
      if (ParseDecimal(e.get_string().value_unsafe(), out)) return OkStatus();
      break;
    default:
      break;
  }
  return WantError("an integer", e);
}

Status GetI32(const element& e, int32_t* out) {
  int64_t v = 0;
  if (!GetI64(e, &v).ok() || v < std::numeric_limits<int32_t>::min() ||
      v > std::numeric_limits<int32_t>::max()) {
    return WantError("a 32-bit integer", e);
  }
  *out = static_cast<int32_t>(v);
  return OkStatus();
}

Status GetU32(const element& e, uint32_t* out) {
  uint64_t v = 0;
  if (!GetU64(e, &v).ok() || v > std::numeric_limits<uint32_t>::max()) {
    return WantError("a 32-bit unsigned integer", e);
  }
  *out = static_cast<uint32_t>(v);
  return OkStatus();
}

Status GetDouble(const element& e, double* out) {
  switch (e.type()) {
    case element_type::DOUBLE:
    case element_type::INT64:
    case element_type::UINT64:
      *out = e.get_double().value_unsafe();
      return OkStatus();
    case element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      if (s == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return OkStatus();
      }
      if (s == "Infinity" || s == "-Infinity") {
        *out = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
        return OkStatus();
      }
      if (ParseDecimal(s, out)) return OkStatus();
      break;
    }
    default:
      break;
  }
  return WantError("a number", e);
}

Status GetBool(const element& e, bool* out) {
  if (e.type() != element_type::BOOL) return WantError("a boolean", e);
  *out = e.get_bool().value_unsafe();
  return OkStatus();
}

Status GetString(const element& e, std::string_view* out) {
  if (e.type() != element_type::STRING) return WantError("a string", e);
  *out = e.get_string().value_unsafe();
  return OkStatus();
}

Status GetObject(const element& e, object* out) {
  if (e.type() != element_type::OBJECT) return WantError("an object", e);
  *out = e.get_object().value_unsafe();
  return OkStatus();
}

Status GetArray(const element& e, array* out) {
  if (e.type() != element_type::ARRAY) return WantError("an array", e);
  *out = e.get_array().value_unsafe();
  return OkStatus();
}

// Prefixes an error with the key of its member: "key: message", or "key[3]: message" when the
// message starts with an array index.
Status AnnotateKey(const Status& s, std::string_view key) {
  if (s.message().empty() || s.message()[0] != '[') return s.Annotate(key);
  std::string m(key);
  m += s.message();
  return Status(s.code(), std::move(m));
}

// Calls fn(element) for each element of the array `e` (null: none), prefixing errors with
// "[i]".
template <typename Fn>
Status ForEach(const element& e, Fn fn) {
  if (e.is_null()) return OkStatus();
  array a;
  OSPREY_RETURN_IF_ERROR(GetArray(e, &a));
  size_t i = 0;
  for (element x : a) {
    if (Status s = fn(x); !s.ok()) {
      std::string index = "[";
      index += std::to_string(i);
      index += ']';
      return s.Annotate(index);
    }
    ++i;
  }
  return OkStatus();
}

// Calls fn(key, value) for each member of the object `e`; null members are skipped.
template <typename Fn>
Status ForEachMember(const element& e, Fn fn) {
  object o;
  OSPREY_RETURN_IF_ERROR(GetObject(e, &o));
  for (simdjson::dom::key_value_pair kv : o) {
    if (kv.value.is_null()) continue;
    if (Status s = fn(kv.key, kv.value); !s.ok()) return AnnotateKey(s, kv.key);
  }
  return OkStatus();
}

OtlpTemporality TemporalityFromInt(int64_t v) {
  return v == 1   ? OtlpTemporality::kDelta
         : v == 2 ? OtlpTemporality::kCumulative
                  : OtlpTemporality::kUnspecified;
}

Status GetTemporality(const element& e, OtlpTemporality* out) {
  if (e.type() == element_type::STRING) {
    const std::string_view s = e.get_string().value_unsafe();
    if (s == "AGGREGATION_TEMPORALITY_DELTA") {
      *out = OtlpTemporality::kDelta;
    } else if (s == "AGGREGATION_TEMPORALITY_CUMULATIVE") {
      *out = OtlpTemporality::kCumulative;
    } else if (s == "AGGREGATION_TEMPORALITY_UNSPECIFIED") {
      *out = OtlpTemporality::kUnspecified;
    } else {
      return WantError("an AggregationTemporality", e);
    }
    return OkStatus();
  }
  int64_t v = 0;
  if (!GetI64(e, &v).ok()) return WantError("an AggregationTemporality", e);
  *out = TemporalityFromInt(v);
  return OkStatus();
}

class JsonDecoder {
 public:
  explicit JsonDecoder(OtlpMetricsRequest& out) : out_(out) {}

  Status DecodeRequest(const element& root) {
    return ForEachMember(root, [&](std::string_view key, const element& v) {
      if (!Is(key, "resourceMetrics", "resource_metrics")) return OkStatus();
      return ForEach(v, [&](const element& rm) {
        out_.resources.emplace_back();
        return DecodeResourceMetrics(rm, out_.resources.size() - 1);
      });
    });
  }

 private:
  Status DecodeResourceMetrics(const element& e, size_t index) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "resource") {
        return ForEachMember(v, [&](std::string_view k, const element& attrs) {
          if (k != "attributes") return OkStatus();
          return ForEach(attrs, [&](const element& kv) {
            return DecodeKeyValue(kv, out_.resources[index].attributes);
          });
        });
      }
      if (Is(key, "scopeMetrics", "scope_metrics")) {
        return ForEach(v, [&](const element& sm) {
          return ForEachMember(sm, [&](std::string_view k, const element& metrics) {
            if (k != "metrics") return OkStatus();
            return ForEach(metrics, [&](const element& me) {
              OtlpMetric m;
              OSPREY_RETURN_IF_ERROR(DecodeMetric(me, m));
              OtlpMetricsRequest::AppendTo(out_.metrics, out_.resources[index].metrics, m);
              return OkStatus();
            });
          });
        });
      }
      return OkStatus();
    });
  }

  Status DecodeMetric(const element& e, OtlpMetric& m) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "name") return GetString(v, &m.name);
      if (key == "description") return GetString(v, &m.description);
      if (key == "unit") return GetString(v, &m.unit);
      OtlpMetricKind kind;
      if (key == "gauge") {
        kind = OtlpMetricKind::kGauge;
      } else if (key == "sum") {
        kind = OtlpMetricKind::kSum;
      } else if (key == "histogram") {
        kind = OtlpMetricKind::kHistogram;
      } else if (Is(key, "exponentialHistogram", "exponential_histogram")) {
        kind = OtlpMetricKind::kExponentialHistogram;
      } else if (key == "summary") {
        kind = OtlpMetricKind::kSummary;
      } else {
        return OkStatus();
      }
      m.kind = kind;
      m.points = {};
      return DecodeData(v, m);
    });
  }

  Status DecodeData(const element& e, OtlpMetric& m) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (Is(key, "aggregationTemporality", "aggregation_temporality")) {
        return GetTemporality(v, &m.temporality);
      }
      if (Is(key, "isMonotonic", "is_monotonic")) return GetBool(v, &m.monotonic);
      if (!Is(key, "dataPoints", "data_points")) return OkStatus();
      return ForEach(v, [&](const element& pe) -> Status {
        switch (m.kind) {
          case OtlpMetricKind::kGauge:
          case OtlpMetricKind::kSum: {
            OtlpNumberPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeNumberPoint(pe, pt));
            OtlpMetricsRequest::AppendTo(out_.number_points, m.points, pt);
            return OkStatus();
          }
          case OtlpMetricKind::kHistogram: {
            OtlpHistogramPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeHistogramPoint(pe, pt));
            OtlpMetricsRequest::AppendTo(out_.histogram_points, m.points, pt);
            return OkStatus();
          }
          case OtlpMetricKind::kExponentialHistogram: {
            OtlpExponentialHistogramPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeExponentialPoint(pe, pt));
            OtlpMetricsRequest::AppendTo(out_.exponential_points, m.points, pt);
            return OkStatus();
          }
          case OtlpMetricKind::kSummary: {
            OtlpSummaryPoint pt;
            OSPREY_RETURN_IF_ERROR(DecodeSummaryPoint(pe, pt));
            OtlpMetricsRequest::AppendTo(out_.summary_points, m.points, pt);
            return OkStatus();
          }
          case OtlpMetricKind::kNone:
            break;
        }
        return OkStatus();
      });
    });
  }

  Status DecodeAttributes(const element& v, OtlpRange& range) {
    return ForEach(v, [&](const element& kv) { return DecodeKeyValue(kv, range); });
  }

  Status DecodeNumberPoint(const element& e, OtlpNumberPoint& pt) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "attributes") return DecodeAttributes(v, pt.attributes);
      if (Is(key, "timeUnixNano", "time_unix_nano")) return GetU64(v, &pt.time_unix_nano);
      if (Is(key, "asDouble", "as_double")) return GetDouble(v, &pt.value);
      if (Is(key, "asInt", "as_int")) {
        int64_t i = 0;
        OSPREY_RETURN_IF_ERROR(GetI64(v, &i));
        pt.value = static_cast<double>(i);
        return OkStatus();
      }
      if (key == "flags") return GetU32(v, &pt.flags);
      return OkStatus();
    });
  }

  Status DecodeHistogramPoint(const element& e, OtlpHistogramPoint& pt) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "attributes") return DecodeAttributes(v, pt.attributes);
      if (Is(key, "timeUnixNano", "time_unix_nano")) return GetU64(v, &pt.time_unix_nano);
      if (key == "count") return GetU64(v, &pt.count);
      if (key == "sum") {
        pt.has_sum = true;
        return GetDouble(v, &pt.sum);
      }
      if (Is(key, "bucketCounts", "bucket_counts")) {
        return ForEach(v, [&](const element& x) {
          uint64_t c = 0;
          OSPREY_RETURN_IF_ERROR(GetU64(x, &c));
          OtlpMetricsRequest::AppendTo(out_.counts, pt.bucket_counts, c);
          return OkStatus();
        });
      }
      if (Is(key, "explicitBounds", "explicit_bounds")) {
        return ForEach(v, [&](const element& x) {
          double b = 0;
          OSPREY_RETURN_IF_ERROR(GetDouble(x, &b));
          OtlpMetricsRequest::AppendTo(out_.bounds, pt.explicit_bounds, b);
          return OkStatus();
        });
      }
      if (key == "flags") return GetU32(v, &pt.flags);
      return OkStatus();
    });
  }

  Status DecodeBuckets(const element& e, OtlpExponentialBuckets& b) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "offset") return GetI32(v, &b.offset);
      if (!Is(key, "bucketCounts", "bucket_counts")) return OkStatus();
      return ForEach(v, [&](const element& x) {
        uint64_t c = 0;
        OSPREY_RETURN_IF_ERROR(GetU64(x, &c));
        OtlpMetricsRequest::AppendTo(out_.counts, b.bucket_counts, c);
        return OkStatus();
      });
    });
  }

  Status DecodeExponentialPoint(const element& e, OtlpExponentialHistogramPoint& pt) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "attributes") return DecodeAttributes(v, pt.attributes);
      if (Is(key, "timeUnixNano", "time_unix_nano")) return GetU64(v, &pt.time_unix_nano);
      if (key == "count") return GetU64(v, &pt.count);
      if (key == "sum") {
        pt.has_sum = true;
        return GetDouble(v, &pt.sum);
      }
      if (key == "scale") return GetI32(v, &pt.scale);
      if (Is(key, "zeroCount", "zero_count")) return GetU64(v, &pt.zero_count);
      if (Is(key, "zeroThreshold", "zero_threshold")) return GetDouble(v, &pt.zero_threshold);
      if (key == "positive") return DecodeBuckets(v, pt.positive);
      if (key == "negative") return DecodeBuckets(v, pt.negative);
      if (key == "flags") return GetU32(v, &pt.flags);
      return OkStatus();
    });
  }

  Status DecodeSummaryPoint(const element& e, OtlpSummaryPoint& pt) {
    return ForEachMember(e, [&](std::string_view key, const element& v) {
      if (key == "attributes") return DecodeAttributes(v, pt.attributes);
      if (Is(key, "timeUnixNano", "time_unix_nano")) return GetU64(v, &pt.time_unix_nano);
      if (key == "count") return GetU64(v, &pt.count);
      if (key == "sum") return GetDouble(v, &pt.sum);
      if (key == "flags") return GetU32(v, &pt.flags);
      if (!Is(key, "quantileValues", "quantile_values")) return OkStatus();
      return ForEach(v, [&](const element& qe) {
        OtlpQuantile q;
        OSPREY_RETURN_IF_ERROR(ForEachMember(qe, [&](std::string_view k, const element& x) {
          if (k == "quantile") return GetDouble(x, &q.quantile);
          if (k == "value") return GetDouble(x, &q.value);
          return OkStatus();
        }));
        OtlpMetricsRequest::AppendTo(out_.quantiles, pt.quantiles, q);
        return OkStatus();
      });
    });
  }

  Status DecodeKeyValue(const element& e, OtlpRange& range) {
    OtlpAttribute a;
    OtlpValueText v;
    OSPREY_RETURN_IF_ERROR(DecodeKeyValueText(e, a.key, v, 0));
    if (v.kind == OtlpValueText::Kind::kString) {
      a.value = v.view;
    } else if (!v.text.empty()) {
      a.value = out_.Own(std::move(v.text));
    }
    OtlpMetricsRequest::AppendTo(out_.attributes, range, a);
    return OkStatus();
  }

  Status DecodeKeyValueText(const element& e, std::string_view& key, OtlpValueText& value,
                            int depth) {
    return ForEachMember(e, [&](std::string_view k, const element& v) {
      if (k == "key") return GetString(v, &key);
      if (k == "value") return DecodeAnyValue(v, value, depth);
      return OkStatus();
    });
  }

  Status DecodeAnyValue(const element& e, OtlpValueText& out, int depth) {
    if (depth >= kMaxValueDepth) return InvalidArgumentError("values nested too deeply");
    using Kind = OtlpValueText::Kind;
    return ForEachMember(e, [&](std::string_view key, const element& v) -> Status {
      if (Is(key, "stringValue", "string_value")) {
        out.kind = Kind::kString;
        return GetString(v, &out.view);
      }
      if (Is(key, "boolValue", "bool_value")) {
        bool b = false;
        OSPREY_RETURN_IF_ERROR(GetBool(v, &b));
        out.kind = Kind::kOther;
        out.text = b ? "true" : "false";
        return OkStatus();
      }
      if (Is(key, "intValue", "int_value")) {
        int64_t i = 0;
        OSPREY_RETURN_IF_ERROR(GetI64(v, &i));
        out.kind = Kind::kOther;
        out.text = std::to_string(i);
        return OkStatus();
      }
      if (Is(key, "doubleValue", "double_value")) {
        double d = 0;
        OSPREY_RETURN_IF_ERROR(GetDouble(v, &d));
        out.kind = Kind::kOther;
        out.text = OtlpDoubleAsString(d);
        return OkStatus();
      }
      if (Is(key, "bytesValue", "bytes_value")) {
        // Already base64 in JSON, which is the text form of bytes.
        std::string_view s;
        OSPREY_RETURN_IF_ERROR(GetString(v, &s));
        out.kind = Kind::kBytes;
        out.text = std::string(s);
        return OkStatus();
      }
      if (Is(key, "arrayValue", "array_value")) {
        out.kind = Kind::kOther;
        out.text.clear();
        out.text += '[';  // (assigning "[" trips g++ 12's false -Wrestrict here)
        bool first = true;
        Status items = ForEachMember(v, [&](std::string_view k, const element& vals) {
          if (k != "values") return OkStatus();
          return ForEach(vals, [&](const element& x) {
            OtlpValueText item;
            OSPREY_RETURN_IF_ERROR(DecodeAnyValue(x, item, depth + 1));
            if (!first) out.text += ',';
            first = false;
            AppendOtlpValueJson(out.text, item);
            return OkStatus();
          });
        });
        if (!items.ok()) return items;
        out.text += ']';
        return OkStatus();
      }
      if (Is(key, "kvlistValue", "kvlist_value")) {
        std::vector<std::pair<std::string_view, std::string>> entries;
        Status items = ForEachMember(v, [&](std::string_view k, const element& vals) {
          if (k != "values") return OkStatus();
          return ForEach(vals, [&](const element& x) {
            std::string_view ek;
            OtlpValueText item;
            OSPREY_RETURN_IF_ERROR(DecodeKeyValueText(x, ek, item, depth + 1));
            std::string fragment;
            AppendOtlpValueJson(fragment, item);
            entries.emplace_back(ek, std::move(fragment));
            return OkStatus();
          });
        });
        if (!items.ok()) return items;
        out.kind = Kind::kOther;
        out.text.clear();
        AppendOtlpKvListJson(out.text, entries);
        return OkStatus();
      }
      return OkStatus();
    });
  }

  OtlpMetricsRequest& out_;
};

}  // namespace

struct OtlpJsonDecoder::Impl {
  simdjson::dom::parser parser;
};

OtlpJsonDecoder::OtlpJsonDecoder() : impl_(std::make_unique<Impl>()) {}
OtlpJsonDecoder::~OtlpJsonDecoder() = default;

Status OtlpJsonDecoder::Decode(std::string_view body, OtlpMetricsRequest& out) {
  out.Clear();
  element root;
  if (auto error = impl_->parser.parse(body.data(), body.size(), true).get(root); error) {
    std::string s = "invalid OTLP JSON: ";
    s += simdjson::error_message(error);
    return InvalidArgumentError(std::move(s));
  }
  JsonDecoder decoder(out);
  if (Status s = decoder.DecodeRequest(root); !s.ok()) return s.Annotate("invalid OTLP JSON");
  return OkStatus();
}

}  // namespace osprey::ingest
