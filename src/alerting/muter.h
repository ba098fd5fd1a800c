// Something that can mute an alert: a silence, an inhibition rule, a mute time interval.
// Each implementation also records why in the Marker (alert status for the API).
#pragma once

#include "model/labels.h"

namespace osprey::alerting {

class Muter {
 public:
  virtual ~Muter() = default;
  // Whether an alert with these labels is muted now. Thread-safe.
  virtual bool Mutes(const model::Labels& alert_labels) = 0;
};

}  // namespace osprey::alerting
