#include "alerting/pipeline.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "metrics/registry.h"

namespace osprey::alerting {
namespace {

// Alertmanager registers these integrations' series up front so that dashboards see zeros.
constexpr std::string_view kKnownIntegrations[] = {"email", "pagerduty", "wechat",  "pushover",
                                                   "slack", "opsgenie",  "webhook", "victorops",
                                                   "sns",   "telegram",  "msteams", "sms"};
constexpr std::string_view kFailureReasons[] = {"other", "clientError", "serverError",
                                                "contextCanceled", "contextDeadlineExceeded"};

}  // namespace

NotifyMetrics::NotifyMetrics(metrics::Registry& r)
    : notifications_total(r.NewCounterFamily("alertmanager_notifications_total",
                                             "The total number of attempted notifications.",
                                             {"integration"})),
      notifications_failed_total(r.NewCounterFamily("alertmanager_notifications_failed_total",
                                                    "The total number of failed notifications.",
                                                    {"integration", "reason"})),
      notification_requests_total(r.NewCounterFamily(
          "alertmanager_notification_requests_total",
          "The total number of attempted notification requests.", {"integration"})),
      notification_requests_failed_total(
          r.NewCounterFamily("alertmanager_notification_requests_failed_total",
                             "The total number of failed notification requests.", {"integration"})),
      notification_latency_seconds(r.NewHistogramFamily("alertmanager_notification_latency_seconds",
                                                        "The latency of notifications in seconds.",
                                                        {"integration"}, {1, 5, 10, 15, 20})) {
  for (std::string_view i : kKnownIntegrations) {
    notifications_total.WithLabels({i});
    notification_requests_total.WithLabels({i});
    notification_requests_failed_total.WithLabels({i});
    notification_latency_seconds.WithLabels({i});
    for (std::string_view reason : kFailureReasons)
      notifications_failed_total.WithLabels({i, reason});
  }
}

struct Pipeline::FanOut {
  Mutex mu;
  int remaining OSPREY_GUARDED_BY(mu) = 0;
  bool ok OSPREY_GUARDED_BY(mu) = true;
  std::function<void(bool)> done;

