// Name validation and text-format helpers shared by the registry and the exposition code.
#pragma once

#include <string>
#include <string_view>

namespace osprey::metrics::internal {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]* not starting with "__" (reserved for Prometheus's internal labels).
bool IsValidLabelName(std::string_view name);

// Appends `value` with \\, \" and \n escaped, as label values are in the text format.
void AppendEscapedLabelValue(std::string_view value, std::string& out);
// Appends `help` with \\ and \n escaped, as HELP text is in the text format.
void AppendEscapedHelp(std::string_view help, std::string& out);
// Appends FormatValue(v) without allocating.
void AppendValue(double v, std::string& out);

}  // namespace osprey::metrics::internal
