// Encodes an OtlpMetricsRequest as a protobuf ExportMetricsServiceRequest: the inverse of
// otlp_protobuf_decoder.h, for tests, benchmarks and fuzz seeds (write a case in OTLP/JSON,
// decode it, encode it as protobuf). Attribute values are written as string values and each
// resource gets one ScopeMetrics.
#pragma once

#include <string>

#include "ingest/otlp_request.h"

namespace osprey::ingest {

std::string EncodeOtlpProtobuf(const OtlpMetricsRequest& request);

}  // namespace osprey::ingest
