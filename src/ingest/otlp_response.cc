#include "ingest/otlp_response.h"

#include "base/strings.h"
#include "ingest/internal/protobuf_wire.h"

namespace osprey::ingest {

using internal::AppendBytesField;
using internal::AppendTag;
using internal::AppendVarint;
using internal::kWireVarint;

std::string EncodeOtlpExportResponse(const WriteOutcome& outcome, OtlpEncoding encoding) {
  if (outcome.samples_rejected == 0) {
    return encoding == OtlpEncoding::kJson ? "{}" : "";
  }
  if (encoding == OtlpEncoding::kJson) {
    std::string out = R"({"partialSuccess":{"rejectedDataPoints":")";
    out += std::to_string(outcome.samples_rejected);
    out += R"(","errorMessage":")";
    AppendJsonEscaped(out, outcome.first_error);
    out += "\"}}";
    return out;
  }
  // ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
  std::string partial;
  AppendTag(partial, 1, kWireVarint);
  AppendVarint(partial, static_cast<uint64_t>(outcome.samples_rejected));
  AppendBytesField(partial, 2, outcome.first_error);
  std::string out;
  AppendBytesField(out, 1, partial);  // ExportMetricsServiceResponse.partial_success
  return out;
}

std::string EncodeOtlpRpcStatus(int code, std::string_view message, OtlpEncoding encoding) {
  if (encoding == OtlpEncoding::kJson) {
    std::string out = R"({"code":)";
    out += std::to_string(code);
    out += R"(,"message":")";
    AppendJsonEscaped(out, message);
    out += "\"}";
    return out;
  }
  // google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  std::string out;
  AppendTag(out, 1, kWireVarint);
  AppendVarint(out, static_cast<uint64_t>(code));
  AppendBytesField(out, 2, message);
  return out;
}

std::string OtlpCommitFailedMessage(const WriteOutcome& outcome) {
  std::string m = "storage unavailable: ";
  m += outcome.commit_status.message();
  return m;
}

}  // namespace osprey::ingest
