#include "server/otlp_api.h"

#include <utility>

#include "ingest/otlp_response.h"

namespace osprey::server {
namespace {

using http::Request;
using http::Response;
using ingest::OtlpEncoding;

constexpr std::string_view kProtobufType = "application/x-protobuf";
constexpr std::string_view kJsonType = "application/json";

// The media type of a Content-Type header, without parameters and surrounding spaces.
std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
    content_type.remove_suffix(1);
  }
  return content_type;
}

Response Answer(int status, std::string body, OtlpEncoding encoding) {
  return Response::Text(std::move(body), status,
                        std::string(encoding == OtlpEncoding::kJson ? kJsonType : kProtobufType));
}

}  // namespace

Response HandleOtlpMetrics(const Request& request, ingest::OtlpIngester& ingester) {
  const std::string_view type = MediaType(request.Header("Content-Type").value_or(""));
  OtlpEncoding encoding;
  if (http::EqualsIgnoreCase(type, kProtobufType) ||
      http::EqualsIgnoreCase(type, "application/protobuf")) {
    encoding = OtlpEncoding::kProtobuf;
  } else if (http::EqualsIgnoreCase(type, kJsonType)) {
    encoding = OtlpEncoding::kJson;
  } else {
    std::string msg = "unsupported Content-Type \"";
    msg += type;
    msg += "\" for OTLP metrics; want application/x-protobuf or application/json\n";
    return Response::Text(std::move(msg), 415);
  }
  Result<ingest::WriteOutcome> r = ingester.Ingest(request.body, encoding);
  if (!r.ok()) {
    return Answer(
        400,
        ingest::EncodeOtlpRpcStatus(ingest::kGrpcInvalidArgument, r.status().message(), encoding),
        encoding);
  }
  if (r->Classify() == ingest::RequestOutcome::kCommitFailed) {
    return Answer(503,
                  ingest::EncodeOtlpRpcStatus(ingest::kGrpcUnavailable,
                                              ingest::OtlpCommitFailedMessage(*r), encoding),
                  encoding);
  }
  return Answer(200, ingest::EncodeOtlpExportResponse(*r, encoding), encoding);
}

void RegisterOtlpRoutes(http::Router& router, ingest::OtlpIngester& ingester) {
  router.Handle("POST", "/v1/metrics",
                [&ingester](const Request& req) { return HandleOtlpMetrics(req, ingester); });
}

namespace {

// "host:port" with the port replaced by the bound one (":0" -> ":43117").
std::string BoundAddress(const std::string& address, int port) {
  std::string bound = address;
  if (size_t colon = bound.rfind(':'); colon != std::string::npos) bound.resize(colon + 1);
  bound += std::to_string(port);
  return bound;
}

}  // namespace

Result<std::unique_ptr<OtlpReceivers>> OtlpReceivers::Start(const OtlpReceiverOptions& options,
                                                            ingest::OtlpIngester& ingester,
                                                            http::ServerMetrics& http_metrics,
                                                            const Logger& logger) {
  std::unique_ptr<OtlpReceivers> r(new OtlpReceivers());
  if (!options.grpc_listen_address.empty()) {
    OSPREY_ASSIGN_OR_RETURN(r->grpc_, OtlpGrpcServer::Start(options.grpc_listen_address, ingester));
    logger.Info("OTLP receiver listening",
                {{"protocol", "grpc"},
                 {"address", BoundAddress(options.grpc_listen_address, r->grpc_->port())}});
  }
  if (!options.http_listen_address.empty()) {
    RegisterOtlpRoutes(r->router_, ingester);
    http::ServerOptions http_options;
    http_options.listen_address = options.http_listen_address;
    OSPREY_ASSIGN_OR_RETURN(r->http_,
                            http::Server::Start(std::move(http_options), r->router_, http_metrics,
                                                logger.With({{"component", "otlp"}})));
    logger.Info("OTLP receiver listening",
                {{"protocol", "http"},
                 {"address", BoundAddress(options.http_listen_address, r->http_->port())}});
  }
  return r;
}

OtlpReceivers::~OtlpReceivers() { Shutdown(std::chrono::milliseconds(0)); }

void OtlpReceivers::Shutdown(std::chrono::milliseconds grace) {
  if (http_ != nullptr) http_->Shutdown(grace);
  if (grpc_ != nullptr) grpc_->Shutdown(grace);
}

int OtlpReceivers::http_port() const { return http_ != nullptr ? http_->port() : 0; }
int OtlpReceivers::grpc_port() const { return grpc_ != nullptr ? grpc_->port() : 0; }

}  // namespace osprey::server
