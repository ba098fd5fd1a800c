// Incident value types, shared by the store, the manager, the HTTP API and the CLI.
//
// An incident follows one alert group (Alertmanager's group key: route + group labels) from
// its first firing alert to its resolution:
//
//   triggered --ack--> acknowledged --resolve--> resolved --fires again within
//       \__________________resolve______________/        reopen_window--> triggered
//
// Every change is an Event on the incident's timeline, with who did it and when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/incidents_config.h"
#include "model/labels.h"

namespace osprey::incidents {

using Severity = config::IncidentSeverity;

enum class State { kTriggered, kAcknowledged, kResolved };
std::string_view StateName(State s);  // "triggered", "acknowledged", "resolved"
Result<State> ParseState(std::string_view s);

// One alert linked to an incident (the latest known state of it).
struct IncidentAlert {
  uint64_t fingerprint = 0;  // model::Alert fingerprint (labels hash), shown as 16 hex digits.
  model::Labels labels;
  std::vector<std::pair<std::string, std::string>> annotations;  // sorted by name
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;  // 0 while firing
  bool firing = true;
  std::string generator_url;
  friend bool operator==(const IncidentAlert&, const IncidentAlert&) = default;
};

enum class EventKind {
  kOpened,         // first firing alert of the group
  kAlertFired,     // another alert of the group started firing
  kAlertResolved,  // one alert resolved
  kNotified,       // a receiver integration or an escalation contact was notified (or failed)
  kEscalated,      // moved to the next escalation level
  kAcknowledged,
  kUnacknowledged,  // reopen
  kAssigned,
  kNote,
  kSeverityChanged,
  kActionRun,  // automated response: outcome, output (truncated)
  kResolved,
  kReopened,
  kOnCallGap,  // a level found nobody on call; fallback used
};
std::string_view EventKindName(EventKind k);  // "opened", "alert_fired", ..., "oncall_gap"
Result<EventKind> ParseEventKind(std::string_view s);

struct Event {
  int64_t id = 0;  // Store id, increasing per incident.
  int64_t at_ms = 0;
  EventKind kind = EventKind::kOpened;
  std::string actor;    // A person, "system", "api", "cli", "ack-link", "ui" ...
  std::string message;  // Human-readable sentence ("notified alice by email: ok").
  // Structured detail as a JSON object text ("{}" when none): receiver, integration, ok,
  // error, level, person, contact, action, output, fingerprint, ...
  std::string detail_json = "{}";
  friend bool operator==(const Event&, const Event&) = default;
};

struct Incident {
  int64_t id = 0;  // Store id, > 0, shown as a decimal number.
  std::string group_key;
  std::string receiver;
  model::Labels group_labels;
  std::string title;
  Severity severity = Severity::kWarning;
  std::vector<std::string> services;  // Sorted, unique values of service_label.
  State state = State::kTriggered;
  std::string policy;    // Escalation policy name; "" for none.
  std::string assignee;  // Person name or "".
  int64_t opened_at_ms = 0;
  int64_t acknowledged_at_ms = 0;  // 0 when never acknowledged (first ack counts for MTTA).
  std::string acknowledged_by;
  int64_t resolved_at_ms = 0;  // 0 while open.
  std::string resolved_by;
  int escalation_level = 0;           // 0-based index of the level notified last; -1 none yet
  int escalation_pass = 0;            // 0-based pass over the levels (repeat)
  int64_t next_escalation_at_ms = 0;  // 0: none pending.
  int64_t updated_at_ms = 0;
  std::vector<IncidentAlert> alerts;  // Sorted by fingerprint.
  friend bool operator==(const Incident&, const Incident&) = default;
};

// Time to acknowledge / resolve, in ms; nullopt while not reached.
std::optional<int64_t> TimeToAcknowledge(const Incident& i);
std::optional<int64_t> TimeToResolve(const Incident& i);

struct IncidentFilter {
  std::optional<State> state;
  std::optional<Severity> severity;
  std::string service;     // "" any.
  bool open_only = false;  // triggered or acknowledged
  int limit = 500;
};

}  // namespace osprey::incidents
