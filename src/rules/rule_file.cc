#include "rules/rule_file.h"

#include <glob.h>

#include <algorithm>
#include <set>

#include "base/file_system.h"
#include "config/yaml_decoder.h"
#include "model/labels.h"
#include "promql/parser.h"
#include "rules/template_expander.h"

namespace osprey::rules {
namespace {

using config::MappingDecoder;
using config::YamlDocument;
using config::YamlNode;

// Prometheus's rulefmt.Error prefix: `group "g", rule 2, "Name": `.
std::string RulePrefix(const std::string& group, size_t index, const RuleConfig& r) {
  std::string out = "group \"";
  out += group;
  out += "\", rule ";
  out += std::to_string(index + 1);
  out += ", \"";
  out += r.is_alerting() ? r.alert : r.record;
  out += "\": ";
  return out;
}

Status DecodeStringMap(const MappingDecoder& m, std::string_view key,
                       std::map<std::string, std::string>* out) {
  const YamlNode* n = m.Get(key);
  if (n == nullptr) return OkStatus();
  if (!n->IsMapping()) return config::TypeError(m.doc(), *n, "a mapping", key);
  for (const config::YamlEntry& e : n->entries()) {
    std::string value;
    if (!e.value.IsNull()) {
      OSPREY_RETURN_IF_ERROR(config::DecodeValue(m.doc(), e.value, key, &value));
    }
    (*out)[e.key] = std::move(value);
  }
  return OkStatus();
}

// Checks one decoded rule; `at` is where errors point.
Status ValidateRule(const YamlDocument& doc, const MappingDecoder& m, const RuleConfig& r,
                    const std::string& group, size_t index) {
  const std::string prefix = RulePrefix(group, index, r);
  const auto error = [&](std::string_view key, std::string_view what) {
    config::YamlMark mark = m.Has(key) ? m.ValueMark(key) : m.node().mark();
    return doc.Error(mark, prefix + std::string(what));
  };
  if (!r.record.empty() && !r.alert.empty()) {
    return error("record", "only one of 'record' and 'alert' must be set");
  }
  if (r.record.empty() && r.alert.empty()) {
    return error("record", "one of 'record' or 'alert' must be set");
  }
  if (r.expr.empty()) return error("expr", "field 'expr' must be set in rule");
  if (Result<promql::ExprPtr> e = promql::ParseExpr(r.expr); !e.ok()) {
    return error("expr", "could not parse expression: " + e.status().message());
  }
  if (!r.record.empty()) {
    if (!r.annotations.empty()) {
      return error("record", "invalid field 'annotations' in recording rule");
    }
    if (r.for_duration.ms != 0) return error("record", "invalid field 'for' in recording rule");
    if (r.keep_firing_for.ms != 0) {
      return error("record", "invalid field 'keep_firing_for' in recording rule");
    }
    if (!model::IsValidMetricName(r.record)) {
      return error("record", "invalid recording rule name: " + r.record);
    }
  }
  for (const auto& [name, value] : r.labels) {
    if (!model::IsValidLabelName(name) || name == model::kMetricName) {
      return error("labels", "invalid label name: " + name);
    }
    if (!model::IsValidUtf8(value)) return error("labels", "invalid label value: " + value);
  }
  for (const auto& [name, value] : r.annotations) {
    if (!model::IsValidLabelName(name)) {
      return error("annotations", "invalid annotation name: " + name);
    }
  }
  if (r.is_alerting()) {
    for (const auto& [name, value] : r.labels) {
      if (Status s = CheckRuleTemplate(r.alert, value); !s.ok()) {
        return error("labels", "label \"" + name + "\": " + s.message());
      }
    }
    for (const auto& [name, value] : r.annotations) {
      if (Status s = CheckRuleTemplate(r.alert, value); !s.ok()) {
        return error("annotations", "annotation \"" + name + "\": " + s.message());
      }
    }
  }
  return OkStatus();
}

Result<RuleConfig> DecodeRule(const YamlDocument& doc, const YamlNode& node,
                              const std::string& path, const std::string& group, size_t index) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path,
                                               {"record", "alert", "expr", "for", "keep_firing_for",
                                                "labels", "annotations"}));
  RuleConfig r;
  r.mark = node.mark();
  OSPREY_RETURN_IF_ERROR(m.Optional("record", &r.record));
  OSPREY_RETURN_IF_ERROR(m.Optional("alert", &r.alert));
  OSPREY_RETURN_IF_ERROR(m.Optional("expr", &r.expr));
  OSPREY_RETURN_IF_ERROR(m.Optional("for", &r.for_duration));
  OSPREY_RETURN_IF_ERROR(m.Optional("keep_firing_for", &r.keep_firing_for));
  OSPREY_RETURN_IF_ERROR(DecodeStringMap(m, "labels", &r.labels));
  OSPREY_RETURN_IF_ERROR(DecodeStringMap(m, "annotations", &r.annotations));
  OSPREY_RETURN_IF_ERROR(ValidateRule(doc, m, r, group, index));
  return r;
}

