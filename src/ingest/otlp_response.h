// The answers of an OTLP metrics receiver (https://opentelemetry.io/docs/specs/otlp/), shared by
// OTLP/HTTP and OTLP/gRPC:
//
//   outcome                  HTTP                          gRPC
//   malformed body           400 + google.rpc.Status       INVALID_ARGUMENT
//   success                  200 ExportMetricsServiceResponse {}              OK
//   some samples rejected    200 with partial_success {rejected_data_points, error_message}
//   commit failed            503 + google.rpc.Status       UNAVAILABLE (clients retry both)
//
// Bodies are in the request's encoding: protobuf, or JSON (int64 as a string).
#pragma once

#include <string>
#include <string_view>

#include "ingest/otlp_ingester.h"
#include "ingest/write_outcome.h"

namespace osprey::ingest {

// gRPC status codes used by the receiver (same numbers as google.rpc.Code and StatusCode).
inline constexpr int kGrpcInvalidArgument = 3;
inline constexpr int kGrpcUnavailable = 14;

// ExportMetricsServiceResponse for a decoded request: empty on success (protobuf: no bytes,
// JSON: "{}"), else partial_success with the rejected sample count and the first error.
std::string EncodeOtlpExportResponse(const WriteOutcome& outcome, OtlpEncoding encoding);

// google.rpc.Status {code, message}.
std::string EncodeOtlpRpcStatus(int code, std::string_view message, OtlpEncoding encoding);

// The message of a failed commit, for 503 / UNAVAILABLE.
std::string OtlpCommitFailedMessage(const WriteOutcome& outcome);

}  // namespace osprey::ingest
