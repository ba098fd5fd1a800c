// What happened to one write request (remote_write or text import), for the HTTP layer and
// the metrics. As in Prometheus, a request with some bad series keeps the good ones:
//
//   kSuccess      -> 204 No Content
//   kRejected     -> 400 Bad Request, body first_error (the accepted samples are kept)
//   kMalformed    -> 400 Bad Request, body the decode/parse Status message (nothing kept)
//   kCommitFailed -> 503 Service Unavailable, body commit_status (nothing kept; senders retry)
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ingest/remote_write_decoder.h"

namespace osprey::ingest {

// Rejection reasons, used as the `reason` label of osprey_ingest_samples_rejected_total.
// Storage rejections use StatusCodeName of the storage's code ("out_of_bounds",
// "already_exists", "resource_exhausted", ...).
inline constexpr std::string_view kReasonInvalidLabels = "invalid_labels";
inline constexpr std::string_view kReasonLabelLimit = "label_limit_exceeded";
inline constexpr std::string_view kReasonHistogramsUnsupported = "histograms_unsupported";
inline constexpr std::string_view kReasonCommitFailed = "commit_failed";

enum class RequestOutcome { kSuccess, kRejected, kMalformed, kCommitFailed };

// "success", "rejected", "malformed", "commit_failed": the `outcome` metric label.
std::string_view RequestOutcomeName(RequestOutcome outcome);

struct WriteOutcome {
  int64_t samples_accepted = 0;
  int64_t samples_rejected = 0;
  // Rejected samples by reason; sums to samples_rejected.
  std::map<std::string, int64_t, std::less<>> rejected_by_reason;
  // The first rejection, naming its series as Prometheus does:
  //   series {__name__="x", job="a"}: out of order sample
  std::string first_error;
  // Commit's status. When not OK nothing was kept: samples_accepted is 0 and the samples
  // appended before count under kReasonCommitFailed.
  Status commit_status;

  // kSuccess, kRejected or kCommitFailed (kMalformed requests have no WriteOutcome).
  RequestOutcome Classify() const;

  // Counts `n` samples of the series `labels` (in wire order) as rejected for `reason`, and
  // sets first_error from `labels` and `message` if it is still empty.
  void Reject(std::string_view reason, int64_t n, std::span<const LabelView> labels,
              std::string_view message);
  // Records a failed Commit (see commit_status).
  void CommitFailed(Status status);
};

// {name="value", ...} in the given order, values quoted like model::Labels::ToString.
std::string FormatSeries(std::span<const LabelView> labels);

}  // namespace osprey::ingest
