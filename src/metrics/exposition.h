// Pieces of the Prometheus text format 0.0.4 shared by the registry's exposition
// (Registry::ExpositionText) and the agent's host collectors, so both escape alike.
#pragma once

#include <string>
#include <string_view>

namespace osprey::metrics {

// Appends `value` as the inside of a quoted label value: \\, \" and \n escaped, and each byte
// that is not part of valid UTF-8 replaced by U+FFFD (the format requires UTF-8; device, process
// and file names are bytes).
void AppendEscapedLabelValue(std::string& out, std::string_view value);
// Appends `help` with \\ and \n escaped, as HELP text is in the text format.
void AppendEscapedHelp(std::string& out, std::string_view help);
// Appends "# HELP <name> <help>\n# TYPE <name> <type>\n".
void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        std::string_view type);

}  // namespace osprey::metrics
