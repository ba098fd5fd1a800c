#include "ingest/label_checks.h"

#include <string>
#include <vector>

#include "ingest/write_outcome.h"

namespace osprey::ingest {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

}  // namespace

Status CheckSortedLabels(std::span<const LabelView> labels, const LabelLimits& limits,
                         std::string_view* reason) {
  *reason = kReasonInvalidLabels;
  if (limits.max_labels > 0 && labels.size() > limits.max_labels) {
    *reason = kReasonLabelLimit;
    return InvalidArgumentError("too many labels: " + std::to_string(labels.size()) +
                                " exceeds the limit of " + std::to_string(limits.max_labels));
  }
  std::string_view metric_name;
  for (size_t i = 0; i < labels.size(); ++i) {
    const LabelView& l = labels[i];
    if (!model::IsValidLabelName(l.name)) {
      return InvalidArgumentError("invalid label name " + Quoted(l.name));
    }
    if (i > 0 && labels[i - 1].name >= l.name) {
      if (labels[i - 1].name == l.name) {
        return InvalidArgumentError("duplicate label name " + Quoted(l.name));
      }
      return InvalidArgumentError("labels are not sorted: " + Quoted(labels[i - 1].name) +
                                  " before " + Quoted(l.name));
    }
    if (!model::IsValidUtf8(l.value)) {
      return InvalidArgumentError("invalid UTF-8 in the value of label " + Quoted(l.name));
    }
    if (limits.max_label_name_length > 0 && l.name.size() > limits.max_label_name_length) {
      *reason = kReasonLabelLimit;
      return InvalidArgumentError("label name " + Quoted(l.name) + " is longer than " +
                                  std::to_string(limits.max_label_name_length) + " bytes");
    }
    if (limits.max_label_value_length > 0 && l.value.size() > limits.max_label_value_length) {
      *reason = kReasonLabelLimit;
      return InvalidArgumentError("value of label " + Quoted(l.name) + " is longer than " +
                                  std::to_string(limits.max_label_value_length) + " bytes");
    }
    if (l.name == model::kMetricName) metric_name = l.value;
  }
  if (metric_name.empty()) return InvalidArgumentError("missing metric name (__name__ label)");
  if (!model::IsValidMetricName(metric_name)) {
    return InvalidArgumentError("invalid metric name " + Quoted(metric_name));
  }
  return OkStatus();
}

model::Labels BuildLabels(std::span<const LabelView> labels) {
  std::vector<model::Label> v;
  v.reserve(labels.size());
  for (const LabelView& l : labels) {
    if (!l.value.empty()) v.push_back(model::Label{std::string(l.name), std::string(l.value)});
  }
  return model::Labels(std::move(v));
}

}  // namespace osprey::ingest
