// Invariants: every stored alert passed ValidateAlert and has starts_at, ends_at and
// updated_at set; alerts_ holds one alert per fingerprint. Listeners run under put_mu_ (never
// under mu_), so they see alerts in storing order and may read the store.
#include "alerting/alert_store.h"

#include <chrono>
#include <mutex>
#include <stop_token>
#include <string>
#include <utility>

#include "alerting/internal/collector_link.h"
#include "alerting/marker.h"
#include "metrics/registry.h"
#include "model/labels.h"

namespace osprey::alerting {
namespace {

Status CheckLabelSet(const model::Labels& labels, std::string_view what) {
  std::string_view previous;
  for (size_t i = 0; i < labels.size(); ++i) {
    const model::Label& l = labels[i];
    if (!model::IsValidLabelName(l.name)) {
      std::string m(what);
      m.append(": invalid label name \"").append(l.name).append("\"");
      return InvalidArgumentError(std::move(m));
    }
    if (i > 0 && l.name == previous) {
      std::string m(what);
      m.append(": duplicate label name \"").append(l.name).append("\"");
      return InvalidArgumentError(std::move(m));
    }
    if (!model::IsValidUtf8(l.value)) {
      std::string m(what);
      m.append(": invalid UTF-8 in the value of \"").append(l.name).append("\"");
      return InvalidArgumentError(std::move(m));
    }
    previous = l.name;
  }
  return OkStatus();
}

// Alertmanager's types.Alert.Merge: `b` is the alert received later.
model::Alert Merge(const model::Alert& a, const model::Alert& b, model::Timestamp now) {
  // Let `young` be the one updated last.
  const bool b_younger = !(b.updated_at < a.updated_at);
  const model::Alert& old = b_younger ? a : b;
  const model::Alert& young = b_younger ? b : a;
  model::Alert res = young;
  if (old.starts_at < young.starts_at) res.starts_at = old.starts_at;
  if (young.ResolvedAt(now)) {
    // The latest explicit resolution wins when both are resolved.
    if (old.ResolvedAt(now) && old.ends_at > young.ends_at) res.ends_at = old.ends_at;
  } else if (old.ends_at > young.ends_at && !old.timeout) {
    // A sender's end time rules when it is the latest.
    res.ends_at = old.ends_at;
  }
  return res;
}

}  // namespace

Status ValidateAlert(const model::Alert& alert) {
  std::string what = "alert ";
  what += alert.labels.ToString();
  if (alert.labels.empty()) {
    what += ": labels: at least one label pair required";
    return InvalidArgumentError(std::move(what));
  }
  if (alert.starts_at == 0) {
    what += ": startsAt: start time missing";
    return InvalidArgumentError(std::move(what));
  }
  if (alert.ends_at != 0 && alert.ends_at < alert.starts_at) {
    what += ": endsAt: start time must be before end time";
    return InvalidArgumentError(std::move(what));
  }
  OSPREY_RETURN_IF_ERROR(CheckLabelSet(alert.labels, what + ": labels"));
  OSPREY_RETURN_IF_ERROR(CheckLabelSet(alert.annotations, what + ": annotations"));
  return OkStatus();
}

AlertStore::AlertStore(AlertStoreOptions options, const Clock& clock, Marker& marker,
                       metrics::Registry* registry)
    : options_(options),
      clock_(clock),
      marker_(marker),
      link_(internal::CollectorLink<AlertStore>::Register(registry, this)) {
  if (registry != nullptr) {
    auto& received = registry->NewCounterFamily("alertmanager_alerts_received_total",
                                                "The total number of received alerts.", {"status"});
    received_firing_ = &received.WithLabels({"firing"});
    received_resolved_ = &received.WithLabels({"resolved"});
    invalid_ = &registry->NewCounter("alertmanager_alerts_invalid_total",
                                     "The total number of received alerts that were invalid.");
  }
}

AlertStore::~AlertStore() {
  if (gc_thread_.joinable()) {
    gc_thread_.request_stop();
    gc_cv_.notify_all();
    gc_thread_.join();
  }
  if (link_) link_->Detach();
}

Status AlertStore::Put(std::vector<model::Alert> alerts) {
  return Put(std::move(alerts), clock_.NowMillis());
}

Status AlertStore::Put(std::vector<model::Alert> alerts, model::Timestamp now) {
  std::string errors;
  MutexLock put_lock(put_mu_);
  for (model::Alert& alert : alerts) {
    alert.updated_at = now;
    if (alert.starts_at == 0) alert.starts_at = alert.ends_at == 0 ? now : alert.ends_at;
    if (alert.ends_at == 0) {
      alert.timeout = true;
      alert.ends_at = now + options_.resolve_timeout.ms;
    }
    if (alert.ends_at > now) {
      if (received_firing_ != nullptr) received_firing_->Inc();
    } else if (received_resolved_ != nullptr) {
      received_resolved_->Inc();
    }
    if (Status s = ValidateAlert(alert); !s.ok()) {
      if (invalid_ != nullptr) invalid_->Inc();
      if (!errors.empty()) errors += "; ";
      errors += s.message();
      continue;
    }
    const uint64_t fp = alert.Fingerprint();
    model::Alert stored;
    {
      MutexLock lock(mu_);
      auto it = alerts_.find(fp);
      if (it != alerts_.end()) {
        const model::Alert& old = it->second;
        // Merge only when the activity ranges overlap, as Alertmanager does; otherwise the new
        // alert replaces the old one (a new firing after a resolution).
        if ((alert.ends_at > old.starts_at && alert.ends_at < old.ends_at) ||
            (alert.starts_at > old.starts_at && alert.starts_at < old.ends_at)) {
          alert = Merge(old, alert, now);
        }
      }
      alerts_[fp] = alert;
      stored = alert;
    }
    for (auto& entry : listeners_) entry.second(stored);
  }
  if (!errors.empty()) return InvalidArgumentError(std::move(errors));
  return OkStatus();
}

std::vector<model::Alert> AlertStore::List() const {
  MutexLock lock(mu_);
  std::vector<model::Alert> out;
  out.reserve(alerts_.size());
  for (const auto& entry : alerts_) out.push_back(entry.second);
  return out;
}

Result<model::Alert> AlertStore::Get(uint64_t fingerprint) const {
  MutexLock lock(mu_);
  auto it = alerts_.find(fingerprint);
  if (it == alerts_.end()) {
    return NotFoundError(
        std::string("no alert with fingerprint ").append(FingerprintString(fingerprint)));
  }
  return it->second;
}

size_t AlertStore::Size() const {
  MutexLock lock(mu_);
  return alerts_.size();
}

int AlertStore::Subscribe(Listener listener) {
  MutexLock put_lock(put_mu_);
  for (const model::Alert& a : List()) listener(a);
  const int id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

int AlertStore::SubscribeGC(GcListener listener) {
  MutexLock put_lock(put_mu_);
  const int id = next_listener_id_++;
  gc_listeners_.emplace(id, std::move(listener));
  return id;
}

void AlertStore::Unsubscribe(int id) {
  MutexLock put_lock(put_mu_);
  listeners_.erase(id);
  gc_listeners_.erase(id);
}

size_t AlertStore::GC(model::Timestamp now) {
  MutexLock put_lock(put_mu_);
  std::vector<model::Alert> removed;
  {
    MutexLock lock(mu_);
    for (auto it = alerts_.begin(); it != alerts_.end();) {
      if (it->second.ResolvedAt(now)) {
        removed.push_back(std::move(it->second));
        it = alerts_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Resolved alerts are not kept: aggregation groups hold their own copies until the
  // resolved notification went out.
  for (const model::Alert& a : removed) marker_.Delete(a.Fingerprint());
  for (auto& entry : gc_listeners_) entry.second(removed, now);
  return removed.size();
}

void AlertStore::StartGC() {
  if (gc_thread_.joinable()) return;
  gc_thread_ = std::jthread([this](std::stop_token stop) {
    const auto interval = std::chrono::milliseconds(options_.gc_interval.ms);
    while (!stop.stop_requested()) {
      {
        std::unique_lock<Mutex> lock(gc_mu_);
        gc_cv_.wait_for(lock, stop, interval, [] { return false; });
      }
      if (stop.stop_requested()) break;
      GC();
    }
  });
}

void AlertStore::Collect(metrics::MetricWriter& writer) const {
  const model::Timestamp now = clock_.NowMillis();
  size_t counts[3] = {0, 0, 0};
  {
    MutexLock lock(mu_);
    for (const auto& entry : alerts_) {
      if (entry.second.ResolvedAt(now)) continue;
      ++counts[static_cast<int>(marker_.Status(entry.first).state)];
    }
  }
  for (AlertState st : {AlertState::kActive, AlertState::kSuppressed, AlertState::kUnprocessed}) {
    writer.Write("alertmanager_alerts", "How many alerts by state.", "gauge",
                 {{"state", AlertStateName(st)}},
                 static_cast<double>(counts[static_cast<int>(st)]));
  }
}

}  // namespace osprey::alerting
