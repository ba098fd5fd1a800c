// One silence: matchers muting matching alerts from starts_at to ends_at (Alertmanager's
// silencepb.Silence). A plain value; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace osprey::alerting {

struct Silence {
  std::string id;  // UUID v4, given by Silences::Set.
  std::vector<model::Matcher> matchers;
  model::Timestamp starts_at = 0;  // Milliseconds since the epoch.
  model::Timestamp ends_at = 0;
  model::Timestamp updated_at = 0;
  std::string created_by;
  std::string comment;
};

enum class SilenceState { kPending, kActive, kExpired };

// "pending", "active", "expired".
std::string_view SilenceStateName(SilenceState state);
// Parses the names above; kInvalidArgument otherwise.
Result<SilenceState> ParseSilenceState(std::string_view name);

// Pending before starts_at, expired after ends_at, active in between (both ends included).
SilenceState SilenceStateAt(const Silence& silence, model::Timestamp now);

// Whether every matcher matches the labels (an absent label matches as the empty value).
bool SilenceMatches(const Silence& silence, const model::Labels& labels);

// Same type, name and value, in the same order.
bool SameMatchers(const std::vector<model::Matcher>& a, const std::vector<model::Matcher>& b);

// Alertmanager's checks for a silence to store (the id is not checked): at least one matcher,
// valid label names, UTF-8 values for = and !=, not all matchers matching the empty string,
// starts_at and ends_at set, ends_at not before starts_at, created_by and comment non-empty.
// kInvalidArgument naming the field ("matchers[1]: invalid label name \"1x\"").
Status ValidateSilence(const Silence& silence);

}  // namespace osprey::alerting
