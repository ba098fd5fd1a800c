// Decoder of OTLP/JSON ExportMetricsServiceRequest bodies
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding), on simdjson.
//
// The same fields as otlp_protobuf_decoder.h, with the JSON mapping of protobuf: field names in
// lowerCamelCase (the original snake_case names are accepted too), 64-bit integers as decimal
// strings or numbers, enums as integers (or their names), doubles as numbers or "NaN",
// "Infinity", "-Infinity", bytes as base64 (trace and span ids, which OTLP/JSON writes as hex,
// are only in exemplars, which are skipped). Unknown fields are ignored, `null` is an absent
// field. A value of the wrong JSON type is an error naming its path:
//   invalid OTLP JSON: resourceMetrics[0]: scopeMetrics[0]: metrics[2]: sum: dataPoints[1]:
//   timeUnixNano: want an unsigned integer, got "abc"
#pragma once

#include <memory>
#include <string_view>

#include "base/status.h"
#include "ingest/otlp_request.h"

namespace osprey::ingest {

// Thread-compatible: one per thread (it owns the JSON parser whose buffers `out` points into).
class OtlpJsonDecoder {
 public:
  OtlpJsonDecoder();
  ~OtlpJsonDecoder();
  OtlpJsonDecoder(const OtlpJsonDecoder&) = delete;
  OtlpJsonDecoder& operator=(const OtlpJsonDecoder&) = delete;

  // Decodes `body` into `out` (cleared first). The views in `out` stay valid until the next
  // Decode on this decoder (they point into its parser, not into `body`). kInvalidArgument
  // with the path of the offending value on malformed input or attribute values nested deeper
  // than 32 levels.
  Status Decode(std::string_view body, OtlpMetricsRequest& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace osprey::ingest
