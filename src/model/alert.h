// An alert as Alertmanager sees it (its types.Alert): what rules fire and what
// POST /api/v2/alerts delivers. Plain value; thread-compatible.
//
//   model::Alert a{.labels = ..., .annotations = ..., .starts_at = now};
//   if (a.ResolvedAt(now)) ...
#pragma once

#include <cstdint>
#include <string>

#include "model/labels.h"
#include "model/sample.h"

namespace osprey::model {

struct Alert {
  Labels labels;            // Identity: alertname plus the rule's or sender's labels.
  Labels annotations;       // summary, description, runbook_url...: any names, free text.
  Timestamp starts_at = 0;  // Milliseconds since the epoch.
  // 0: not resolved and no end known. Otherwise the alert is resolved at and after this time
  // (a sender sets it in the future as a "valid until", like Prometheus does).
  Timestamp ends_at = 0;
  std::string generator_url;  // Link back to what produced the alert.
  Timestamp updated_at = 0;   // When the alerting pipeline last received it.
  // ends_at was filled in by resolve_timeout rather than by the sender.
  bool timeout = false;

  // Identity of the alert: a hash of its labels (Alertmanager's fingerprint).
  uint64_t Fingerprint() const { return labels.Hash(); }
  bool ResolvedAt(Timestamp now) const { return ends_at != 0 && ends_at <= now; }

  friend bool operator==(const Alert&, const Alert&) = default;
};

}  // namespace osprey::model
