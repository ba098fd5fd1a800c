// Listening, the thread pool, and the shutdown sequence. Connections live in
// internal/connection.cc.
// clang-format off
#include <utility>  // First: Boost 1.74's Asio needs it with g++ 12 in C++20 mode.
// clang-format on
#include "http/server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cctype>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/check.h"
#include "http/internal/authenticator.h"
#include "http/internal/connection.h"
#include "http/internal/server_state.h"
#include "http/internal/tls_context.h"

namespace osprey::http {
namespace internal {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

// "address already in use", as Go prints socket errors.
std::string LowerFirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

Result<std::shared_ptr<const Security>> MakeSecurity(const std::optional<TlsOptions>& tls,
                                                     AuthOptions auth) {
  auto security = std::make_shared<Security>();
  if (tls) {
    OSPREY_ASSIGN_OR_RETURN(security->tls, MakeTlsContext(*tls));
  }
  OSPREY_ASSIGN_OR_RETURN(security->auth, Authenticator::Create(std::move(auth)));
  return std::shared_ptr<const Security>(std::move(security));
}

struct ListenAddress {
  std::string host;  // "" for every interface.
  uint16_t port = 0;
};

Result<ListenAddress> ParseListenAddress(const std::string& address) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("listen tcp " + address + ": address " + address + ": " +
                                std::string(why));
  };
  ListenAddress out;
  std::string_view port;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos) return bad("missing ']' in address");
    out.host = address.substr(1, close - 1);
    if (close + 1 >= address.size() || address[close + 1] != ':') return bad("missing port");
    port = std::string_view(address).substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) return bad("missing port in address");
    out.host = address.substr(0, colon);
    if (out.host.find(':') != std::string::npos) return bad("too many colons in address");
    port = std::string_view(address).substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad("invalid port");
  }
  int p = std::stoi(std::string(port));
  if (p > 65535) return bad("invalid port");
  out.port = static_cast<uint16_t>(p);
  return out;
}

}  // namespace

// Owns the io_context, the acceptor and the pool. Thread-safe.
class ServerImpl {
 public:
  // Parses the address, builds the security settings and binds; serves nothing yet.
  static Result<std::unique_ptr<ServerImpl>> Bind(ServerOptions options, const Router& router,
                                                  Logger logger) {
    OSPREY_ASSIGN_OR_RETURN(ListenAddress addr, ParseListenAddress(options.listen_address));
    OSPREY_ASSIGN_OR_RETURN(std::shared_ptr<const Security> security,
                            MakeSecurity(options.tls, options.auth));
    int threads = options.threads > 0
                      ? options.threads
                      : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    std::unique_ptr<ServerImpl> impl(
        new ServerImpl(std::move(options), router, std::move(logger), threads));
    OSPREY_RETURN_IF_ERROR(impl->Listen(addr));
    impl->security_ = std::move(security);
    return impl;
  }

  ~ServerImpl() { Shutdown(std::chrono::milliseconds(0)); }

