// Manager: escalation through a policy's levels, contact sends, automated responses, and the
// timers that drive them. Invariants: see internal/manager_impl.h.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "incidents/internal/action_result.h"
#include "incidents/internal/manager_impl.h"
#include "metrics/registry.h"

namespace osprey::incidents {
namespace {

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string LevelText(int level) { return std::string("level ").append(std::to_string(level + 1)); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) {
    if (!s.empty()) s.append(", ");
    s.append(n);
  }
  return s;
}

std::string TriggerText(bool unacknowledged) { return unacknowledged ? "unacknowledged" : "open"; }

}  // namespace

bool Manager::Impl::StartEscalation(const internal::CompiledConfig& cfg, Incident& inc,
                                    int64_t now) const {
  const config::EscalationPolicyConfig* policy = cfg.Policy(inc.policy);
  inc.escalation_pass = 0;
  if (policy == nullptr || policy->levels.empty()) {
    inc.escalation_level = -1;
    inc.next_escalation_at_ms = 0;
    return false;
  }
  inc.escalation_level = 0;
  inc.next_escalation_at_ms =
      internal::NextStep(*policy, 0, 0) ? now + policy->levels[0].escalate_after.ms : 0;
  return true;
}

void Manager::Impl::AfterEscalationCommitLocked(const ConfigPtr& cfg, const Incident& inc) {
  if (inc.next_escalation_at_ms > 0) ArmEscalationLocked(inc.id, inc.next_escalation_at_ms);
  const int64_t id = inc.id;
  const int level = inc.escalation_level;
  const int pass = inc.escalation_pass;
  notify_sched_.Submit([this, cfg, id, level, pass] { SendLevel(cfg, id, level, pass); });
}

void Manager::Impl::ArmEscalationLocked(int64_t id, int64_t at_ms) {
  if (auto it = escalation_timers_.find(id); it != escalation_timers_.end()) {
    notify_sched_.Cancel(it->second);
  }
  escalation_timers_[id] =
      notify_sched_.ScheduleAt(at_ms, [this, id, at_ms] { EscalationDue(id, at_ms); });
}

void Manager::Impl::CancelTimersLocked(int64_t id) {
  if (auto it = escalation_timers_.find(id); it != escalation_timers_.end()) {
    notify_sched_.Cancel(it->second);
    escalation_timers_.erase(it);
  }
  for (auto it = action_timers_.lower_bound({id, ""});
       it != action_timers_.end() && it->first.first == id;) {
    notify_sched_.Cancel(it->second);
    it = action_timers_.erase(it);
  }
}

void Manager::Impl::EscalationDue(int64_t id, int64_t due_ms) {
  ConfigPtr cfg = config();
  MutexLock lock(mu_);
  if (shut_down_ || cfg == nullptr) return;
  Result<Incident> loaded = LoadLocked(id);
  if (!loaded.ok()) {
    LogError("Escalating an incident failed", loaded.status());
    return;
  }
  Incident& inc = *loaded;
  // Acknowledged, resolved or re-armed for another time since this timer was set.
  if (inc.state != State::kTriggered || inc.next_escalation_at_ms != due_ms) return;
  escalation_timers_.erase(id);
  const config::EscalationPolicyConfig* policy = cfg->Policy(inc.policy);
  std::optional<std::pair<int, int>> step;
  if (policy != nullptr)
    step = internal::NextStep(*policy, inc.escalation_level, inc.escalation_pass);
  const int64_t now = Now();
  std::vector<Event> events;
  if (!step) {
    inc.next_escalation_at_ms = 0;
  } else {
    const auto [level, pass] = *step;
    const int cur = inc.escalation_level;
    std::string msg = "not acknowledged";
    if (cur >= 0 && cur < static_cast<int>(policy->levels.size())) {
      msg.append(" within ").append(model::FormatDuration(policy->levels[cur].escalate_after));
    }
    msg.append(": escalated to ").append(LevelText(level));
    if (pass != inc.escalation_pass) {
      msg.append(" (repeat ").append(std::to_string(pass)).append(" of ");
      msg.append(std::to_string(policy->repeat)).append(")");
    }
    nlohmann::json detail = {{"level", level}, {"pass", pass}, {"policy", inc.policy}};
    events.push_back(MakeEvent(EventKind::kEscalated, "system", std::move(msg), Dump(detail)));
    inc.escalation_level = level;
    inc.escalation_pass = pass;
    inc.next_escalation_at_ms = internal::NextStep(*policy, level, pass)
                                    ? now + policy->levels[level].escalate_after.ms
                                    : 0;
  }
  // Persisted before the send: a restart resumes from here and never repeats this level.
  if (Status s = CommitLocked(inc, std::move(events)); !s.ok()) {
    LogError("Escalating an incident failed", s);
    return;
  }
  if (step) AfterEscalationCommitLocked(cfg, inc);
}

