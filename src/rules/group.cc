#include "rules/group.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "rules/alerting_rule.h"

namespace osprey::rules {
namespace {

double SecondsSince(const Clock& clock, int64_t start_nanos) {
  return static_cast<double>(clock.MonotonicNanos() - start_nanos) / 1e9;
}

uint64_t GroupHash(const std::string& file, const std::string& name) {
  return model::Labels::FromStrings({"name", name, "file", file}).Hash();
}

}  // namespace

model::Timestamp AlignedEvalTime(uint64_t hash, int64_t interval_ms, model::Timestamp now) {
  const int64_t offset = static_cast<int64_t>(hash % static_cast<uint64_t>(interval_ms));
  // Subtract the offset first so that adding it back never lands in the future.
  const int64_t adjusted = now - offset;
  int64_t base = adjusted - (adjusted % interval_ms);
  if (adjusted % interval_ms < 0) base -= interval_ms;  // floor for times before 1970
  return base + offset;
}

Group::Group(std::string file, std::string name, model::Duration interval, int64_t limit,
             model::Duration query_offset, std::vector<std::unique_ptr<Rule>> rules,
             std::shared_ptr<const GroupContext> context, bool should_restore)
    : file_(std::move(file)),
      name_(std::move(name)),
      key_(GroupKey(file_, name_)),
      interval_(interval),
      limit_(limit),
      query_offset_(query_offset),
      rules_(std::move(rules)),
      ctx_(std::move(context)),
      hash_(GroupHash(file_, name_)),
      iterations_missed_(ctx_->metrics->iterations_missed.WithLabels({key_})),
      iterations_total_(ctx_->metrics->iterations_total.WithLabels({key_})),
      evaluations_(ctx_->metrics->evaluations.WithLabels({key_})),
      failures_(ctx_->metrics->evaluation_failures.WithLabels({key_})),
      should_restore_(should_restore),
      series_in_previous_eval_(rules_.size()) {
  OSPREY_CHECK(interval_.ms > 0) << "rule group interval must be positive";
}

Group::~Group() { Stop(); }

model::Timestamp Group::EvalTimestamp(model::Timestamp now) const {
  return AlignedEvalTime(hash_, interval_.ms, now);
}

void Group::Start() {
  thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
}

void Group::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  {
    // Wake the sleeper; taking the lock orders the stop request before its wait.
    std::unique_lock<Mutex> lock(sleep_mu_);
  }
  sleep_cv_.notify_all();
  thread_.join();
}

bool Group::SleepUntil(const std::stop_token& stop, model::Timestamp t) {
  std::unique_lock<Mutex> lock(sleep_mu_);
  while (!stop.stop_requested()) {
    const int64_t wait_ms = t - ctx_->clock->NowMillis();
    if (wait_ms <= 0) return true;
    sleep_cv_.wait_for(lock, stop, std::chrono::milliseconds(wait_ms), [] { return false; });
  }
  return false;
}

bool Group::WaitAndEval(const std::stop_token& stop, model::Timestamp* eval_ts) {
  if (!SleepUntil(stop, *eval_ts + interval_.ms)) return false;
  const model::Timestamp now = ctx_->clock->NowMillis();
  const int64_t missed = (now - *eval_ts) / interval_.ms - 1;
  if (missed > 0) {
    iterations_missed_.Inc(static_cast<double>(missed));
    iterations_total_.Inc(static_cast<double>(missed));
  }
  *eval_ts += (std::max<int64_t>(missed, 0) + 1) * interval_.ms;
  Eval(*eval_ts);
  return true;
}

