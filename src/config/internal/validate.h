// Validation and path helpers shared by the config decoders. Private to config/.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/yaml_decoder.h"

namespace osprey::config::internal {

// Prometheus's legacy label name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view s);

// A relabel target that may reference regex groups: label-name characters and `$name` or
// `${name}` references, not starting with a digit (Prometheus's relabelTarget pattern).
bool IsValidRelabelTarget(std::string_view s);

bool IsValidUtf8(std::string_view s);

// `path` relative to `dir` as Go's filepath.Join(dir, path) would give it (cleaned).
// Empty and absolute paths are returned unchanged.
std::string JoinDir(std::string_view dir, std::string_view path);

// The directory part of a file path, as Go's filepath.Dir: "." when there is none.
std::string DirName(std::string_view path);

// Go's filepath.Clean: lexical, "." for an empty result, no trailing slash.
std::string CleanPath(std::string_view path);

// s in double quotes, with quotes, backslashes and control characters escaped (and every
// byte >= 0x80 too when s is not valid UTF-8), as Go's %q does, so that odd input stays
// readable in one-line messages.
std::string Quote(std::string_view s);

// Decodes a mapping of label names to values (external_labels, static_configs labels):
// names must be valid label names (error at the key). Values are UTF-8 like every scalar.
Status DecodeLabelMap(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                      std::map<std::string, std::string>* out);

}  // namespace osprey::config::internal
