#include "server/alerting_stack.h"

#include <algorithm>
#include <set>

#include "alerting/notifiers/notification_templates.h"
#include "alerting/route.h"
#include "alerting/time_interval.h"

namespace osprey::server {

AlertingStack::AlertingStack(AlertingStackOptions options)
    : options_(std::move(options)),
      marker_(options_.registry),
      notify_metrics_(*options_.registry),
      dispatcher_metrics_(*options_.registry),
      notifier_metrics_(*options_.registry) {}

AlertingStack::~AlertingStack() { Shutdown(); }

Result<std::unique_ptr<AlertingStack>> AlertingStack::Open(AlertingStackOptions options) {
  std::unique_ptr<AlertingStack> s(new AlertingStack(std::move(options)));
  const AlertingStackOptions& o = s->options_;
  OSPREY_RETURN_IF_ERROR(o.fs->CreateDirs(o.data_dir));
  OSPREY_ASSIGN_OR_RETURN(s->silences_, alerting::Silences::Open({.data_dir = o.data_dir}, *o.fs,
                                                                 *o.clock, o.registry, o.logger));
  if (!s->silences_->load_status().ok() && o.logger != nullptr) {
    o.logger->Error("Silences snapshot unreadable; starting without its silences",
                    {{"err", s->silences_->load_status().message()}});
  }
  s->silencer_ = std::make_unique<alerting::Silencer>(*s->silences_, s->marker_);
  s->nflog_ = alerting::Nflog::Open({.snapshot_path = JoinPath(o.data_dir, "nflog")}, *o.fs,
                                    *o.clock, o.registry, o.logger);
  s->nflog_->StartMaintenance();
  s->store_ = std::make_unique<alerting::AlertStore>(alerting::AlertStoreOptions{}, *o.clock,
                                                     s->marker_, o.registry);
  s->store_->StartGC();
  return s;
}

Status AlertingStack::ApplyConfig(const config::Config& cfg, const std::string& external_url) {
  // Everything that can fail, before the running pipeline is touched.
  std::unique_ptr<alerting::Dispatcher> dispatcher;
  std::vector<std::string> names;
  for (const config::ReceiverConfig& r : cfg.receivers) names.push_back(r.name);
  MutexLock lock(mu_);
  if (shut_down_) return FailedPreconditionError("alerting is shut down");
  std::unique_ptr<alerting::Inhibitor> inhibitor;
  if (cfg.route) {
    OSPREY_ASSIGN_OR_RETURN(auto templates,
                            alerting::notifiers::NotificationTemplates::Load(cfg.templates));
    OSPREY_ASSIGN_OR_RETURN(alerting::TimeIntervals intervals,
                            alerting::TimeIntervals::Create(cfg.time_intervals));
    std::vector<alerting::PipelineReceiver> receivers;
    for (const config::ReceiverConfig& r : cfg.receivers) {
      Result<std::vector<std::unique_ptr<alerting::Notifier>>> notifiers =
          alerting::notifiers::BuildNotifiers(
              r, {.templates = templates, .metrics = &notifier_metrics_});
      if (!notifiers.ok()) return notifiers.status().Annotate("receiver \"" + r.name + "\"");
      receivers.push_back({.name = r.name, .integrations = std::move(notifiers).value()});
    }
    inhibitor =
        std::make_unique<alerting::Inhibitor>(cfg.inhibit_rules, *store_, marker_, *options_.clock);
    auto pipeline = std::make_unique<alerting::Pipeline>(
        std::move(receivers),
        alerting::Pipeline::Deps{.nflog = nflog_.get(),
                                 .inhibitor = inhibitor.get(),
                                 .silencer = silencer_.get(),
                                 .in_time_interval =
                                     [intervals](const std::string& name, int64_t t_ms) {
                                       return intervals.Contains(name, t_ms);
                                     },
                                 .metrics = &notify_metrics_,
                                 .logger = options_.logger,
                                 .external_url = external_url,
                                 .observer = options_.observer},
        *options_.clock);
    dispatcher = std::make_unique<alerting::Dispatcher>(
        alerting::Route::Build(*cfg.route), std::move(pipeline), *options_.clock,
        &dispatcher_metrics_, options_.logger, alerting::Dispatcher::Options{});
  }
  // Swap: the old dispatcher stops before the new one gets the stored alerts, which it
  // groups afresh; the notification log keeps it from repeating what was sent.
  if (subscription_ >= 0) store_->Unsubscribe(subscription_);
  subscription_ = -1;
  if (dispatcher_ != nullptr) dispatcher_->Stop();
  dispatcher_.reset();
  inhibitor_ = std::move(inhibitor);
  dispatcher_ = std::move(dispatcher);
  receiver_names_ = std::move(names);
  if (dispatcher_ != nullptr) {
    alerting::Dispatcher* d = dispatcher_.get();
    subscription_ = store_->Subscribe([d](const model::Alert& a) { d->Add(a); });
  }
  return OkStatus();
}

Status AlertingStack::Put(std::vector<model::Alert> alerts) {
  return store_->Put(std::move(alerts));
}

void AlertingStack::Shutdown() {
  MutexLock lock(mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (subscription_ >= 0) store_->Unsubscribe(subscription_);
  subscription_ = -1;
  if (dispatcher_ != nullptr) dispatcher_->Stop();
  dispatcher_.reset();
  inhibitor_.reset();
  Status s = silences_->Close();
  if (!s.ok() && options_.logger != nullptr) {
    options_.logger->Error("Error saving silences", {{"err", s.message()}});
  }
  s = nflog_->Snapshot();
  if (!s.ok() && options_.logger != nullptr) {
    options_.logger->Error("Error saving the notification log", {{"err", s.message()}});
  }
}

std::vector<std::string> AlertingStack::ReceiversFor(const model::Labels& labels) const {
  MutexLock lock(mu_);
  std::set<std::string> out;
  if (dispatcher_ != nullptr) {
    for (const alerting::Route* r : dispatcher_->route().Match(labels)) {
      out.insert(r->opts().receiver);
    }
  }
  return {out.begin(), out.end()};
}

alerting::GroupsView AlertingStack::Groups(
    const std::function<bool(const alerting::Route&)>& route_filter,
    const std::function<bool(const model::Alert&)>& alert_filter) const {
  MutexLock lock(mu_);
  if (dispatcher_ == nullptr) return {};
  return dispatcher_->Groups(route_filter, alert_filter);
}

void AlertingStack::UpdateStatus(const model::Labels& labels) {
  MutexLock lock(mu_);
  if (inhibitor_ != nullptr) inhibitor_->Mutes(labels);
  silencer_->Mutes(labels);
}

std::vector<std::string> AlertingStack::ReceiverNames() const {
  MutexLock lock(mu_);
  return receiver_names_;
}

void AlertingStack::WaitIdleForTest() {
  alerting::Dispatcher* d = nullptr;
  {
    MutexLock lock(mu_);
    d = dispatcher_.get();
  }
  // Not under mu_: flushes may call back into the stack. Tests do not reload meanwhile.
  if (d == nullptr) return;
  d->WakeForTest();
  d->WaitIdleForTest();
}

}  // namespace osprey::server