Result<GroupConfig> DecodeGroup(const YamlDocument& doc, const YamlNode& node,
                                const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, path,
                                                                 {"name", "interval", "limit",
                                                                  "query_offset", "rules"}));
  GroupConfig g;
  OSPREY_RETURN_IF_ERROR(m.Optional("name", &g.name));
  if (g.name.empty()) return m.ErrorAt(node.mark(), "Groupname must not be empty");
  OSPREY_RETURN_IF_ERROR(m.Optional("interval", &g.interval));
  OSPREY_RETURN_IF_ERROR(m.Optional("limit", &g.limit));
  if (g.limit < 0) g.limit = 0;  // Prometheus treats a negative limit as none.
  if (m.Has("query_offset")) {
    model::Duration d;
    OSPREY_RETURN_IF_ERROR(m.Optional("query_offset", &d));
    g.query_offset = d;
  }
  const YamlNode* rules = m.Get("rules");
  if (rules == nullptr) return g;
  if (!rules->IsSequence()) return config::TypeError(doc, *rules, "a list", "rules");
  const std::string rules_path = m.ChildPath("rules");
  for (size_t i = 0; i < rules->items().size(); ++i) {
    const YamlNode& item = rules->items()[i];
    const std::string item_path = config::IndexPath(rules_path, i);
    OSPREY_ASSIGN_OR_RETURN(RuleConfig r, DecodeRule(doc, item, item_path, g.name, i));
    g.rules.push_back(std::move(r));
  }
  return g;
}

}  // namespace

Result<RuleFile> ParseRuleFile(std::string_view text, std::string filename) {
  OSPREY_ASSIGN_OR_RETURN(YamlDocument doc, YamlDocument::Parse(text, std::move(filename)));
  RuleFile file;
  file.path = doc.filename();
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, doc.root(), "", {"groups"}));
  const YamlNode* groups = m.Get("groups");
  if (groups == nullptr) return file;
  if (!groups->IsSequence()) return config::TypeError(doc, *groups, "a list", "groups");
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < groups->items().size(); ++i) {
    const YamlNode& item = groups->items()[i];
    OSPREY_ASSIGN_OR_RETURN(GroupConfig g, DecodeGroup(doc, item, config::IndexPath("groups", i)));
    if (!names.insert(g.name).second) {
      return doc.Error(item.mark(), "groupname: \"" + g.name + "\" is repeated in the same file");
    }
    file.groups.push_back(std::move(g));
  }
  return file;
}

Result<std::vector<std::string>> ExpandRuleFileGlobs(std::span<const std::string> globs) {
  std::set<std::string> paths;
  for (const std::string& pattern : globs) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.insert(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (rc == GLOB_NOMATCH) {
      // A literal path must exist; a pattern matching nothing is fine (as in Prometheus).
      if (pattern.find_first_of("*?[") == std::string::npos) {
        return NotFoundError("rule file \"" + pattern + "\": no such file");
      }
    } else if (rc != 0) {
      return InvalidArgumentError("error retrieving rule files for \"" + pattern + "\"");
    }
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

Result<std::vector<RuleFile>> LoadRuleFiles(std::span<const std::string> paths) {
  PosixFileSystem fs;
  std::vector<RuleFile> files;
  for (const std::string& path : paths) {
    Result<std::string> text = ReadFileToString(fs, path);
    if (!text.ok()) {
      return Status(text.status().code(),
                    "reading rule file \"" + path + "\": " + text.status().message());
    }
    OSPREY_ASSIGN_OR_RETURN(RuleFile f, ParseRuleFile(*text, path));
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace osprey::rules
