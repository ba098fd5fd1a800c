// A small blocking HTTP/1.x client over POSIX sockets, optionally TLS (OpenSSL), for the
// server tests. Sends bytes exactly as given, so tests can send malformed, partial or
// pipelined requests. Every read gives up after 10 s so a broken server fails a test instead
// of hanging it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::http::testing {

struct TestResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // Lower-case names.
  std::string body;
  std::optional<std::string> Header(std::string_view lower_name) const;
};

struct TlsClientOptions {
  std::string cert_file;  // Client certificate; "" for none.
  std::string key_file;
};

// Single-threaded.
class TestConnection {
 public:
  // Connects to 127.0.0.1:port; kUnavailable when refused.
  static Result<std::unique_ptr<TestConnection>> Connect(int port);
  // Connects and completes a TLS handshake (server certificate not verified).
  static Result<std::unique_ptr<TestConnection>> ConnectTls(int port,
                                                            const TlsClientOptions& tls = {});
  ~TestConnection();

  Status Send(std::string_view bytes);
  // Reads one response. `head_request`: the response has no body whatever its headers say.
  Result<TestResponse> ReadResponse(bool head_request = false);
  // Sends "GET target" with keep-alive and reads the response.
  Result<TestResponse> Get(std::string_view target, std::string_view extra_headers = "");
  // True when the server has closed the connection: a read returns EOF or reset (bytes still
  // buffered are discarded first).
  bool WaitForClose();

 private:
  struct Tls;
  explicit TestConnection(int fd);
  // Reads more bytes into buffer_; kUnavailable on EOF.
  Status Fill();
  Result<std::string> ReadUntil(std::string_view delimiter);
  Result<std::string> ReadExactly(size_t n);

  int fd_ = -1;
  std::unique_ptr<Tls> tls_;
  std::string buffer_;
};

// One request on a fresh connection; `raw` is sent as is.
Result<TestResponse> RoundTrip(int port, std::string_view raw);

}  // namespace osprey::http::testing
