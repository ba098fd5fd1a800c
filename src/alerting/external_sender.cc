#include "alerting/external_sender.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string_view>
#include <utility>

#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "base/strings.h"
#include "http/client.h"
#include "http/config_client_options.h"

namespace osprey::alerting {

namespace {

constexpr std::string_view kAddressLabel = "__address__";
constexpr std::string_view kSchemeLabel = "__scheme__";
constexpr std::string_view kAlertsPathLabel = "__alerts_path__";

void AppendLabelSet(std::string& out, const model::Labels& labels) {
  out += '{';
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out += ',';
    first = false;
    notifiers::AppendGoJsonString(out, l.name);
    out += ':';
    notifiers::AppendGoJsonString(out, l.value);
  }
  out += '}';
}

// Go's path.Join("/", prefix, "/api/<version>/alerts"): a clean absolute path.
std::string AlertsPath(std::string_view prefix, std::string_view version) {
  std::string joined(prefix);
  joined.append("/api/").append(version).append("/alerts");
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= joined.size()) {
    size_t j = joined.find('/', i);
    if (j == std::string::npos) j = joined.size();
    std::string_view part(joined.data() + i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view p : parts) out.append("/").append(p);
  return out.empty() ? "/" : out;
}

}  // namespace

std::string EncodePostableAlerts(std::span<const model::Alert> alerts) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const model::Alert& a = alerts[i];
    if (i > 0) out += ',';
    out += "{\"labels\":";
    AppendLabelSet(out, a.labels);
    out += ",\"annotations\":";
    AppendLabelSet(out, a.annotations);
    if (a.starts_at != 0) {
      out.append(",\"startsAt\":\"").append(FormatRfc3339Millis(a.starts_at)).append("\"");
    }
    if (a.ends_at != 0) {
      out.append(",\"endsAt\":\"").append(FormatRfc3339Millis(a.ends_at)).append("\"");
    }
    if (!a.generator_url.empty()) {
      out += ",\"generatorURL\":";
      notifiers::AppendGoJsonString(out, a.generator_url);
    }
    out += '}';
  }
  out += ']';
  return out;
}

struct ExternalAlertSender::Metrics {
  explicit Metrics(metrics::Registry& r)
      : sent(r.NewCounterFamily("prometheus_notifications_sent_total",
                                "Total number of alerts sent.", {"alertmanager"})),
        errors(r.NewCounterFamily("prometheus_notifications_errors_total",
                                  "Total number of sent alerts affected by errors.",
                                  {"alertmanager"})),
        latency(r.NewHistogramFamily("prometheus_notifications_latency_seconds",
                                     "Latency of sending alert notifications.", {"alertmanager"},
                                     {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30})),
        dropped(r.NewCounter(
            "prometheus_notifications_dropped_total",
            "Total number of alerts dropped due to errors when sending to Alertmanager.")),
        queue_length(r.NewGauge("prometheus_notifications_queue_length",
                                "The number of alert notifications in the queue.")),
        queue_capacity(r.NewGauge("prometheus_notifications_queue_capacity",
                                  "The capacity of the alert notifications queue.")),
        discovered(r.NewGauge("prometheus_notifications_alertmanagers_discovered",
                              "The number of alertmanagers discovered and active.")) {}

  metrics::Family<metrics::Counter>& sent;
  metrics::Family<metrics::Counter>& errors;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Counter& dropped;
  metrics::Gauge& queue_length;
  metrics::Gauge& queue_capacity;
  metrics::Gauge& discovered;
};

ExternalAlertSender::ExternalAlertSender(ExternalAlertSenderOptions options)
    : options_(std::move(options)),
      metrics_(std::make_unique<Metrics>(*options_.registry)),
      config_(std::make_shared<const Config>()) {
  OSPREY_CHECK(options_.logger != nullptr) << "ExternalAlertSender needs a logger";
  OSPREY_CHECK(options_.queue_capacity > 0 && options_.max_batch_size > 0);
  metrics_->queue_capacity.Set(static_cast<double>(options_.queue_capacity));
  thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
}

ExternalAlertSender::~ExternalAlertSender() { Stop(); }

