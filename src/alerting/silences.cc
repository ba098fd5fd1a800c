// Invariants: every stored silence passed ValidateSilence (or came from a snapshot written by
// this class); version_ grows with each change; dirty_ is set by every change not yet in the
// snapshot file. Lock order: snapshot_mu_, then mu_. The background thread only calls the
// public Flush() and GC(), so it needs no lock of its own beyond waiting.
#include "alerting/silences.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <utility>

#include "alerting/internal/collector_link.h"
#include "alerting/marker.h"
#include "alerting/silences_snapshot.h"
#include "metrics/registry.h"

namespace osprey::alerting {
namespace {

// Whether a stored silence `a` can become `b` without rewriting what was silenced when
// (Alertmanager's canUpdate). Timestamps are compared at second precision for the start, as
// Alertmanager compares Unix seconds.
bool CanUpdate(const Silence& a, const Silence& b, model::Timestamp now) {
  if (!SameMatchers(a.matchers, b.matchers)) return false;
  switch (SilenceStateAt(a, now)) {
    case SilenceState::kActive:
      if (b.starts_at / 1000 != a.starts_at / 1000) return false;
      if (b.ends_at < now) return false;
      return true;
    case SilenceState::kPending:
      return b.starts_at >= now;
    case SilenceState::kExpired:
      return false;
  }
  return false;
}

bool HasMatcher(const Silence& s, const model::Matcher& want) {
  for (const model::Matcher& m : s.matchers) {
    if (m.name() == want.name() && m.type() == want.type() && m.value() == want.value()) {
      return true;
    }
  }
  return false;
}

bool Selected(const Silence& s, const SilenceQuery& q, model::Timestamp now) {
  if (!q.states.empty()) {
    const SilenceState st = SilenceStateAt(s, now);
    bool found = false;
    for (SilenceState want : q.states) found = found || want == st;
    if (!found) return false;
  }
  for (const model::Matcher& m : q.with_matchers) {
    if (!HasMatcher(s, m)) return false;
  }
  return !q.matching_labels.has_value() || SilenceMatches(s, *q.matching_labels);
}

}  // namespace

Silences::Silences(SilencesOptions options, FileSystem& fs, const Clock& clock,
                   metrics::Registry* registry, const Logger* logger)
    : options_(std::move(options)),
      fs_(fs),
      clock_(clock),
      logger_(logger),
      snapshot_path_(options_.data_dir.empty()
                         ? std::string()
                         : JoinPath(options_.data_dir, kSilencesSnapshotFile)),
      rng_(std::random_device{}()) {
  if (registry != nullptr) {
    queries_ = &registry->NewCounter("alertmanager_silences_queries_total",
                                     "How many silence queries were received.");
    snapshot_size_ = &registry->NewGauge("alertmanager_silences_snapshot_size_bytes",
                                         "Size of the last silence snapshot in bytes.");
    auto& errors = registry->NewCounterFamily(
        "osprey_silences_snapshot_errors_total",
        "Silence snapshots that could not be read (load) or written (write).", {"operation"});
    load_errors_ = &errors.WithLabels({"load"});
    write_errors_ = &errors.WithLabels({"write"});
  }
  link_ = internal::CollectorLink<Silences>::Register(registry, this);
}

Result<std::unique_ptr<Silences>> Silences::Open(SilencesOptions options, FileSystem& fs,
                                                 const Clock& clock, metrics::Registry* registry,
                                                 const Logger* logger) {
  if (!options.data_dir.empty()) {
    if (Status s = fs.CreateDirs(options.data_dir); !s.ok()) {
      return s.Annotate("silences: creating the data directory");
    }
  }
  std::unique_ptr<Silences> silences(new Silences(std::move(options), fs, clock, registry, logger));
  silences->Load();
  if (silences->options_.background) {
    Silences* self = silences.get();
    silences->background_ =
        std::jthread([self](std::stop_token stop) { self->BackgroundLoop(stop); });
  }
  return silences;
}

Silences::~Silences() { Close().IgnoreError(); }

void Silences::Load() {
  if (snapshot_path_.empty() || !fs_.Exists(snapshot_path_)) return;
  Result<std::vector<Silence>> loaded = [&]() -> Result<std::vector<Silence>> {
    OSPREY_ASSIGN_OR_RETURN(std::string data, ReadFileToString(fs_, snapshot_path_));
    if (snapshot_size_ != nullptr) snapshot_size_->Set(static_cast<double>(data.size()));
    return DecodeSilencesSnapshot(data);
  }();
  if (!loaded.ok()) {
    load_status_ = loaded.status().Annotate(snapshot_path_);
    if (load_errors_ != nullptr) load_errors_->Inc();
    if (logger_ != nullptr) {
      logger_->Error("Ignoring the silences snapshot; starting without silences",
                     {{"file", snapshot_path_}, {"err", load_status_}});
    }
    return;
  }
  MutexLock lock(mu_);
  for (Silence& s : *loaded) {
    std::string id = s.id;
    silences_.insert_or_assign(std::move(id), std::move(s));
  }
  version_ = 1;
}

std::string Silences::NewIdLocked() {
  // UUID v4: 122 random bits, version nibble 4, variant bits 10.
  for (;;) {
    uint64_t hi = rng_();
    uint64_t lo = rng_();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;
    lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);
    char buf[37];
    std::snprintf(buf, sizeof(buf), "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(hi & 0xFFFF),
                  static_cast<unsigned long long>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    std::string id(buf, 36);
    if (!silences_.contains(id)) return id;
  }
}

void Silences::StoreLocked(Silence s) {
  std::string id = s.id;
  silences_.insert_or_assign(std::move(id), std::move(s));
  ++version_;
  dirty_ = true;
  {
    // Under wake_mu_ so the background thread cannot miss the wake-up between checking the
    // flag and blocking.
    MutexLock wake_lock(wake_mu_);
    wake_pending_.store(true);
  }
  wake_.notify_all();
}

Result<std::string> Silences::Set(Silence silence) {
  MutexLock lock(mu_);
  const model::Timestamp now = clock_.NowMillis();
  silence.updated_at = now;
  if (!silence.id.empty()) {
    auto it = silences_.find(silence.id);
    if (it == silences_.end()) {
      return NotFoundError(std::string("silence ").append(silence.id).append(" not found"));
    }
    if (CanUpdate(it->second, silence, now)) {
      OSPREY_RETURN_IF_ERROR(ValidateSilence(silence));
      std::string id = silence.id;
      StoreLocked(std::move(silence));
      return id;
    }
    // The change would rewrite history: keep the old silence (expired) and create a new one.
    // Validate first so that a bad request leaves the old silence alone.
    Silence replacement = silence;
    if (replacement.starts_at < now) replacement.starts_at = now;
    OSPREY_RETURN_IF_ERROR(ValidateSilence(replacement));
    if (SilenceStateAt(it->second, now) != SilenceState::kExpired) {
      OSPREY_RETURN_IF_ERROR(ExpireLocked(it->second.id, now));
    }
  }
  if (silence.starts_at < now) silence.starts_at = now;
  OSPREY_RETURN_IF_ERROR(ValidateSilence(silence));
  silence.id = NewIdLocked();
  std::string id = silence.id;
  StoreLocked(std::move(silence));
  return id;
}

Status Silences::ExpireLocked(const std::string& id, model::Timestamp now) {
  auto it = silences_.find(id);
  if (it == silences_.end()) {
    return NotFoundError(std::string("silence ").append(id).append(" not found"));
  }
  Silence s = it->second;
  switch (SilenceStateAt(s, now)) {
    case SilenceState::kExpired:
      return FailedPreconditionError(std::string("silence ").append(id).append(" already expired"));
    case SilenceState::kActive:
      s.ends_at = now;
      break;
    case SilenceState::kPending:
      s.starts_at = now;
      s.ends_at = now;
      break;
  }
  s.updated_at = now;
  StoreLocked(std::move(s));
  return OkStatus();
}

Status Silences::Expire(std::string_view id) {
  MutexLock lock(mu_);
  return ExpireLocked(std::string(id), clock_.NowMillis());
}

Result<Silence> Silences::Get(std::string_view id) const {
  MutexLock lock(mu_);
  auto it = silences_.find(id);
  if (it == silences_.end()) {
    return NotFoundError(std::string("silence ").append(id).append(" not found"));
  }
  return it->second;
}

std::vector<Silence> Silences::Query(const SilenceQuery& query) const {
  if (queries_ != nullptr) queries_->Inc();
  const model::Timestamp now = clock_.NowMillis();
  std::vector<Silence> out;
  MutexLock lock(mu_);
  if (!query.ids.empty()) {
    for (const std::string& id : query.ids) {
      auto it = silences_.find(id);
      if (it != silences_.end() && Selected(it->second, query, now)) out.push_back(it->second);
    }
    std::sort(out.begin(), out.end(),
              [](const Silence& a, const Silence& b) { return a.id < b.id; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Silence& a, const Silence& b) { return a.id == b.id; }),
              out.end());
    return out;
  }
  for (const auto& entry : silences_) {
    if (Selected(entry.second, query, now)) out.push_back(entry.second);
  }
  return out;
}