void Manager::Impl::SendLevel(const ConfigPtr& cfg, int64_t id, int level, int pass) {
  Incident inc;
  {
    MutexLock lock(mu_);
    if (shut_down_) return;
    Result<Incident> loaded = LoadLocked(id);
    if (!loaded.ok()) return;
    inc = std::move(*loaded);
  }
  // Acknowledged (or moved on) before this send got a worker: nothing to say any more.
  if (inc.state != State::kTriggered || inc.escalation_level != level ||
      inc.escalation_pass != pass) {
    return;
  }
  const config::EscalationPolicyConfig* policy = cfg->Policy(inc.policy);
  if (policy == nullptr || level < 0 || level >= static_cast<int>(policy->levels.size())) return;
  const int64_t now = Now();
  std::vector<Event> events;
  std::vector<std::string> people;
  auto add = [&](const std::string& p) {
    if (std::find(people.begin(), people.end(), p) == people.end()) people.push_back(p);
  };
  for (const config::EscalationTargetConfig& t : policy->levels[level].targets) {
    if (!t.person.empty()) {
      add(t.person);
      continue;
    }
    Result<OnCallAnswer> answer = opts_.oncall != nullptr ? opts_.oncall->OnCallAt(t.schedule, now)
                                                          : Result<OnCallAnswer>(OnCallAnswer{});
    if (answer.ok() && !answer->people.empty()) {
      for (const std::string& p : answer->people) add(p);
      continue;
    }
    std::string msg = std::string("nobody on call in schedule ").append(t.schedule);
    if (!answer.ok()) msg.append(" (").append(answer.status().message()).append(")");
    msg.append(" at ").append(LevelText(level));
    msg.append(policy->fallback.empty()
                   ? std::string("; no fallback configured")
                   : std::string("; notifying fallback ").append(JoinNames(policy->fallback)));
    nlohmann::json detail = {
        {"schedule", t.schedule}, {"level", level}, {"fallback", policy->fallback}};
    if (!answer.ok()) detail["error"] = answer.status().message();
    events.push_back(MakeEvent(EventKind::kOnCallGap, "system", std::move(msg), Dump(detail)));
    for (const std::string& p : policy->fallback) add(p);
  }
  const std::string incident_url =
      std::string(cfg->external_url).append("/incidents/").append(std::to_string(id));
  for (const std::string& person : people) {
    ContactMessage message{
        .incident = &inc, .person = person, .level = level, .incident_url = incident_url};
    if (opts_.ack_links != nullptr) {
      message.ack_url = std::string(cfg->external_url)
                            .append("/ack/")
                            .append(opts_.ack_links->Sign(id, person, now));
    }
    std::vector<ContactResult> results;
    if (opts_.contacts != nullptr) results = opts_.contacts->Send(message);
    if (results.empty()) {
      const std::string why =
          opts_.contacts == nullptr ? "no contact sender" : "no contact methods";
      nlohmann::json detail = {
          {"person", person}, {"level", level}, {"pass", pass}, {"ok", false}, {"error", why}};
      events.push_back(MakeEvent(EventKind::kNotified, "system",
                                 std::string("could not notify ")
                                     .append(person)
                                     .append(" (")
                                     .append(LevelText(level))
                                     .append("): ")
                                     .append(why),
                                 Dump(detail)));
      metrics_.notifications_total.WithLabels({"none", "error"}).Inc();
      continue;
    }
    for (const ContactResult& r : results) {
      std::string msg = std::string("notified ")
                            .append(person)
                            .append(" by ")
                            .append(r.method)
                            .append(" ")
                            .append(r.address)
                            .append(" (")
                            .append(LevelText(level))
                            .append("): ");
      msg.append(r.status.ok() ? std::string("ok")
                               : std::string("error ").append(r.status.message()));
      nlohmann::json detail = {{"person", person}, {"method", r.method}, {"contact", r.address},
                               {"level", level},   {"pass", pass},       {"ok", r.status.ok()}};
      if (!r.status.ok()) detail["error"] = r.status.message();
      events.push_back(MakeEvent(EventKind::kNotified, "system", std::move(msg), Dump(detail)));
      metrics_.notifications_total.WithLabels({r.method, r.status.ok() ? "ok" : "error"}).Inc();
    }
  }
  if (Status s = store_->AppendEvents(id, events); !s.ok()) {
    LogError("Recording escalation notifications failed", s);
  }
}

