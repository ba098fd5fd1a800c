// The HTTP/1.x server behind every Osprey endpoint (optionally TLS, basic/bearer auth).
//
//   Router router;
//   router.Handle("GET", "/-/healthy", [](const Request&) { return Response::Text("OK\n"); });
//   OSPREY_ASSIGN_OR_RETURN(auto server,
//                           Server::Start({.listen_address = ":9090"}, router, registry, log));
//   ...
//   server->Shutdown(std::chrono::seconds(5));
//
// Per connection: keep-alive (HTTP/1.1 by default, HTTP/1.0 with "Connection: keep-alive"),
// pipelined requests answered in order, "Expect: 100-continue" honoured. Request bodies with
// Content-Encoding gzip, deflate or snappy are decoded before the handler (bad data 400,
// unknown coding 415); responses are gzipped when the client accepts it. Limits: body 413
// (also after decoding), header 431, malformed 400; each closes the connection. Timeouts
// (ServerOptions) close the connection, after a 408 when a request was partly received.
//
// Threading: a pool of `threads` threads runs all network I/O and the handlers. Each
// connection is served by one thread at a time, so a handler that blocks holds up its own
// connection and one pool thread, never the others.
//
// Metrics: osprey_http_requests_total{handler,code}, osprey_http_request_duration_seconds
// {handler}, osprey_http_response_size_bytes{handler}, osprey_http_requests_in_flight,
// osprey_http_connections_open, osprey_http_connections_rejected_total and
// osprey_http_bad_requests_total{reason}. `handler` is the route pattern, "other" otherwise.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "base/logger.h"
#include "base/status.h"
#include "http/router.h"
#include "http/server_options.h"
#include "metrics/registry.h"

namespace osprey::http {

namespace internal {
class ServerImpl;
struct HttpMetricFamilies;
}  // namespace internal

// The server's metric families, registered once on a Registry. Several servers (say the main
// port and an OTLP port) can share one, since a Registry takes each name once. Thread-safe.
class ServerMetrics {
 public:
  explicit ServerMetrics(metrics::Registry& registry);
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  internal::HttpMetricFamilies& families() { return *families_; }

 private:
  std::unique_ptr<internal::HttpMetricFamilies> families_;
};

// Thread-safe.
class Server {
 public:
  // Binds options.listen_address and starts serving `router` on a pool of options.threads
  // threads. `router` must outlive the Server. Registers its metrics on `registry` (use the
  // ServerMetrics overload for a second server on the same registry).
  // Errors: kUnavailable "listen tcp :9090: bind: address already in use" (or another bind
  // failure) and kInvalidArgument for a malformed address, both naming the address;
  // kInvalidArgument/kNotFound/kPermissionDenied naming the file for unusable TLS files or
  // settings; kInvalidArgument for auth options with a non-bcrypt hash.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, const Router& router,
                                               metrics::Registry& registry, Logger logger);
  // As above; `metrics` must outlive the Server.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, const Router& router,
                                               ServerMetrics& metrics, Logger logger);

  // Calls Shutdown(0) unless Shutdown was called.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful with port 0).
  int port() const;

  // Replaces the TLS and auth settings (web config reload). TLS applies to connections
  // accepted afterwards, auth to requests read afterwards. On error (same as Start's) the old
  // settings stay.
  Status UpdateSecurity(std::optional<TlsOptions> tls, AuthOptions auth);

  // Graceful stop: stops accepting at once (new connections are refused); requests in flight
  // finish and get their responses (with "Connection: close"); idle keep-alive connections
  // close at once; connections partway through receiving a request get up to `grace` to
  // finish it, then close. Returns when every connection (also one accepted as Shutdown
  // began) is closed and every pool thread has joined, which waits for handlers still running.
  // Idempotent. Requires: not called from a handler (CHECK).
  void Shutdown(std::chrono::milliseconds grace);

 private:
  explicit Server(std::unique_ptr<internal::ServerImpl> impl);

  std::unique_ptr<ServerMetrics> owned_metrics_;  // Set by the Registry overload of Start.
  std::unique_ptr<internal::ServerImpl> impl_;
};

}  // namespace osprey::http
