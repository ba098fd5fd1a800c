// Applies Prometheus remote_write 1.0 requests to a storage::Appendable.
//
//   IngestMetrics ingest_metrics(registry);              // one per process
//   RemoteWriteIngester ingester(*db, ingest_metrics);   // one per Appendable, shared by threads
//   // HTTP handler, after snappy-decompressing the body:
//   Result<WriteOutcome> r = ingester.Ingest(body);
//   // !r.ok() -> 400 r.status().message(); else see write_outcome.h for the status code.
//
// Per request: decode (remote_write_decoder.h) and append in one streaming pass through ONE
// Appender, then Commit. For each series, the raw label bytes are looked up in a
// SeriesHintCache; on a hit the samples are appended with the cached ref and empty labels,
// skipping label checks, model::Labels construction and the storage's series lookup. On a
// miss the labels are checked (label_checks.h), built, and the ref returned by the storage is
// cached. See series_hint_cache.h for the contract this relies on: a storage that does not
// know a ref passed with empty labels returns kNotFound without side effects, and never
// reuses a ref for a different label set.
//
// Validation follows Prometheus's receiver: a series with invalid labels (bad names, unsorted
// or duplicate names, no metric name, invalid UTF-8, over the limits) has all its samples
// rejected (reason kReasonInvalidLabels or kReasonLabelLimit); samples the storage rejects
// count under the storage's code; native histograms are rejected
// (kReasonHistogramsUnsupported); exemplars and metadata are ignored. Good series are kept.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "ingest/ingest_metrics.h"
#include "ingest/internal/scratch_pool.h"
#include "ingest/label_checks.h"
#include "ingest/series_hint_cache.h"
#include "ingest/write_outcome.h"
#include "storage/metrics.h"

namespace osprey::ingest {

struct RemoteWriteIngesterOptions {
  LabelLimits limits;
  SeriesHintCacheOptions hint_cache;
};

// Thread-safe: Ingest may run concurrently on several threads (each call uses its own
// Appender and pooled scratch buffers; the hint cache is sharded).
class RemoteWriteIngester {
 public:
  // `appendable` and `metrics` must outlive the ingester.
  RemoteWriteIngester(storage::Appendable& appendable, IngestMetrics& metrics,
                      const RemoteWriteIngesterOptions& options = {});
  ~RemoteWriteIngester();
  RemoteWriteIngester(const RemoteWriteIngester&) = delete;
  RemoteWriteIngester& operator=(const RemoteWriteIngester&) = delete;

  // Ingests one uncompressed WriteRequest. A malformed body returns kInvalidArgument and keeps
  // nothing (the Appender is rolled back). Otherwise returns the outcome, including a failed
  // Commit. Cost on the steady-state path: decoding plus, per series, one xxh3 of the label
  // bytes, one cache probe and one Append per sample; no allocation.
  Result<WriteOutcome> Ingest(std::string_view request);

  const SeriesHintCache& hint_cache() const { return hint_cache_; }

 private:
  struct Scratch;
  class SeriesVisitor;

  storage::Appendable& appendable_;
  IngestMetrics& metrics_;
  const LabelLimits limits_;
  // Passed with a cached ref: the storage uses the ref's series.
  const model::Labels no_labels_;
  SeriesHintCache hint_cache_;

  // Decoders and buffers of finished requests, reused to avoid allocating per request.
  internal::ScratchPool<Scratch> scratch_pool_;
};

}  // namespace osprey::ingest
