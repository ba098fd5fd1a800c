// The tcp module: connect (optionally TLS), send, and read until `expect` matches. Sockets
// are non-blocking and every wait is a poll() bounded by the run's deadline.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <re2/re2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>

#include "agent/probe_runner.h"

namespace osprey::agent {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr size_t kMaxReadBytes = 1 << 20;

int RemainingMs(SteadyTime deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on fd; false at the deadline.
bool Wait(int fd, short events, SteadyTime deadline) {
  while (true) {
    const int ms = RemainingMs(deadline);
    if (ms <= 0) return false;
    pollfd p = {fd, events, 0};
    const int rc = ::poll(&p, 1, ms);
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return true;  // let the next call report the error
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

std::string OpenSslError(std::string_view what) {
  std::string out(what);
  const unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out.append(": ").append(buf);
  }
  ERR_clear_error();
  return out;
}

// A connected stream, plain or TLS.
class Stream {
 public:
  Stream(int fd, SteadyTime deadline) : fd_(fd), deadline_(deadline) {}

  Status StartTls(const config::ProbeTlsConfig& tls, const std::string& host) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) return InternalError(OpenSslError("SSL_CTX_new"));
    if (tls.insecure_skip_verify) {
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    } else {
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
      const int ok = tls.ca_file.empty()
                         ? SSL_CTX_set_default_verify_paths(ctx_.get())
                         : SSL_CTX_load_verify_locations(ctx_.get(), tls.ca_file.c_str(), nullptr);
      if (ok != 1) return InvalidArgumentError(OpenSslError("loading CA file " + tls.ca_file));
    }
    if (!tls.cert_file.empty()) {
      if (SSL_CTX_use_certificate_chain_file(ctx_.get(), tls.cert_file.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(ctx_.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return InvalidArgumentError(OpenSslError("loading client certificate " + tls.cert_file));
      }
    }
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_) return InternalError(OpenSslError("SSL_new"));
    SSL_set_fd(ssl_.get(), fd_);
    in6_addr ip;
    const bool is_ip = ::inet_pton(AF_INET, host.c_str(), &ip) == 1 ||
                       ::inet_pton(AF_INET6, host.c_str(), &ip) == 1;
    if (!tls.insecure_skip_verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
      if (is_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
      } else {
        SSL_set1_host(ssl_.get(), host.c_str());
      }
    }
    if (!is_ip) SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
    while (true) {
      const int rc = SSL_connect(ssl_.get());
      if (rc == 1) return OkStatus();
      OSPREY_RETURN_IF_ERROR(WaitFor(rc, "TLS handshake"));
    }
  }

  // Earliest notAfter of the peer's chain in Unix seconds, or 0.
  int64_t EarliestCertExpiry() const {
    if (!ssl_) return 0;
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl_.get());
    int64_t earliest = 0;
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      struct tm tm = {};
      if (ASN1_TIME_to_tm(X509_get0_notAfter(sk_X509_value(chain, i)), &tm) != 1) continue;
      const int64_t t = static_cast<int64_t>(timegm(&tm));
      if (earliest == 0 || t < earliest) earliest = t;
    }
    return earliest;
  }

