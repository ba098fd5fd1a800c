// What recording and alerting rules share: the seam types (QueryFunc, AlertSink), the
// evaluation environment, health bookkeeping and the read-only snapshots the HTTP API shows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "metrics/registry.h"
#include "model/alert.h"
#include "model/duration.h"
#include "model/labels.h"
#include "model/sample.h"
#include "promql/value.h"

namespace osprey::rules {

// Runs an instant query. Thread-safe: groups call it from their own threads.
using QueryFunc = std::function<Result<promql::Vector>(std::string_view expr, model::Timestamp at)>;
// Receives alerts to send (Prometheus's NotifyFunc). Called from group threads.
using AlertSink = std::function<void(std::vector<model::Alert>)>;

enum class RuleHealth { kUnknown, kGood, kBad };
// "unknown", "ok", "err" (the API's words).
std::string_view RuleHealthName(RuleHealth h);

// kUnknown only for a rule's overall state before its first evaluation.
enum class AlertState { kUnknown, kInactive, kPending, kFiring };
// "unknown", "inactive", "pending", "firing".
std::string_view AlertStateName(AlertState s);

// What a rule needs to evaluate, fixed between reloads. Owned by the manager.
struct EvalEnv {
  QueryFunc query;
  model::Labels external_labels;
  std::string external_url;  // without a trailing "/"
  // Counts template expansions that failed (and rendered the error text). May be null.
  metrics::Counter* template_failures = nullptr;
};

struct AlertSnapshot {
  model::Labels labels;
  model::Labels annotations;
  AlertState state = AlertState::kInactive;
  model::Timestamp active_at = 0;
  model::Timestamp keep_firing_since = 0;  // 0: not in keep_firing_for
  double value = 0;
};

struct RuleSnapshot {
  bool alerting = false;
  std::string name;
  std::string query;
  model::Duration for_duration;
  model::Duration keep_firing_for;
  model::Labels labels;
  model::Labels annotations;
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;
  model::Timestamp last_evaluation = 0;  // wall-clock start of the last evaluation; 0: never
  double evaluation_seconds = 0;
  AlertState state = AlertState::kUnknown;  // alerting rules only
  std::vector<AlertSnapshot> alerts;        // active (unresolved) alerts, by labels
};

struct GroupSnapshot {
  std::string file;
  std::string name;
  model::Duration interval;
  int64_t limit = 0;
  double evaluation_seconds = 0;
  model::Timestamp last_evaluation = 0;
  std::vector<RuleSnapshot> rules;
};

// A rule of a group. Eval runs on the group's thread; Snapshot may run on any thread at
// the same time. Thread-safe.
class Rule {
 public:
  Rule(std::string name, std::string query, model::Labels labels)
      : name_(std::move(name)), query_(std::move(query)), labels_(std::move(labels)) {}
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  virtual bool alerting() const = 0;
  const std::string& name() const { return name_; }
  // The expression in canonical form (promql::Format), as Prometheus's Query().String().
  const std::string& query() const { return query_; }
  const model::Labels& labels() const { return labels_; }

  // Evaluates at `ts` (the group's aligned time; the query runs at ts - query_offset) and
  // returns the samples to append. kResourceExhausted when over `limit` (> 0).
  virtual Result<promql::Vector> Eval(const EvalEnv& env, model::Timestamp ts,
                                      model::Duration query_offset, int64_t limit) = 0;
  // The rule's whole definition; equal identities mean an unchanged rule.
  virtual std::string Identity() const = 0;
  // name + labels: how state is carried to the rule's next version across a reload.
  std::string NameAndLabels() const { return name_ + labels_.ToString(); }

  // Records the outcome of one evaluation (or of appending its samples).
  void SetOutcome(const Status& status) OSPREY_EXCLUDES(mu_);
  void SetEvaluationTime(model::Timestamp started_at, double seconds) OSPREY_EXCLUDES(mu_);
  RuleHealth health() const OSPREY_EXCLUDES(mu_);
  std::string last_error() const OSPREY_EXCLUDES(mu_);

  virtual RuleSnapshot Snapshot() const;

 protected:
  // Fills the fields common to every rule.
  void FillSnapshot(RuleSnapshot* out) const OSPREY_EXCLUDES(mu_);
  // Whether SetEvaluationTime was called.
  bool evaluated() const OSPREY_EXCLUDES(mu_);

 private:
  const std::string name_;
  const std::string query_;
  const model::Labels labels_;

  mutable Mutex mu_;
  RuleHealth health_ OSPREY_GUARDED_BY(mu_) = RuleHealth::kUnknown;
  std::string last_error_ OSPREY_GUARDED_BY(mu_);
  model::Timestamp last_evaluation_ OSPREY_GUARDED_BY(mu_) = 0;
  double evaluation_seconds_ OSPREY_GUARDED_BY(mu_) = 0;
  bool evaluated_ OSPREY_GUARDED_BY(mu_) = false;
};

// Labels from a name -> value map (rule files).
model::Labels LabelsFromMap(const std::map<std::string, std::string>& m);

}  // namespace osprey::rules
