#include "ingest/write_outcome.h"

#include <utility>

#include "base/strings.h"

namespace osprey::ingest {

std::string_view RequestOutcomeName(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::kSuccess:
      return "success";
    case RequestOutcome::kRejected:
      return "rejected";
    case RequestOutcome::kMalformed:
      return "malformed";
    case RequestOutcome::kCommitFailed:
      return "commit_failed";
  }
  return "unknown";
}

RequestOutcome WriteOutcome::Classify() const {
  if (!commit_status.ok()) return RequestOutcome::kCommitFailed;
  if (samples_rejected > 0) return RequestOutcome::kRejected;
  return RequestOutcome::kSuccess;
}

void WriteOutcome::Reject(std::string_view reason, int64_t n, std::span<const LabelView> labels,
                          std::string_view message) {
  if (n <= 0) return;
  samples_rejected += n;
  auto it = rejected_by_reason.find(reason);
  if (it == rejected_by_reason.end()) {
    it = rejected_by_reason.emplace(std::string(reason), 0).first;
  }
  it->second += n;
  if (first_error.empty()) {
    first_error = "series ";
    first_error += FormatSeries(labels);
    first_error += ": ";
    first_error += message;
  }
}

void WriteOutcome::CommitFailed(Status status) {
  const int64_t lost = samples_accepted;
  samples_accepted = 0;
  if (lost > 0) {
    samples_rejected += lost;
    rejected_by_reason[std::string(kReasonCommitFailed)] += lost;
  }
  commit_status = std::move(status);
}

std::string FormatSeries(std::span<const LabelView> labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name;
    out += '=';
    AppendGoQuoted(out, labels[i].value);
  }
  out += '}';
  return out;
}

}  // namespace osprey::ingest
