// Outbound HTTP: a blocking client for one request at a time (remote_write shards, HTTP
// service discovery) and an asynchronous client that runs many transfers at once on one
// thread (scraping, probes). Both are libcurl underneath; libcurl appears only in client.cc.
//
//   http::HttpClient client(options);
//   OSPREY_ASSIGN_OR_RETURN(http::ClientResponse r,
//                           client.Do({.url = "http://127.0.0.1:9100/metrics",
//                                      .timeout = std::chrono::seconds(10)}));
//
// Errors: kDeadlineExceeded when the timeout cut the transfer, kResourceExhausted when the
// decoded body passed `max_body_bytes`, kInvalidArgument for a URL or TLS file libcurl
// rejects, kUnavailable for every network error (refused, reset, DNS, TLS handshake). The
// message is one line naming the URL and curl's reason. A response with any HTTP status is
// a success here: callers judge the status.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace osprey::http {

struct ClientTls {
  std::string ca_file;    // Empty: the system's trust store.
  std::string cert_file;  // Client certificate (PEM), with key_file.
  std::string key_file;
  std::string server_name;  // SNI and the name verified; empty: the URL's host.
  bool insecure_skip_verify = false;
  // "1.0", "1.1", "1.2" or "1.3"; empty: libcurl's default.
  std::string min_version;
  friend bool operator==(const ClientTls&, const ClientTls&) = default;
};

// Settings shared by every request of one client (one scrape pool, one remote_write queue).
struct ClientOptions {
  ClientTls tls;
  // Basic auth when `basic_auth` is true.
  bool basic_auth = false;
  std::string username;
  std::string password;
  // A whole Authorization header value ("Bearer abc"); empty: none.
  std::string authorization;
  bool follow_redirects = true;
  int max_redirects = 10;
  // Redirects are followed only to http and https URLs.
  std::string user_agent = "Osprey";
  friend bool operator==(const ClientOptions&, const ClientOptions&) = default;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  // Limit on the decoded body; 0: none.
  int64_t max_body_bytes = 0;
  // Sends Accept-Encoding: gzip and decodes the body.
  bool accept_gzip = true;
  // Collects the server's certificate chain expiry (ClientResponse::cert_not_after). Needs a
  // new connection, so HttpClient::Do then does not reuse a kept-alive one.
  bool want_cert_info = false;
};

// Seconds spent in each phase of a transfer (libcurl's cumulative times, made per phase);
// with redirects, of the whole chain. `tls` is 0 for plain http.
struct ClientTimings {
  double resolve = 0;
  double connect = 0;
  double tls = 0;
  double processing = 0;  // request sent until the first response byte
  double transfer = 0;    // first response byte until the end
  double total = 0;
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;  // Decoded when the server compressed it.
  std::vector<std::pair<std::string, std::string>> headers;  // Names lower-cased.
  ClientTimings timings;
  int redirects = 0;            // Redirects followed.
  int64_t content_length = -1;  // From Content-Length; -1 when absent.
  bool tls = false;             // The final URL was https.
  // Earliest notAfter of the peer's certificate chain, in Unix seconds; 0 when unknown (not
  // TLS, or ClientRequest::want_cert_info unset).
  int64_t cert_not_after = 0;
  // First value of a header, or empty. `name` in lower case.
  std::string_view Header(std::string_view name) const;
};

// Thread-compatible: one per thread. Keeps connections alive between requests.
class HttpClient {
 public:
  explicit HttpClient(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<ClientResponse> Do(const ClientRequest& request);

 private:
  const ClientOptions options_;
  void* easy_ = nullptr;  // CURL*
};

// Runs transfers concurrently on one background thread (curl_multi). Thread-safe: Start()
// may be called from any thread; callbacks run on the client's thread and must be quick
// (hand heavy work to another thread).
class AsyncHttpClient {
 public:
  using Callback = std::function<void(Result<ClientResponse>)>;

  AsyncHttpClient();
  // Cancels unfinished transfers (their callbacks get kCancelled) and joins the thread.
  ~AsyncHttpClient();
  AsyncHttpClient(const AsyncHttpClient&) = delete;
  AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

  // `options` is copied. The callback is called exactly once.
  void Start(const ClientOptions& options, ClientRequest request, Callback done);

  // Transfers started and not yet finished.
  int InFlight() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace osprey::http
