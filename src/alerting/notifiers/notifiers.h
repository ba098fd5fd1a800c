// Receiver integrations: each config entry of a receiver (webhook_configs, email_configs,
// slack_configs, msteams_configs, telegram_configs, pagerduty_configs, opsgenie_configs,
// sms_configs) becomes one alerting::Notifier.
//
//   NotifierMetrics metrics(registry);                   // once per process
//   OSPREY_ASSIGN_OR_RETURN(auto templates, NotificationTemplates::Load(config.templates));
//   NotifierDeps deps{.templates = templates, .metrics = &metrics};
//   OSPREY_ASSIGN_OR_RETURN(auto notifiers, BuildNotifiers(receiver_config, deps));
//
// Delivery outcome (NotifyResult): HTTP 2xx is success; 429, 5xx and network errors are
// retryable; other statuses are not, and the error names the status and the start of the
// response body. A template that fails to execute puts its error text in place of the field,
// the message is still sent, and osprey_notification_template_errors_total{integration} counts
// it. Secrets in *_file fields are read at send time (an unreadable file fails the
// notification, retryably). Every Notifier is thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "alerting/notifier.h"
#include "alerting/notifiers/notification_templates.h"
#include "base/status.h"
#include "config/receiver_config.h"
#include "metrics/registry.h"

namespace osprey::alerting::notifiers {

// Metrics shared by every notifier. Thread-safe.
struct NotifierMetrics {
  explicit NotifierMetrics(metrics::Registry& registry);
  metrics::Family<metrics::Counter>& template_errors;  // {integration}
};

struct NotifierDeps {
  std::shared_ptr<const NotificationTemplates> templates;  // Required.
  NotifierMetrics* metrics = nullptr;                      // Required; outlives the notifiers.
  // Per HTTP request or SMTP session.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // Domain of the email Message-Id; empty: the host's name.
  std::string hostname;
};

// Every integration of `receiver`, in the order: webhook, email, slack, msteams, telegram,
// pagerduty, opsgenie, sms (each in config order). Fails (kInvalidArgument) on what the
// config loader cannot catch, e.g. a PagerDuty Events API v1 service_key.
Result<std::vector<std::unique_ptr<Notifier>>> BuildNotifiers(
    const config::ReceiverConfig& receiver, const NotifierDeps& deps);

// One integration each; used by BuildNotifiers.
std::unique_ptr<Notifier> NewWebhookNotifier(const config::WebhookConfig& c,
                                             const NotifierDeps& deps);
std::unique_ptr<Notifier> NewEmailNotifier(const config::EmailConfig& c, const NotifierDeps& deps);
std::unique_ptr<Notifier> NewSlackNotifier(const config::SlackConfig& c, const NotifierDeps& deps);
std::unique_ptr<Notifier> NewMsTeamsNotifier(const config::MsTeamsConfig& c,
                                             const NotifierDeps& deps);
std::unique_ptr<Notifier> NewTelegramNotifier(const config::TelegramConfig& c,
                                              const NotifierDeps& deps);
Result<std::unique_ptr<Notifier>> NewPagerdutyNotifier(const config::PagerdutyConfig& c,
                                                       const NotifierDeps& deps);
std::unique_ptr<Notifier> NewOpsGenieNotifier(const config::OpsGenieConfig& c,
                                              const NotifierDeps& deps);
std::unique_ptr<Notifier> NewSmsNotifier(const config::SmsConfig& c, const NotifierDeps& deps);

}  // namespace osprey::alerting::notifiers