  // Starts accepting and the pool.
  void Run(HttpMetricFamilies& families) {
    state_ =
        std::make_unique<ServerState>(options_, router_, families, logger_, std::move(security_));
    DoAccept();
    work_.emplace(io_.get_executor());
    threads_.reserve(thread_count_);
    for (int i = 0; i < thread_count_; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    logger_.Debug("HTTP server started", {{"address", options_.listen_address},
                                          {"port", port_},
                                          {"tls", state_->security()->tls != nullptr},
                                          {"threads", thread_count_}});
  }

  int port() const { return port_; }

  Status UpdateSecurity(std::optional<TlsOptions> tls, AuthOptions auth) {
    OSPREY_ASSIGN_OR_RETURN(std::shared_ptr<const Security> security,
                            MakeSecurity(tls, std::move(auth)));
    state_->SetSecurity(std::move(security));
    logger_.Info("Web security settings updated", {{"tls", tls.has_value()}});
    return OkStatus();
  }

  void Shutdown(std::chrono::milliseconds grace) OSPREY_EXCLUDES(mu_) {
    OSPREY_CHECK(!io_.get_executor().running_in_this_thread())
        << "http::Server::Shutdown called from a handler";
    {
      MutexLock lock(mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    auto deadline = std::chrono::steady_clock::now() + grace;
    if (state_ != nullptr) {
      std::vector<std::shared_ptr<ConnectionBase>> live = state_->BeginShutdown();
      // Close the listening socket on its strand and wait, so that connecting fails from
      // here on.
      std::promise<void> closed;
      asio::post(acceptor_.get_executor(), [this, &closed] {
        error_code ignored;
        acceptor_.close(ignored);
        accept_retry_.cancel();
        closed.set_value();
      });
      closed.get_future().wait();
      for (const auto& connection : live) connection->BeginShutdown(deadline);
      live.clear();
      state_->WaitUntilNoConnections();
    }
    // No io_.stop(): the pool runs until the io_context is out of work. A socket the reactor
    // accepted just before the listener closed has its accept handler still queued behind the
    // close; stopping would leave that handler, and the client's connection, pending until
    // the io_context is destroyed. Run, the handler sees the closed listener and closes the
    // socket. Nothing re-arms once the listener and every connection are closed.
    work_.reset();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    if (state_ != nullptr) logger_.Info("HTTP server stopped", {{"port", port_}});
  }

 private:
  ServerImpl(ServerOptions options, const Router& router, Logger logger, int threads)
      : options_(std::move(options)),
        router_(router),
        logger_(std::move(logger)),
        thread_count_(threads),
        io_(threads),
        acceptor_(asio::make_strand(io_)),
        accept_retry_(acceptor_.get_executor()) {}

  Status Listen(const ListenAddress& addr) {
    const std::string& address = options_.listen_address;
    auto fail = [&](std::string_view op, const error_code& ec) {
      StatusCode code = ec == asio::error::access_denied ? StatusCode::kPermissionDenied
                                                         : StatusCode::kUnavailable;
      return Status(
          code, "listen tcp " + address + ": " + std::string(op) + ": " + LowerFirst(ec.message()));
    };
    error_code ec;
    tcp::endpoint endpoint;
    bool dual_stack = false;
    if (addr.host.empty()) {
      endpoint = tcp::endpoint(tcp::v6(), addr.port);
      dual_stack = true;
    } else if (asio::ip::address ip = asio::ip::make_address(addr.host, ec); !ec) {
      endpoint = tcp::endpoint(ip, addr.port);
    } else {
      tcp::resolver resolver(io_);
      auto results =
          resolver.resolve(addr.host, std::to_string(addr.port), tcp::resolver::passive, ec);
      if (ec || results.empty()) return fail("lookup " + addr.host, ec);
      endpoint = results.begin()->endpoint();
      for (const auto& r : results) {
        // Prefer IPv4, as Go's listener does for a host name.
        if (r.endpoint().address().is_v4()) {
          endpoint = r.endpoint();
          break;
        }
      }
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (ec && dual_stack) {
      // No IPv6 on this host: every IPv4 interface instead.
      endpoint = tcp::endpoint(tcp::v4(), addr.port);
      dual_stack = false;
      acceptor_.open(endpoint.protocol(), ec);
    }
    if (ec) return fail("socket", ec);
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (dual_stack) acceptor_.set_option(asio::ip::v6_only(false), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("bind", ec);
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen", ec);
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return fail("getsockname", ec);
    return OkStatus();
  }

  // Runs on the acceptor's strand.
  void DoAccept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [this](const error_code& ec, tcp::socket socket) {
                             if (!acceptor_.is_open()) return;
                             if (ec == asio::error::operation_aborted) return;
                             if (ec) {
                               // Out of file descriptors and the like: back off rather than spin.
                               logger_.Warn("accept failed", {{"err", ec.message()}});
                               accept_retry_.expires_after(kAcceptRetryDelay);
                               accept_retry_.async_wait([this](const error_code& wait_ec) {
                                 if (!wait_ec && acceptor_.is_open()) DoAccept();
                               });
                               return;
                             }
                             ServeConnection(*state_, std::move(socket));
                             DoAccept();
                           });
  }

  const ServerOptions options_;
  const Router& router_;
  const Logger logger_;
  const int thread_count_;
  int port_ = 0;
  std::shared_ptr<const Security> security_;  // Handed to state_ by Run.

  asio::io_context io_;
  tcp::acceptor acceptor_;  // Used on its strand only, once Run started.
  asio::steady_timer accept_retry_;
  // Keeps the pool running until Shutdown has seen every connection go: a connection may have
  // no operation pending at the moment Shutdown posts to it.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<ServerState> state_;  // Set by Run.
  std::vector<std::thread> threads_;

  Mutex mu_;
  bool shut_down_ OSPREY_GUARDED_BY(mu_) = false;
};

}  // namespace internal

ServerMetrics::ServerMetrics(metrics::Registry& registry)
    : families_(std::make_unique<internal::HttpMetricFamilies>(registry)) {}

ServerMetrics::~ServerMetrics() = default;

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, const Router& router,
                                              metrics::Registry& registry, Logger logger) {
  // Bind before registering metrics, so that a failed start leaves the registry untouched.
  OSPREY_ASSIGN_OR_RETURN(
      auto impl, internal::ServerImpl::Bind(std::move(options), router, std::move(logger)));
  auto metrics = std::make_unique<ServerMetrics>(registry);
  impl->Run(metrics->families());
  std::unique_ptr<Server> server(new Server(std::move(impl)));
  server->owned_metrics_ = std::move(metrics);
  return server;
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, const Router& router,
                                              ServerMetrics& metrics, Logger logger) {
  OSPREY_ASSIGN_OR_RETURN(
      auto impl, internal::ServerImpl::Bind(std::move(options), router, std::move(logger)));
  impl->Run(metrics.families());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<internal::ServerImpl> impl) : impl_(std::move(impl)) {}

Server::~Server() { impl_->Shutdown(std::chrono::milliseconds(0)); }

int Server::port() const { return impl_->port(); }

Status Server::UpdateSecurity(std::optional<TlsOptions> tls, AuthOptions auth) {
  return impl_->UpdateSecurity(std::move(tls), std::move(auth));
}

void Server::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }

}  // namespace osprey::http
