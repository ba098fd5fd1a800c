// Applies InfluxDB line protocol writes (influx_parser.h) to a storage::Appendable, as
// VictoriaMetrics maps them to Prometheus series:
//
//   weather,location=us-west temp=21.5,humidity=40i,ok=true,note="x" 1465839830100400200
//   -> weather_temp{location="us-west"} 21.5, weather_humidity{...} 40, weather_ok{...} 1
//
// - Each numeric field is one sample of the series `<measurement>_<field>` (always: a field
//   named `value` gives `<measurement>_value`, VictoriaMetrics's default, which keeps one
//   measurement's series in one name prefix), the tags being its labels. Booleans are 1/0,
//   integers and unsigned integers become doubles (precision is lost past 2^53). String fields
//   are skipped: a line of only strings is accepted and writes nothing.
// - Names are sanitised to Prometheus names: every character outside [a-zA-Z0-9_] (and `:` in
//   metric names) becomes `_` (one per UTF-8 character), and a leading digit gets a `_`
//   prefix. So `disk-io,dev.name=sda rx.bytes=1` is `disk_io_rx_bytes{dev_name="sda"}`. Two
//   tags that sanitise to the same name make the series invalid (duplicate label).
// - The v1 `db` query parameter becomes the label `db` unless the point has a tag `db`
//   (VictoriaMetrics's -influxDBLabel behaviour); v2's `org` and `bucket` are ignored.
// - Points without a timestamp get the request's `now_ms`.
//
// Per request: parse and append in one pass through ONE Appender, then Commit. Lines that do
// not parse are skipped and reported; the others are written (InfluxDB 2's partial writes).
// Series are validated like remote_write's (label_checks.h): a series with invalid labels has
// its samples rejected, and samples the storage rejects count under the storage's code.
//
// Metrics: osprey_ingest_* with protocol="influx" (ingest_metrics.h; a bad line counts as one
// rejected sample with reason "invalid_line", as its fields are unknown), and
// osprey_ingest_influx_lines_total{outcome="accepted"|"rejected"}.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "ingest/influx_parser.h"
#include "ingest/ingest_metrics.h"
#include "ingest/internal/scratch_pool.h"
#include "ingest/label_checks.h"
#include "ingest/series_hint_cache.h"
#include "ingest/write_outcome.h"
#include "metrics/registry.h"
#include "storage/metrics.h"

namespace osprey::ingest {

// `protocol` label value of osprey_ingest_* for the line protocol.
inline constexpr std::string_view kProtocolInflux = "influx";
// Rejection reason of a line that does not parse.
inline constexpr std::string_view kReasonInvalidLine = "invalid_line";

// `<measurement>_<field>` as a valid Prometheus metric name (see above).
std::string InfluxMetricName(std::string_view measurement, std::string_view field);
// `key` as a valid Prometheus label name (see above).
std::string InfluxLabelName(std::string_view key);

struct InfluxWriteRequest {
  InfluxPrecision precision = InfluxPrecision::kNanosecond;
  // The v1 `db` parameter ("" for none).
  std::string_view db;
  // Timestamp of points without one (the server's time at the request).
  model::Timestamp now_ms = 0;
};

struct InfluxWriteResult {
  // Samples (one per numeric field). Bad lines count as one rejected sample each, under
  // kReasonInvalidLine.
  WriteOutcome outcome;
  int64_t lines_accepted = 0;  // points parsed (their samples may still be rejected)
  int64_t lines_rejected = 0;  // lines that did not parse
  // The first line that did not parse: "line 3, column 17: invalid value ...".
  std::string first_line_error;

  // kSuccess (-> 204), kRejected (bad lines or samples; the rest was written -> 400) or
  // kCommitFailed (nothing written -> 503).
  RequestOutcome Classify() const { return outcome.Classify(); }
  // For kRejected: the first bad line (or rejected series), with counts:
  //   partial write: line 2, column 9: missing fields (1 of 3 lines rejected; 4 samples written)
  // For kCommitFailed: the storage's message. "" for kSuccess.
  std::string Message() const;
};

struct InfluxIngesterOptions {
  LabelLimits limits;
  SeriesHintCacheOptions hint_cache;
};

// Thread-safe: Write may run concurrently on several threads (each call uses its own Appender
// and pooled parser; the hint cache is sharded). Registers its line counter on `registry`, so
// create one per registry.
class InfluxIngester {
 public:
  // `appendable` and `metrics` must outlive the ingester.
  InfluxIngester(storage::Appendable& appendable, IngestMetrics& metrics,
                 metrics::Registry& registry, const InfluxIngesterOptions& options = {});
  ~InfluxIngester();
  InfluxIngester(const InfluxIngester&) = delete;
  InfluxIngester& operator=(const InfluxIngester&) = delete;

  // Writes the points of `body` (already decompressed). Cost per numeric field on the steady
  // state: one xxh3 of the series text, one cache probe and one Append; no allocation.
  InfluxWriteResult Write(std::string_view body, const InfluxWriteRequest& request);

  const SeriesHintCache& hint_cache() const { return hint_cache_; }

 private:
  struct Scratch;
  class PointWriter;

  storage::Appendable& appendable_;
  IngestMetrics& metrics_;
  metrics::Family<metrics::Counter>& lines_;
  metrics::Counter& lines_accepted_;
  metrics::Counter& lines_rejected_;
  const LabelLimits limits_;
  // Passed with a cached ref: the storage uses the ref's series.
  const model::Labels no_labels_;
  SeriesHintCache hint_cache_;

  // Decoders and buffers of finished requests, reused to avoid allocating per request.
  internal::ScratchPool<Scratch> scratch_pool_;
};

}  // namespace osprey::ingest
