// Rule files: the YAML format of Prometheus's rule_files (model/rulefmt), decoded with
// config/yaml_decoder.h so that every error names file:line:column.
//
//   groups:
//     - name: api
//       interval: 30s          # optional; the manager's default otherwise
//       limit: 10              # optional; 0 = no limit on series/alerts per rule
//       query_offset: 1m       # optional; evaluate at (time - offset)
//       rules:
//         - record: job:up:sum
//           expr: sum by (job) (up)
//         - alert: Down
//           expr: up == 0
//           for: 5m
//           keep_firing_for: 10m
//           labels: {severity: page}
//           annotations: {summary: "{{ $labels.instance }} down"}
//
// Validation is promtool's (`promtool check rules`, Prometheus 2.42): unknown fields,
// empty or repeated group names, exactly one of record/alert, a parsable expr, a valid
// metric name for record, no for/keep_firing_for/annotations on recording rules, valid
// label and annotation names, UTF-8 label values, and alert templates that parse.
// `query_offset` is newer (Prometheus 2.53) and accepted too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/yaml_node.h"
#include "model/duration.h"

namespace osprey::rules {

struct RuleConfig {
  std::string record;  // exactly one of record and alert is set
  std::string alert;
  std::string expr;
  model::Duration for_duration;
  model::Duration keep_firing_for;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  config::YamlMark mark;  // where the rule starts

  bool is_alerting() const { return !alert.empty(); }
};

struct GroupConfig {
  std::string name;
  model::Duration interval;  // 0: the manager's default
  int64_t limit = 0;         // 0: none
  std::optional<model::Duration> query_offset;
  std::vector<RuleConfig> rules;
};

struct RuleFile {
  std::string path;
  std::vector<GroupConfig> groups;
};

// Parses and validates one rule file's text; `filename` prefixes error messages
// ("rules.yml:12:7: ..."). The first error found is returned (kInvalidArgument).
Result<RuleFile> ParseRuleFile(std::string_view text, std::string filename);

// Expands rule_files globs (glob(3) patterns; a pattern without wildcards names one file,
// which must exist) into a sorted, de-duplicated list of paths.
Result<std::vector<std::string>> ExpandRuleFileGlobs(std::span<const std::string> globs);

// Reads and parses every file in `paths`, in order. Group names must be unique per file
// only. The first unreadable or invalid file is the error.
Result<std::vector<RuleFile>> LoadRuleFiles(std::span<const std::string> paths);

}  // namespace osprey::rules
