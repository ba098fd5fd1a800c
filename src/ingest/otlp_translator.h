// The OTLP -> Prometheus translation behind OtlpIngester (the rules are listed in
// otlp_ingester.h). Separate from the ingester so tests can drive it with a plain Appender.
#pragma once

#include "ingest/otlp_delta.h"
#include "ingest/otlp_request.h"
#include "ingest/write_outcome.h"
#include "storage/metrics.h"

namespace osprey::ingest {

// True when some sum or histogram of `request` has DELTA temporality.
bool HasDeltaMetrics(const OtlpMetricsRequest& request);

// Appends the samples of `request` through `app` (no Commit), counting accepted and rejected
// samples in `outcome`. `delta` holds the running totals of DELTA metrics; when null, DELTA
// metrics are rejected (kReasonInvalidTemporality). The caller commits `delta` after `app`.
void TranslateOtlp(const OtlpMetricsRequest& request, storage::Appender& app,
                   OtlpDeltaAccumulator* delta, WriteOutcome& outcome);

}  // namespace osprey::ingest
