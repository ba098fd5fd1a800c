#include "alerting/silence.h"

#include <string>
#include <utility>

namespace osprey::alerting {

std::string_view SilenceStateName(SilenceState state) {
  switch (state) {
    case SilenceState::kPending:
      return "pending";
    case SilenceState::kActive:
      return "active";
    case SilenceState::kExpired:
      return "expired";
  }
  return "expired";
}

Result<SilenceState> ParseSilenceState(std::string_view name) {
  for (SilenceState s : {SilenceState::kPending, SilenceState::kActive, SilenceState::kExpired}) {
    if (name == SilenceStateName(s)) return s;
  }
  return InvalidArgumentError(std::string("unknown silence state \"")
                                  .append(name)
                                  .append("\" (want pending, active or expired)"));
}

SilenceState SilenceStateAt(const Silence& silence, model::Timestamp now) {
  if (now < silence.starts_at) return SilenceState::kPending;
  if (now > silence.ends_at) return SilenceState::kExpired;
  return SilenceState::kActive;
}

bool SilenceMatches(const Silence& silence, const model::Labels& labels) {
  for (const model::Matcher& m : silence.matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

bool SameMatchers(const std::vector<model::Matcher>& a, const std::vector<model::Matcher>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type() != b[i].type() || a[i].name() != b[i].name() || a[i].value() != b[i].value()) {
      return false;
    }
  }
  return true;
}

Status ValidateSilence(const Silence& silence) {
  if (silence.matchers.empty()) {
    return InvalidArgumentError("silence matchers: at least one matcher required");
  }
  bool all_match_empty = true;
  for (size_t i = 0; i < silence.matchers.size(); ++i) {
    const model::Matcher& m = silence.matchers[i];
    std::string where = "silence matchers[";
    where.append(std::to_string(i)).append("] ").append(m.ToString());
    if (!model::IsValidLabelName(m.name())) {
      return InvalidArgumentError(
          where.append(": invalid label name \"").append(m.name()).append("\""));
    }
    if (!m.IsRegex() && !model::IsValidUtf8(m.value())) {
      return InvalidArgumentError(where.append(": label value is not valid UTF-8"));
    }
    // As Alertmanager: only = and =~ count as matching the empty string.
    const bool positive =
        m.type() == model::MatchType::kEqual || m.type() == model::MatchType::kRegexMatch;
    all_match_empty = all_match_empty && positive && m.MatchesEmpty();
  }
  if (all_match_empty) {
    return InvalidArgumentError(
        "silence matchers: at least one matcher must not match the empty string");
  }
  if (silence.starts_at == 0) return InvalidArgumentError("silence startsAt: missing");
  if (silence.ends_at == 0) return InvalidArgumentError("silence endsAt: missing");
  if (silence.ends_at < silence.starts_at) {
    return InvalidArgumentError("silence endsAt: end time must not be before start time");
  }
  if (silence.created_by.empty()) return InvalidArgumentError("silence createdBy: missing");
  if (silence.comment.empty()) return InvalidArgumentError("silence comment: missing");
  return OkStatus();
}

}  // namespace osprey::alerting
