#include "rules/rule.h"

namespace osprey::rules {

std::string_view RuleHealthName(RuleHealth h) {
  switch (h) {
    case RuleHealth::kGood:
      return "ok";
    case RuleHealth::kBad:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    case AlertState::kUnknown:
      break;
  }
  return "unknown";
}

void Rule::SetOutcome(const Status& status) {
  MutexLock lock(mu_);
  health_ = status.ok() ? RuleHealth::kGood : RuleHealth::kBad;
  last_error_ = status.ok() ? std::string() : status.message();
}

void Rule::SetEvaluationTime(model::Timestamp started_at, double seconds) {
  MutexLock lock(mu_);
  last_evaluation_ = started_at;
  evaluation_seconds_ = seconds;
  evaluated_ = true;
}

RuleHealth Rule::health() const {
  MutexLock lock(mu_);
  return health_;
}

std::string Rule::last_error() const {
  MutexLock lock(mu_);
  return last_error_;
}

bool Rule::evaluated() const {
  MutexLock lock(mu_);
  return evaluated_;
}

void Rule::FillSnapshot(RuleSnapshot* out) const {
  out->alerting = alerting();
  out->name = name_;
  out->query = query_;
  out->labels = labels_;
  MutexLock lock(mu_);
  out->health = health_;
  out->last_error = last_error_;
  out->last_evaluation = last_evaluation_;
  out->evaluation_seconds = evaluation_seconds_;
}

RuleSnapshot Rule::Snapshot() const {
  RuleSnapshot out;
  FillSnapshot(&out);
  return out;
}

model::Labels LabelsFromMap(const std::map<std::string, std::string>& m) {
  model::LabelsBuilder b;
  for (const auto& [name, value] : m) b.Set(name, value);
  return b.Build();
}

}  // namespace osprey::rules
