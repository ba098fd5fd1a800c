// Checks a received series' labels the way Prometheus's remote_write receiver does, on views,
// before any model::Labels is built. Shared by the remote_write ingester and the text importer.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "base/status.h"
#include "ingest/remote_write_decoder.h"
#include "model/labels.h"

namespace osprey::ingest {

// Per-series limits, as Prometheus's label_limit, label_name_length_limit and
// label_value_length_limit. 0 means no limit.
struct LabelLimits {
  size_t max_labels = 0;
  size_t max_label_name_length = 0;
  size_t max_label_value_length = 0;
};

// OK when `labels` (in the order received) are a valid series: names match
// [a-zA-Z_][a-zA-Z0-9_]*, strictly increasing (sorted, no duplicates), values valid UTF-8, a
// non-empty __name__ that is a valid metric name, and within `limits`. Otherwise
// kInvalidArgument with a message naming the label, and `*reason` set to kReasonInvalidLabels
// or kReasonLabelLimit. Labels with empty values count as present for the order checks and
// are dropped by BuildLabels. Cost: one pass over the bytes; no allocation when valid.
Status CheckSortedLabels(std::span<const LabelView> labels, const LabelLimits& limits,
                         std::string_view* reason);

// The model::Labels for checked `labels` (empty values dropped). Allocates.
model::Labels BuildLabels(std::span<const LabelView> labels);

}  // namespace osprey::ingest
