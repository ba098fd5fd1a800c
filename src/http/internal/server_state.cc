#include "http/internal/server_state.h"

#include <string>
#include <utility>

namespace osprey::http::internal {
namespace {

constexpr std::string_view kOtherHandler = "other";

constexpr std::string_view kBadRequestReasons[] = {
    "malformed", "header_too_large", "body_too_large", "bad_encoding", "unsupported_encoding",
    "timeout",   "unauthorized",     "tls_handshake",
};

}  // namespace

HttpMetricFamilies::HttpMetricFamilies(metrics::Registry& registry)
    : requests(registry.NewCounterFamily("osprey_http_requests_total",
                                         "HTTP requests answered, by route and status code.",
                                         {"code", "handler"})),
      duration(registry.NewHistogramFamily(
          "osprey_http_request_duration_seconds",
          "Time from a request's last byte read to its response handed to the socket.", {"handler"},
          {0.001, 0.005, 0.01, 0.05, 0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120})),
      response_size(registry.NewHistogramFamily("osprey_http_response_size_bytes",
                                                "Response body sizes as sent.", {"handler"},
                                                metrics::ExponentialBuckets(100, 10, 8))),
      in_flight(
          registry.NewGauge("osprey_http_requests_in_flight", "Requests being handled right now.")),
      connections_open(registry.NewGauge("osprey_http_connections_open", "Open HTTP connections.")),
      connections_rejected(
          registry.NewCounter("osprey_http_connections_rejected_total",
                              "Connections closed at once because max_connections were open.")),
      bad_requests(registry.NewCounterFamily(
          "osprey_http_bad_requests_total",
          "Requests refused before reaching a handler, and connections failed, by reason.",
          {"reason"})) {}

HandlerMetrics::HandlerMetrics(HttpMetricFamilies& families, std::string label)
    : requests_(families.requests),
      label_(std::move(label)),
      duration_(families.duration.WithLabels({label_})),
      response_size_(families.response_size.WithLabels({label_})) {}

void HandlerMetrics::Record(int status, double seconds, size_t response_bytes) {
  metrics::Counter* counter = nullptr;
  bool cacheable = status >= 0 && static_cast<size_t>(status) < by_code_.size();
  if (cacheable) counter = by_code_[status].load(std::memory_order_acquire);
  if (counter == nullptr) {
    std::string code = std::to_string(status);
    counter = &requests_.WithLabels({code, label_});
    if (cacheable) by_code_[status].store(counter, std::memory_order_release);
  }
  counter->Inc();
  duration_.Observe(seconds);
  response_size_.Observe(static_cast<double>(response_bytes));
}

ServerState::ServerState(ServerOptions options, const Router& router, HttpMetricFamilies& families,
                         Logger logger, std::shared_ptr<const Security> security)
    : options_(std::move(options)),
      router_(router),
      logger_(std::move(logger)),
      families_(families),
      security_(std::move(security)) {
  for (std::string& pattern : router_.Patterns()) {
    std::string label = pattern;
    handlers_.emplace(std::move(pattern),
                      std::make_unique<HandlerMetrics>(families_, std::move(label)));
  }
  handlers_.emplace(std::string(),
                    std::make_unique<HandlerMetrics>(families_, std::string(kOtherHandler)));
  for (std::string_view reason : kBadRequestReasons) {
    bad_request_reasons_.emplace_back(std::string(reason),
                                      &families_.bad_requests.WithLabels({reason}));
  }
}

HandlerMetrics& ServerState::ForHandler(std::string_view pattern) {
  auto it = handlers_.find(pattern);
  if (it == handlers_.end()) it = handlers_.find(std::string_view());
  return *it->second;
}

void ServerState::CountBadRequest(std::string_view reason) {
  for (auto& [name, counter] : bad_request_reasons_) {
    if (name == reason) {
      counter->Inc();
      return;
    }
  }
  families_.bad_requests.WithLabels({reason}).Inc();
}

std::shared_ptr<const Security> ServerState::security() const {
  MutexLock lock(mu_);
  return security_;
}

void ServerState::SetSecurity(std::shared_ptr<const Security> security) {
  MutexLock lock(mu_);
  security_ = std::move(security);
}

ServerState::Admission ServerState::Register(uint64_t id,
                                             std::weak_ptr<ConnectionBase> connection) {
  MutexLock lock(mu_);
  if (shutting_down()) return Admission::kShuttingDown;
  if (options_.max_connections > 0 &&
      connections_.size() >= static_cast<size_t>(options_.max_connections)) {
    return Admission::kTooMany;
  }
  connections_.emplace(id, std::move(connection));
  families_.connections_open.Inc();
  return Admission::kAdmitted;
}

void ServerState::Unregister(uint64_t id) {
  MutexLock lock(mu_);
  if (connections_.erase(id) == 0) return;
  families_.connections_open.Dec();
  if (connections_.empty()) no_connections_.notify_all();
}

std::vector<std::shared_ptr<ConnectionBase>> ServerState::BeginShutdown() {
  MutexLock lock(mu_);
  shutting_down_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<ConnectionBase>> live;
  for (auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

void ServerState::WaitUntilNoConnections() {
  std::unique_lock<Mutex> lock(mu_);
  no_connections_.wait(lock,
                       [this]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return connections_.empty(); });
}

}  // namespace osprey::http::internal
