// POST /api/v1/import/prometheus: appends a body in the Prometheus text exposition format
// (text_parser.h) to a storage::Appendable through one Appender.
//
//   Result<WriteOutcome> r = ImportText(body, clock.Now(), *db, {}, &ingest_metrics);
//   // !r.ok() -> 400 r.status().message() ("line 3, column 17: ..."); else write_outcome.h.
//
// A syntax error anywhere rejects the whole body (the Appender is rolled back). Otherwise,
// as for remote_write, series with invalid labels (duplicate names, invalid UTF-8, a
// __name__ label that repeats the metric name, over the limits) and samples the storage
// rejects are counted in the outcome and the others are kept. Labels may come in any order.
// HELP and TYPE lines are accepted and ignored.
#pragma once

#include "base/status.h"
#include "ingest/ingest_metrics.h"
#include "ingest/label_checks.h"
#include "ingest/write_outcome.h"
#include "model/sample.h"
#include "storage/metrics.h"

namespace osprey::ingest {

struct TextImportOptions {
  LabelLimits limits;
};

// Samples without a timestamp get `default_timestamp_ms`. `metrics` may be null. Thread-safe
// as far as `appendable` is. Allocates per series (import is not the hot ingestion path).
Result<WriteOutcome> ImportText(std::string_view body, model::Timestamp default_timestamp_ms,
                                storage::Appendable& appendable,
                                const TextImportOptions& options = {},
                                IngestMetrics* metrics = nullptr);

}  // namespace osprey::ingest
