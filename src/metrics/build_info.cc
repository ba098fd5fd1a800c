#include "metrics/build_info.h"

namespace osprey::metrics {

void AddBuildInfo(Registry& registry, std::string_view version, std::string_view revision,
                  std::string_view branch, std::string_view compiler) {
  registry
      .NewGaugeFamily("osprey_build_info",
                      "A metric with a constant '1' value labeled by version, revision, branch "
                      "and compiler from which osprey was built.",
                      {"branch", "compiler", "revision", "version"})
      .WithLabels({branch, compiler, revision, version})
      .Set(1);
}

}  // namespace osprey::metrics
