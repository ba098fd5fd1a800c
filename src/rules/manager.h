// The rule manager: loads rule files into groups, runs them, swaps them on reload
// (Prometheus's rules/manager.go).
//
//   rules::Manager manager(options, query_func, db, alert_sink, clock, registry);
//   OSPREY_ASSIGN_OR_RETURN(auto files, rules::ExpandRuleFileGlobs(config.rule_files));
//   OSPREY_RETURN_IF_ERROR(manager.Update(files, {.interval = eval_interval}));
//   ...
//   manager.Stop();
//
// Update loads every file first; any error leaves the running groups untouched. Groups
// whose definition did not change keep running as they are; changed groups are replaced
// by new ones that take over their alerts (by rule name and labels) and written series;
// removed groups stop and mark their series stale.
//
// Thread-safe: Update, Stop and Snapshot may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "metrics/registry.h"
#include "rules/group.h"
#include "rules/rule.h"
#include "rules/rule_file.h"
#include "rules/rules_metrics.h"
#include "storage/metrics.h"

namespace osprey::rules {

struct ManagerOptions {
  // How often to resend a firing alert to the sink (Prometheus's --rules.alert.resend-delay).
  model::Duration resend_delay = model::Duration::Minutes(1);
  // Restore `for` state only from alerts active within this long before start-up.
  model::Duration outage_tolerance = model::Duration::Hours(1);
  // Minimum time an alert restored as pending waits before firing.
  model::Duration for_grace_period = model::Duration::Minutes(10);
  // Where ALERTS_FOR_STATE is read at start-up; null disables restoring.
  storage::Queryable* restore_queryable = nullptr;
  // false: groups are not started; tests drive them with EvalForTest.
  bool run_groups = true;
};

// Settings of one Update (they come from osprey.yml and may change on reload).
struct UpdateOptions {
  model::Duration interval = model::Duration::Minutes(1);  // global.evaluation_interval
  model::Duration query_offset;                            // default rule query offset
  model::Labels external_labels;
  std::string external_url;  // without a trailing "/"
};

class Manager {
 public:
  // Every reference must outlive the manager. `sink` may be empty (no alert delivery).
  Manager(ManagerOptions options, QueryFunc query, storage::Appendable& appendable, AlertSink sink,
          const Clock& clock, metrics::Registry& registry);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Loads `files` (paths; see ExpandRuleFileGlobs) and swaps the groups. On error the old
  // groups keep running, the error names the file and position, and the failure is counted.
  Status Update(std::span<const std::string> files, const UpdateOptions& options)
      OSPREY_EXCLUDES(mu_);
  // Stops every group (prompt: waits only for evaluations in progress). Idempotent.
  void Stop() OSPREY_EXCLUDES(mu_);

  // The current groups, in file then file order.
  std::vector<GroupSnapshot> Snapshot() const OSPREY_EXCLUDES(mu_);

  // Evaluates every group once at its aligned time for `now` (restoring state first when
  // due). For tests with ManagerOptions::run_groups = false.
  void EvalForTest(model::Timestamp now) OSPREY_EXCLUDES(mu_);
  void RestoreForTest(model::Timestamp now) OSPREY_EXCLUDES(mu_);

 private:
  struct CollectorLink;
  Result<std::vector<std::unique_ptr<Group>>> BuildGroups(
      const std::vector<RuleFile>& files, const UpdateOptions& options,
      const std::shared_ptr<const GroupContext>& ctx, bool should_restore) const;
  void WriteGroupGauges(metrics::MetricWriter& w) const OSPREY_EXCLUDES(mu_);

  const ManagerOptions options_;
  const QueryFunc query_;
  storage::Appendable& appendable_;
  const AlertSink sink_;
  const Clock& clock_;
  RulesMetrics metrics_;
  const std::shared_ptr<CollectorLink> link_;

  Mutex update_mu_;  // serializes Update and Stop
  model::Labels last_external_labels_ OSPREY_GUARDED_BY(update_mu_);
  std::string last_external_url_ OSPREY_GUARDED_BY(update_mu_);
  mutable Mutex mu_;
  // Ordered as the files and groups were listed.
  std::vector<std::unique_ptr<Group>> groups_ OSPREY_GUARDED_BY(mu_);
  bool restored_ OSPREY_GUARDED_BY(mu_) = false;  // the first Update happened
  bool stopped_ OSPREY_GUARDED_BY(mu_) = false;
};

}  // namespace osprey::rules
