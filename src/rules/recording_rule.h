// A recording rule: evaluates its expression and stores the result under a new metric
// name (Prometheus's rules/recording.go).
#pragma once

#include <string>

#include "rules/rule.h"
#include "rules/rule_file.h"

namespace osprey::rules {

// Thread-safe (see Rule).
class RecordingRule final : public Rule {
 public:
  // `query`: the expression in canonical form.
  RecordingRule(const RuleConfig& config, std::string query);

  bool alerting() const override { return false; }
  // The result samples with __name__ = record and the rule's labels set (overriding), at
  // ts - query_offset. Errors: the query's, a duplicate label set after relabelling, or
  // more than `limit` series.
  Result<promql::Vector> Eval(const EvalEnv& env, model::Timestamp ts, model::Duration query_offset,
                              int64_t limit) override;
  std::string Identity() const override;
};

}  // namespace osprey::rules
