#include "rules/manager.h"

#include <set>

#include "promql/parser.h"
#include "promql/printer.h"
#include "rules/alerting_rule.h"
#include "rules/recording_rule.h"

namespace osprey::rules {

// Lets the registry's collector outlive the manager safely.
struct Manager::CollectorLink {
  Mutex mu;
  const Manager* manager OSPREY_GUARDED_BY(mu) = nullptr;
};

Manager::Manager(ManagerOptions options, QueryFunc query, storage::Appendable& appendable,
                 AlertSink sink, const Clock& clock, metrics::Registry& registry)
    : options_(std::move(options)),
      query_(std::move(query)),
      appendable_(appendable),
      sink_(std::move(sink)),
      clock_(clock),
      metrics_(registry),
      link_(std::make_shared<CollectorLink>()) {
  {
    MutexLock lock(link_->mu);
    link_->manager = this;
  }
  registry.AddCollector([link = link_](metrics::MetricWriter& w) {
    MutexLock lock(link->mu);
    if (link->manager != nullptr) link->manager->WriteGroupGauges(w);
  });
}

Manager::~Manager() {
  {
    MutexLock lock(link_->mu);
    link_->manager = nullptr;
  }
  Stop();
}

Result<std::vector<std::unique_ptr<Group>>> Manager::BuildGroups(
    const std::vector<RuleFile>& files, const UpdateOptions& options,
    const std::shared_ptr<const GroupContext>& ctx, bool should_restore) const {
  std::vector<std::unique_ptr<Group>> groups;
  for (const RuleFile& file : files) {
    for (const GroupConfig& g : file.groups) {
      std::vector<std::unique_ptr<Rule>> rules;
      for (const RuleConfig& r : g.rules) {
        Result<promql::ExprPtr> expr = promql::ParseExpr(r.expr);
        if (!expr.ok()) {  // already validated by ParseRuleFile
          return InvalidArgumentError(file.path + ": " + expr.status().message());
        }
        std::string query = promql::Format(**expr);
        if (r.is_alerting()) {
          rules.push_back(std::make_unique<AlertingRule>(r, std::move(query), !should_restore));
        } else {
          rules.push_back(std::make_unique<RecordingRule>(r, std::move(query)));
        }
      }
      const model::Duration interval = g.interval.ms > 0 ? g.interval : options.interval;
      groups.push_back(std::make_unique<Group>(file.path, g.name, interval, g.limit,
                                               g.query_offset.value_or(options.query_offset),
                                               std::move(rules), ctx, should_restore));
    }
  }
  return groups;
}

Status Manager::Update(std::span<const std::string> files, const UpdateOptions& options) {
  MutexLock update_lock(update_mu_);
  // Each file once, keeping the first position (two listings would double its groups).
  std::vector<std::string> unique;
  std::set<std::string, std::less<>> seen;
  for (const std::string& f : files) {
    if (seen.insert(f).second) unique.push_back(f);
  }
  Result<std::vector<RuleFile>> loaded = LoadRuleFiles(unique);
  if (!loaded.ok()) {
    metrics_.reload_successful.Set(0);
    metrics_.reload_failures.Inc();
    return loaded.status();
  }
  if (options.interval.ms <= 0) {
    metrics_.reload_successful.Set(0);
    metrics_.reload_failures.Inc();
    return InvalidArgumentError("rule evaluation interval must be positive");
  }

  std::vector<Group*> old;
  bool should_restore = false;
  {
    MutexLock lock(mu_);
    if (stopped_) return FailedPreconditionError("rule manager stopped");
    for (const std::unique_ptr<Group>& g : groups_) old.push_back(g.get());
    should_restore = !restored_ && options_.restore_queryable != nullptr;
  }

  auto ctx = std::make_shared<GroupContext>();
  ctx->env = EvalEnv{.query = query_,
                     .external_labels = options.external_labels,
                     .external_url = options.external_url,
                     .template_failures = &metrics_.template_failures};
  ctx->appendable = &appendable_;
  ctx->queryable = options_.restore_queryable;
  ctx->sink = sink_;
  ctx->clock = &clock_;
  ctx->metrics = &metrics_;
  ctx->resend_delay = options_.resend_delay;
  ctx->outage_tolerance = options_.outage_tolerance;
  ctx->for_grace_period = options_.for_grace_period;

  OSPREY_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Group>> fresh,
                          BuildGroups(*loaded, options, ctx, should_restore));

