// Manager: opening, config, reads, and what people do to incidents (ack, resolve, notes,
// assignment, severity, ack links). Invariants: see internal/manager_impl.h.
#include "incidents/manager.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/check.h"
#include "incidents/internal/manager_impl.h"
#include "metrics/registry.h"

namespace osprey::incidents {
namespace {

std::string ViaJson(const Actor& actor) {
  nlohmann::json j = {{"via", actor.via}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ActorText(const Actor& actor) {
  std::string s = actor.name.empty() ? std::string("someone") : actor.name;
  if (!actor.via.empty()) s.append(" via ").append(actor.via);
  return s;
}

std::string IdText(int64_t id) { return std::string("incident ").append(std::to_string(id)); }

}  // namespace

// ---- Impl: plumbing ---------------------------------------------------------------------

Manager::Impl::Impl(ManagerOptions options, std::unique_ptr<Store> store,
                    std::unique_ptr<metrics::Registry> own_registry)
    : opts_(std::move(options)),
      clock_(*opts_.clock),
      own_registry_(std::move(own_registry)),
      metrics_(opts_.registry != nullptr ? *opts_.registry : *own_registry_),
      store_(std::move(store)),
      notify_sched_(clock_, {.workers = std::max(1, opts_.workers)}),
      action_sched_(clock_, {.workers = std::max(1, opts_.workers)}) {
  MutexLock lock(mu_);
  RefreshOpenGaugeLocked();
}

Manager::Impl::~Impl() { Shutdown(); }

Manager::Impl::ConfigPtr Manager::Impl::config() const {
  MutexLock lock(cfg_mu_);
  return cfg_;
}

Event Manager::Impl::MakeEvent(EventKind kind, std::string actor, std::string message,
                               std::string detail_json) const {
  return Event{.at_ms = Now(),
               .kind = kind,
               .actor = std::move(actor),
               .message = std::move(message),
               .detail_json = std::move(detail_json)};
}

void Manager::Impl::LogError(std::string_view what, const Status& s) const {
  if (opts_.logger != nullptr) opts_.logger->Error(what, {{"err", s}});
}

Result<Incident> Manager::Impl::LoadLocked(int64_t id) const {
  OSPREY_ASSIGN_OR_RETURN(std::optional<Incident> inc, store_->Get(id));
  if (!inc) return NotFoundError(IdText(id).append(" not found"));
  return std::move(*inc);
}

Status Manager::Impl::CommitLocked(Incident& inc, std::vector<Event> events) {
  inc.updated_at_ms = Now();
  return store_->Update(inc, events);
}

void Manager::Impl::RefreshOpenGaugeLocked() {
  Result<std::map<Severity, int64_t>> counts = store_->CountOpenBySeverity();
  if (!counts.ok()) {
    LogError("Counting open incidents failed", counts.status());
    return;
  }
  for (Severity s : {Severity::kCritical, Severity::kWarning, Severity::kInfo}) {
    auto it = counts->find(s);
    metrics_.open.WithLabels({config::IncidentSeverityName(s)})
        .Set(it == counts->end() ? 0.0 : static_cast<double>(it->second));
  }
}

void Manager::Impl::Shutdown() {
  {
    MutexLock lock(mu_);
    shut_down_ = true;
  }
  notify_sched_.Stop();
  action_sched_.Stop();
}

void Manager::Impl::WaitIdleForTest() {
  // Notify tasks may queue actions (a due "unacknowledged" trigger); actions queue nothing.
  notify_sched_.Wake();
  notify_sched_.WaitIdleForTest();
  action_sched_.Wake();
  action_sched_.WaitIdleForTest();
}

// ---- Config and reads -------------------------------------------------------------------

Status Manager::Impl::ApplyConfig(const config::IncidentsConfig& cfg,
                                  const std::string& external_url) {
  OSPREY_ASSIGN_OR_RETURN(ConfigPtr compiled, internal::Compile(cfg, external_url));
  MutexLock lock(mu_);
  {
    MutexLock cfg_lock(cfg_mu_);
    cfg_ = std::move(compiled);
  }
  return RearmLocked();
}

std::vector<Incident> Manager::Impl::List(const IncidentFilter& filter) const {
  Result<std::vector<Incident>> r = store_->List(filter);
  if (!r.ok()) {
    LogError("Listing incidents failed", r.status());
    return {};
  }
  return std::move(*r);
}

Result<Incident> Manager::Impl::Get(int64_t id) const {
  OSPREY_ASSIGN_OR_RETURN(std::optional<Incident> inc, store_->Get(id));
  if (!inc) return NotFoundError(IdText(id).append(" not found"));
  return std::move(*inc);
}

Result<std::vector<Event>> Manager::Impl::Timeline(int64_t id) const {
  OSPREY_ASSIGN_OR_RETURN(std::optional<Incident> inc, store_->Get(id));
  if (!inc) return NotFoundError(IdText(id).append(" not found"));
  return store_->Timeline(id);
}

std::vector<Manager::OnCallEntry> Manager::Impl::OnCallNow() const {
  std::vector<OnCallEntry> out;
  ConfigPtr cfg = config();
  if (cfg == nullptr) return out;
  const int64_t now = Now();
  for (const config::ScheduleConfig& s : cfg->cfg.schedules) {
    OnCallEntry e{.schedule = s.name};
    if (opts_.oncall != nullptr) {
      if (Result<OnCallAnswer> a = opts_.oncall->OnCallAt(s.name, now); a.ok()) {
        e.now = std::move(a->people);
      }
      if (Result<int64_t> next = opts_.oncall->NextChangeAfter(s.name, now);
          next.ok() && *next > 0) {
        e.next_change_at_ms = *next;
        if (Result<OnCallAnswer> a = opts_.oncall->OnCallAt(s.name, *next); a.ok()) {
          e.next = std::move(a->people);
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

// ---- What people do ---------------------------------------------------------------------

Status Manager::Impl::StopEscalationLocked(Incident& inc) {
  inc.next_escalation_at_ms = 0;
  CancelTimersLocked(inc.id);
  return store_->DeletePendingActions(inc.id);
}

Status Manager::Impl::Acknowledge(int64_t id, const Actor& actor) {
  MutexLock lock(mu_);
  return AcknowledgeLocked(id, actor);
}

Status Manager::Impl::AcknowledgeLocked(int64_t id, const Actor& actor) {
  OSPREY_ASSIGN_OR_RETURN(Incident inc, LoadLocked(id));
  if (inc.state == State::kResolved) {
    return FailedPreconditionError(IdText(id).append(" is resolved"));
  }
  if (inc.state == State::kAcknowledged) {
    return FailedPreconditionError(
        IdText(id).append(" is already acknowledged by ").append(inc.acknowledged_by));
  }
  const int64_t now = Now();
  const bool first = inc.acknowledged_at_ms == 0;
  inc.state = State::kAcknowledged;
  if (first) inc.acknowledged_at_ms = now;
  inc.acknowledged_by = actor.name;
  OSPREY_RETURN_IF_ERROR(StopEscalationLocked(inc));
  std::vector<Event> events;
  events.push_back(MakeEvent(EventKind::kAcknowledged, actor.name,
                             std::string("acknowledged by ").append(ActorText(actor)),
                             ViaJson(actor)));
  OSPREY_RETURN_IF_ERROR(CommitLocked(inc, std::move(events)));
  if (first) metrics_.Acknowledged(inc, now - inc.opened_at_ms);
  RefreshOpenGaugeLocked();
  return OkStatus();
}

Status Manager::Impl::ResolveLocked(Incident& inc, const Actor& actor, std::vector<Event> events) {
  // MTTR counts the first resolution only: a reopened incident is the same incident.
  OSPREY_ASSIGN_OR_RETURN(bool resolved_before, store_->HasEvent(inc.id, EventKind::kResolved));
  inc.state = State::kResolved;
  inc.resolved_at_ms = Now();
  inc.resolved_by = actor.name;
  OSPREY_RETURN_IF_ERROR(StopEscalationLocked(inc));
  events.push_back(MakeEvent(EventKind::kResolved, actor.name,
                             std::string("resolved by ").append(ActorText(actor)), ViaJson(actor)));
  OSPREY_RETURN_IF_ERROR(CommitLocked(inc, std::move(events)));
  if (!resolved_before) metrics_.Resolved(inc, inc.resolved_at_ms - inc.opened_at_ms);
  RefreshOpenGaugeLocked();
  return OkStatus();
}

Status Manager::Impl::Resolve(int64_t id, const Actor& actor) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(Incident inc, LoadLocked(id));
  if (inc.state == State::kResolved) {
    return FailedPreconditionError(IdText(id).append(" is already resolved"));
  }
  return ResolveLocked(inc, actor, {});
}

Status Manager::Impl::AddNote(int64_t id, const Actor& actor, const std::string& text) {
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) {
    return InvalidArgumentError("note text is empty");
  }
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(Incident inc, LoadLocked(id));
  std::vector<Event> events;
  events.push_back(MakeEvent(EventKind::kNote, actor.name, text, ViaJson(actor)));
  return CommitLocked(inc, std::move(events));
}

Status Manager::Impl::Assign(int64_t id, const Actor& actor, const std::string& person) {
  ConfigPtr cfg = config();
  if (!person.empty() && (cfg == nullptr || !cfg->HasPerson(person))) {
    return InvalidArgumentError(std::string("unknown person \"").append(person).append("\""));
  }
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(Incident inc, LoadLocked(id));
  if (inc.assignee == person) return OkStatus();
  inc.assignee = person;
  nlohmann::json detail = {{"via", actor.via}, {"person", person}};
  std::string msg =
      person.empty() ? std::string("unassigned") : std::string("assigned to ").append(person);
  msg.append(" by ").append(ActorText(actor));
  std::vector<Event> events;
  events.push_back(
      MakeEvent(EventKind::kAssigned, actor.name, std::move(msg),
                detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return CommitLocked(inc, std::move(events));
}

Status Manager::Impl::SetSeverity(int64_t id, const Actor& actor, Severity severity) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(Incident inc, LoadLocked(id));
  if (inc.severity == severity) return OkStatus();
  const std::string_view from = config::IncidentSeverityName(inc.severity);
  const std::string_view to = config::IncidentSeverityName(severity);
  inc.severity = severity;
  nlohmann::json detail = {{"via", actor.via}, {"from", from}, {"to", to}};
  std::vector<Event> events;
  events.push_back(MakeEvent(EventKind::kSeverityChanged, actor.name,
                             std::string("severity changed from ")
                                 .append(from)
                                 .append(" to ")
                                 .append(to)
                                 .append(" by ")
                                 .append(ActorText(actor)),
                             detail.dump()));
  OSPREY_RETURN_IF_ERROR(CommitLocked(inc, std::move(events)));
  RefreshOpenGaugeLocked();
  return OkStatus();
}

Result<Incident> Manager::Impl::AcknowledgeByLink(const std::string& token) {
  if (opts_.ack_links == nullptr) return UnavailableError("acknowledgement links are not set up");
  const int64_t now = Now();
  auto reject = [&](std::string_view outcome, Status s) -> Status {
    metrics_.ack_links_total.WithLabels({outcome}).Inc();
    if (opts_.logger != nullptr) {
      opts_.logger->Warn("Rejected incident acknowledgement link",
                         {{"outcome", outcome}, {"err", s}});
    }
    return s;
  };
  Result<AckClaim> claim = opts_.ack_links->Verify(token, now);
  if (!claim.ok()) {
    if (claim.status().code() == StatusCode::kDeadlineExceeded) {
      return reject("expired", claim.status());
    }
    if (claim.status().code() == StatusCode::kPermissionDenied) {
      return reject("forged", claim.status());
    }
    return reject("forged", PermissionDeniedError(claim.status().message()));
  }
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(bool fresh, store_->MarkNonceUsed(claim->nonce, claim->incident_id, now,
                                                            std::max(claim->expires_at_ms, now)));
  if (!fresh) {
    return reject("reused", AlreadyExistsError(std::string("link already used (")
                                                   .append(IdText(claim->incident_id))
                                                   .append(", sent to ")
                                                   .append(claim->person)
                                                   .append(")")));
  }
  metrics_.ack_links_total.WithLabels({"ok"}).Inc();
  OSPREY_RETURN_IF_ERROR(AcknowledgeLocked(claim->incident_id, Actor{claim->person, "ack-link"}));
  return LoadLocked(claim->incident_id);
}

// ---- Manager ----------------------------------------------------------------------------

Result<std::unique_ptr<Manager>> Manager::Open(ManagerOptions options) {
  OSPREY_CHECK(options.clock != nullptr) << "incidents::Manager needs a clock";
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options.db_path));
  std::unique_ptr<metrics::Registry> own;
  if (options.registry == nullptr) own = std::make_unique<metrics::Registry>();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(store), std::move(own));
  return std::unique_ptr<Manager>(new Manager(std::move(impl)));
}

Manager::Manager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Manager::~Manager() { impl_->Shutdown(); }

Status Manager::ApplyConfig(const config::IncidentsConfig& cfg, const std::string& external_url) {
  return impl_->ApplyConfig(cfg, external_url);
}
alerting::FlushObserver* Manager::observer() { return impl_.get(); }
std::vector<Incident> Manager::List(const IncidentFilter& filter) const {
  return impl_->List(filter);
}
Result<Incident> Manager::Get(int64_t id) const { return impl_->Get(id); }
Result<std::vector<Event>> Manager::Timeline(int64_t id) const { return impl_->Timeline(id); }
Status Manager::Acknowledge(int64_t id, const Actor& actor) {
  return impl_->Acknowledge(id, actor);
}
Status Manager::Resolve(int64_t id, const Actor& actor) { return impl_->Resolve(id, actor); }
Status Manager::AddNote(int64_t id, const Actor& actor, const std::string& text) {
  return impl_->AddNote(id, actor, text);
}
Status Manager::Assign(int64_t id, const Actor& actor, const std::string& person) {
  return impl_->Assign(id, actor, person);
}
Status Manager::SetSeverity(int64_t id, const Actor& actor, Severity severity) {
  return impl_->SetSeverity(id, actor, severity);
}
Result<Incident> Manager::AcknowledgeByLink(const std::string& token) {
  return impl_->AcknowledgeByLink(token);
}
std::vector<Manager::OnCallEntry> Manager::OnCallNow() const { return impl_->OnCallNow(); }
void Manager::Shutdown() { impl_->Shutdown(); }
void Manager::WaitIdleForTest() { impl_->WaitIdleForTest(); }

}  // namespace osprey::incidents
