#include "alerting/notifiers/notifiers.h"

namespace osprey::alerting::notifiers {

NotifierMetrics::NotifierMetrics(metrics::Registry& registry)
    : template_errors(registry.NewCounterFamily(
          "osprey_notification_template_errors_total",
          "Notification template fields that failed to render (the error text was sent in "
          "their place), by integration.",
          {"integration"})) {}

Result<std::vector<std::unique_ptr<Notifier>>> BuildNotifiers(
    const config::ReceiverConfig& receiver, const NotifierDeps& deps) {
  if (deps.templates == nullptr || deps.metrics == nullptr) {
    return InvalidArgumentError("notifiers: templates and metrics are required");
  }
  std::vector<std::unique_ptr<Notifier>> out;
  for (const auto& c : receiver.webhook_configs) out.push_back(NewWebhookNotifier(c, deps));
  for (const auto& c : receiver.email_configs) out.push_back(NewEmailNotifier(c, deps));
  for (const auto& c : receiver.slack_configs) out.push_back(NewSlackNotifier(c, deps));
  for (const auto& c : receiver.msteams_configs) out.push_back(NewMsTeamsNotifier(c, deps));
  for (const auto& c : receiver.telegram_configs) out.push_back(NewTelegramNotifier(c, deps));
  for (const auto& c : receiver.pagerduty_configs) {
    OSPREY_ASSIGN_OR_RETURN(auto n, NewPagerdutyNotifier(c, deps));
    out.push_back(std::move(n));
  }
  for (const auto& c : receiver.opsgenie_configs) out.push_back(NewOpsGenieNotifier(c, deps));
  for (const auto& c : receiver.sms_configs) out.push_back(NewSmsNotifier(c, deps));
  return out;
}

}  // namespace osprey::alerting::notifiers
