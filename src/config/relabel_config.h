// Relabeling rules (relabel_configs, metric_relabel_configs), as in Prometheus's
// model/relabel: the same fields, defaults and per-action validation. The regex is kept as
// text; compiling it (RE2, fully anchored) is the job of whoever applies the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/yaml_decoder.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// "replace", "keep", "hashmod", "labelmap", "keepequal", ...
std::string_view RelabelActionName(RelabelAction a);
// Case-insensitive, as in Prometheus.
std::optional<RelabelAction> ParseRelabelAction(std::string_view name);

struct RelabelConfig {
  static constexpr std::string_view kDefaultSeparator = ";";
  static constexpr std::string_view kDefaultRegex = "(.*)";
  static constexpr std::string_view kDefaultReplacement = "$1";

  std::vector<std::string> source_labels;
  std::string separator{kDefaultSeparator};
  std::string regex{kDefaultRegex};
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement{kDefaultReplacement};
  RelabelAction action = RelabelAction::kReplace;

  friend bool operator==(const RelabelConfig&, const RelabelConfig&) = default;
};

// Decodes and validates one rule. A null item is an error
// ("empty or null relabeling rule").
Result<RelabelConfig> DecodeRelabelConfig(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path);

// Emits one rule as a mapping in Prometheus's key order.
// Requires: out.SetOutputCharset(YAML::EscapeNonAscii), so that any string reads back as is.
void EmitRelabelConfig(const RelabelConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
