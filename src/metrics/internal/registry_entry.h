// The Registry's record of one registered metric family.
#pragma once

#include <memory>
#include <string>

#include "metrics/registry.h"

namespace osprey::metrics {

// Exactly one of the family pointers is set. Immutable after registration.
struct Registry::Entry {
  std::string help;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
};

}  // namespace osprey::metrics
