#include "alerting/nflog.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>

#include "metrics/registry.h"

namespace osprey::alerting {

struct Nflog::Metrics {
  explicit Metrics(metrics::Registry& r)
      : snapshot_size_bytes(r.NewGauge("alertmanager_nflog_snapshot_size_bytes",
                                       "Size of the last notification log snapshot in bytes.")),
        queries_total(r.NewCounter("alertmanager_nflog_queries_total",
                                   "Number of notification log queries were received.")),
        maintenance_total(r.NewCounter("alertmanager_nflog_maintenance_total",
                                       "How many maintenances were executed for the "
                                       "notification log.")),
        maintenance_errors_total(r.NewCounter("alertmanager_nflog_maintenance_errors_total",
                                              "How many maintenances were executed for the "
                                              "notification log that failed.")),
        entries(r.NewGauge("osprey_nflog_entries", "Entries in the notification log.")),
        load_errors_total(r.NewCounter("osprey_nflog_snapshot_load_errors_total",
                                       "Notification log snapshots that could not be loaded "
                                       "at start (the log started empty).")) {}

  metrics::Gauge& snapshot_size_bytes;
  metrics::Counter& queries_total;
  metrics::Counter& maintenance_total;
  metrics::Counter& maintenance_errors_total;
  metrics::Gauge& entries;
  metrics::Counter& load_errors_total;
};

namespace {

bool Contains(const std::vector<uint64_t>& set, const std::unordered_set<uint64_t>& subset) {
  if (subset.empty()) return true;
  std::unordered_set<uint64_t> s(set.begin(), set.end());
  for (uint64_t fp : subset) {
    if (!s.contains(fp)) return false;
  }
  return true;
}

std::string StateKey(std::string_view group_key, const NflogReceiver& r) {
  std::string key(group_key);
  key += ':';
  key += r.Key();
  return key;
}

}  // namespace

std::string NflogReceiver::Key() const {
  std::string key = group_name;
  key += '/';
  key += integration;
  key += '/';
  key += std::to_string(idx);
  return key;
}

bool NflogEntry::IsFiringSubset(const std::unordered_set<uint64_t>& subset) const {
  return Contains(firing_alerts, subset);
}

bool NflogEntry::IsResolvedSubset(const std::unordered_set<uint64_t>& subset) const {
  return Contains(resolved_alerts, subset);
}

Nflog::Nflog(Options options, FileSystem& fs, const Clock& clock, metrics::Registry* registry,
             const Logger* logger)
    : options_(std::move(options)),
      fs_(fs),
      clock_(clock),
      logger_(logger),
      metrics_(registry != nullptr ? std::make_unique<Metrics>(*registry) : nullptr) {}

std::unique_ptr<Nflog> Nflog::Open(Options options, FileSystem& fs, const Clock& clock,
                                   metrics::Registry* registry, const Logger* logger) {
  std::unique_ptr<Nflog> log(new Nflog(std::move(options), fs, clock, registry, logger));
  log->Load();
  return log;
}

Nflog::~Nflog() {
  if (maintenance_.joinable()) {
    maintenance_.request_stop();  // Wakes the wait on stop_cv_.
    maintenance_.join();
  }
  Status s = Snapshot();
  if (!s.ok() && logger_ != nullptr) {
    logger_->Error("Writing the notification log snapshot failed", {{"err", s}});
  }
}

void Nflog::Load() {
  if (options_.snapshot_path.empty() || !fs_.Exists(options_.snapshot_path)) return;
  Result<std::string> data = ReadFileToString(fs_, options_.snapshot_path);
  Result<std::vector<NflogEntry>> decoded =
      data.ok() ? DecodeNflogSnapshot(*data) : Result<std::vector<NflogEntry>>(data.status());
  if (!decoded.ok()) {
    load_status_ = Status(decoded.status().code(), std::string("loading ")
                                                       .append(options_.snapshot_path)
                                                       .append(": ")
                                                       .append(decoded.status().message()));
    if (metrics_ != nullptr) metrics_->load_errors_total.Inc();
    if (logger_ != nullptr) {
      logger_->Error("Notification log snapshot unreadable, starting empty",
                     {{"err", load_status_}});
    }
    return;
  }
  const model::Timestamp now = clock_.NowMillis();
  MutexLock lock(mu_);
  for (NflogEntry& e : *decoded) {
    if (e.expires_at <= now) continue;
    std::string key = StateKey(e.group_key, e.receiver);
    entries_.insert_or_assign(std::move(key), std::move(e));
  }
  if (metrics_ != nullptr) {
    metrics_->entries.Set(static_cast<double>(entries_.size()));
    metrics_->snapshot_size_bytes.Set(static_cast<double>(data->size()));
  }
}

void Nflog::Log(const NflogReceiver& receiver, std::string_view group_key,
                std::vector<uint64_t> firing_alerts, std::vector<uint64_t> resolved_alerts,
                int64_t expiry_ms) {
  const model::Timestamp now = clock_.NowMillis();
  std::string key = StateKey(group_key, receiver);
  MutexLock lock(mu_);
  auto it = entries_.find(key);
  // As Alertmanager: never replace an entry by an older one (clock steps backwards).
  if (it != entries_.end() && it->second.timestamp > now) return;
  const int64_t ttl =
      (expiry_ms > 0 && options_.retention_ms > expiry_ms) ? expiry_ms : options_.retention_ms;
  NflogEntry e{.group_key = std::string(group_key),
               .receiver = receiver,
               .timestamp = now,
               .firing_alerts = std::move(firing_alerts),
               .resolved_alerts = std::move(resolved_alerts),
               .expires_at = now + ttl};
  entries_.insert_or_assign(std::move(key), std::move(e));
  ++version_;
  if (metrics_ != nullptr) metrics_->entries.Set(static_cast<double>(entries_.size()));
}

std::optional<NflogEntry> Nflog::Query(std::string_view group_key,
                                       const NflogReceiver& receiver) const {
  if (metrics_ != nullptr) metrics_->queries_total.Inc();
  const std::string key = StateKey(group_key, receiver);
  MutexLock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::vector<NflogEntry> Nflog::Entries() const {
  std::vector<std::pair<std::string, NflogEntry>> sorted;
  {
    MutexLock lock(mu_);
    sorted.assign(entries_.begin(), entries_.end());
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<NflogEntry> out;
  out.reserve(sorted.size());
  for (auto& kv : sorted) out.push_back(std::move(kv.second));
  return out;
}

int Nflog::GC() {
  const model::Timestamp now = clock_.NowMillis();
  MutexLock lock(mu_);
  const size_t n =
      std::erase_if(entries_, [now](const auto& kv) { return kv.second.expires_at <= now; });
  if (n > 0) ++version_;
  if (metrics_ != nullptr) metrics_->entries.Set(static_cast<double>(entries_.size()));
  return static_cast<int>(n);
}

Status Nflog::Snapshot() {
  if (options_.snapshot_path.empty()) return OkStatus();
  MutexLock snapshot_lock(snapshot_mu_);
  uint64_t version;
  std::vector<NflogEntry> entries;
  {
    MutexLock lock(mu_);
    version = version_;
    if (version == saved_version_ && fs_.Exists(options_.snapshot_path)) return OkStatus();
    entries.reserve(entries_.size());
    for (const auto& kv : entries_) entries.push_back(kv.second);
  }
  // Sorted so that equal logs give equal files.
  std::sort(entries.begin(), entries.end(), [](const NflogEntry& a, const NflogEntry& b) {
    if (a.group_key != b.group_key) return a.group_key < b.group_key;
    return a.receiver.Key() < b.receiver.Key();
  });
  const std::string data = EncodeNflogSnapshot(entries);
  OSPREY_RETURN_IF_ERROR(fs_.CreateDirs(ParentDir(options_.snapshot_path)));
  OSPREY_RETURN_IF_ERROR(WriteFileAtomically(fs_, options_.snapshot_path, data));
  if (metrics_ != nullptr) metrics_->snapshot_size_bytes.Set(static_cast<double>(data.size()));
  MutexLock lock(mu_);
  saved_version_ = std::max(saved_version_, version);
  return OkStatus();
}

void Nflog::StartMaintenance() {
  if (maintenance_.joinable()) return;
  maintenance_ = std::jthread([this](std::stop_token stop) { MaintenanceLoop(stop); });
}

void Nflog::MaintenanceLoop(std::stop_token stop) {
  // Wall time: this loop only paces background work, tests call GC() and Snapshot().
  const auto snapshot_every = std::chrono::milliseconds(
      std::max<int64_t>(1, std::min(options_.snapshot_interval_ms, options_.gc_interval_ms)));
  auto next_gc = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(std::max<int64_t>(1, options_.gc_interval_ms));
  while (!stop.stop_requested()) {
    {
      std::unique_lock<Mutex> lock(stop_mu_);
      stop_cv_.wait_for(lock, stop, snapshot_every, [] { return false; });
    }
    if (stop.stop_requested()) return;
    bool gc = std::chrono::steady_clock::now() >= next_gc;
    if (gc) {
      GC();
      next_gc = std::chrono::steady_clock::now() +
                std::chrono::milliseconds(std::max<int64_t>(1, options_.gc_interval_ms));
    }
    Status s = Snapshot();
    if (gc && metrics_ != nullptr) metrics_->maintenance_total.Inc();
    if (!s.ok()) {
      if (metrics_ != nullptr) metrics_->maintenance_errors_total.Inc();
      if (logger_ != nullptr) {
        logger_->Error("Writing the notification log snapshot failed", {{"err", s}});
      }
    }
  }
}

}  // namespace osprey::alerting
