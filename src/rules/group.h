// A rule group: rules evaluated in order at a fixed interval (Prometheus's rules/group.go).
//
// Timing: a group's evaluations happen at `k * interval + offset`, offset being a hash of
// (file, name) modulo the interval, so groups spread over the interval and every
// evaluation time is the same across restarts. When an evaluation overruns, the missed
// slots are counted and skipped. Each rule writes its samples at the evaluation time (minus
// query_offset); series it wrote last time and not this time get a stale marker.
//
// Threading: Start() runs the loop on the group's own std::jthread; Stop() requests stop
// and joins. Eval, RestoreForState, CopyState and MarkStale are serialized by an internal
// lock; Snapshot may be called from any thread. Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "rules/rule.h"
#include "rules/rules_metrics.h"
#include "storage/metrics.h"

namespace osprey::rules {

// What every group of a manager shares; immutable, replaced as a whole on reload (held by
// shared_ptr because group threads and the manager read it at once).
struct GroupContext {
  EvalEnv env;
  storage::Appendable* appendable = nullptr;
  storage::Queryable* queryable = nullptr;  // for restoring `for` state; may be null
  AlertSink sink;                           // may be empty
  const Clock* clock = nullptr;
  RulesMetrics* metrics = nullptr;
  model::Duration resend_delay = model::Duration::Minutes(1);
  model::Duration outage_tolerance = model::Duration::Hours(1);
  model::Duration for_grace_period = model::Duration::Minutes(10);
};

// Prometheus's Group.EvalTimestamp: the latest evaluation time <= now of a group whose
// slots are k * interval + (hash % interval). Requires: interval_ms > 0.
model::Timestamp AlignedEvalTime(uint64_t hash, int64_t interval_ms, model::Timestamp now);

class Group {
 public:
  // `should_restore`: restore alerts' `for` state from storage after the second
  // evaluation (first load after start-up).
  Group(std::string file, std::string name, model::Duration interval, int64_t limit,
        model::Duration query_offset, std::vector<std::unique_ptr<Rule>> rules,
        std::shared_ptr<const GroupContext> context, bool should_restore);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& file() const { return file_; }
  const std::string& name() const { return name_; }
  const std::string& key() const { return key_; }
  model::Duration interval() const { return interval_; }
  int64_t limit() const { return limit_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }

  // The latest aligned evaluation time <= now.
  model::Timestamp EvalTimestamp(model::Timestamp now) const;

  // One evaluation of every rule at `ts`, appending results and sending alerts.
  void Eval(model::Timestamp ts) OSPREY_EXCLUDES(eval_mu_);
  // Restores alerts' active-since times from ALERTS_FOR_STATE (see AlertingRule), reading
  // [now - outage_tolerance, now]. Marks every alerting rule restored.
  void RestoreForState(model::Timestamp now) OSPREY_EXCLUDES(eval_mu_);
  // Same definition (file, name, interval, limit, query offset, rules).
  bool Equals(const Group& other) const;
  // Takes over the alerts and written series of `from`, its previous version, matching
  // rules by name and labels. Series of `from`'s rules that have no match here become
  // stale at the next evaluation. Requires: `from` is stopped.
  void CopyState(Group& from) OSPREY_EXCLUDES(eval_mu_);
  // Appends stale markers at `ts` for every series written by the last evaluation (the
  // group was removed). Requires: stopped.
  void MarkStale(model::Timestamp ts) OSPREY_EXCLUDES(eval_mu_);

  void Start();
  void Stop();

  GroupSnapshot Snapshot() const OSPREY_EXCLUDES(stats_mu_);
  // For the per-group gauges.
  struct Stats {
    model::Timestamp last_eval_ts = 0;  // aligned evaluation time
    double last_duration_seconds = 0;
    int64_t last_samples = 0;
  };
  Stats stats() const OSPREY_EXCLUDES(stats_mu_);

 private:
  void Run(std::stop_token stop);
  // Sleeps until the clock reaches `t`; false when stop was requested.
  bool SleepUntil(const std::stop_token& stop, model::Timestamp t);
  // Waits for the slot after *eval_ts, counts missed slots, evaluates; false on stop.
  bool WaitAndEval(const std::stop_token& stop, model::Timestamp* eval_ts);
  // Evaluates rule i and appends its samples. Requires eval_mu_.
  int64_t EvalRule(size_t i, model::Timestamp ts) OSPREY_REQUIRES(eval_mu_);
  void AppendStale(const std::vector<model::Labels>& series, model::Timestamp ts);

  const std::string file_;
  const std::string name_;
  const std::string key_;
  const model::Duration interval_;
  const int64_t limit_;
  const model::Duration query_offset_;
  const std::vector<std::unique_ptr<Rule>> rules_;
  const std::shared_ptr<const GroupContext> ctx_;
  const uint64_t hash_;
  metrics::Counter& iterations_missed_;
  metrics::Counter& iterations_total_;
  metrics::Counter& evaluations_;
  metrics::Counter& failures_;

  Mutex eval_mu_;
  bool should_restore_ OSPREY_GUARDED_BY(eval_mu_);
  // Per rule: the series its last successful evaluation wrote.
  std::vector<std::vector<model::Labels>> series_in_previous_eval_ OSPREY_GUARDED_BY(eval_mu_);
  // Series of rules that no longer exist, to mark stale at the next evaluation.
  std::vector<model::Labels> stale_series_ OSPREY_GUARDED_BY(eval_mu_);

  mutable Mutex stats_mu_;
  Stats stats_ OSPREY_GUARDED_BY(stats_mu_);
  model::Timestamp last_evaluation_wall_ OSPREY_GUARDED_BY(stats_mu_) = 0;

  Mutex sleep_mu_;
  std::condition_variable_any sleep_cv_;
  std::jthread thread_;
};

}  // namespace osprey::rules