void Group::Run(std::stop_token stop) {
  model::Timestamp eval_ts = EvalTimestamp(ctx_->clock->NowMillis()) + interval_.ms;
  if (!SleepUntil(stop, eval_ts)) return;
  Eval(eval_ts);
  bool restore = false;
  {
    MutexLock lock(eval_mu_);
    restore = should_restore_;
  }
  if (restore) {
    // Restore after a second evaluation: by then recording rules and scrapes have
    // refreshed what the alert expressions read.
    if (!WaitAndEval(stop, &eval_ts)) return;
    RestoreForState(ctx_->clock->NowMillis());
  }
  while (WaitAndEval(stop, &eval_ts)) {
  }
}

void Group::Eval(model::Timestamp ts) {
  const int64_t start = ctx_->clock->MonotonicNanos();
  const model::Timestamp wall = ctx_->clock->NowMillis();
  int64_t samples = 0;
  {
    MutexLock lock(eval_mu_);
    iterations_total_.Inc();
    for (size_t i = 0; i < rules_.size(); ++i) samples += EvalRule(i, ts);
    if (!stale_series_.empty()) {
      AppendStale(stale_series_, ts - query_offset_.ms);
      stale_series_.clear();
    }
  }
  const double seconds = SecondsSince(*ctx_->clock, start);
  ctx_->metrics->group_duration.Observe(seconds);
  MutexLock lock(stats_mu_);
  stats_.last_eval_ts = ts;
  stats_.last_duration_seconds = seconds;
  stats_.last_samples = samples;
  last_evaluation_wall_ = wall;
}

int64_t Group::EvalRule(size_t i, model::Timestamp ts) {
  Rule& rule = *rules_[i];
  const int64_t start = ctx_->clock->MonotonicNanos();
  const model::Timestamp wall = ctx_->clock->NowMillis();
  evaluations_.Inc();
  Result<promql::Vector> vector = rule.Eval(ctx_->env, ts, query_offset_, limit_);
  const auto finish = [&] {
    const double seconds = SecondsSince(*ctx_->clock, start);
    ctx_->metrics->evaluation_duration.Observe(seconds);
    rule.SetEvaluationTime(wall, seconds);
  };
  if (!vector.ok()) {
    rule.SetOutcome(vector.status());
    failures_.Inc();
    finish();
    return 0;
  }
  Status outcome;
  if (rule.alerting() && ctx_->sink) {
    std::vector<model::Alert> alerts = static_cast<AlertingRule&>(rule).AlertsToSend(
        ts, ctx_->resend_delay, interval_, ctx_->env.external_url);
    if (!alerts.empty()) {
      ctx_->metrics->alerts_sent.Inc(static_cast<double>(alerts.size()));
      ctx_->sink(std::move(alerts));
    }
  }

  std::unique_ptr<storage::Appender> app = ctx_->appendable->NewAppender();
  std::set<model::Labels> returned;
  for (const promql::VectorSample& s : *vector) {
    Result<storage::SeriesRef> ref = app->Append(storage::kNoRef, s.labels, {.t = s.t, .v = s.v});
    if (!ref.ok()) {
      // Out-of-order, too old or duplicate results are dropped; the rule shows the error.
      outcome = ref.status();
      continue;
    }
    returned.insert(s.labels);
  }
  // Series no longer produced get a stale marker (errors are expected when another rule
  // writes the same series).
  for (const model::Labels& l : series_in_previous_eval_[i]) {
    if (returned.contains(l)) continue;
    app->Append(storage::kNoRef, l, {.t = ts - query_offset_.ms, .v = model::StaleNaN()})
        .status()
        .IgnoreError();
  }
  if (Status s = app->Commit(); !s.ok()) {
    outcome = s;
    failures_.Inc();
  } else {
    series_in_previous_eval_[i].assign(returned.begin(), returned.end());
  }
  rule.SetOutcome(outcome);
  finish();
  return static_cast<int64_t>(vector->size());
}

void Group::AppendStale(const std::vector<model::Labels>& series, model::Timestamp ts) {
  std::unique_ptr<storage::Appender> app = ctx_->appendable->NewAppender();
  for (const model::Labels& l : series) {
    app->Append(storage::kNoRef, l, {.t = ts, .v = model::StaleNaN()}).status().IgnoreError();
  }
  app->Commit().IgnoreError();
}

