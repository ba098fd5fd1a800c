// Manager's implementation, split over manager.cc (open, config, reads, people's actions),
// manager_flush.cc (the pipeline observer) and manager_escalation.cc (escalation, contact
// sends, automated responses and their timers).
//
// Invariants:
// - Every change of an incident is read-modify-write on the store under mu_, so two
//   changes never interleave; the store has its own lock for the reads that skip mu_.
// - Escalation state (level, pass, next_escalation_at) and pending "unacknowledged" actions
//   are written to the store before anything is sent or armed: a restart re-arms timers from
//   the store and never repeats a notification.
// - A timer task carries the due time it was armed for; when it runs and the incident's
//   state says otherwise (acknowledged, re-armed, resolved) it does nothing. So stale timers
//   (after a reload or an ack) are harmless even when Cancel comes too late.
// - Contact sends and escalation timers run on notify_sched_; actions only on action_sched_,
//   so an action that hangs until its timeout never delays a notification.
// - Lock order: mu_, then cfg_mu_, then the store's own mutex. No lock is held while sending
//   or running an action.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "alerting/flush_observer.h"
#include "alerting/pipeline.h"
#include "alerting/task_scheduler.h"
#include "base/thread_annotations.h"
#include "incidents/internal/incident_metrics.h"
#include "incidents/internal/incident_rules.h"
#include "incidents/manager.h"
#include "incidents/store.h"

namespace osprey::incidents {

class Manager::Impl final : public alerting::FlushObserver {
 public:
  using ConfigPtr = std::shared_ptr<const internal::CompiledConfig>;

  Impl(ManagerOptions options, std::unique_ptr<Store> store,
       std::unique_ptr<metrics::Registry> own_registry);
  ~Impl() override;

  void OnFlush(const alerting::FlushRequest& flush, std::span<const model::Alert> alerts) override
      OSPREY_EXCLUDES(mu_);
  void OnNotified(const alerting::FlushRequest& flush, std::string_view integration, int index,
                  int firing, int resolved, const Status& status) override OSPREY_EXCLUDES(mu_);

  Status ApplyConfig(const config::IncidentsConfig& cfg, const std::string& external_url)
      OSPREY_EXCLUDES(mu_);
  std::vector<Incident> List(const IncidentFilter& filter) const;
  Result<Incident> Get(int64_t id) const;
  Result<std::vector<Event>> Timeline(int64_t id) const;
  Status Acknowledge(int64_t id, const Actor& actor) OSPREY_EXCLUDES(mu_);
  Status Resolve(int64_t id, const Actor& actor) OSPREY_EXCLUDES(mu_);
  Status AddNote(int64_t id, const Actor& actor, const std::string& text) OSPREY_EXCLUDES(mu_);
  Status Assign(int64_t id, const Actor& actor, const std::string& person) OSPREY_EXCLUDES(mu_);
  Status SetSeverity(int64_t id, const Actor& actor, Severity severity) OSPREY_EXCLUDES(mu_);
  Result<Incident> AcknowledgeByLink(const std::string& token) OSPREY_EXCLUDES(mu_);
  std::vector<Manager::OnCallEntry> OnCallNow() const;
  void Shutdown() OSPREY_EXCLUDES(mu_);
  void WaitIdleForTest();

 private:
  ConfigPtr config() const OSPREY_EXCLUDES(cfg_mu_);
  int64_t Now() const { return clock_.NowMillis(); }
  Event MakeEvent(EventKind kind, std::string actor, std::string message,
                  std::string detail_json = "{}") const;
  void LogError(std::string_view what, const Status& s) const;

  // manager.cc
  Result<Incident> LoadLocked(int64_t id) const OSPREY_REQUIRES(mu_);
  // Writes the incident (updated_at = now) with `events`.
  Status CommitLocked(Incident& inc, std::vector<Event> events) OSPREY_REQUIRES(mu_);
  void RefreshOpenGaugeLocked() OSPREY_REQUIRES(mu_);
  // Acknowledged/resolved: no more escalation or pending actions.
  Status StopEscalationLocked(Incident& inc) OSPREY_REQUIRES(mu_);
  Status AcknowledgeLocked(int64_t id, const Actor& actor) OSPREY_REQUIRES(mu_);
  Status ResolveLocked(Incident& inc, const Actor& actor, std::vector<Event> events)
      OSPREY_REQUIRES(mu_);

  // manager_flush.cc
  Status OnFlushLocked(const internal::CompiledConfig& cfg, const ConfigPtr& cfg_ptr,
                       const alerting::FlushRequest& flush, std::span<const model::Alert> alerts)
      OSPREY_REQUIRES(mu_);
  Status OpenLocked(const ConfigPtr& cfg, const alerting::FlushRequest& flush,
                    std::vector<IncidentAlert> alerts, std::optional<Incident> reopen)
      OSPREY_REQUIRES(mu_);

  // manager_escalation.cc
  // Sets level 0 / pass 0 and the next escalation time on `inc` (not yet committed); returns
  // whether there is a level to notify.
  bool StartEscalation(const internal::CompiledConfig& cfg, Incident& inc, int64_t now) const;
  // After the commit of StartEscalation or an escalation: arms the timer and queues the send.
  void AfterEscalationCommitLocked(const ConfigPtr& cfg, const Incident& inc) OSPREY_REQUIRES(mu_);
  void ArmEscalationLocked(int64_t id, int64_t at_ms) OSPREY_REQUIRES(mu_);
  void CancelTimersLocked(int64_t id) OSPREY_REQUIRES(mu_);
  void EscalationDue(int64_t id, int64_t due_ms) OSPREY_EXCLUDES(mu_);
  // On a notify worker: notifies every target of the level, records the outcomes.
  void SendLevel(const ConfigPtr& cfg, int64_t id, int level, int pass) OSPREY_EXCLUDES(mu_);
  // Open/reopen: queues kOpen actions, persists and arms kUnacknowledged ones.
  void StartActionsLocked(const ConfigPtr& cfg, const Incident& inc,
                          const std::vector<config::ActionTriggerConfig>& triggers)
      OSPREY_REQUIRES(mu_);
  void ArmActionLocked(const PendingAction& p) OSPREY_REQUIRES(mu_);
  void ActionDue(PendingAction p) OSPREY_EXCLUDES(mu_);
  // On an action worker.
  void RunAction(const ConfigPtr& cfg, int64_t id, const std::string& action, bool unacknowledged)
      OSPREY_EXCLUDES(mu_);
  // Re-arms every timer from the store (start, reload).
  Status RearmLocked() OSPREY_REQUIRES(mu_);

  const ManagerOptions opts_;
  const Clock& clock_;
  const std::unique_ptr<metrics::Registry> own_registry_;  // When options.registry is null.
  internal::IncidentMetrics metrics_;
  const std::unique_ptr<Store> store_;
  alerting::TaskScheduler notify_sched_;  // escalation and action timers, contact sends
  alerting::TaskScheduler action_sched_;  // action runs only

  mutable Mutex cfg_mu_;
  ConfigPtr cfg_ OSPREY_GUARDED_BY(cfg_mu_);

  mutable Mutex mu_;
  bool shut_down_ OSPREY_GUARDED_BY(mu_) = false;
  std::map<int64_t, alerting::TaskId> escalation_timers_ OSPREY_GUARDED_BY(mu_);
  std::map<std::pair<int64_t, std::string>, alerting::TaskId> action_timers_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::incidents
