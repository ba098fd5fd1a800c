// OTLP/gRPC metrics receiver: a gRPC server with one generic callback service that answers
// /opentelemetry.proto.collector.metrics.v1.MetricsService/Export by decoding the raw request
// bytes with ingest's protobuf decoder (no generated code). Other methods get UNIMPLEMENTED, a
// malformed request INVALID_ARGUMENT, a failed commit UNAVAILABLE (clients retry); rejected
// samples get OK with partial_success (ingest/otlp_response.h). grpc-encoding gzip is handled
// by gRPC.
//
// This header names no gRPC type: otlp_grpc.cc is the only translation unit that includes gRPC.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "ingest/otlp_ingester.h"

namespace osprey::server {

// Thread-safe.
class OtlpGrpcServer {
 public:
  // Listens on `address` ("host:port"; ":4317" means every interface; port 0 picks one).
  // kUnavailable naming the address when it cannot bind. `ingester` must outlive the server.
  static Result<std::unique_ptr<OtlpGrpcServer>> Start(std::string_view address,
                                                       ingest::OtlpIngester& ingester);
  ~OtlpGrpcServer();  // Shutdown(0)
  OtlpGrpcServer(const OtlpGrpcServer&) = delete;
  OtlpGrpcServer& operator=(const OtlpGrpcServer&) = delete;

  int port() const;

  // Stops accepting; calls in flight get up to `grace` to finish, then are cancelled. Returns
  // when the server has stopped. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  explicit OtlpGrpcServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace osprey::server
