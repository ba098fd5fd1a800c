// OTLP metrics receivers: POST /v1/metrics on the web port, plus the OTLP/HTTP
// (--otlp.http-listen-address, default :4318) and OTLP/gRPC (--otlp.grpc-listen-address,
// default :4317) listeners. All three feed one ingest::OtlpIngester; answers follow
// ingest/otlp_response.h.
//
// POST /v1/metrics: Content-Type application/x-protobuf (or application/protobuf) or
// application/json, else 415. Content-Encoding (gzip, ...) is decoded by the HTTP server. The
// response has the request's content type.
//
// The OTLP listeners serve plain text: they do not use the web config's TLS and auth (as an
// OpenTelemetry Collector receiver without a tls block). Disable them with an empty address
// where that matters.
#pragma once

#include <memory>
#include <string>

#include "base/logger.h"
#include "base/status.h"
#include "http/router.h"
#include "http/server.h"
#include "ingest/otlp_ingester.h"
#include "server/otlp_grpc.h"

namespace osprey::server {

// Registers POST /v1/metrics. `ingester` must outlive the router's use.
void RegisterOtlpRoutes(http::Router& router, ingest::OtlpIngester& ingester);

// The handler of POST /v1/metrics.
http::Response HandleOtlpMetrics(const http::Request& request, ingest::OtlpIngester& ingester);

struct OtlpReceiverOptions {
  std::string http_listen_address;  // "" disables
  std::string grpc_listen_address;  // "" disables
};

// The OTLP/HTTP and OTLP/gRPC listeners. Thread-safe.
class OtlpReceivers {
 public:
  // Binds and starts the enabled listeners, logging "OTLP receiver listening" with the protocol
  // and the bound address of each. kUnavailable / kInvalidArgument naming the address when one
  // cannot bind. `ingester` and `http_metrics` must outlive the receivers.
  static Result<std::unique_ptr<OtlpReceivers>> Start(const OtlpReceiverOptions& options,
                                                      ingest::OtlpIngester& ingester,
                                                      http::ServerMetrics& http_metrics,
                                                      const Logger& logger);
  ~OtlpReceivers();  // Shutdown()

  // Stops accepting, finishes in-flight requests (up to `grace`). Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // Bound ports; 0 when disabled.
  int http_port() const;
  int grpc_port() const;

 private:
  OtlpReceivers() = default;

  http::Router router_;  // outlives http_
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<OtlpGrpcServer> grpc_;
};

}  // namespace osprey::server