void Manager::Impl::StartActionsLocked(const ConfigPtr& cfg, const Incident& inc,
                                       const std::vector<config::ActionTriggerConfig>& triggers) {
  const int64_t now = Now();
  const int64_t id = inc.id;
  for (const config::ActionTriggerConfig& t : triggers) {
    if (t.on == config::ActionTriggerConfig::On::kOpen) {
      std::string name = t.run;
      action_sched_.Submit([this, cfg, id, name] { RunAction(cfg, id, name, false); });
      continue;
    }
    PendingAction p{.incident_id = id, .action = t.run, .due_at_ms = now + t.after.ms};
    if (Status s = store_->PutPendingAction(p); !s.ok()) {
      LogError("Saving a pending incident action failed", s);
      continue;
    }
    ArmActionLocked(p);
  }
}

void Manager::Impl::ArmActionLocked(const PendingAction& p) {
  const std::pair<int64_t, std::string> key{p.incident_id, p.action};
  if (auto it = action_timers_.find(key); it != action_timers_.end()) {
    notify_sched_.Cancel(it->second);
  }
  action_timers_[key] = notify_sched_.ScheduleAt(p.due_at_ms, [this, p] { ActionDue(p); });
}

void Manager::Impl::ActionDue(PendingAction p) {
  ConfigPtr cfg = config();
  MutexLock lock(mu_);
  if (shut_down_ || cfg == nullptr) return;
  // Still pending with this due time? (Ack and resolve delete it; a reopen replaces it.)
  Result<std::vector<PendingAction>> pending = store_->PendingActions();
  if (!pending.ok()) {
    LogError("Reading pending incident actions failed", pending.status());
    return;
  }
  if (std::find(pending->begin(), pending->end(), p) == pending->end()) return;
  action_timers_.erase({p.incident_id, p.action});
  if (Status s = store_->DeletePendingAction(p.incident_id, p.action); !s.ok()) {
    LogError("Deleting a pending incident action failed", s);
    return;
  }
  Result<Incident> inc = LoadLocked(p.incident_id);
  if (!inc.ok() || inc->state != State::kTriggered) return;
  const int64_t id = p.incident_id;
  std::string name = p.action;
  action_sched_.Submit([this, cfg, id, name] { RunAction(cfg, id, name, true); });
}

void Manager::Impl::RunAction(const ConfigPtr& cfg, int64_t id, const std::string& action,
                              bool unacknowledged) {
  Result<std::optional<Incident>> inc = store_->Get(id);
  if (!inc.ok() || !inc->has_value()) return;
  const config::ActionConfig* a = cfg->Action(action);
  ActionOutcome out;
  if (a == nullptr) {
    out.status = NotFoundError(std::string("unknown action \"").append(action).append("\""));
  } else if (opts_.actions == nullptr) {
    out.status = UnavailableError("no action runner");
  } else {
    out = opts_.actions->Run(*a, **inc);
  }
  const std::string_view outcome = internal::ActionOutcomeLabel(out);
  nlohmann::json detail = {{"action", action},
                           {"trigger", TriggerText(unacknowledged)},
                           {"description", out.description},
                           {"ran", out.ran},
                           {"dry_run", out.dry_run},
                           {"rate_limited", out.rate_limited},
                           {"timed_out", out.timed_out},
                           {"ok", out.status.ok() && out.ran},
                           {"output", out.output}};
  if (out.kind == ActionKind::kHttp && out.http_status > 0) detail["http_status"] = out.http_status;
  if (out.kind == ActionKind::kCommand && out.exit_code >= 0) detail["exit_code"] = out.exit_code;
  if (out.kind == ActionKind::kCommand && out.term_signal != 0) detail["signal"] = out.term_signal;
  if (!out.status.ok()) detail["error"] = out.status.message();
  std::vector<Event> events;
  events.push_back(MakeEvent(EventKind::kActionRun, "system",
                             std::string("action ")
                                 .append(action)
                                 .append(" (on ")
                                 .append(TriggerText(unacknowledged))
                                 .append("): ")
                                 .append(internal::ActionResultText(out, action)),
                             Dump(detail)));
  metrics_.actions_total.WithLabels({action, outcome}).Inc();
  if (Status s = store_->AppendEvents(id, events); !s.ok()) {
    LogError("Recording an incident action failed", s);
  }
}

Status Manager::Impl::RearmLocked() {
  for (const auto& [id, task] : escalation_timers_) notify_sched_.Cancel(task);
  escalation_timers_.clear();
  for (const auto& [key, task] : action_timers_) notify_sched_.Cancel(task);
  action_timers_.clear();
  OSPREY_ASSIGN_OR_RETURN(std::vector<Incident> open,
                          store_->List(IncidentFilter{.open_only = true, .limit = 0}));
  for (const Incident& inc : open) {
    if (inc.state == State::kTriggered && inc.next_escalation_at_ms > 0) {
      ArmEscalationLocked(inc.id, inc.next_escalation_at_ms);
    }
  }
  OSPREY_ASSIGN_OR_RETURN(std::vector<PendingAction> pending, store_->PendingActions());
  for (const PendingAction& p : pending) ArmActionLocked(p);
  return OkStatus();
}

}  // namespace osprey::incidents
