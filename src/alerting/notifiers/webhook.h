// The webhook body: Alertmanager's webhook JSON, version "4" (notify/webhook), byte for byte as
// Alertmanager's Go encoder writes it, trailing newline included. See docs in notifiers.h.
#pragma once

#include <cstdint>
#include <string>

#include "alerting/template_data.h"

namespace osprey::alerting::notifiers {

// {"receiver","status","alerts":[{"status","labels","annotations","startsAt","endsAt",
//  "generatorURL","fingerprint"}],"groupLabels","commonLabels","commonAnnotations",
//  "externalURL","version":"4","groupKey","truncatedAlerts"}
std::string WebhookJson(const TemplateData& data, std::string_view group_key,
                        uint64_t truncated_alerts);

}  // namespace osprey::alerting::notifiers
