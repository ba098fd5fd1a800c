// Writing YAML that reads back exactly. Private to config/.
#pragma once

#include <string_view>

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config::internal {

// Writes `s` as a scalar that parses back to exactly `s`: plain when it is short of anything
// YAML could misread, else double-quoted. yaml-cpp's own choice of plain style is not safe for
// every string (a trailing "\r", "---", Unicode line separators), so only a conservative set
// of ASCII strings is left to it. Requires: the emitter escapes non-ASCII (see NewEmitter).
void WriteString(YAML::Emitter& out, std::string_view s);

// `key: value` with both written by WriteString.
void WriteStringEntry(YAML::Emitter& out, std::string_view key, std::string_view value);

}  // namespace osprey::config::internal
