// The only translation unit that includes gRPC headers (they are large and slow to compile).
#include "server/otlp_grpc.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"
#include "ingest/otlp_response.h"

namespace osprey::server {
namespace {

constexpr std::string_view kExportMethod =
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
// As the web server's body limit.
constexpr int kMaxMessageBytes = 32 * 1024 * 1024;

// One Export call: read one request message, ingest it, write one response and finish.
// gRPC's callback API owns the reactor from CreateReactor until OnDone, where it deletes itself.
class ExportReactor final : public grpc::ServerGenericBidiReactor {
 public:
  ExportReactor(grpc::GenericCallbackServerContext* context, ingest::OtlpIngester& ingester)
      : ingester_(ingester) {
    if (context->method() != kExportMethod) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + context->method() +
                                                               "; this server implements " +
                                                               std::string(kExportMethod)));
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    std::vector<grpc::Slice> slices;
    if (!request_.Dump(&slices).ok()) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the request message"));
      return;
    }
    std::string body;
    body.reserve(request_.Length());
    for (const grpc::Slice& s : slices) {
      body.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    // Ingesting blocks this callback thread for the decode, the appends and the WAL commit;
    // gRPC runs other calls on its other threads meanwhile.
    Result<ingest::WriteOutcome> r = ingester_.Ingest(body, ingest::OtlpEncoding::kProtobuf);
    if (!r.ok()) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, r.status().message()));
      return;
    }
    if (r->Classify() == ingest::RequestOutcome::kCommitFailed) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, ingest::OtlpCommitFailedMessage(*r)));
      return;
    }
    const std::string response =
        ingest::EncodeOtlpExportResponse(*r, ingest::OtlpEncoding::kProtobuf);
    grpc::Slice slice(response);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnDone() override { delete this; }

 private:
  ingest::OtlpIngester& ingester_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

class OtlpService final : public grpc::CallbackGenericService {
 public:
  explicit OtlpService(ingest::OtlpIngester& ingester) : ingester_(ingester) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new ExportReactor(context, ingester_);  // deletes itself in OnDone
  }

 private:
  ingest::OtlpIngester& ingester_;
};

// Binds (and closes) a socket on `address` first (errors name `shown`, the flag's value), so the
// common failure (the port is taken) gets the same one-line error as the web port instead of gRPC's
// own log line.
Status ProbeBind(std::string_view address, std::string_view shown) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("listen tcp " + std::string(shown) + ": missing port in address");
  }
  std::string host(address.substr(0, colon));
  const std::string port(address.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
      rc != 0) {
    return InvalidArgumentError("listen tcp " + std::string(shown) + ": " + gai_strerror(rc));
  }
  int err = 0;
  const int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
  if (fd < 0) {
    err = errno;
  } else {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // as gRPC binds
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0) err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (err == 0) return OkStatus();
  std::string reason = std::strerror(err);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
  return UnavailableError("listen tcp " + std::string(shown) + ": bind: " + reason);
}

}  // namespace

struct OtlpGrpcServer::Impl {
  explicit Impl(ingest::OtlpIngester& ingester) : service(ingester) {}

  OtlpService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  Mutex mu;
  bool shut_down OSPREY_GUARDED_BY(mu) = false;
};

OtlpGrpcServer::OtlpGrpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OtlpGrpcServer::~OtlpGrpcServer() { Shutdown(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<OtlpGrpcServer>> OtlpGrpcServer::Start(std::string_view address,
                                                              ingest::OtlpIngester& ingester) {
  std::string target(address);
  // Go's ":4317" (every interface) in gRPC's spelling.
  if (!target.empty() && target[0] == ':') target = "[::]" + target;
  OSPREY_RETURN_IF_ERROR(ProbeBind(target, address));
  auto impl = std::make_unique<Impl>(ingester);
  grpc::ServerBuilder builder;
  // Without this, gRPC binds with SO_REUSEPORT and a second server on a taken port would
  // silently share it instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.AddListeningPort(target, grpc::InsecureServerCredentials(), &impl->port);
  builder.RegisterCallbackGenericService(&impl->service);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    std::string msg = "listen tcp ";
    msg += address;
    msg += ": cannot bind the OTLP gRPC port (address in use or not available)";
    if (impl->server != nullptr) impl->server->Shutdown();
    return UnavailableError(std::move(msg));
  }
  return std::unique_ptr<OtlpGrpcServer>(new OtlpGrpcServer(std::move(impl)));
}

int OtlpGrpcServer::port() const { return impl_->port; }

void OtlpGrpcServer::Shutdown(std::chrono::milliseconds grace) {
  if (impl_ == nullptr || impl_->server == nullptr) return;
  MutexLock lock(impl_->mu);
  if (impl_->shut_down) return;
  impl_->shut_down = true;
  impl_->server->Shutdown(std::chrono::system_clock::now() + grace);
  impl_->server->Wait();
}

}  // namespace osprey::server