  std::map<std::string, Group*, std::less<>> old_by_key;
  for (Group* g : old) old_by_key[g->key()] = g;
  // Old groups that have a new version (kept as they are, or replaced taking their state);
  // the others stop and mark their series stale.
  std::set<Group*> matched;
  std::vector<std::unique_ptr<Group>> next;
  std::vector<Group*> to_start;
  std::vector<std::unique_ptr<Group>> previous;
  {
    MutexLock lock(mu_);
    previous = std::move(groups_);
    groups_.clear();
  }
  std::map<Group*, std::unique_ptr<Group>> previous_by_ptr;
  for (std::unique_ptr<Group>& g : previous) {
    Group* raw = g.get();
    previous_by_ptr[raw] = std::move(g);
  }
  for (std::unique_ptr<Group>& g : fresh) {
    auto it = old_by_key.find(g->key());
    if (it != old_by_key.end() && !matched.contains(it->second)) {
      Group* o = it->second;
      matched.insert(o);
      if (o->Equals(*g) && last_external_labels_ == options.external_labels &&
          last_external_url_ == options.external_url) {
        next.push_back(std::move(previous_by_ptr[o]));
        continue;
      }
      o->Stop();
      g->CopyState(*o);
    }
    to_start.push_back(g.get());
    next.push_back(std::move(g));
  }
  const model::Timestamp now = clock_.NowMillis();
  for (auto& [raw, g] : previous_by_ptr) {
    if (g == nullptr) continue;  // kept running
    g->Stop();
    if (!matched.contains(raw)) g->MarkStale(now);
  }
  if (options_.run_groups) {
    for (Group* g : to_start) g->Start();
  }
  {
    MutexLock lock(mu_);
    groups_ = std::move(next);
    restored_ = true;
  }
  last_external_labels_ = options.external_labels;
  last_external_url_ = options.external_url;
  metrics_.reload_successful.Set(1);
  metrics_.reload_success_timestamp.Set(static_cast<double>(now) / 1000.0);
  return OkStatus();
}

void Manager::Stop() {
  MutexLock update_lock(update_mu_);
  std::vector<Group*> groups;
  {
    MutexLock lock(mu_);
    stopped_ = true;
    for (const std::unique_ptr<Group>& g : groups_) groups.push_back(g.get());
  }
  for (Group* g : groups) g->Stop();
}

std::vector<GroupSnapshot> Manager::Snapshot() const {
  MutexLock lock(mu_);
  std::vector<GroupSnapshot> out;
  out.reserve(groups_.size());
  for (const std::unique_ptr<Group>& g : groups_) out.push_back(g->Snapshot());
  return out;
}

void Manager::EvalForTest(model::Timestamp now) {
  MutexLock lock(mu_);
  for (const std::unique_ptr<Group>& g : groups_) g->Eval(g->EvalTimestamp(now));
}

void Manager::RestoreForTest(model::Timestamp now) {
  MutexLock lock(mu_);
  for (const std::unique_ptr<Group>& g : groups_) g->RestoreForState(now);
}

void Manager::WriteGroupGauges(metrics::MetricWriter& w) const {
  MutexLock lock(mu_);
  for (const std::unique_ptr<Group>& g : groups_) {
    const Group::Stats s = g->stats();
    const std::string& key = g->key();
    w.Write("prometheus_rule_group_interval_seconds", "The interval of a rule group.", "gauge",
            {{"rule_group", key}}, static_cast<double>(g->interval().ms) / 1000.0);
    w.Write("prometheus_rule_group_last_evaluation_timestamp_seconds",
            "The timestamp of the last rule group evaluation in seconds.", "gauge",
            {{"rule_group", key}}, static_cast<double>(s.last_eval_ts) / 1000.0);
    w.Write("prometheus_rule_group_last_duration_seconds",
            "The duration of the last rule group evaluation.", "gauge", {{"rule_group", key}},
            s.last_duration_seconds);
    w.Write("prometheus_rule_group_rules", "The number of rules.", "gauge", {{"rule_group", key}},
            static_cast<double>(g->rules().size()));
    w.Write("prometheus_rule_group_last_evaluation_samples",
            "The number of samples returned during the last rule group evaluation.", "gauge",
            {{"rule_group", key}}, static_cast<double>(s.last_samples));
  }
}

}  // namespace osprey::rules
