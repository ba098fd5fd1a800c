// The data notification templates and the webhook JSON see: Alertmanager's template.Data
// (template/template.go) built from one notification.
//
//   TemplateData d = MakeTemplateData(ctx, alerts);
//   tmpl::Value dot = ToTemplateValue(d);   // {{ .Status }}, {{ .CommonLabels.SortedPairs }}
//
// As a tmpl::Value: a map with Receiver, Status, Alerts (type "Alerts": methods Firing and
// Resolved), GroupLabels, CommonLabels, CommonAnnotations (type "KV": methods SortedPairs,
// Names, Values, Remove), ExternalURL. Each alert is a map with Status, Labels, Annotations
// (KV), StartsAt, EndsAt (times; Go's zero time when not resolved), GeneratorURL, Fingerprint
// and Osprey's AlertURL (the alert's page in Osprey's UI). SortedPairs gives a list (type
// "Pairs": methods Names, Values) of {Name, Value} maps, alertname first as in Alertmanager.
// Register the methods with AddNotificationFuncs. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/notifier.h"
#include "model/alert.h"
#include "model/labels.h"
#include "tmpl/template.h"

namespace osprey::alerting {

struct TemplateAlert {
  std::string status;  // "firing" or "resolved" at the notification's time.
  model::Labels labels;
  model::Labels annotations;
  model::Timestamp starts_at = 0;
  model::Timestamp ends_at = 0;  // 0 (Go's zero time) unless resolved.
  std::string generator_url;
  std::string fingerprint;  // 16 lower-case hex digits.
  std::string alert_url;    // ExternalURL + "/alerting?fingerprint=" + fingerprint.
};

struct TemplateData {
  // Alertmanager passes the receiver name through regexp.QuoteMeta; so do we, so that
  // templates and webhook consumers see the same text.
  std::string receiver;
  std::string status;  // "firing" when any alert fires, else "resolved".
  std::vector<TemplateAlert> alerts;
  model::Labels group_labels;
  model::Labels common_labels;       // Labels every alert has with the same value.
  model::Labels common_annotations;  // Likewise for annotations.
  std::string external_url;          // Without a trailing "/".
};

TemplateData MakeTemplateData(const NotifyContext& ctx, std::span<const model::Alert> alerts);

// The data as a template value (see the file comment for its shape).
tmpl::Value ToTemplateValue(const TemplateData& d);
tmpl::Value AlertToTemplateValue(const TemplateAlert& a);
tmpl::Value KvValue(const model::Labels& labels);

// Registers the methods of the types above (KV, Pairs, Alerts) in `funcs`.
void AddNotificationFuncs(tmpl::FuncMap* funcs);

// "%016x", Alertmanager's fingerprint text.
std::string FingerprintText(uint64_t fp);
// Go's regexp.QuoteMeta: backslash before each of \.+*?()|[]{}^$
std::string QuoteMeta(std::string_view s);

}  // namespace osprey::alerting
