// Applies OTLP metrics export requests (protobuf or JSON) to a storage::Appendable, translated
// to Prometheus series the way Prometheus's OTLP receiver does
// (storage/remote/otlptranslator/prometheusremotewrite, default settings):
//
//   OtlpIngester otlp(*db, ingest_metrics);               // one per process, shared by threads
//   Result<WriteOutcome> r = otlp.Ingest(body, OtlpEncoding::kProtobuf);
//   // !r.ok() -> 400 / INVALID_ARGUMENT; else r->Classify() (see otlp_response.h).
//
// Translation (names: otlp_names.h):
// - labels: data point attributes, names sanitised (attributes whose names collide after
//   sanitising are joined with ";" in key order; an attribute "__name__" is ignored);
//   `job` = service.namespace + "/" + service.name (or service.name), `instance` =
//   service.instance.id, overriding attributes of those names;
// - target_info{job, instance, <other resource attributes>} = 1 for each resource that has a
//   job or instance and other attributes, from its earliest to its latest data point timestamp
//   every 2m30s (half of the default lookback delta) and at the latest one;
// - gauge -> one series; sum -> one series (monotonic: "_total"); cumulative as they are,
//   DELTA accumulated into cumulative totals (otlp_delta.h);
// - histogram -> name_bucket{le} (cumulative counts, +Inf = count), name_sum (when set),
//   name_count;
// - exponential histogram -> the same classic series. Bucket bounds: with base = 2^(2^-scale),
//   positive bucket index i holds (base^i, base^(i+1)] so its le is base^(i+1); negative bucket
//   i holds [-base^(i+1), -base^i) and gets le = -base^i; the zero bucket gets
//   le = zero_threshold. Counts are cumulative from the most negative bucket up, +Inf = count.
//   A bound that is not above the previous one (an odd zero threshold) or not finite merges into
//   the next bucket; more than 160 buckets on a side are first merged into a lower scale;
// - summary -> name{quantile} per quantile, name_sum, name_count;
// - flag NO_RECORDED_VALUE -> the staleness marker for every series of the point;
// - timestamps: time_unix_nano / 1e6 (ms); start timestamps and exemplars are ignored.
// Sum, histogram and exponential histogram metrics without a temporality are rejected (reason
// kReasonInvalidTemporality), as are metrics whose name normalises to nothing.
//
// Unlike Prometheus (which fails the whole request on the first storage error), a rejected
// sample does not spoil the rest, as with remote_write: the outcome counts it and the client
// gets an OTLP partial success.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "ingest/ingest_metrics.h"
#include "ingest/internal/scratch_pool.h"
#include "ingest/otlp_delta.h"
#include "ingest/otlp_request.h"
#include "ingest/write_outcome.h"
#include "storage/metrics.h"

namespace osprey::ingest {

// The `protocol` label of osprey_ingest_* metrics for OTLP.
inline constexpr std::string_view kProtocolOtlp = "otlp";

// Rejection reasons of OTLP translation (see write_outcome.h for the shared ones).
inline constexpr std::string_view kReasonInvalidMetricName = "invalid_metric_name";
inline constexpr std::string_view kReasonInvalidTemporality = "invalid_temporality";
inline constexpr std::string_view kReasonDeltaOutOfOrder = "delta_out_of_order";
inline constexpr std::string_view kReasonDeltaSeriesLimit = "delta_series_limit";

enum class OtlpEncoding { kProtobuf, kJson };

struct OtlpIngesterOptions {
  OtlpDeltaOptions delta;
};

// Thread-safe: Ingest may run on several threads at once (each call uses its own Appender and
// pooled decode buffers). Requests holding DELTA metrics are serialised among themselves, since
// they share the running totals.
class OtlpIngester {
 public:
  // `appendable` and `metrics` must outlive the ingester.
  OtlpIngester(storage::Appendable& appendable, IngestMetrics& metrics,
               const OtlpIngesterOptions& options = {});
  ~OtlpIngester();
  OtlpIngester(const OtlpIngester&) = delete;
  OtlpIngester& operator=(const OtlpIngester&) = delete;

  // Decodes and ingests one uncompressed ExportMetricsServiceRequest. A malformed body returns
  // kInvalidArgument (counted as malformed) and keeps nothing. Otherwise the outcome, including
  // rejected samples and a failed Commit.
  Result<WriteOutcome> Ingest(std::string_view body, OtlpEncoding encoding);

  // Translates and ingests an already decoded request (counted in the metrics like Ingest).
  WriteOutcome IngestDecoded(const OtlpMetricsRequest& request);

  // Delta series with a running total.
  size_t DeltaSeriesForTest() const OSPREY_EXCLUDES(delta_mu_);

 private:
  struct Scratch;
  class Translator;

  // Clears the decoded request and returns the scratch to the pool.
  void ReleaseScratch(std::unique_ptr<Scratch> scratch);
  WriteOutcome Translate(const OtlpMetricsRequest& request, OtlpDeltaAccumulator* delta);

  storage::Appendable& appendable_;
  IngestMetrics& metrics_;

  // Held for the whole of a request with DELTA metrics (translation and commit).
  mutable Mutex delta_mu_;
  OtlpDeltaAccumulator delta_ OSPREY_GUARDED_BY(delta_mu_);

  // Decoders and buffers of finished requests, reused to avoid allocating per request.
  internal::ScratchPool<Scratch> scratch_pool_;
};

}  // namespace osprey::ingest
