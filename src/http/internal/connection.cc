// The per-connection state machine. Every member is touched only from the connection's strand
// (handlers of its socket and timer, and the tasks posted by Start and BeginShutdown), so none
// needs a lock. At most one read or write is pending at a time, plus the timer.
//
//   kHandshake -> kIdle -> kHeader -> kBody -> kHandling -> kWriting -> kIdle (keep-alive)
//                                                                   \-> kLingering -> kClosed
//
// kIdle: waiting for the first byte of a request (idle_timeout; header_timeout for the first
// request). kHeader/kBody: a request is partly received (header_timeout, then read_timeout);
// a timeout there answers 408. kHandling: the handler runs (no timer). kWriting: write_timeout.
// kLingering: after a response that closes the connection we stop sending and drain what the
// client still sends for a moment, so that closing with unread input does not reset the
// connection and destroy the response before the client reads it.
// clang-format off
#include <utility>  // First: Boost 1.74's Asio needs it with g++ 12 in C++20 mode.
// clang-format on
#include "http/internal/connection.h"

#include <poll.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>

#include "http/internal/request_reader.h"
#include "http/internal/response_writer.h"

namespace osprey::http::internal {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr auto kLingerTimeout = std::chrono::milliseconds(1000);
constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

using TlsStream = asio::ssl::stream<tcp::socket>;

tcp::socket& LowestLayer(tcp::socket& s) { return s; }
tcp::socket& LowestLayer(TlsStream& s) { return s.next_layer(); }

std::string FormatEndpoint(const tcp::endpoint& ep) {
  asio::ip::address addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  std::string host = addr.to_string();
  if (addr.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

std::string_view ErrorTypeFor(int status) {
  switch (status) {
    case 408:
      return "timeout";
    case 404:
      return "not_found";
    case 406:
      return "not_acceptable";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "bad_data";
  }
}

template <typename Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `tls` keeps the context a TLS stream uses alive; null for plain connections.
  template <typename... StreamArgs>
  Connection(ServerState& state, uint64_t id, std::string remote,
             std::shared_ptr<asio::ssl::context> tls, StreamArgs&&... stream_args)
      : state_(state),
        id_(id),
        remote_(std::move(remote)),
        tls_(std::move(tls)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()) {}

  ~Connection() override { state_.Unregister(id_); }

  uint64_t id() const { return id_; }

  void Start() {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->phase_ = Phase::kHandshake;
        self->SetDeadline(self->options().header_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self](const error_code& ec) { self->OnHandshake(ec); });
      } else {
        self->StartRequest(/*first=*/true);
      }
    });
  }

  void BeginShutdown(SteadyClock::time_point deadline) override {
    asio::post(stream_.get_executor(),
               [self = this->shared_from_this(), deadline] { self->OnShutdown(deadline); });
  }

 private:
  enum class Phase { kHandshake, kIdle, kHeader, kBody, kHandling, kWriting, kLingering, kClosed };

  const ServerOptions& options() const { return state_.options(); }

  // Arms the timer `d` from now. While shutting down, phases that wait for the client are cut
  // short at the end of the grace period.
  void SetDeadline(std::chrono::milliseconds d) {
    SteadyClock::time_point at = SteadyClock::now() + d;
    bool waits_for_client = phase_ != Phase::kWriting && phase_ != Phase::kHandling;
    if (shutting_down_ && waits_for_client) at = std::min(at, shutdown_deadline_);
    SetDeadlineAt(at);
  }

  void SetDeadlineAt(SteadyClock::time_point at) {
    timer_.expires_at(at);
    timer_.async_wait([self = this->shared_from_this(), gen = ++timer_gen_](const error_code& ec) {
      // A stale wait (re-armed or cancelled since) must not fire.
      if (!ec && gen == self->timer_gen_) self->OnTimeout();
    });
  }

  void CancelDeadline() {
    ++timer_gen_;
    timer_.cancel();
  }

  void OnTimeout() {
    switch (phase_) {
      case Phase::kHeader:
      case Phase::kBody:
        if (shutting_down_ && SteadyClock::now() >= shutdown_deadline_) {
          Close();
          return;
        }
        state_.CountBadRequest("timeout");
        // The pending read completes with operation_aborted and answers 408.
        timed_out_ = true;
        {
          error_code ignored;
          LowestLayer(stream_).cancel(ignored);
        }
        return;
      case Phase::kHandshake:
        state_.CountBadRequest("timeout");
        Close();
        return;
      case Phase::kIdle:
      case Phase::kWriting:
      case Phase::kLingering:
        Close();
        return;
      case Phase::kHandling:
      case Phase::kClosed:
        return;
    }
  }

  void OnShutdown(SteadyClock::time_point deadline) {
    shutting_down_ = true;
    shutdown_deadline_ = deadline;
    switch (phase_) {
      case Phase::kIdle:
        Close();
        return;
      case Phase::kHandshake:
      case Phase::kHeader:
      case Phase::kBody:
      case Phase::kLingering:
        if (timer_.expiry() > deadline) SetDeadlineAt(deadline);
        return;
      case Phase::kHandling:  // The response goes out with "Connection: close".
      case Phase::kWriting:   // Closes after the write (keep_alive_ or StartRequest).
      case Phase::kClosed:
        return;
    }
  }

  void OnHandshake(const error_code& ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      state_.CountBadRequest("tls_handshake");
      state_.logger().Debug("TLS handshake failed", {{"remote", remote_}, {"err", ec.message()}});
      Close();
      return;
    }
    StartRequest(/*first=*/true);
  }

  void StartRequest(bool first) {
    if (shutting_down_ && buffer_.empty()) {
      Close();
      return;
    }
    reader_.emplace(RequestLimits{options().max_header_bytes, options().max_body_bytes});
    timed_out_ = false;
    phase_ = Phase::kIdle;
    SetDeadline(first ? options().header_timeout : options().idle_timeout);
    ParseBuffered();
  }

  // Feeds buffered bytes to the reader and acts on its state; reads more when it needs more.
  void ParseBuffered() {
    while (!buffer_.empty()) {
      if (phase_ == Phase::kIdle) {
        phase_ = Phase::kHeader;
        SetDeadline(options().header_timeout);
      }
      size_t used = reader_->Feed(buffer_);
      buffer_.erase(0, used);
      switch (reader_->state()) {
        case RequestReader::State::kError:
          OnRequestError(reader_->error());
          return;
        case RequestReader::State::kComplete:
          OnRequestComplete();
          return;
        case RequestReader::State::kHeaderDone:
          phase_ = Phase::kBody;
          SetDeadline(options().read_timeout);
          if (reader_->expects_continue()) {
            WriteContinue();
            return;
          }
          continue;
        case RequestReader::State::kNeedMore:
          break;
      }
      break;
    }
    DoRead();
  }

  void DoRead() {
    stream_.async_read_some(
        asio::buffer(read_buf_),
        [self = this->shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const error_code& ec, size_t n) {
    if (phase_ == Phase::kClosed) return;
    if (timed_out_) {
      RespondToTimeout();
      return;
    }
    if (ec) {
      // EOF or reset; a partly received request has no one left to answer.
      Close();
      return;
    }
    buffer_.append(read_buf_.data(), n);
    ParseBuffered();
  }

  void RespondToTimeout() {
    state_.logger().Debug("request timed out", {{"remote", remote_}});
    keep_alive_ = false;
    version_ = 11;
    Respond(ErrorResponse(408, "timeout", "timed out reading the request"), "", false,
            SteadyClock::now());
  }

  void WriteContinue() {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = this->shared_from_this()](const error_code& ec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (self->timed_out_) {
                          self->RespondToTimeout();
                        } else if (ec) {
                          self->Close();
                        } else {
                          self->ParseBuffered();
                        }
                      });
  }

  void OnRequestError(const RequestError& error) {
    state_.CountBadRequest(error.reason);
    state_.logger().Debug("bad request",
                          {{"remote", remote_}, {"status", error.status}, {"err", error.message}});
    // The rest of the stream cannot be trusted to start a request: close after answering.
    keep_alive_ = false;
    version_ = 11;
    Respond(ErrorResponse(error.status, ErrorTypeFor(error.status), error.message), "", false,
            SteadyClock::now());
  }

  void OnRequestComplete() {
    SteadyClock::time_point start = SteadyClock::now();
    CancelDeadline();
    phase_ = Phase::kHandling;
    version_ = reader_->version();
    bool client_keep_alive = reader_->keep_alive();
    Request request;
    reader_->TakeRequest(request);
    reader_.reset();
    request.remote_address = remote_;
    request.client_gone = [fd = LowestLayer(stream_).native_handle()] {
      pollfd p{.fd = fd, .events = POLLRDHUP, .revents = 0};
      return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
    };
    std::string pattern;
    Response response = Handle(request, pattern);
    MaybeGzip(request.Header("Accept-Encoding"), options().gzip_min_bytes, response);
    keep_alive_ = client_keep_alive && !state_.shutting_down();
    Respond(std::move(response), pattern, request.method == "HEAD", start);
  }

  // Everything between reading a request and writing its response.
  Response Handle(Request& request, std::string& pattern) {
    if (auto err = ParseRequestTarget(request)) {
      state_.CountBadRequest(err->reason);
      return ErrorResponse(err->status, ErrorTypeFor(err->status), err->message);
    }
    RouteMatch match = state_.router().Find(request.method, RawPath(request.target));
    pattern = std::string(match.pattern);

    std::shared_ptr<const Security> security = state_.security();
    if (!security->auth->Allows(request.path, request.Header("Authorization"))) {
      state_.CountBadRequest("unauthorized");
      Response r = Response::Text("Unauthorized\n", 401);
      if (security->auth->has_basic()) r.AddHeader("WWW-Authenticate", "Basic");
      if (security->auth->has_bearer()) r.AddHeader("WWW-Authenticate", "Bearer");
      return r;
    }
    if (auto err = DecodeRequestBody(request, options().max_body_bytes)) {
      state_.CountBadRequest(err->reason);
      return ErrorResponse(err->status, ErrorTypeFor(err->status), err->message);
    }
    state_.metrics().in_flight.Inc();
    Response response;
    // Handlers do not throw, but a third-party exception escaping one must not take the
    // process down.
    try {
      response = Router::Respond(std::move(match), request);
    } catch (const std::exception& e) {
      state_.logger().Error("handler threw", {{"path", request.path}, {"err", e.what()}});
      response = ErrorResponse(500, "internal", "internal error");
    } catch (...) {
      state_.logger().Error("handler threw", {{"path", request.path}});
      response = ErrorResponse(500, "internal", "internal error");
    }
    state_.metrics().in_flight.Dec();
    return response;
  }

  // Records the metrics of `response` and writes it. `head`: HEAD request, no body sent.
  void Respond(Response response, std::string_view pattern, bool head,
               SteadyClock::time_point start) {
    phase_ = Phase::kWriting;
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    state_.ForHandler(pattern).Record(response.status, seconds, response.body.size());
    out_head_ = SerializeResponseHead(response, version_, keep_alive_);
    out_body_ = std::move(response.body);
    if (head || !StatusHasBody(response.status)) out_body_.clear();
    SetDeadline(options().write_timeout);
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(out_head_), asio::buffer(out_body_)};
    asio::async_write(
        stream_, buffers,
        [self = this->shared_from_this()](const error_code& ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(const error_code& ec) {
    if (phase_ == Phase::kClosed) return;
    CancelDeadline();
    out_head_.clear();
    std::string().swap(out_body_);
    if (ec) {
      Close();
    } else if (!keep_alive_) {
      Linger();
    } else {
      StartRequest(/*first=*/false);
    }
  }

  void Linger() {
    phase_ = Phase::kLingering;
    SetDeadline(kLingerTimeout);
    if constexpr (kTls) {
      // Sends close_notify; completes when the client answers with its own or goes away.
      stream_.async_shutdown(
          [self = this->shared_from_this()](const error_code&) { self->Close(); });
    } else {
      error_code ec;
      stream_.shutdown(tcp::socket::shutdown_send, ec);
      if (ec) {
        Close();
        return;
      }
      linger_bytes_ = 0;
      Drain();
    }
  }

  void Drain() {
    LowestLayer(stream_).async_read_some(
        asio::buffer(read_buf_), [self = this->shared_from_this()](const error_code& ec, size_t n) {
          if (self->phase_ == Phase::kClosed) return;
          self->linger_bytes_ += n;
          if (ec || self->linger_bytes_ > kMaxLingerBytes) {
            self->Close();
          } else {
            self->Drain();
          }
        });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    CancelDeadline();
    error_code ignored;
    LowestLayer(stream_).close(ignored);
  }

  ServerState& state_;
  const uint64_t id_;
  const std::string remote_;
  const std::shared_ptr<asio::ssl::context> tls_;

  Stream stream_;
  asio::steady_timer timer_;
  uint64_t timer_gen_ = 0;
  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;
  bool shutting_down_ = false;
  SteadyClock::time_point shutdown_deadline_;
  std::optional<RequestReader> reader_;
  std::string buffer_;  // Received, not yet parsed.
  std::array<char, kReadChunk> read_buf_;
  // The response being written, and what the connection does after it.
  int version_ = 11;
  bool keep_alive_ = false;
  std::string out_head_;
  std::string out_body_;
  size_t linger_bytes_ = 0;
};

template <typename Stream, typename... StreamArgs>
void Admit(ServerState& state, std::string remote, std::shared_ptr<asio::ssl::context> tls,
           StreamArgs&&... stream_args) {
  uint64_t id = state.NextConnectionId();
  // shared_ptr: Asio's completion handlers share ownership of the connection; it lives until
  // the last pending operation on it has completed.
  auto connection = std::make_shared<Connection<Stream>>(
      state, id, std::move(remote), std::move(tls), std::forward<StreamArgs>(stream_args)...);
  switch (state.Register(id, connection)) {
    case ServerState::Admission::kAdmitted:
      connection->Start();
      return;
    case ServerState::Admission::kTooMany:
      state.metrics().connections_rejected.Inc();
      return;  // Destroying the connection closes its socket.
    case ServerState::Admission::kShuttingDown:
      return;
  }
}

}  // namespace

void ServeConnection(ServerState& state, tcp::socket socket) {
  error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // Already gone.
  socket.set_option(tcp::no_delay(true), ec);
  std::string remote = FormatEndpoint(peer);
  std::shared_ptr<const Security> security = state.security();
  if (security->tls) {
    Admit<TlsStream>(state, std::move(remote), security->tls, std::move(socket), *security->tls);
  } else {
    Admit<tcp::socket>(state, std::move(remote), nullptr, std::move(socket));
  }
}

}  // namespace osprey::http::internal