Result<std::shared_ptr<const ExternalAlertSender::Config>> ExternalAlertSender::BuildConfig(
    const config::AlertingConfig& cfg, const model::Labels& external_labels) const {
  auto out = std::make_shared<Config>();
  out->external_labels = external_labels;
  auto make_relabel = [this](std::span<const config::RelabelConfig> rules,
                             std::string_view where) -> Result<RelabelFunc> {
    if (!options_.relabeler_factory) {
      return InvalidArgumentError(std::string(where).append(": relabeling is not supported here"));
    }
    Result<RelabelFunc> f = options_.relabeler_factory(rules);
    if (!f.ok()) return f.status().Annotate(where);
    return f;
  };
  if (!cfg.alert_relabel_configs.empty()) {
    OSPREY_ASSIGN_OR_RETURN(
        RelabelFunc f, make_relabel(cfg.alert_relabel_configs, "alerting.alert_relabel_configs"));
    out->alert_relabel = std::move(f);
  }
  for (size_t i = 0; i < cfg.alertmanagers.size(); ++i) {
    const config::AlertmanagerEndpointConfig& am = cfg.alertmanagers[i];
    const std::string where =
        std::string("alerting.alertmanagers[").append(std::to_string(i)) + "]";
    if (am.api_version != "v2") {
      return InvalidArgumentError(where + ": unsupported api_version \"" + am.api_version +
                                  "\" (only v2)");
    }
    if (am.timeout.ms <= 0) return InvalidArgumentError(where + ": timeout must be positive");
    std::optional<RelabelFunc> relabel;
    if (!am.relabel_configs.empty()) {
      OSPREY_ASSIGN_OR_RETURN(relabel,
                              make_relabel(am.relabel_configs, where + ".relabel_configs"));
    }
    const std::string path = AlertsPath(am.path_prefix, am.api_version);
    for (const config::StaticConfig& group : am.static_configs) {
      for (const std::string& target : group.targets) {
        model::LabelsBuilder b;
        b.Set(kAddressLabel, target);
        b.Set(kSchemeLabel, am.scheme);
        b.Set(kAlertsPathLabel, path);
        for (const auto& [name, value] : group.labels) {
          if (name != kAddressLabel) b.Set(name, value);
        }
        model::Labels labels = b.Build();
        if (relabel.has_value()) {
          std::optional<model::Labels> kept = (*relabel)(labels);
          if (!kept.has_value()) continue;  // dropped by relabeling
          labels = std::move(*kept);
        }
        const std::string_view address = labels.Get(kAddressLabel);
        if (address.empty() || address.find('/') != std::string_view::npos) {
          return InvalidArgumentError(where + ": invalid Alertmanager address \"" +
                                      std::string(address) + "\" for target \"" + target + "\"");
        }
        std::string url(labels.Get(kSchemeLabel));
        url.append("://").append(address).append(labels.Get(kAlertsPathLabel));
        out->targets.push_back({.url = std::move(url), .endpoint = i});
      }
    }
    out->endpoints.push_back(am);
  }
  return std::shared_ptr<const Config>(std::move(out));
}

Status ExternalAlertSender::ApplyConfig(const config::AlertingConfig& cfg,
                                        const model::Labels& external_labels) {
  OSPREY_ASSIGN_OR_RETURN(std::shared_ptr<const Config> built, BuildConfig(cfg, external_labels));
  const size_t n = built->targets.size();
  {
    MutexLock lock(mu_);
    config_ = std::move(built);
  }
  metrics_->discovered.Set(static_cast<double>(n));
  return OkStatus();
}

bool ExternalAlertSender::HasAlertmanagers() const {
  MutexLock lock(mu_);
  return !config_->targets.empty();
}

std::vector<std::string> ExternalAlertSender::AlertmanagerUrls() const {
  MutexLock lock(mu_);
  std::vector<std::string> urls;
  for (const Target& t : config_->targets) urls.push_back(t.url);
  return urls;
}

size_t ExternalAlertSender::QueueLengthForTest() const {
  MutexLock lock(mu_);
  return queue_.size();
}

void ExternalAlertSender::Send(std::vector<model::Alert> alerts) {
  std::shared_ptr<const Config> cfg;
  {
    MutexLock lock(mu_);
    if (stopped_ || config_->targets.empty()) return;
    cfg = config_;
  }
  // Labels outside the lock: relabeling may be costly.
  std::vector<model::Alert> out;
  out.reserve(alerts.size());
  for (model::Alert& a : alerts) {
    if (!cfg->external_labels.empty()) {
      model::LabelsBuilder b(a.labels);
      for (const model::Label& l : cfg->external_labels) {
        if (a.labels.Get(l.name).empty()) b.Set(l.name, l.value);
      }
      a.labels = b.Build();
    }
    if (cfg->alert_relabel.has_value()) {
      std::optional<model::Labels> kept = (*cfg->alert_relabel)(a.labels);
      if (!kept.has_value()) continue;
      a.labels = std::move(*kept);
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) return;
  size_t dropped = 0;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    for (model::Alert& a : out) {
      if (queue_.size() >= options_.queue_capacity) {
        queue_.pop_front();
        ++dropped;
      }
      queue_.push_back(std::move(a));
    }
    metrics_->queue_length.Set(static_cast<double>(queue_.size()));
  }
  if (dropped > 0) {
    metrics_->dropped.Inc(static_cast<double>(dropped));
    options_.logger->Warn("Alert notification queue full, dropping alerts",
                          {{"num_dropped", dropped}});
  }
  more_.notify_one();
}

