// Hand-written zero-copy decoder of the protobuf ExportMetricsServiceRequest
// (opentelemetry-proto: collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto,
// common/v1/common.proto, resource/v1/resource.proto). No protoc, no libprotobuf.
//
// The fields read (everything else, including exemplars, scope metadata, start timestamps,
// min/max and metric metadata, is skipped after a well-formedness check of its wire framing):
//
//   ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
//   ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
//   Resource        { repeated KeyValue attributes = 1; }
//   ScopeMetrics    { repeated Metric metrics = 2; }
//   Metric { string name = 1; string description = 2; string unit = 3;
//            oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9;
//                         ExponentialHistogram exponential_histogram = 10; Summary summary = 11; }
//                         }
//   Gauge { repeated NumberDataPoint data_points = 1; }
//   Sum   { repeated NumberDataPoint data_points = 1; AggregationTemporality temporality = 2;
//           bool is_monotonic = 3; }
//   Histogram / ExponentialHistogram { repeated ...DataPoint data_points = 1; temporality = 2; }
//   Summary { repeated SummaryDataPoint data_points = 1; }
//   NumberDataPoint { repeated KeyValue attributes = 7; fixed64 time_unix_nano = 3;
//                     oneof value { double as_double = 4; sfixed64 as_int = 6; } uint32 flags = 8;
//                     }
//   HistogramDataPoint { repeated KeyValue attributes = 9; fixed64 time_unix_nano = 3;
//                        fixed64 count = 4; optional double sum = 5;
//                        repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7;
//                        uint32 flags = 10; }
//   ExponentialHistogramDataPoint { repeated KeyValue attributes = 1; fixed64 time_unix_nano = 3;
//                        fixed64 count = 4; optional double sum = 5; sint32 scale = 6;
//                        fixed64 zero_count = 7; Buckets positive = 8; Buckets negative = 9;
//                        uint32 flags = 10; double zero_threshold = 14; }
//   Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; }
//   SummaryDataPoint { repeated KeyValue attributes = 7; fixed64 time_unix_nano = 3;
//                      fixed64 count = 4; double sum = 5;
//                      repeated ValueAtQuantile quantile_values = 6; uint32 flags = 8; }
//   ValueAtQuantile { double quantile = 1; double value = 2; }
//   KeyValue { string key = 1; AnyValue value = 2; }
//   AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
//              double double_value = 4; ArrayValue array_value = 5;
//              KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
//
// Repeated scalars are accepted packed and unpacked; a field seen twice merges (messages) or
// overwrites (scalars), as protobuf parsers do.
#pragma once

#include <string_view>

#include "base/status.h"
#include "ingest/otlp_request.h"

namespace osprey::ingest {

// Decodes `body` into `out` (cleared first). The views in `out` point into `body`, which must
// outlive them. kInvalidArgument naming the byte offset and the message on malformed input
// (truncated data, a known field with the wrong wire type, nesting deeper than 32 levels).
// Cost: one pass; no allocation once `out` is warm, except for attribute values that are not
// strings. Thread-safe (no shared state).
Status DecodeOtlpProtobuf(std::string_view body, OtlpMetricsRequest& out);

}  // namespace osprey::ingest
