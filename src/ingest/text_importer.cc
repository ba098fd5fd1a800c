#include "ingest/text_importer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "ingest/text_parser.h"

namespace osprey::ingest {
namespace {

class ImportVisitor final : public TextVisitor {
 public:
  ImportVisitor(storage::Appender& appender, model::Timestamp default_timestamp_ms,
                const LabelLimits& limits, WriteOutcome& outcome)
      : app_(appender), default_ts_(default_timestamp_ms), limits_(limits), outcome_(outcome) {}

  Status OnSample(const TextSample& sample) override {
    const model::Sample s{.t = sample.has_timestamp ? sample.timestamp_ms : default_ts_,
                          .v = sample.value};
    // Consecutive lines of one series (a backfill) reuse its labels and ref.
    if (!have_last_ || sample.series_text != last_series_text_) {
      NewSeries(sample);
    }
    if (!last_check_.ok()) {
      outcome_.Reject(last_reason_, 1, sorted_, last_check_.message());
      return OkStatus();
    }
    Result<storage::SeriesRef> r = app_.Append(last_ref_, last_labels_, s);
    if (!r.ok()) {
      outcome_.Reject(StatusCodeName(r.status().code()), 1, sorted_, r.status().message());
      return OkStatus();
    }
    last_ref_ = *r;
    ++outcome_.samples_accepted;
    return OkStatus();
  }

 private:
  void NewSeries(const TextSample& sample) {
    have_last_ = true;
    last_series_text_.assign(sample.series_text);
    last_ref_ = storage::kNoRef;
    // Own the bytes: the sample's views die with this call and the series may span lines.
    owned_.clear();
    owned_.reserve(sample.labels.size() + 1);
    owned_.push_back({std::string(model::kMetricName), std::string(sample.metric_name)});
    for (const LabelView& l : sample.labels) {
      owned_.push_back({std::string(l.name), std::string(l.value)});
    }
    std::stable_sort(owned_.begin(), owned_.end(),
                     [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
    sorted_.clear();
    for (const model::Label& l : owned_) sorted_.push_back({l.name, l.value});
    last_check_ = CheckSortedLabels(sorted_, limits_, &last_reason_);
    last_labels_ = last_check_.ok() ? BuildLabels(sorted_) : model::Labels();
  }

  storage::Appender& app_;
  const model::Timestamp default_ts_;
  const LabelLimits& limits_;
  WriteOutcome& outcome_;

  bool have_last_ = false;
  std::string last_series_text_;
  std::vector<model::Label> owned_;
  // Views into owned_, sorted by name.
  std::vector<LabelView> sorted_;
  Status last_check_;
  std::string_view last_reason_;
  model::Labels last_labels_;
  storage::SeriesRef last_ref_ = storage::kNoRef;
};

}  // namespace

Result<WriteOutcome> ImportText(std::string_view body, model::Timestamp default_timestamp_ms,
                                storage::Appendable& appendable, const TextImportOptions& options,
                                IngestMetrics* metrics) {
  std::unique_ptr<storage::Appender> app = appendable.NewAppender();
  WriteOutcome outcome;
  ImportVisitor visitor(*app, default_timestamp_ms, options.limits, outcome);
  TextParser parser;
  if (Status parsed = parser.Parse(body, visitor); !parsed.ok()) {
    app->Rollback();
    if (metrics != nullptr) metrics->RecordMalformed(kProtocolPrometheusText);
    return parsed;
  }
  if (Status committed = app->Commit(); !committed.ok()) {
    outcome.CommitFailed(std::move(committed));
  }
  if (metrics != nullptr) metrics->Record(kProtocolPrometheusText, outcome);
  return outcome;
}

}  // namespace osprey::ingest
