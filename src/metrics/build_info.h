// osprey_build_info: the build identity as labels of a constant gauge, as Prometheus's
// prometheus_build_info.
#pragma once

#include <string_view>

#include "metrics/registry.h"

namespace osprey::metrics {

// Registers the gauge osprey_build_info{branch,compiler,revision,version} with value 1.
// Requires: not called twice on the same registry (CHECK).
void AddBuildInfo(Registry& registry, std::string_view version, std::string_view revision,
                  std::string_view branch, std::string_view compiler);

}  // namespace osprey::metrics