void Group::RestoreForState(model::Timestamp now) {
  MutexLock lock(eval_mu_);
  should_restore_ = false;
  std::unique_ptr<storage::Querier> querier;
  if (ctx_->queryable != nullptr) {
    Result<std::unique_ptr<storage::Querier>> q =
        ctx_->queryable->NewQuerier({.min = now - ctx_->outage_tolerance.ms, .max = now});
    if (q.ok()) querier = std::move(q).value();
  }
  for (const std::unique_ptr<Rule>& rule : rules_) {
    if (!rule->alerting()) continue;
    auto& ar = static_cast<AlertingRule&>(*rule);
    if (querier == nullptr) {
      ar.SetRestored();
    } else {
      ar.RestoreForState(*querier, now, ctx_->for_grace_period);
    }
  }
}

bool Group::Equals(const Group& other) const {
  if (name_ != other.name_ || file_ != other.file_ || interval_ != other.interval_ ||
      limit_ != other.limit_ || query_offset_ != other.query_offset_ ||
      rules_.size() != other.rules_.size()) {
    return false;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i]->Identity() != other.rules_[i]->Identity()) return false;
  }
  return true;
}

void Group::CopyState(Group& from) {
  if (&from == this) return;
  MutexLock from_lock(from.eval_mu_);
  MutexLock lock(eval_mu_);
  std::map<std::string, std::vector<size_t>> by_name;
  for (size_t i = 0; i < from.rules_.size(); ++i) {
    by_name[from.rules_[i]->NameAndLabels()].push_back(i);
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    std::vector<size_t>& candidates = by_name[rules_[i]->NameAndLabels()];
    if (candidates.empty()) continue;
    const size_t fi = candidates.front();
    candidates.erase(candidates.begin());
    series_in_previous_eval_[i] = from.series_in_previous_eval_[fi];
    if (rules_[i]->alerting() && from.rules_[fi]->alerting()) {
      static_cast<AlertingRule&>(*rules_[i])
          .CopyAlertsFrom(static_cast<const AlertingRule&>(*from.rules_[fi]));
    }
  }
  stale_series_ = from.stale_series_;
  for (const auto& [name_and_labels, unmatched] : by_name) {
    for (size_t fi : unmatched) {
      const std::vector<model::Labels>& s = from.series_in_previous_eval_[fi];
      stale_series_.insert(stale_series_.end(), s.begin(), s.end());
    }
  }
  MutexLock stats_lock(stats_mu_);
  MutexLock from_stats_lock(from.stats_mu_);
  last_evaluation_wall_ = from.last_evaluation_wall_;
  stats_ = from.stats_;
}

void Group::MarkStale(model::Timestamp ts) {
  MutexLock lock(eval_mu_);
  std::vector<model::Labels> all = stale_series_;
  for (const std::vector<model::Labels>& s : series_in_previous_eval_) {
    all.insert(all.end(), s.begin(), s.end());
  }
  if (!all.empty()) AppendStale(all, ts);
  stale_series_.clear();
  for (std::vector<model::Labels>& s : series_in_previous_eval_) s.clear();
}

GroupSnapshot Group::Snapshot() const {
  GroupSnapshot out{.file = file_, .name = name_, .interval = interval_, .limit = limit_};
  {
    MutexLock lock(stats_mu_);
    out.evaluation_seconds = stats_.last_duration_seconds;
    out.last_evaluation = last_evaluation_wall_;
  }
  out.rules.reserve(rules_.size());
  for (const std::unique_ptr<Rule>& r : rules_) out.rules.push_back(r->Snapshot());
  return out;
}

Group::Stats Group::stats() const {
  MutexLock lock(stats_mu_);
  return stats_;
}

}  // namespace osprey::rules