  void Complete(bool integration_ok) {
    bool last;
    bool all_ok;
    {
      MutexLock lock(mu);
      ok = ok && integration_ok;
      last = --remaining == 0;
      all_ok = ok;
    }
    if (last) done(all_ok);
  }
};

struct Pipeline::Run {
  const Integration* integration;
  std::shared_ptr<FanOut> fanout;
  std::shared_ptr<const FlushRequest> flush;              // Shared by the integrations of one Exec.
  std::shared_ptr<const std::vector<model::Alert>> sent;  // What Notify gets.
  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  NotifyContext ctx;
  int attempts = 0;
  int64_t backoff_ms = 0;
  Status last_error;
};

Pipeline::Pipeline(std::vector<PipelineReceiver> receivers, Deps deps, const Clock& clock,
                   RetryOptions retry)
    : clock_(clock),
      deps_(std::move(deps)),
      retry_(retry),
      receivers_(std::move(receivers)),
      rng_(static_cast<uint64_t>(clock.MonotonicNanos())) {
  OSPREY_CHECK(deps_.nflog != nullptr) << "Pipeline needs an nflog";
  for (PipelineReceiver& r : receivers_) {
    std::vector<Integration>& list = by_name_[r.name];
    std::unordered_map<std::string_view, uint32_t> per_kind;
    for (auto& n : r.integrations) {
      const uint32_t idx = per_kind[n->integration()]++;
      list.push_back(
          Integration{n.get(), NflogReceiver{r.name, std::string(n->integration()), idx}});
    }
  }
}

Pipeline::~Pipeline() = default;

bool Pipeline::HasReceiver(std::string_view name) const {
  return by_name_.contains(std::string(name));
}

Result<std::vector<model::Alert>> Pipeline::Mute(const FlushRequest& flush) const {
  std::vector<model::Alert> alerts;
  alerts.reserve(flush.alerts.size());
  for (const model::Alert& a : flush.alerts) {
    if (deps_.inhibitor == nullptr || !deps_.inhibitor->Mutes(a.labels)) alerts.push_back(a);
  }
  auto in_any = [&](const std::vector<std::string>& names) -> Result<bool> {
    for (const std::string& name : names) {
      if (!deps_.in_time_interval) {
        return NotFoundError(
            std::string("time interval ").append(name).append(" doesn't exist in config"));
      }
      OSPREY_ASSIGN_OR_RETURN(bool in, deps_.in_time_interval(name, flush.now));
      if (in) return true;
    }
    return false;
  };
  if (!alerts.empty() && !flush.active_time_intervals.empty()) {
    OSPREY_ASSIGN_OR_RETURN(bool active, in_any(flush.active_time_intervals));
    if (!active) alerts.clear();
  }
  if (!alerts.empty() && !flush.mute_time_intervals.empty()) {
    OSPREY_ASSIGN_OR_RETURN(bool muted, in_any(flush.mute_time_intervals));
    if (muted) alerts.clear();
  }
  if (deps_.silencer != nullptr) {
    std::erase_if(alerts, [&](const model::Alert& a) { return deps_.silencer->Mutes(a.labels); });
  }
  return alerts;
}

bool Pipeline::NeedsUpdate(const Integration& in, const FlushRequest& flush,
                           const std::unordered_set<uint64_t>& firing,
                           const std::unordered_set<uint64_t>& resolved) const {
  const std::optional<NflogEntry> entry = deps_.nflog->Query(flush.group_key, in.nflog_receiver);
  // Never notified: only when something fires.
  if (!entry) return !firing.empty();
  if (!entry->IsFiringSubset(firing)) return true;
  // Everything resolved: notify (whatever send_resolved says, so that the nflog forgets the
  // firing alerts), unless nothing was firing at the last notification either.
  if (firing.empty()) return !entry->firing_alerts.empty();
  if (in.notifier->send_resolved() && !entry->IsResolvedSubset(resolved)) return true;
  return entry->timestamp < flush.now - flush.repeat_interval_ms;
}

void Pipeline::Exec(FlushRequest flush_in, TaskScheduler& scheduler,
                    std::function<void(bool ok)> done) {
  auto it = by_name_.find(flush_in.receiver);
  if (it == by_name_.end()) {
    if (deps_.logger != nullptr) {
      deps_.logger->Error("No pipeline for receiver", {{"receiver", flush_in.receiver}});
    }
    done(false);
    return;
  }
  Result<std::vector<model::Alert>> unmuted = Mute(flush_in);
  if (!unmuted.ok()) {
    if (deps_.logger != nullptr) {
      deps_.logger->Error("Notify for alerts failed",
                          {{"group_key", flush_in.group_key}, {"err", unmuted.status()}});
    }
    done(false);
    return;
  }
  if (deps_.observer != nullptr) deps_.observer->OnFlush(flush_in, *unmuted);
  if (unmuted->empty() || it->second.empty()) {
    done(true);
    return;
  }
  flush_in.alerts = std::move(*unmuted);
  auto flush = std::make_shared<const FlushRequest>(std::move(flush_in));

  std::vector<uint64_t> firing;
  std::vector<uint64_t> resolved;
  for (const model::Alert& a : flush->alerts) {
    (a.ResolvedAt(flush->now) ? resolved : firing).push_back(a.Fingerprint());
  }
  const std::unordered_set<uint64_t> firing_set(firing.begin(), firing.end());
  const std::unordered_set<uint64_t> resolved_set(resolved.begin(), resolved.end());

  std::shared_ptr<const std::vector<model::Alert>> all(flush, &flush->alerts);
  std::shared_ptr<const std::vector<model::Alert>> firing_only;

  auto fanout = std::make_shared<FanOut>();
  fanout->done = std::move(done);
  std::vector<std::shared_ptr<Run>> runs;
  for (const Integration& in : it->second) {
    if (!NeedsUpdate(in, *flush, firing_set, resolved_set)) continue;
    auto run = std::make_shared<Run>();
    run->integration = &in;
    run->fanout = fanout;
    run->flush = flush;
    run->firing = firing;
    run->resolved = resolved;
    if (in.notifier->send_resolved()) {
      run->sent = all;
    } else {
      if (!firing_only) {
        auto v = std::make_shared<std::vector<model::Alert>>();
        for (const model::Alert& a : flush->alerts) {
          if (!a.ResolvedAt(flush->now)) v->push_back(a);
        }
        firing_only = std::move(v);
      }
      run->sent = firing_only;
    }
    run->ctx = NotifyContext{.receiver = flush->receiver,
                             .group_key = flush->group_key,
                             .group_labels = flush->group_labels,
                             .now = flush->now,
                             .external_url = deps_.external_url};
    runs.push_back(std::move(run));
  }
  if (runs.empty()) {
    fanout->done(true);
    return;
  }
  {
    MutexLock lock(fanout->mu);
    fanout->remaining = static_cast<int>(runs.size());
  }
  for (auto& run : runs) {
    if (deps_.metrics != nullptr) {
      deps_.metrics->notifications_total.WithLabels({run->integration->notifier->integration()})
          .Inc();
    }
    // Only resolved alerts for an integration that does not send them: nothing to send, but
    // the nflog must learn that the firing ones are gone.
    if (run->firing.empty() && !run->integration->notifier->send_resolved()) {
      Finish(*run, true, "", OkStatus(), /*attempted=*/false);
      continue;
    }
    scheduler.Submit([this, run, &scheduler] { Attempt(run, scheduler); });
  }
}

void Pipeline::Attempt(std::shared_ptr<Run> run, TaskScheduler& scheduler) {
  Notifier& notifier = *run->integration->notifier;
  const std::string_view name = notifier.integration();
  ++run->attempts;
  const int64_t start = clock_.MonotonicNanos();
  NotifyResult result = notifier.Notify(run->ctx, *run->sent);
  if (deps_.metrics != nullptr) {
    deps_.metrics->notification_latency_seconds.WithLabels({name}).Observe(
        static_cast<double>(clock_.MonotonicNanos() - start) / 1e9);
    deps_.metrics->notification_requests_total.WithLabels({name}).Inc();
    if (!result.status.ok()) {
      deps_.metrics->notification_requests_failed_total.WithLabels({name}).Inc();
    }
  }
  if (result.status.ok()) {
    Finish(*run, true, "", OkStatus());
    return;
  }
  if (!result.retry) {
    Finish(*run, false, "clientError", result.status);
    return;
  }
  if (deps_.logger != nullptr &&
      (run->last_error.ok() || run->last_error.message() != result.status.message())) {
    deps_.logger->Warn("Notify attempt failed, will retry later",
                       {{"receiver", run->flush->receiver},
                        {"integration", run->integration->nflog_receiver.Key()},
                        {"attempts", run->attempts},
                        {"err", result.status}});
  }
  run->last_error = result.status;
  run->backoff_ms = run->attempts == 1 ? retry_.initial_ms : run->backoff_ms;
  const int64_t wait = NextBackoff(run->backoff_ms);
  run->backoff_ms = std::min<int64_t>(
      static_cast<int64_t>(static_cast<double>(run->backoff_ms) * retry_.multiplier),
      retry_.max_ms);
  const int64_t next = clock_.NowMillis() + wait;
  if (next >= run->flush->deadline) {
    Finish(*run, false, "serverError", run->last_error);
    return;
  }
  scheduler.ScheduleAt(next, [this, run, &scheduler] { Attempt(run, scheduler); });
}

void Pipeline::Finish(Run& run, bool ok, std::string_view reason, const Status& error,
                      bool attempted) {
  const Integration& in = *run.integration;
  if (ok) {
    // As Alertmanager's SetNotifiesStage: entries live for two repeat intervals.
    deps_.nflog->Log(in.nflog_receiver, run.flush->group_key, run.firing, run.resolved,
                     2 * run.flush->repeat_interval_ms);
    if (deps_.logger != nullptr && run.attempts > 1) {
      deps_.logger->Info("Notify success", {{"receiver", run.flush->receiver},
                                            {"integration", in.nflog_receiver.Key()},
                                            {"attempts", run.attempts}});
    }
  } else {
    if (deps_.metrics != nullptr) {
      deps_.metrics->notifications_failed_total.WithLabels({in.notifier->integration(), reason})
          .Inc();
    }
    if (deps_.logger != nullptr) {
      deps_.logger->Error("Notify for alerts failed", {{"receiver", run.flush->receiver},
                                                       {"integration", in.nflog_receiver.Key()},
                                                       {"group_key", run.flush->group_key},
                                                       {"attempts", run.attempts},
                                                       {"err", error}});
    }
  }
  if (deps_.observer != nullptr && attempted) {
    deps_.observer->OnNotified(*run.flush, in.notifier->integration(),
                               static_cast<int>(in.nflog_receiver.idx),
                               static_cast<int>(run.firing.size()),
                               static_cast<int>(run.resolved.size()), ok ? OkStatus() : error);
  }
  run.fanout->Complete(ok);
}

int64_t Pipeline::NextBackoff(int64_t current_ms) {
  if (retry_.jitter <= 0) return current_ms;
  MutexLock lock(rng_mu_);
  std::uniform_real_distribution<double> dist(1 - retry_.jitter, 1 + retry_.jitter);
  return std::max<int64_t>(1, std::llround(static_cast<double>(current_ms) * dist(rng_)));
}

}  // namespace osprey::alerting
