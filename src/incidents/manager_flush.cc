// Manager: the alerting pipeline's observer. A flush opens, joins, reopens or auto-resolves
// the incident of its group key; a finished notification goes on that incident's timeline.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "incidents/internal/manager_impl.h"

namespace osprey::incidents {
namespace {

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string AlertText(const IncidentAlert& a) {
  std::string s(a.labels.Get("alertname"));
  if (!s.empty()) s.push_back(' ');
  s.append(a.labels.WithoutMetricName().ToString());
  return s;
}

std::string AlertDetail(const IncidentAlert& a) {
  nlohmann::json labels = nlohmann::json::object();
  for (const model::Label& l : a.labels) labels[l.name] = l.value;
  nlohmann::json j = {{"fingerprint", Hex16(a.fingerprint)}, {"labels", labels}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void Manager::Impl::OnFlush(const alerting::FlushRequest& flush,
                            std::span<const model::Alert> alerts) {
  // No alert left after the mute stages (all silenced or inhibited) says nothing about the
  // incident: it neither opens nor resolves one.
  if (alerts.empty()) return;
  ConfigPtr cfg = config();
  if (cfg == nullptr || !cfg->TracksReceiver(flush.receiver)) return;
  MutexLock lock(mu_);
  if (shut_down_) return;
  Status s = OnFlushLocked(*cfg, cfg, flush, alerts);
  if (!s.ok() && opts_.logger != nullptr) {
    opts_.logger->Error("Updating the incident of an alert group failed",
                        {{"group_key", flush.group_key}, {"err", s}});
  }
}

Status Manager::Impl::OnFlushLocked(const internal::CompiledConfig& cfg, const ConfigPtr& cfg_ptr,
                                    const alerting::FlushRequest& flush,
                                    std::span<const model::Alert> alerts) {
  const int64_t at = flush.now != 0 ? flush.now : Now();
  std::vector<IncidentAlert> current;
  current.reserve(alerts.size());
  bool any_firing = false;
  for (const model::Alert& a : alerts) {
    current.push_back(internal::ToIncidentAlert(a, at));
    any_firing = any_firing || current.back().firing;
  }
  OSPREY_ASSIGN_OR_RETURN(std::optional<Incident> latest, store_->LatestForGroup(flush.group_key));

  if (latest && latest->state != State::kResolved) {
    // Join: record each alert whose firing state changed. Alerts missing from this flush
    // keep their last known state (the group drops resolved alerts once notified).
    Incident& inc = *latest;
    std::vector<Event> events;
    bool changed = false;
    std::map<uint64_t, size_t> index;
    for (size_t i = 0; i < inc.alerts.size(); ++i) index[inc.alerts[i].fingerprint] = i;
    for (IncidentAlert& cur : current) {
      auto it = index.find(cur.fingerprint);
      if (it == index.end()) {
        if (!cur.firing) continue;  // never fired while this incident was open
        events.push_back(MakeEvent(EventKind::kAlertFired, "system",
                                   std::string("alert fired: ").append(AlertText(cur)),
                                   AlertDetail(cur)));
        inc.alerts.push_back(std::move(cur));
        changed = true;
        continue;
      }
      IncidentAlert& old = inc.alerts[it->second];
      if (old.firing != cur.firing) {
        events.push_back(MakeEvent(
            cur.firing ? EventKind::kAlertFired : EventKind::kAlertResolved, "system",
            std::string(cur.firing ? "alert fired: " : "alert resolved: ").append(AlertText(cur)),
            AlertDetail(cur)));
      }
      if (!(old == cur)) {
        old = std::move(cur);
        changed = true;
      }
    }
    if (!changed) return OkStatus();
    std::sort(inc.alerts.begin(), inc.alerts.end(),
              [](const auto& x, const auto& y) { return x.fingerprint < y.fingerprint; });
    inc.services = internal::ServicesOf(cfg, inc.alerts);
    const bool all_resolved = std::none_of(inc.alerts.begin(), inc.alerts.end(),
                                           [](const IncidentAlert& a) { return a.firing; });
    if (all_resolved && cfg.cfg.auto_resolve) {
      return ResolveLocked(inc, Actor{"system", "system"}, std::move(events));
    }
    return CommitLocked(inc, std::move(events));
  }

  if (!any_firing) return OkStatus();
  std::optional<Incident> reopen;
  if (latest && latest->resolved_at_ms >= Now() - cfg.cfg.reopen_window.ms) {
    reopen = std::move(latest);
  }
  return OpenLocked(cfg_ptr, flush, std::move(current), std::move(reopen));
}

Status Manager::Impl::OpenLocked(const ConfigPtr& cfg, const alerting::FlushRequest& flush,
                                 std::vector<IncidentAlert> alerts,
                                 std::optional<Incident> reopen) {
  // Only the alerts that fire belong to a new (or reopened) incident. Judged in the flush's
  // order (the title is the first firing alert's), stored by fingerprint.
  std::erase_if(alerts, [](const IncidentAlert& a) { return !a.firing; });
  const internal::GroupVerdict verdict = internal::Judge(*cfg, flush.group_labels, alerts);
  std::sort(alerts.begin(), alerts.end(),
            [](const auto& x, const auto& y) { return x.fingerprint < y.fingerprint; });
  const int64_t now = Now();
  std::vector<Event> events;
  Incident inc;
  std::vector<config::ActionTriggerConfig> triggers;
  if (reopen) {
    inc = std::move(*reopen);
    const int64_t resolved_at = inc.resolved_at_ms;
    inc.state = State::kTriggered;
    inc.resolved_at_ms = 0;
    inc.resolved_by.clear();
    inc.alerts = alerts;
    inc.services = internal::ServicesOf(*cfg, inc.alerts);
    if (cfg->Policy(inc.policy) == nullptr) inc.policy = verdict.policy;
    triggers = internal::TriggersFor(*cfg, inc.policy,
                                     internal::CommonLabels(inc.group_labels, inc.alerts));
    nlohmann::json detail = {{"resolved_at_ms", resolved_at}};
    events.push_back(MakeEvent(EventKind::kReopened, "system",
                               std::string("reopened: fired again ")
                                   .append(std::to_string((now - resolved_at) / 1000))
                                   .append("s after it was resolved (reopen window ")
                                   .append(model::FormatDuration(cfg->cfg.reopen_window))
                                   .append(")"),
                               detail.dump()));
  } else {
    inc.group_key = flush.group_key;
    inc.receiver = flush.receiver;
    inc.group_labels = flush.group_labels;
    inc.title = verdict.title.empty() ? flush.group_key : verdict.title;
    inc.severity = verdict.severity;
    inc.services = verdict.services;
    inc.state = State::kTriggered;
    inc.policy = verdict.policy;
    inc.opened_at_ms = now;
    inc.escalation_level = -1;
    inc.alerts = alerts;
    triggers = verdict.actions;
    nlohmann::json detail = {{"receiver", inc.receiver},
                             {"group_key", inc.group_key},
                             {"severity", config::IncidentSeverityName(inc.severity)},
                             {"policy", inc.policy}};
    events.push_back(
        MakeEvent(EventKind::kOpened, "system", std::string("opened: ").append(inc.title),
                  detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  for (const IncidentAlert& a : inc.alerts) {
    events.push_back(MakeEvent(EventKind::kAlertFired, "system",
                               std::string("alert fired: ").append(AlertText(a)), AlertDetail(a)));
  }
  const bool escalate = StartEscalation(*cfg, inc, now);
  inc.updated_at_ms = now;
  if (reopen) {
    OSPREY_RETURN_IF_ERROR(CommitLocked(inc, std::move(events)));
  } else {
    OSPREY_RETURN_IF_ERROR(store_->Create(inc, events));
    metrics_.Opened(inc);
  }
  RefreshOpenGaugeLocked();
  if (escalate) AfterEscalationCommitLocked(cfg, inc);
  StartActionsLocked(cfg, inc, triggers);
  return OkStatus();
}

void Manager::Impl::OnNotified(const alerting::FlushRequest& flush, std::string_view integration,
                               int index, int firing, int resolved, const Status& status) {
  ConfigPtr cfg = config();
  if (cfg == nullptr || !cfg->TracksReceiver(flush.receiver)) return;
  MutexLock lock(mu_);
  if (shut_down_) return;
  Result<std::optional<Incident>> latest = store_->LatestForGroup(flush.group_key);
  if (!latest.ok()) {
    LogError("Reading the incident of an alert group failed", latest.status());
    return;
  }
  if (!latest->has_value()) return;
  const Incident& inc = **latest;
  // A resolved incident hears of the "resolved" notification that follows it.
  const int64_t recent = std::max<int64_t>(cfg->cfg.reopen_window.ms, 5 * 60'000);
  if (inc.state == State::kResolved && inc.resolved_at_ms < Now() - recent) return;
  std::string msg = std::string("receiver ")
                        .append(flush.receiver)
                        .append(" via ")
                        .append(integration)
                        .append("[")
                        .append(std::to_string(index))
                        .append("]: ")
                        .append(std::to_string(firing))
                        .append(" firing, ")
                        .append(std::to_string(resolved))
                        .append(" resolved: ");
  msg.append(status.ok() ? std::string("ok") : std::string("error ").append(status.message()));
  nlohmann::json detail = {
      {"receiver", flush.receiver}, {"integration", integration}, {"index", index},
      {"firing", firing},           {"resolved", resolved},       {"ok", status.ok()}};
  if (!status.ok()) detail["error"] = status.message();
  std::vector<Event> events;
  events.push_back(
      MakeEvent(EventKind::kNotified, "system", std::move(msg),
                detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  if (Status s = store_->AppendEvents(inc.id, events); !s.ok()) {
    LogError("Recording a notification on an incident failed", s);
  }
}

}  // namespace osprey::incidents
