#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace osprey::http::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "no OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

struct TestConnection::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

std::optional<std::string> TestResponse::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

TestConnection::TestConnection(int fd) : fd_(fd) {}

TestConnection::~TestConnection() {
  tls_.reset();
  if (fd_ >= 0) close(fd_);
}

Result<std::unique_ptr<TestConnection>> TestConnection::Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket", errno);
  std::unique_ptr<TestConnection> conn(new TestConnection(fd));
  timeval tv{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return ErrnoError("connect 127.0.0.1:" + std::to_string(port), errno);
  }
  return conn;
}

Result<std::unique_ptr<TestConnection>> TestConnection::ConnectTls(int port,
                                                                   const TlsClientOptions& tls) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<TestConnection> conn, Connect(port));
  conn->tls_ = std::make_unique<Tls>();
  Tls& t = *conn->tls_;
  t.ctx = SSL_CTX_new(TLS_client_method());
  if (t.ctx == nullptr) return InternalError("SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_verify(t.ctx, SSL_VERIFY_NONE, nullptr);
  if (!tls.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(t.ctx, tls.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(t.ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return InvalidArgumentError("client certificate: " + OpenSslError());
    }
  }
  t.ssl = SSL_new(t.ctx);
  SSL_set_fd(t.ssl, conn->fd_);
  if (SSL_connect(t.ssl) != 1) return UnavailableError("SSL_connect: " + OpenSslError());
  return conn;
}

Status TestConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n;
    if (tls_) {
      n = SSL_write(tls_->ssl, bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) return UnavailableError("SSL_write: " + OpenSslError());
    } else {
      n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) return ErrnoError("send", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status TestConnection::Fill() {
  char buf[16384];
  ssize_t n;
  if (tls_) {
    n = SSL_read(tls_->ssl, buf, sizeof(buf));
    if (n <= 0) return UnavailableError("connection closed (TLS)");
  } else {
    n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0) return ErrnoError("recv", errno);
    if (n == 0) return UnavailableError("connection closed");
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return OkStatus();
}

Result<std::string> TestConnection::ReadUntil(std::string_view delimiter) {
  while (true) {
    size_t pos = buffer_.find(delimiter);
    if (pos != std::string::npos) {
      std::string out = buffer_.substr(0, pos + delimiter.size());
      buffer_.erase(0, pos + delimiter.size());
      return out;
    }
    OSPREY_RETURN_IF_ERROR(Fill());
  }
}

Result<std::string> TestConnection::ReadExactly(size_t n) {
  while (buffer_.size() < n) OSPREY_RETURN_IF_ERROR(Fill());
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

Result<TestResponse> TestConnection::ReadResponse(bool head_request) {
  OSPREY_ASSIGN_OR_RETURN(std::string head, ReadUntil("\r\n\r\n"));
  TestResponse r;
  size_t line_end = head.find("\r\n");
  std::string_view status_line = std::string_view(head).substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    return InvalidArgumentError("bad status line: " + std::string(status_line));
  }
  r.status = std::stoi(std::string(status_line.substr(9, 3)));
  std::string_view rest = std::string_view(head).substr(line_end + 2);
  while (!rest.empty()) {
    size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return InvalidArgumentError("bad header line");
    r.headers.emplace(Lower(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
  }
  if (head_request || r.status < 200 || r.status == 204 || r.status == 304) return r;
  if (auto length = r.Header("content-length")) {
    OSPREY_ASSIGN_OR_RETURN(r.body, ReadExactly(std::stoul(*length)));
  } else {
    while (Fill().ok()) {
    }
    r.body = std::move(buffer_);
    buffer_.clear();
  }
  return r;
}

Result<TestResponse> TestConnection::Get(std::string_view target, std::string_view extra_headers) {
  std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
                    std::string(extra_headers) + "\r\n";
  OSPREY_RETURN_IF_ERROR(Send(req));
  return ReadResponse();
}

bool TestConnection::WaitForClose() {
  buffer_.clear();
  while (true) {
    Status s = Fill();
    if (s.ok()) {
      buffer_.clear();
      continue;
    }
    // EAGAIN: SO_RCVTIMEO expired, the connection is still open.
    return s.message().find("closed") != std::string::npos ||
           s.message().find("reset") != std::string::npos;
  }
}

Result<TestResponse> RoundTrip(int port, std::string_view raw) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<TestConnection> conn, TestConnection::Connect(port));
  OSPREY_RETURN_IF_ERROR(conn->Send(raw));
  return conn->ReadResponse();
}

}  // namespace osprey::http::testing
