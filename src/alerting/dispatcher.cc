// Invariants:
// - A group has at most one flush running (in_flight); a timer that fires meanwhile sets
//   flush_pending and the flush runs again as soon as the running one is done, as
//   Alertmanager's per-group goroutine would.
// - The next tick is scheduled before the pipeline runs, group_interval after the flush
//   started, so slow notifications do not stretch the interval.
// - Tasks capture a group's serial; a group removed meanwhile makes them no-ops.
#include "alerting/dispatcher.h"

#include <algorithm>
#include <utility>

#include "metrics/registry.h"

namespace osprey::alerting {

DispatcherMetrics::DispatcherMetrics(metrics::Registry& r)
    : aggregation_groups(r.NewGauge("alertmanager_dispatcher_aggregation_groups",
                                    "Number of active aggregation groups")) {}

Dispatcher::Dispatcher(std::unique_ptr<Route> root, std::unique_ptr<Pipeline> pipeline,
                       const Clock& clock, DispatcherMetrics* metrics, const Logger* logger,
                       Options options)
    : root_(std::move(root)),
      pipeline_(std::move(pipeline)),
      clock_(clock),
      metrics_(metrics),
      logger_(logger),
      scheduler_(clock, TaskScheduler::Options{.workers = options.workers}) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Stop() {
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  scheduler_.Stop();
  MutexLock lock(mu_);
  if (metrics_ != nullptr) metrics_->aggregation_groups.Add(-static_cast<double>(groups_.size()));
  groups_.clear();
  by_serial_.clear();
}

void Dispatcher::ScheduleFlushLocked(AggregationGroup& g, int64_t at_ms) {
  if (g.timer != 0) scheduler_.Cancel(g.timer);
  const uint64_t serial = g.serial();
  const uint64_t generation = ++g.timer_generation;
  g.timer = scheduler_.ScheduleAt(at_ms, [this, serial, generation] { Flush(serial, generation); });
}

void Dispatcher::Add(const model::Alert& alert) {
  const std::vector<const Route*> routes = root_->Match(alert.labels);
  const int64_t now = clock_.NowMillis();
  MutexLock lock(mu_);
  if (stopped_) return;
  for (const Route* r : routes) {
    GroupMapKey key{r->index(), r->GroupLabels(alert.labels)};
    auto it = groups_.find(key);
    if (it == groups_.end()) {
      const uint64_t serial = next_serial_++;
      auto g = std::make_unique<AggregationGroup>(*r, key.labels, serial);
      by_serial_.emplace(serial, g.get());
      it = groups_.emplace(std::move(key), std::move(g)).first;
      if (metrics_ != nullptr) metrics_->aggregation_groups.Inc();
      ScheduleFlushLocked(*it->second, now + r->opts().group_wait_ms);
    }
    AggregationGroup& g = *it->second;
    g.Insert(alert);
    // An alert that started longer than group_wait ago needs no further wait.
    if (!g.has_flushed && alert.starts_at + r->opts().group_wait_ms < now) {
      ScheduleFlushLocked(g, now);
    }
  }
}

void Dispatcher::Flush(uint64_t serial, uint64_t generation) {
  FlushRequest req;
  std::vector<std::pair<uint64_t, model::Timestamp>> resolved;
  {
    MutexLock lock(mu_);
    auto it = by_serial_.find(serial);
    if (it == by_serial_.end() || stopped_) return;
    AggregationGroup& g = *it->second;
    // A timer replaced after a worker took it (Cancel came too late): the newer one rules.
    // Without this, an alert added just after a flush started sent a second notification
    // at once instead of after group_interval.
    if (generation != g.timer_generation) return;
    g.timer = 0;
    if (g.in_flight) {
      g.flush_pending = true;
      return;
    }
    const int64_t now = clock_.NowMillis();
    const RouteOpts& opts = g.route().opts();
    ScheduleFlushLocked(g, now + opts.group_interval_ms);
    g.has_flushed = true;
    if (g.empty()) return;
    g.in_flight = true;
    req.receiver = opts.receiver;
    req.group_key = g.group_key();
    req.group_labels = g.labels();
    req.now = now;
    req.deadline = now + opts.group_interval_ms;
    req.repeat_interval_ms = opts.repeat_interval_ms;
    req.mute_time_intervals = opts.mute_time_intervals;
    req.active_time_intervals = opts.active_time_intervals;
    req.alerts = g.AlertsForFlush(now);
    for (const model::Alert& a : req.alerts) {
      if (a.ResolvedAt(now)) resolved.emplace_back(a.Fingerprint(), a.updated_at);
    }
  }
  pipeline_->Exec(
      std::move(req), scheduler_,
      [this, serial, resolved = std::move(resolved)](bool ok) { FlushDone(serial, ok, resolved); });
}

void Dispatcher::RunStaleTimersForTest() {
  std::vector<std::pair<uint64_t, uint64_t>> stale;
  {
    MutexLock lock(mu_);
    for (const auto& [serial, g] : by_serial_) stale.emplace_back(serial, g->timer_generation - 1);
  }
  for (const auto& [serial, generation] : stale) Flush(serial, generation);
  WaitIdleForTest();
}

void Dispatcher::FlushDone(uint64_t serial, bool ok,
                           const std::vector<std::pair<uint64_t, model::Timestamp>>& resolved) {
  MutexLock lock(mu_);
  auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return;
  AggregationGroup& g = *it->second;
  g.in_flight = false;
  if (ok) {
    g.DeleteResolved(resolved);
  } else if (logger_ != nullptr) {
    // The pipeline logged why; the group keeps its resolved alerts for the next flush.
    logger_->Debug("Flush incomplete", {{"group_key", g.group_key()}});
  }
  if (g.empty()) {
    RemoveGroupLocked(serial);
    return;
  }
  if (g.flush_pending) {
    g.flush_pending = false;
    ScheduleFlushLocked(g, clock_.NowMillis());
  }
}

void Dispatcher::RemoveGroupLocked(uint64_t serial) {
  auto it = by_serial_.find(serial);
  if (it == by_serial_.end()) return;
  AggregationGroup* g = it->second;
  if (g->timer != 0) scheduler_.Cancel(g->timer);
  by_serial_.erase(it);
  groups_.erase(GroupMapKey{g->route().index(), g->labels()});
  if (metrics_ != nullptr) metrics_->aggregation_groups.Dec();
}

size_t Dispatcher::group_count() const {
  MutexLock lock(mu_);
  return groups_.size();
}

GroupsView Dispatcher::Groups(const std::function<bool(const Route&)>& route_filter,
                              const std::function<bool(const model::Alert&)>& alert_filter) const {
  GroupsView view;
  {
    MutexLock lock(mu_);
    for (const auto& kv : groups_) {
      const AggregationGroup& g = *kv.second;
      if (route_filter && !route_filter(g.route())) continue;
      AlertGroupView v{.labels = g.labels(),
                       .receiver = g.route().opts().receiver,
                       .group_key = g.group_key(),
                       .route = &g.route(),
                       .alerts = g.Alerts()};
      if (alert_filter)
        std::erase_if(v.alerts, [&](const model::Alert& a) { return !alert_filter(a); });
      if (v.alerts.empty()) continue;
      for (const model::Alert& a : v.alerts) view.receivers[a.Fingerprint()].push_back(v.receiver);
      view.groups.push_back(std::move(v));
    }
  }
  std::sort(view.groups.begin(), view.groups.end(),
            [](const AlertGroupView& a, const AlertGroupView& b) {
              if (a.labels == b.labels) return a.receiver < b.receiver;
              return LabelSetBefore(a.labels, b.labels);
            });
  for (auto& kv : view.receivers) std::sort(kv.second.begin(), kv.second.end());
  return view;
}

void Dispatcher::WaitIdleForTest() { scheduler_.WaitIdleForTest(); }

}  // namespace osprey::alerting
