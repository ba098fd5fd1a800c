#include "testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

namespace osprey::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr int kReadTimeoutMs = 30'000;

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

Result<HttpConnection> HttpConnection::Connect(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return InvalidArgumentError("bad IPv4 address " + host);
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError("connect " + host + ":" + std::to_string(port), err);
  }
  return HttpConnection(fd);
}

HttpConnection::HttpConnection(HttpConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

HttpConnection& HttpConnection::operator=(HttpConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

Status HttpConnection::SendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("send", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status HttpConnection::Fill() {
  pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
  int r = ::poll(&p, 1, kReadTimeoutMs);
  if (r == 0) return DeadlineExceededError("read timed out");
  if (r < 0) return ErrnoError("poll", errno);
  char buf[16384];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n < 0) return ErrnoError("recv", errno);
  if (n == 0) return UnavailableError("connection closed by peer");
  buffer_.append(buf, static_cast<size_t>(n));
  return OkStatus();
}

bool HttpConnection::PeerClosed() {
  if (!buffer_.empty()) return false;
  Status s = Fill();
  return !s.ok() && s.code() != StatusCode::kDeadlineExceeded;
}

Result<std::string> HttpConnection::ReadLine() {
  while (true) {
    size_t pos = buffer_.find("\r\n");
    if (pos != std::string::npos) {
      std::string line = buffer_.substr(0, pos);
      buffer_.erase(0, pos + 2);
      return line;
    }
    OSPREY_RETURN_IF_ERROR(Fill());
  }
}

Status HttpConnection::ReadExactly(size_t n, std::string& out) {
  while (buffer_.size() < n) OSPREY_RETURN_IF_ERROR(Fill());
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return OkStatus();
}

Result<HttpResponse> HttpConnection::ReadResponse(bool head_request) {
  HttpResponse resp;
  OSPREY_ASSIGN_OR_RETURN(std::string status_line, ReadLine());
  // "HTTP/1.1 200 OK"
  size_t sp = status_line.find(' ');
  if (sp == std::string::npos || status_line.rfind("HTTP/", 0) != 0) {
    return DataLossError("bad status line: " + status_line);
  }
  resp.status = std::atoi(status_line.c_str() + sp + 1);
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(std::string line, ReadLine());
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string::npos) return DataLossError("bad header line: " + line);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    resp.headers.emplace(Lower(line.substr(0, colon)), value);
  }
  if (head_request || resp.status == 204 || resp.status == 304 || resp.status / 100 == 1) {
    return resp;
  }
  auto te = resp.Header("transfer-encoding");
  if (te && Lower(*te).find("chunked") != std::string::npos) {
    while (true) {
      OSPREY_ASSIGN_OR_RETURN(std::string size_line, ReadLine());
      size_t size = std::stoul(size_line, nullptr, 16);
      if (size == 0) {
        // Trailers until an empty line.
        while (true) {
          OSPREY_ASSIGN_OR_RETURN(std::string t, ReadLine());
          if (t.empty()) break;
        }
        break;
      }
      OSPREY_RETURN_IF_ERROR(ReadExactly(size, resp.body));
      OSPREY_ASSIGN_OR_RETURN(std::string crlf, ReadLine());
    }
  } else if (auto cl = resp.Header("content-length")) {
    OSPREY_RETURN_IF_ERROR(ReadExactly(std::stoul(*cl), resp.body));
  } else {
    // Body until close.
    while (true) {
      Status s = Fill();
      if (!s.ok()) break;
    }
    resp.body = std::move(buffer_);
    buffer_.clear();
  }
  return resp;
}

Result<HttpResponse> HttpConnection::RoundTrip(const HttpRequest& request) {
  std::string raw = request.method + " " + request.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [k, v] : request.headers) {
    raw += k + ": " + v + "\r\n";
    if (Lower(k) == "content-length") has_length = true;
  }
  if (!has_length &&
      (!request.body.empty() || request.method == "POST" || request.method == "PUT")) {
    raw += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  raw += "\r\n";
  raw += request.body;
  OSPREY_RETURN_IF_ERROR(SendRaw(raw));
  return ReadResponse(request.method == "HEAD");
}

Result<HttpResponse> HttpDo(int port, const HttpRequest& request) {
  OSPREY_ASSIGN_OR_RETURN(HttpConnection conn, HttpConnection::Connect("127.0.0.1", port));
  return conn.RoundTrip(request);
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace osprey::testing
