// The incident store: incidents, their alerts and timelines, used ack-link nonces and the
// pending "unacknowledged" action timers, in one SQLite file (schema in README.md, versioned
// with PRAGMA user_version).
//
//   OSPREY_ASSIGN_OR_RETURN(auto store, Store::Open(dir + "/incidents.db"));
//   Incident inc{.group_key = "{}:{}", ...};
//   OSPREY_RETURN_IF_ERROR(store->Create(inc, {Event{.kind = EventKind::kOpened, ...}}));
//   // inc.id is set now.
//
// Every write that touches several rows runs in one transaction. Thread-safe: one mutex
// guards the connection, so each call is atomic with respect to the others.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/sqlite.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "incidents/incident.h"

namespace osprey::incidents {

// An "unacknowledged" action trigger waiting for its time, persisted so a restart re-arms it.
struct PendingAction {
  int64_t incident_id = 0;
  std::string action;  // ActionConfig name
  int64_t due_at_ms = 0;
  friend bool operator==(const PendingAction&, const PendingAction&) = default;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 1;

  // Creates the file and schema when missing. kUnavailable when the file cannot be opened,
  // kDataLoss when it is not a database, is corrupt, or has a newer schema version.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);

  // Inserts `incident` (its id is ignored, then set) with its alerts and `events` (their ids
  // are set too).
  Status Create(Incident& incident, std::span<Event> events);
  // Rewrites the incident row and its alerts and appends `events`, in one transaction.
  // kNotFound for an unknown id.
  Status Update(const Incident& incident, std::span<Event> events);
  // Appends events to an existing incident's timeline (ids set). kNotFound for an unknown id.
  Status AppendEvents(int64_t incident_id, std::span<Event> events);

  // nullopt when unknown.
  Result<std::optional<Incident>> Get(int64_t id) const;
  // The newest incident with this group key, open or not.
  Result<std::optional<Incident>> LatestForGroup(const std::string& group_key) const;
  // Newest first.
  Result<std::vector<Incident>> List(const IncidentFilter& filter) const;
  // Oldest first.
  Result<std::vector<Event>> Timeline(int64_t incident_id) const;
  // Whether the incident's timeline holds an event of this kind.
  Result<bool> HasEvent(int64_t incident_id, EventKind kind) const;
  // Open incidents by severity.
  Result<std::map<Severity, int64_t>> CountOpenBySeverity() const;

  // Records a used ack-link nonce: false when it was used before.
  Result<bool> MarkNonceUsed(const std::string& nonce, int64_t incident_id, int64_t now_ms,
                             int64_t expires_at_ms);

  // Pending "unacknowledged" actions (one per incident and action name).
  Status PutPendingAction(const PendingAction& p);
  Status DeletePendingAction(int64_t incident_id, const std::string& action);
  Status DeletePendingActions(int64_t incident_id);
  Result<std::vector<PendingAction>> PendingActions() const;

  ~Store();

 private:
  explicit Store(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status Migrate() OSPREY_REQUIRES(mu_);
  Status WriteAlerts(const Incident& incident) OSPREY_REQUIRES(mu_);
  Status InsertEvents(int64_t incident_id, std::span<Event> events) OSPREY_REQUIRES(mu_);
  Status LoadAlerts(Incident& incident) const OSPREY_REQUIRES(mu_);
  Result<std::vector<Incident>> Query(const std::string& where_sql,
                                      const std::vector<std::string>& text_args,
                                      const std::vector<int64_t>& int_args) const
      OSPREY_REQUIRES(mu_);

  mutable Mutex mu_;
  const std::unique_ptr<SqliteDb> db_ OSPREY_PT_GUARDED_BY(mu_);
};

}  // namespace osprey::incidents
