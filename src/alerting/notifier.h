// The seam between the notification pipeline (dispatcher, silences, inhibition, dedup,
// retries) and the integrations that deliver to people (webhook, email, Slack, ...).
//
//   std::vector<std::unique_ptr<Notifier>> n = BuildNotifiers(receiver_config, deps);
//   NotifyResult r = n[0]->Notify(ctx, alerts);
//   if (!r.status.ok() && r.retry) ...back off and try again...
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/alert.h"
#include "model/labels.h"
#include "model/sample.h"

namespace osprey::alerting {

// One notification: an aggregation group's alerts for one receiver.
struct NotifyContext {
  std::string receiver;        // Receiver name from the config.
  std::string group_key;       // Alertmanager's group key: `{}/{team="a"}:{alertname="x"}`.
  model::Labels group_labels;  // The group_by labels' values.
  model::Timestamp now = 0;
  std::string external_url;  // Osprey's externally reachable URL, for links back.
};

struct NotifyResult {
  Status status;       // OK when delivered.
  bool retry = false;  // On error: whether trying again may succeed (5xx, network) or not (4xx).
};

// One integration of a receiver (a receiver may have several: two webhooks and an email).
// Notify may be called from several threads for different groups at once.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // `alerts` holds the group's firing and (when send_resolved) resolved alerts, sorted.
  virtual NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) = 0;
  // "webhook", "email", "slack", "msteams", "telegram", "pagerduty", "opsgenie", "sms".
  virtual std::string_view integration() const = 0;
  // Whether resolved alerts are sent (the config's send_resolved).
  virtual bool send_resolved() const = 0;
};

}  // namespace osprey::alerting
