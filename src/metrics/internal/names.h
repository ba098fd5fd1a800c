// Name validation and the value formatter shared by the registry and the exposition code
// (the escapers are public: metrics/exposition.h).
#pragma once

#include <string>
#include <string_view>

namespace osprey::metrics::internal {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]* not starting with "__" (reserved for Prometheus's internal labels).
bool IsValidLabelName(std::string_view name);

// Appends FormatValue(v) without allocating.
void AppendValue(double v, std::string& out);

}  // namespace osprey::metrics::internal
