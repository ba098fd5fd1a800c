#include "config/relabel_config.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

struct ActionName {
  RelabelAction action;
  std::string_view name;
};

constexpr std::array<ActionName, 11> kActions = {{
    {RelabelAction::kReplace, "replace"},
    {RelabelAction::kKeep, "keep"},
    {RelabelAction::kDrop, "drop"},
    {RelabelAction::kKeepEqual, "keepequal"},
    {RelabelAction::kDropEqual, "dropequal"},
    {RelabelAction::kHashMod, "hashmod"},
    {RelabelAction::kLabelMap, "labelmap"},
    {RelabelAction::kLabelDrop, "labeldrop"},
    {RelabelAction::kLabelKeep, "labelkeep"},
    {RelabelAction::kLowercase, "lowercase"},
    {RelabelAction::kUppercase, "uppercase"},
}};

bool IsAnyOf(RelabelAction a, std::initializer_list<RelabelAction> set) {
  return std::find(set.begin(), set.end(), a) != set.end();
}

// Prometheus's Config.Validate, message for message. `m` locates the errors.
Status Validate(const RelabelConfig& c, const MappingDecoder& m) {
  const std::string action(RelabelActionName(c.action));
  const YamlMark at = m.node().mark();
  if (c.action == RelabelAction::kHashMod && c.modulus == 0) {
    return m.ErrorAt(at, "relabel configuration for hashmod requires non-zero modulus");
  }
  if (IsAnyOf(c.action,
              {RelabelAction::kReplace, RelabelAction::kHashMod, RelabelAction::kLowercase,
               RelabelAction::kUppercase, RelabelAction::kKeepEqual, RelabelAction::kDropEqual}) &&
      c.target_label.empty()) {
    return m.ErrorAt(
        at, "relabel configuration for " + action + " action requires 'target_label' value");
  }
  const bool target_ok = c.action == RelabelAction::kReplace
                             ? internal::IsValidRelabelTarget(c.target_label)
                             : internal::IsValidLabelName(c.target_label);
  if (IsAnyOf(c.action,
              {RelabelAction::kReplace, RelabelAction::kHashMod, RelabelAction::kLowercase,
               RelabelAction::kUppercase, RelabelAction::kKeepEqual, RelabelAction::kDropEqual}) &&
      !target_ok) {
    return m.ErrorAt(
        m.ValueMark("target_label"),
        Quote(c.target_label) + " is invalid 'target_label' for " + action + " action");
  }
  if (IsAnyOf(c.action, {RelabelAction::kLowercase, RelabelAction::kUppercase,
                         RelabelAction::kKeepEqual, RelabelAction::kDropEqual}) &&
      c.replacement != RelabelConfig::kDefaultReplacement) {
    return m.ErrorAt(m.KeyMark("replacement"),
                     "'replacement' can not be set for " + action + " action");
  }
  if (c.action == RelabelAction::kLabelMap && !internal::IsValidRelabelTarget(c.replacement)) {
    return m.ErrorAt(m.ValueMark("replacement"),
                     Quote(c.replacement) + " is invalid 'replacement' for " + action + " action");
  }
  if (IsAnyOf(c.action, {RelabelAction::kKeepEqual, RelabelAction::kDropEqual}) &&
      (c.regex != RelabelConfig::kDefaultRegex || c.modulus != 0 ||
       c.separator != RelabelConfig::kDefaultSeparator)) {
    return m.ErrorAt(at, action +
                             " action requires only 'source_labels' and `target_label`, and no "
                             "other fields");
  }
  if (IsAnyOf(c.action, {RelabelAction::kLabelDrop, RelabelAction::kLabelKeep}) &&
      (!c.source_labels.empty() || !c.target_label.empty() || c.modulus != 0 ||
       c.separator != RelabelConfig::kDefaultSeparator ||
       c.replacement != RelabelConfig::kDefaultReplacement)) {
    return m.ErrorAt(at, action + " action requires only 'regex', and no other fields");
  }
  return OkStatus();
}

}  // namespace

std::string_view RelabelActionName(RelabelAction a) {
  for (const ActionName& n : kActions) {
    if (n.action == a) return n.name;
  }
  return "replace";
}

std::optional<RelabelAction> ParseRelabelAction(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const ActionName& n : kActions) {
    if (n.name == lower) return n.action;
  }
  return std::nullopt;
}

Result<RelabelConfig> DecodeRelabelConfig(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path) {
  if (node.IsNull()) return doc.Error(node.mark(), "empty or null relabeling rule in " + path);
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path,
                                               {"source_labels", "separator", "regex", "modulus",
                                                "target_label", "replacement", "action"}));
  RelabelConfig c;
  OSPREY_RETURN_IF_ERROR(m.Optional("source_labels", &c.source_labels));
  if (const YamlNode* n = m.Get("source_labels")) {
    for (size_t i = 0; i < c.source_labels.size(); ++i) {
      if (!internal::IsValidLabelName(c.source_labels[i])) {
        return m.ErrorAt(n->items()[i].mark(),
                         Quote(c.source_labels[i]) + " is not a valid label name");
      }
    }
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("separator", &c.separator));
  OSPREY_RETURN_IF_ERROR(m.Optional("regex", &c.regex));
  OSPREY_RETURN_IF_ERROR(m.Optional("modulus", &c.modulus));
  OSPREY_RETURN_IF_ERROR(m.Optional("target_label", &c.target_label));
  OSPREY_RETURN_IF_ERROR(m.Optional("replacement", &c.replacement));
  if (const YamlNode* n = m.Get("action")) {
    std::string name;
    OSPREY_RETURN_IF_ERROR(DecodeValue(doc, *n, "action", &name));
    std::optional<RelabelAction> action = ParseRelabelAction(name);
    if (!action) {
      return m.ErrorAt(n->mark(), "unknown relabel action " + Quote(name));
    }
    c.action = *action;
  }
  OSPREY_RETURN_IF_ERROR(Validate(c, m));
  return c;
}

void EmitRelabelConfig(const RelabelConfig& c, YAML::Emitter& out) {
  out << YAML::BeginMap;
  if (!c.source_labels.empty()) {
    out << YAML::Key << "source_labels" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& l : c.source_labels) internal::WriteString(out, l);
    out << YAML::EndSeq;
  }
  internal::WriteStringEntry(out, "separator", c.separator);
  internal::WriteStringEntry(out, "regex", c.regex);
  if (c.modulus != 0) out << YAML::Key << "modulus" << YAML::Value << c.modulus;
  if (!c.target_label.empty()) internal::WriteStringEntry(out, "target_label", c.target_label);
  internal::WriteStringEntry(out, "replacement", c.replacement);
  out << YAML::Key << "action" << YAML::Value << std::string(RelabelActionName(c.action));
  out << YAML::EndMap;
}

}  // namespace osprey::config
