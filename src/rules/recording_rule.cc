#include "rules/recording_rule.h"

#include <algorithm>

namespace osprey::rules {

RecordingRule::RecordingRule(const RuleConfig& config, std::string query)
    : Rule(config.record, std::move(query), LabelsFromMap(config.labels)) {}

Result<promql::Vector> RecordingRule::Eval(const EvalEnv& env, model::Timestamp ts,
                                           model::Duration query_offset, int64_t limit) {
  const model::Timestamp at = ts - query_offset.ms;
  OSPREY_ASSIGN_OR_RETURN(promql::Vector vector, env.query(query(), at));
  for (promql::VectorSample& s : vector) {
    model::LabelsBuilder b(s.labels);
    b.Set(model::kMetricName, name());
    for (const model::Label& l : labels()) b.Set(l.name, l.value);
    s.labels = b.Build();
    s.t = at;
  }
  std::vector<const model::Labels*> sorted;
  sorted.reserve(vector.size());
  for (const promql::VectorSample& s : vector) sorted.push_back(&s.labels);
  std::sort(sorted.begin(), sorted.end(),
            [](const model::Labels* a, const model::Labels* b) { return *a < *b; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (*sorted[i] == *sorted[i - 1]) {
      return InvalidArgumentError(
          "vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (limit > 0 && static_cast<int64_t>(vector.size()) > limit) {
    return ResourceExhaustedError("exceeded limit of " + std::to_string(limit) + " with " +
                                  std::to_string(vector.size()) + " series");
  }
  return vector;
}

std::string RecordingRule::Identity() const {
  std::string out = "record: ";
  out += name();
  out += "\nexpr: ";
  out += query();
  out += "\nlabels: ";
  out += labels().ToString();
  return out;
}

}  // namespace osprey::rules
