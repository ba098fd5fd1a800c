#include "alerting/marker.h"

#include <cstdio>

#include "alerting/internal/collector_link.h"
#include "metrics/registry.h"

namespace osprey::alerting {

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kUnprocessed:
      return "unprocessed";
    case AlertState::kActive:
      return "active";
    case AlertState::kSuppressed:
      return "suppressed";
  }
  return "unprocessed";
}

std::string FingerprintString(uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(fp));
  return std::string(buf, 16);
}

Marker::Marker(metrics::Registry* registry)
    : link_(internal::CollectorLink<Marker>::Register(registry, this)) {}

Marker::~Marker() {
  if (link_) link_->Detach();
}

void Marker::UpdateState(AlertStatus& s) {
  s.state = s.silenced_by.empty() && s.inhibited_by.empty() ? AlertState::kActive
                                                            : AlertState::kSuppressed;
}

void Marker::SetActiveOrSilenced(uint64_t fp, uint64_t version, std::vector<std::string> active_ids,
                                 std::vector<std::string> pending_ids) {
  MutexLock lock(mu_);
  AlertStatus& s = alerts_[fp];
  s.silenced_by = std::move(active_ids);
  s.pending_silences = std::move(pending_ids);
  s.silences_version = version;
  UpdateState(s);
}

void Marker::SetInhibited(uint64_t fp, std::vector<std::string> inhibiting_fps) {
  MutexLock lock(mu_);
  AlertStatus& s = alerts_[fp];
  s.inhibited_by = std::move(inhibiting_fps);
  UpdateState(s);
}

AlertStatus Marker::Status(uint64_t fp) const {
  MutexLock lock(mu_);
  auto it = alerts_.find(fp);
  return it == alerts_.end() ? AlertStatus{} : it->second;
}

void Marker::Delete(uint64_t fp) {
  MutexLock lock(mu_);
  alerts_.erase(fp);
}

size_t Marker::Count(AlertState state) const {
  MutexLock lock(mu_);
  size_t n = 0;
  for (const auto& entry : alerts_) n += entry.second.state == state ? 1 : 0;
  return n;
}

size_t Marker::Size() const {
  MutexLock lock(mu_);
  return alerts_.size();
}

void Marker::SetMuted(std::string_view route_id, std::string_view group_key,
                      std::vector<std::string> time_interval_names) {
  MutexLock lock(mu_);
  auto key = std::make_pair(std::string(route_id), std::string(group_key));
  if (time_interval_names.empty()) {
    groups_.erase(key);
  } else {
    groups_[std::move(key)] = std::move(time_interval_names);
  }
}

std::vector<std::string> Marker::Muted(std::string_view route_id,
                                       std::string_view group_key) const {
  MutexLock lock(mu_);
  auto it = groups_.find(std::make_pair(std::string(route_id), std::string(group_key)));
  return it == groups_.end() ? std::vector<std::string>{} : it->second;
}

void Marker::DeleteGroup(std::string_view route_id, std::string_view group_key) {
  MutexLock lock(mu_);
  groups_.erase(std::make_pair(std::string(route_id), std::string(group_key)));
}

void Marker::Collect(metrics::MetricWriter& writer) const {
  size_t counts[3] = {0, 0, 0};
  {
    MutexLock lock(mu_);
    for (const auto& entry : alerts_) ++counts[static_cast<int>(entry.second.state)];
  }
  for (AlertState st : {AlertState::kActive, AlertState::kSuppressed, AlertState::kUnprocessed}) {
    writer.Write("alertmanager_marked_alerts",
                 "How many alerts by state are currently marked in the Alertmanager regardless "
                 "of their expiry.",
                 "gauge", {{"state", AlertStateName(st)}},
                 static_cast<double>(counts[static_cast<int>(st)]));
  }
}

}  // namespace osprey::alerting
