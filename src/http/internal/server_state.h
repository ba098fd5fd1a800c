// State shared by a Server and its connections: options, metrics, the current security
// settings and the set of open connections.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/logger.h"
#include "base/thread_annotations.h"
#include "http/internal/authenticator.h"
#include "http/router.h"
#include "http/server_options.h"
#include "metrics/registry.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace osprey::http::internal {

// The metric families of osprey_http_*. Thread-safe.
struct HttpMetricFamilies {
  explicit HttpMetricFamilies(metrics::Registry& registry);

  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& duration;
  metrics::Family<metrics::Histogram>& response_size;
  metrics::Gauge& in_flight;
  metrics::Gauge& connections_open;
  metrics::Counter& connections_rejected;
  metrics::Family<metrics::Counter>& bad_requests;
};

// The metric children of one `handler` label value, resolved once so that recording a request
// takes no lock (after the first request with a given status code). Thread-safe.
class HandlerMetrics {
 public:
  HandlerMetrics(HttpMetricFamilies& families, std::string label);
  void Record(int status, double seconds, size_t response_bytes);

 private:
  metrics::Family<metrics::Counter>& requests_;
  const std::string label_;
  metrics::Histogram& duration_;
  metrics::Histogram& response_size_;
  // By status code (100..599); filled on first use. Racing fills store the same pointer.
  std::array<std::atomic<metrics::Counter*>, 600> by_code_{};
};

// TLS and auth settings, replaced as a whole by Server::UpdateSecurity. Immutable.
struct Security {
  // Null: plain HTTP. shared_ptr: connections keep the context they were accepted with alive
  // after a reload has replaced it.
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::unique_ptr<const Authenticator> auth;
};

// What the server needs from a connection. Implementations are thread-safe.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Starts the graceful close described at Server::Shutdown; `deadline` ends the grace.
  virtual void BeginShutdown(std::chrono::steady_clock::time_point deadline) = 0;
};

// Thread-safe.
class ServerState {
 public:
  // `router` and `families` must outlive this object.
  ServerState(ServerOptions options, const Router& router, HttpMetricFamilies& families,
              Logger logger, std::shared_ptr<const Security> security);

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  const Logger& logger() const { return logger_; }
  HttpMetricFamilies& metrics() { return families_; }

  // The metrics of a route pattern; "" (no route) maps to handler="other".
  HandlerMetrics& ForHandler(std::string_view pattern);
  // osprey_http_bad_requests_total{reason}.
  void CountBadRequest(std::string_view reason);

  std::shared_ptr<const Security> security() const OSPREY_EXCLUDES(mu_);
  void SetSecurity(std::shared_ptr<const Security> security) OSPREY_EXCLUDES(mu_);

  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }

  // Adds a new connection; false (and nothing added) once shutdown began or when
  // max_connections are open.
  enum class Admission { kAdmitted, kShuttingDown, kTooMany };
  Admission Register(uint64_t id, std::weak_ptr<ConnectionBase> connection) OSPREY_EXCLUDES(mu_);
  // Called from a connection's destructor.
  void Unregister(uint64_t id) OSPREY_EXCLUDES(mu_);
  uint64_t NextConnectionId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }

  // Marks the start of shutdown and returns the connections open at that moment.
  std::vector<std::shared_ptr<ConnectionBase>> BeginShutdown() OSPREY_EXCLUDES(mu_);
  // Blocks until every registered connection has unregistered.
  void WaitUntilNoConnections() OSPREY_EXCLUDES(mu_);

 private:
  const ServerOptions options_;
  const Router& router_;
  const Logger logger_;
  HttpMetricFamilies& families_;
  // Pattern -> metrics, for every route and "other". Built in the constructor, then read-only.
  std::map<std::string, std::unique_ptr<HandlerMetrics>, std::less<>> handlers_;
  std::vector<std::pair<std::string, metrics::Counter*>> bad_request_reasons_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<uint64_t> next_id_{1};

  mutable Mutex mu_;
  std::condition_variable_any no_connections_;
  std::shared_ptr<const Security> security_ OSPREY_GUARDED_BY(mu_);
  std::map<uint64_t, std::weak_ptr<ConnectionBase>> connections_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::http::internal