SilenceMatch Silences::Match(const model::Labels& labels) const {
  if (queries_ != nullptr) queries_->Inc();
  const model::Timestamp now = clock_.NowMillis();
  SilenceMatch match;
  MutexLock lock(mu_);
  match.version = version_;
  for (const auto& entry : silences_) {
    const SilenceState st = SilenceStateAt(entry.second, now);
    if (st == SilenceState::kExpired || !SilenceMatches(entry.second, labels)) continue;
    (st == SilenceState::kActive ? match.active : match.pending).push_back(entry.first);
  }
  return match;
}

uint64_t Silences::version() const {
  MutexLock lock(mu_);
  return version_;
}

size_t Silences::CountState(SilenceState state) const {
  const model::Timestamp now = clock_.NowMillis();
  MutexLock lock(mu_);
  size_t n = 0;
  for (const auto& entry : silences_) n += SilenceStateAt(entry.second, now) == state ? 1 : 0;
  return n;
}

size_t Silences::GC() {
  const model::Timestamp now = clock_.NowMillis();
  MutexLock lock(mu_);
  size_t n = 0;
  for (auto it = silences_.begin(); it != silences_.end();) {
    // Kept while ends_at + retention is after now (Alertmanager's ExpiresAt).
    if (it->second.ends_at + options_.retention.ms <= now) {
      it = silences_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  if (n > 0) dirty_ = true;
  return n;
}

Status Silences::Flush() {
  MutexLock snapshot_lock(snapshot_mu_);
  std::vector<Silence> copy;
  {
    MutexLock lock(mu_);
    if (!dirty_) return OkStatus();
    dirty_ = false;
    if (snapshot_path_.empty()) return OkStatus();
    copy.reserve(silences_.size());
    for (const auto& entry : silences_) copy.push_back(entry.second);
  }
  const std::string data = EncodeSilencesSnapshot(copy);
  if (Status s = WriteFileAtomically(fs_, snapshot_path_, data); !s.ok()) {
    {
      MutexLock lock(mu_);
      dirty_ = true;  // Try again next time.
    }
    if (write_errors_ != nullptr) write_errors_->Inc();
    return s.Annotate("writing the silences snapshot");
  }
  if (snapshot_size_ != nullptr) snapshot_size_->Set(static_cast<double>(data.size()));
  return OkStatus();
}

Status Silences::Close() {
  if (background_.joinable()) {
    background_.request_stop();
    wake_.notify_all();
    background_.join();
  }
  {
    MutexLock lock(mu_);
    if (closed_) return OkStatus();
    closed_ = true;
  }
  Status s = Flush();
  if (link_) link_->Detach();
  return s;
}

void Silences::BackgroundLoop(std::stop_token stop) {
  const auto interval = std::chrono::milliseconds(options_.maintenance_interval.ms);
  auto next_maintenance = std::chrono::steady_clock::now() + interval;
  while (!stop.stop_requested()) {
    {
      std::unique_lock<Mutex> lock(wake_mu_);
      wake_.wait_until(lock, stop, next_maintenance, [this] { return wake_pending_.load(); });
    }
    if (stop.stop_requested()) break;
    wake_pending_.store(false);
    if (std::chrono::steady_clock::now() >= next_maintenance) {
      GC();
      next_maintenance = std::chrono::steady_clock::now() + interval;
    }
    if (Status s = Flush(); !s.ok() && logger_ != nullptr) {
      logger_->Error("Writing the silences snapshot failed", {{"err", s}});
    }
  }
}

void Silences::Collect(metrics::MetricWriter& writer) const {
  for (SilenceState st : {SilenceState::kActive, SilenceState::kPending, SilenceState::kExpired}) {
    writer.Write("alertmanager_silences", "How many silences by state.", "gauge",
                 {{"state", SilenceStateName(st)}}, static_cast<double>(CountState(st)));
  }
}

bool Silencer::Mutes(const model::Labels& alert_labels) {
  SilenceMatch match = silences_.Match(alert_labels);
  const bool muted = !match.active.empty();
  marker_.SetActiveOrSilenced(alert_labels.Hash(), match.version, std::move(match.active),
                              std::move(match.pending));
  return muted;
}

}  // namespace osprey::alerting