void ExternalAlertSender::Stop() {
  {
    MutexLock lock(mu_);
    stopped_ = true;
    queue_.clear();
    metrics_->queue_length.Set(0);
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    more_.notify_all();
    thread_.join();
  }
}

// Waits for alerts (or stop) and takes the next batch with the config to send it with.
void ExternalAlertSender::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::vector<model::Alert> batch;
    std::shared_ptr<const Config> cfg;
    {
      std::unique_lock<Mutex> lock(mu_);
      more_.wait(lock, stop, [this]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      const size_t n = std::min(queue_.size(), options_.max_batch_size);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_->queue_length.Set(static_cast<double>(queue_.size()));
      cfg = config_;
    }
    if (!SendAll(*cfg, batch, stop) && !stop.stop_requested()) {
      metrics_->dropped.Inc(static_cast<double>(batch.size()));
    }
  }
}

bool ExternalAlertSender::SendAll(const Config& cfg, std::span<const model::Alert> batch,
                                  std::stop_token stop) {
  if (batch.empty()) return true;
  if (cfg.targets.empty()) return false;
  const std::string payload = EncodePostableAlerts(batch);
  const auto begin = std::chrono::steady_clock::now();

  // Shared with the callbacks, which may run after this returns (on stop).
  struct Pending {
    std::mutex mu;
    std::condition_variable_any done_cv;
    size_t remaining = 0;
    size_t succeeded = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->remaining = cfg.targets.size();
  const double count = static_cast<double>(batch.size());
  // One client per batch: its destructor cancels transfers still running on stop.
  http::AsyncHttpClient client;
  for (const Target& t : cfg.targets) {
    const config::AlertmanagerEndpointConfig& am = cfg.endpoints[t.endpoint];
    metrics::Counter& sent = metrics_->sent.WithLabels({t.url});
    metrics::Counter& errors = metrics_->errors.WithLabels({t.url});
    metrics::Histogram& latency = metrics_->latency.WithLabels({t.url});
    auto finish = [pending, &sent, &errors, &latency, begin, count, url = t.url,
                   logger = options_.logger](const Status& s) {
      const bool cancelled = s.code() == StatusCode::kCancelled;
      if (!cancelled) {
        latency.Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
        sent.Inc(count);
        if (!s.ok()) {
          errors.Inc(count);
          logger->Error("Error sending alerts",
                        {{"alertmanager", url}, {"count", count}, {"err", s.message()}});
        }
      }
      std::lock_guard<std::mutex> lock(pending->mu);
      if (s.ok()) ++pending->succeeded;
      --pending->remaining;
      pending->done_cv.notify_all();
    };
    Result<http::ClientOptions> client_options = http::ClientOptionsFromConfig(am.http_client);
    if (!client_options.ok()) {
      finish(client_options.status());
      continue;
    }
    client_options->user_agent = options_.user_agent;
    http::ClientRequest request{
        .method = "POST",
        .url = t.url,
        .headers = {{"Content-Type", "application/json"}},
        .body = payload,
        .timeout = std::chrono::milliseconds(am.timeout.ms),
        .max_body_bytes = 1 << 20,
    };
    client.Start(*client_options, std::move(request),
                 [finish, url = t.url](Result<http::ClientResponse> r) {
                   if (!r.ok()) {
                     finish(r.status());
                   } else if (r->status / 100 != 2) {
                     finish(UnavailableError("bad response status " + std::to_string(r->status) +
                                             " from " + notifiers::internal::RedactUrl(url)));
                   } else {
                     finish(OkStatus());
                   }
                 });
  }
  std::unique_lock<std::mutex> lock(pending->mu);
  pending->done_cv.wait(lock, stop, [&] { return pending->remaining == 0; });
  return pending->succeeded > 0;
}

}  // namespace osprey::alerting
