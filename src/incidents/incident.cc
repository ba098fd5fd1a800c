#include "incidents/incident.h"

#include <array>
#include <string>
#include <utility>

namespace osprey::incidents {
namespace {

constexpr std::array<std::pair<State, std::string_view>, 3> kStates = {{
    {State::kTriggered, "triggered"},
    {State::kAcknowledged, "acknowledged"},
    {State::kResolved, "resolved"},
}};

constexpr std::array<std::pair<EventKind, std::string_view>, 14> kEventKinds = {{
    {EventKind::kOpened, "opened"},
    {EventKind::kAlertFired, "alert_fired"},
    {EventKind::kAlertResolved, "alert_resolved"},
    {EventKind::kNotified, "notified"},
    {EventKind::kEscalated, "escalated"},
    {EventKind::kAcknowledged, "acknowledged"},
    {EventKind::kUnacknowledged, "unacknowledged"},
    {EventKind::kAssigned, "assigned"},
    {EventKind::kNote, "note"},
    {EventKind::kSeverityChanged, "severity_changed"},
    {EventKind::kActionRun, "action_run"},
    {EventKind::kResolved, "resolved"},
    {EventKind::kReopened, "reopened"},
    {EventKind::kOnCallGap, "oncall_gap"},
}};

}  // namespace

std::string_view StateName(State s) {
  for (const auto& [state, name] : kStates) {
    if (state == s) return name;
  }
  return "unknown";
}

Result<State> ParseState(std::string_view s) {
  for (const auto& [state, name] : kStates) {
    if (name == s) return state;
  }
  return InvalidArgumentError(std::string("unknown incident state \"")
                                  .append(s)
                                  .append("\" (want triggered, acknowledged or resolved)"));
}

std::string_view EventKindName(EventKind k) {
  for (const auto& [kind, name] : kEventKinds) {
    if (kind == k) return name;
  }
  return "unknown";
}

Result<EventKind> ParseEventKind(std::string_view s) {
  for (const auto& [kind, name] : kEventKinds) {
    if (name == s) return kind;
  }
  return InvalidArgumentError(std::string("unknown incident event kind \"").append(s).append("\""));
}

std::optional<int64_t> TimeToAcknowledge(const Incident& i) {
  if (i.acknowledged_at_ms == 0) return std::nullopt;
  return i.acknowledged_at_ms - i.opened_at_ms;
}

std::optional<int64_t> TimeToResolve(const Incident& i) {
  if (i.resolved_at_ms == 0) return std::nullopt;
  return i.resolved_at_ms - i.opened_at_ms;
}

}  // namespace osprey::incidents