  Status Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n;
      if (ssl_) {
        n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
        if (n <= 0) {
          OSPREY_RETURN_IF_ERROR(WaitFor(static_cast<int>(n), "send"));
          continue;
        }
      } else {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoError("send", errno);
          if (!Wait(fd_, POLLOUT, deadline_)) return DeadlineExceededError("send: timeout");
          continue;
        }
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }

  // Appends what arrives to *out; false at EOF.
  Result<bool> Recv(std::string* out) {
    char buf[4096];
    while (true) {
      ssize_t n;
      if (ssl_) {
        n = SSL_read(ssl_.get(), buf, sizeof(buf));
        if (n <= 0) {
          if (SSL_get_error(ssl_.get(), static_cast<int>(n)) == SSL_ERROR_ZERO_RETURN) {
            return false;
          }
          OSPREY_RETURN_IF_ERROR(WaitFor(static_cast<int>(n), "read"));
          continue;
        }
      } else {
        n = ::recv(fd_, buf, sizeof(buf), 0);
        if (n == 0) return false;
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoError("read", errno);
          if (!Wait(fd_, POLLIN, deadline_)) return DeadlineExceededError("read: timeout");
          continue;
        }
      }
      out->append(buf, static_cast<size_t>(n));
      return true;
    }
  }

 private:
  // After an SSL call returned `rc`: waits for the socket when OpenSSL asks, else the error.
  Status WaitFor(int rc, std::string_view what) {
    const int err = SSL_get_error(ssl_.get(), rc);
    short events = 0;
    if (err == SSL_ERROR_WANT_READ) events = POLLIN;
    if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    if (events == 0) {
      std::string message = OpenSslError(what);
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        message.append(": certificate verify failed: ")
            .append(X509_verify_cert_error_string(verify));
      }
      return UnavailableError(std::move(message));
    }
    if (!Wait(fd_, events, deadline_)) {
      return DeadlineExceededError(std::string(what).append(": timeout"));
    }
    return OkStatus();
  }

  int fd_;
  SteadyTime deadline_;
  std::unique_ptr<SSL_CTX, SslDeleter> ctx_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
};

// Splits "host:port" and "[v6]:port".
void SplitHostPort(const std::string& target, std::string* host, int* port) {
  const size_t colon = target.rfind(':');
  *host = target.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  *port = std::atoi(target.c_str() + colon + 1);
}

Status Connect(const std::string& address, int port, SteadyTime deadline, Fd* out) {
  sockaddr_storage storage = {};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    return InvalidArgumentError("bad address " + address);
  }
  out->fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (out->fd < 0) return ErrnoError("socket", errno);
  const std::string what = "connect " + address + ":" + std::to_string(port);
  if (::connect(out->fd, reinterpret_cast<sockaddr*>(&storage), len) == 0) return OkStatus();
  if (errno != EINPROGRESS) return ErrnoError(what, errno);
  if (!Wait(out->fd, POLLOUT, deadline)) return DeadlineExceededError(what + ": timeout");
  int err = 0;
  socklen_t err_len = sizeof(err);
  ::getsockopt(out->fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0) return ErrnoError(what, err);
  return OkStatus();
}

Status Probe(const config::ProbeConfig& config, SteadyTime deadline, ProbeRun* run) {
  std::string host;
  int port = 0;
  SplitHostPort(config.target, &host, &port);
  OSPREY_ASSIGN_OR_RETURN(
      std::vector<std::string> addresses,
      internal::ResolveHost(host, AF_UNSPEC, std::chrono::milliseconds(RemainingMs(deadline))));
  Fd fd;
  OSPREY_RETURN_IF_ERROR(Connect(addresses.front(), port, deadline, &fd));
  Stream stream(fd.fd, deadline);
  const config::ProbeTcpConfig& c = config.tcp;
  if (c.tls) {
    OSPREY_RETURN_IF_ERROR(stream.StartTls(c.tls_config, host));
    if (const int64_t expiry = stream.EarliestCertExpiry(); expiry > 0) {
      run->samples.push_back({"probe_ssl_earliest_cert_expiry", "", static_cast<double>(expiry)});
    }
  }
  if (!c.send.empty()) OSPREY_RETURN_IF_ERROR(stream.Send(c.send));
  if (c.expect.empty()) return OkStatus();
  RE2 re(c.expect, RE2::Quiet);
  std::string received;
  while (!RE2::PartialMatch(received, re)) {
    if (received.size() > kMaxReadBytes) {
      return FailedPreconditionError("expected " + c.expect + " not found in the first " +
                                     std::to_string(kMaxReadBytes) + " bytes");
    }
    OSPREY_ASSIGN_OR_RETURN(bool more, stream.Recv(&received));
    if (!more) {
      return FailedPreconditionError("connection closed before " + c.expect + " was received");
    }
  }
  return OkStatus();
}

}  // namespace

ProbeRun RunTcpProbe(const config::ProbeConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  ProbeRun run;
  const Status status = Probe(config, start + std::chrono::milliseconds(config.timeout.ms), &run);
  run.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.success = status.ok();
  if (!status.ok()) run.error = status.message();
  return run;
}

}  // namespace osprey::agent
