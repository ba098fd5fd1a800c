// A small blocking HTTP/1.1 client for tests: one request per connection unless a
// Connection object is reused. Supports Content-Length and chunked responses. Not for
// production use (no TLS, no redirects).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace osprey::testing {

struct HttpResponse {
  int status = 0;
  // Lower-cased header names.
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::optional<std::string> Header(std::string_view lower_name) const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A TCP connection to host:port that can carry several requests (keep-alive).
class HttpConnection {
 public:
  static Result<HttpConnection> Connect(const std::string& host, int port);
  HttpConnection(HttpConnection&& other) noexcept;
  HttpConnection& operator=(HttpConnection&& other) noexcept;
  ~HttpConnection();

  // Sends raw bytes as they are.
  Status SendRaw(std::string_view bytes);
  // Sends one request (adds Host and Content-Length) and reads its response.
  Result<HttpResponse> RoundTrip(const HttpRequest& request);
  // Reads one response from the connection.
  Result<HttpResponse> ReadResponse(bool head_request = false);
  // True when the server closed the connection (reads EOF).
  bool PeerClosed();

 private:
  explicit HttpConnection(int fd) : fd_(fd) {}
  Result<std::string> ReadLine();
  Status ReadExactly(size_t n, std::string& out);
  Status Fill();

  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
Result<HttpResponse> HttpDo(int port, const HttpRequest& request);
// Percent-encodes a URL query component (unreserved characters kept), e.g. a PromQL query.
std::string UrlEncode(std::string_view s);

// Calls `cond` every 50 ms until it returns true (true) or `limit` passed (false). For
// e2e tests waiting on a server's asynchronous work; never a timing assertion.
bool Eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds limit = std::chrono::seconds(60));

inline Result<HttpResponse> HttpGet(int port, std::string target) {
  return HttpDo(port, HttpRequest{.method = "GET", .target = std::move(target)});
}
inline Result<HttpResponse> HttpPost(
    int port, std::string target, std::string body,
    std::string content_type = "application/x-www-form-urlencoded") {
  return HttpDo(port, HttpRequest{.method = "POST",
                                  .target = std::move(target),
                                  .headers = {{"Content-Type", std::move(content_type)}},
                                  .body = std::move(body)});
}

}  // namespace osprey::testing
