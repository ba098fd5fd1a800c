// What one scrape of one target writes: the samples of the body (after target labels and
// metric_relabel_configs), staleness markers for series that went away, and the report
// series (up, scrape_duration_seconds, ...). Prometheus's scrapeLoop.append and report.
//
// A scrape is all or nothing: every sample goes through one Appender, and a syntax error,
// a limit or a failed commit rolls the whole batch back. A failed scrape then marks every
// series of the previous good scrape stale, as Prometheus does.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "ingest/exposition.h"
#include "ingest/relabel.h"
#include "model/labels.h"
#include "model/sample.h"
#include "storage/exemplars.h"
#include "storage/metrics.h"

namespace osprey::scrape {

// Per scrape pool, fixed until the pool's config changes. Shared by its targets' writers.
struct WriterSettings {
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  uint64_t sample_limit = 0;  // 0: no limit, as for the others
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  ingest::Relabeler metric_relabeler;
};

// Metadata of one metric family as the target exposed it.
struct MetricMetadata {
  std::string type = "unknown";  // counter, gauge, histogram, summary, info, stateset, ...
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&, const MetricMetadata&) = default;
};

struct ScrapeCounts {
  int64_t samples_scraped = 0;
  int64_t samples_post_relabeling = 0;
  int64_t series_added = 0;
  // Samples the storage rejected (out of order, duplicates, ...): not a scrape failure.
  int64_t samples_rejected = 0;
  int64_t exemplars_added = 0;
  // Exemplars the parser dropped (over the 128-character label limit) or the store refused
  // (out of order).
  int64_t exemplars_rejected = 0;
};

// Single-threaded: one scrape of a target at a time.
class TargetWriter {
 public:
  // `exemplars` may be null: exemplars are then not kept.
  TargetWriter(model::Labels target_labels, std::shared_ptr<const WriterSettings> settings,
               storage::Appendable& storage, storage::ExemplarStore* exemplars = nullptr);

  // Appends a scraped body with timestamp `t` (the scrape's start). On error nothing of
  // the body is kept, the previous scrape's series are marked stale and the status says
  // why in one line ("line 3, column 5: ...", "sample_limit exceeded (limit 10)").
  Result<ScrapeCounts> AppendBody(ingest::ExpositionParser& parser, ingest::ExpositionFormat format,
                                  std::string_view body, model::Timestamp t);
  // A scrape that got no body (connection refused, timeout, HTTP error): marks the previous
  // scrape's series stale.
  void AppendFailure(model::Timestamp t);
  // Writes up, scrape_duration_seconds, scrape_samples_scraped,
  // scrape_samples_post_metric_relabeling and scrape_series_added at `t`.
  Status WriteReport(bool up, double duration_seconds, const ScrapeCounts& counts,
                     model::Timestamp t);
  // The target went away: every series of the last scrape and the report series get a
  // staleness marker at `t`.
  void StaleAll(model::Timestamp t);

  // Metric family metadata from the last good scrape, by family name.
  const std::map<std::string, MetricMetadata>& metadata() const { return metadata_; }
  const model::Labels& target_labels() const { return target_labels_; }

 private:
  struct Entry {
    storage::SeriesRef ref = storage::kNoRef;
    model::Labels labels;
    bool dropped = false;      // by metric_relabel_configs
    bool explicit_ts = false;  // the last sample carried its own timestamp
    uint64_t last_seen = 0;    // scrape iteration
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  class Visitor;

  // The series labels of a sample, or nullopt when metric relabeling drops it.
  std::optional<model::Labels> SampleLabels(const ingest::TextSample& s) const;
  Status CheckLimits(const model::Labels& l) const;
  struct ReportSeries {
    storage::SeriesRef ref = storage::kNoRef;
    model::Labels labels;
  };
  // kNotFound when `ref` is kNoRef or unknown to the storage.
  static Status AppendByRef(storage::Appender& app, storage::SeriesRef ref, const model::Sample& s);
  static Status AppendWithLabels(storage::Appender& app, const model::Labels& labels,
                                 const model::Sample& s, storage::SeriesRef* ref);
  static Status AppendReport(storage::Appender& app, ReportSeries& r, const model::Sample& s);
  // Appends staleness markers for the series seen in the previous scrape and not in this
  // one (iteration `iter_`).
  void AppendStaleMarkers(storage::Appender& app, model::Timestamp t, bool all);
  void ForgetOldEntries();

  const model::Labels target_labels_;
  const std::shared_ptr<const WriterSettings> settings_;
  storage::Appendable& storage_;
  storage::ExemplarStore* const exemplars_;

  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> cache_;
  std::vector<Entry*> previous_;  // series written by the last good scrape
  std::vector<Entry*> current_;
  uint64_t iter_ = 0;
  std::map<std::string, MetricMetadata> metadata_;
  ReportSeries report_[5];
};

}  // namespace osprey::scrape
