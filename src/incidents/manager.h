// The incident manager: opens, updates and resolves incidents from the alerting pipeline's
// flushes, escalates unacknowledged ones through their policy's levels, runs automated
// responses, and records everything on each incident's timeline in the store (SQLite).
//
//   auto m = Manager::Open({.db_path = dir + "/incidents.db", .clock = &clock, ...});
//   OSPREY_RETURN_IF_ERROR((*m)->ApplyConfig(cfg.incidents, external_url));
//   pipeline deps.observer = (*m)->observer();        // alerting -> incidents
//   (*m)->Acknowledge(id, "alice", "api");
//
// Time: every decision reads the Clock. Escalations and "unacknowledged" actions are timers on
// a TaskScheduler driven by that clock (tests: advance a FakeClock, then WaitIdleForTest()).
// Durable: the state of each incident (level, pass, next escalation time, pending actions) is
// in the store, so a restart resumes escalations where they were (a due one runs at once).
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerting/flush_observer.h"
#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "config/incidents_config.h"
#include "incidents/incident.h"
#include "incidents/ports.h"

namespace osprey::metrics {
class Registry;
}

namespace osprey::incidents {

struct ManagerOptions {
  std::string db_path;  // SQLite file; created with its schema when missing.
  const Clock* clock = nullptr;
  metrics::Registry* registry = nullptr;
  const Logger* logger = nullptr;
  // Not owned; outlive the manager. Null sender/runner: notifications/actions are recorded
  // as failed ("no contact sender"). Null resolver: schedules resolve to nobody.
  OnCallResolver* oncall = nullptr;
  ContactSender* contacts = nullptr;
  ActionRunner* actions = nullptr;
  AckLinks* ack_links = nullptr;
  int workers = 4;  // Threads for contact sends and actions.
};

// Who acted and through what, for the timeline: actor "alice", via "api" | "cli" | "ui" |
// "ack-link" | "system".
struct Actor {
  std::string name;
  std::string via = "api";
};

class Manager {
 public:
  // kUnavailable when the database cannot be opened; kDataLoss when it is corrupt.
  static Result<std::unique_ptr<Manager>> Open(ManagerOptions options);
  ~Manager();  // Shutdown().

  // Takes the `incidents:` section (start and reload). Validates everything first; on error
  // the old config stays. Re-arms the timers of open incidents.
  Status ApplyConfig(const config::IncidentsConfig& cfg, const std::string& external_url);

  // The pipeline's observer (lives as long as the manager).
  alerting::FlushObserver* observer();

  // Reads.
  std::vector<Incident> List(const IncidentFilter& filter) const;  // newest first
  // kNotFound for an unknown id.
  Result<Incident> Get(int64_t id) const;
  Result<std::vector<Event>> Timeline(int64_t id) const;  // oldest first

  // Actions. kNotFound unknown id; kFailedPrecondition when the state forbids it (ack of a
  // resolved incident); kInvalidArgument for a bad argument (unknown person, empty note).
  Status Acknowledge(int64_t id, const Actor& actor);
  Status Resolve(int64_t id, const Actor& actor);
  Status AddNote(int64_t id, const Actor& actor, const std::string& text);
  Status Assign(int64_t id, const Actor& actor, const std::string& person);
  Status SetSeverity(int64_t id, const Actor& actor, Severity severity);

  // The one-click link: verifies the token (forged: kPermissionDenied, expired:
  // kDeadlineExceeded, already used: kAlreadyExists), marks it used and acknowledges as the
  // person it was sent to. Each outcome is logged and counted.
  Result<Incident> AcknowledgeByLink(const std::string& token);

  // On call now and next for each schedule (and who each policy's level 1 reaches now).
  struct OnCallEntry {
    std::string schedule;
    std::vector<std::string> now;   // empty in a gap
    std::vector<std::string> next;  // after the next hand-off
    int64_t next_change_at_ms = 0;  // 0: unknown / never
  };
  std::vector<OnCallEntry> OnCallNow() const;

  // Stops timers and workers; pending sends are abandoned (their state stays in the store).
  void Shutdown();

  void WaitIdleForTest();

 private:
  class Impl;
  explicit Manager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace osprey::incidents
