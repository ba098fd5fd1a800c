#include "scrape/target_writer.h"

#include <algorithm>

namespace osprey::scrape {
namespace {

constexpr std::string_view kReportNames[5] = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

std::string_view TypeName(ingest::MetricType t) {
  switch (t) {
    case ingest::MetricType::kUntyped:
      return "unknown";
    case ingest::MetricType::kCounter:
      return "counter";
    case ingest::MetricType::kGauge:
      return "gauge";
    case ingest::MetricType::kHistogram:
      return "histogram";
    case ingest::MetricType::kSummary:
      return "summary";
    case ingest::MetricType::kInfo:
      return "info";
    case ingest::MetricType::kStateset:
      return "stateset";
    case ingest::MetricType::kGaugeHistogram:
      return "gaugehistogram";
  }
  return "unknown";
}

}  // namespace

// Receives one body from the parser and appends as it goes.
class TargetWriter::Visitor final : public ingest::TextVisitor {
 public:
  Visitor(TargetWriter& w, storage::Appender& app, model::Timestamp t) : w_(w), app_(app), t_(t) {}

  Status OnSample(const ingest::TextSample& s) override {
    ++counts.samples_scraped;
    auto it = w_.cache_.find(s.series_text);
    // The series labels, built only on a cache miss, an unknown ref or for an exemplar: the
    // cache keeps refs, not labels (the storage has those).
    std::optional<model::Labels> labels;
    if (it == w_.cache_.end()) {
      Entry e;
      labels = w_.SampleLabels(s);
      if (!labels.has_value()) {
        e.dropped = true;
      } else {
        OSPREY_RETURN_IF_ERROR(w_.CheckLimits(*labels));
      }
      it = w_.cache_.emplace(std::string(s.series_text), e).first;
      if (!it->second.dropped) ++counts.series_added;
    }
    Entry& e = it->second;
    if (e.dropped) return OkStatus();
    ++counts.samples_post_relabeling;
    if (w_.settings_->sample_limit > 0 &&
        static_cast<uint64_t>(counts.samples_post_relabeling) > w_.settings_->sample_limit) {
      return ResourceExhaustedError("sample_limit exceeded (limit " +
                                    std::to_string(w_.settings_->sample_limit) + ")");
    }
    const bool explicit_ts = s.has_timestamp && w_.settings_->honor_timestamps;
    model::Sample sample{explicit_ts ? s.timestamp_ms : t_, s.value};
    if (e.last_seen == w_.iter_) {
      // The same series twice in one body: Prometheus counts it as a duplicate.
      ++counts.samples_rejected;
      return OkStatus();
    }
    e.last_seen = w_.iter_;
    e.explicit_ts = explicit_ts;
    w_.current_.push_back(&e);
    Status appended = AppendByRef(app_, e.ref, sample);
    if (appended.code() == StatusCode::kNotFound) {
      if (!labels.has_value()) labels = w_.SampleLabels(s);
      appended = labels.has_value() ? AppendWithLabels(app_, *labels, sample, &e.ref)
                                    : InvalidArgumentError("dropped by relabeling");
    }
    if (!appended.ok()) ++counts.samples_rejected;
    if (s.exemplar != nullptr && w_.exemplars_ != nullptr) {
      if (!labels.has_value()) labels = w_.SampleLabels(s);
      model::LabelsBuilder b;
      for (const ingest::LabelView& l : s.exemplar->labels) b.Set(l.name, l.value);
      if (labels.has_value()) {
        exemplars.emplace_back(
            std::move(*labels),
            storage::Exemplar{b.Build(), s.exemplar->value,
                              s.exemplar->has_timestamp ? s.exemplar->timestamp_ms : sample.t});
      }
    }
    return OkStatus();
  }

  Status OnDroppedExemplar(const Status&) override {
    ++counts.exemplars_rejected;
    return OkStatus();
  }

  Status OnHelp(std::string_view name, std::string_view help) override {
    metadata[std::string(name)].help = help;
    return OkStatus();
  }
  Status OnType(std::string_view name, ingest::MetricType type) override {
    metadata[std::string(name)].type = TypeName(type);
    return OkStatus();
  }
  Status OnUnit(std::string_view name, std::string_view unit) override {
    metadata[std::string(name)].unit = unit;
    return OkStatus();
  }

  ScrapeCounts counts;
  std::map<std::string, MetricMetadata> metadata;
  // Kept once the batch is committed.
  std::vector<std::pair<model::Labels, storage::Exemplar>> exemplars;

 private:
  TargetWriter& w_;
  storage::Appender& app_;
  const model::Timestamp t_;
};

TargetWriter::TargetWriter(model::Labels target_labels,
                           std::shared_ptr<const WriterSettings> settings,
                           storage::Appendable& storage, storage::ExemplarStore* exemplars)
    : target_labels_(std::move(target_labels)),
      settings_(std::move(settings)),
      storage_(storage),
      exemplars_(exemplars) {
  for (int i = 0; i < 5; ++i) {
    report_[i].labels =
        model::LabelsBuilder(target_labels_).Set("__name__", kReportNames[i]).Build();
  }
}

std::optional<model::Labels> TargetWriter::SampleLabels(const ingest::TextSample& s) const {
  model::LabelsBuilder b;
  b.Set("__name__", s.metric_name);
  for (const ingest::LabelView& l : s.labels) b.Set(l.name, l.value);
  const model::Labels scraped = b.Build();
  if (settings_->honor_labels) {
    for (const model::Label& l : target_labels_) {
      if (!scraped.Has(l.name)) b.Set(l.name, l.value);
    }
  } else {
    // Target labels win; a scraped label they replace is kept as exported_<name>.
    std::vector<model::Label> conflicting;
    for (const model::Label& l : target_labels_) {
      std::string_view existing = scraped.Get(l.name);
      if (!existing.empty()) conflicting.push_back({l.name, std::string(existing)});
      b.Set(l.name, l.value);
    }
    if (!conflicting.empty()) {
      model::Labels with_target = b.Build();
      for (model::Label& c : conflicting) {
        std::string name = "exported_" + c.name;
        while (with_target.Has(name)) name.insert(0, "exported_");
        b.Set(name, c.value);
        with_target = b.Build();
      }
    }
  }
  model::Labels out = b.Build();
  if (settings_->metric_relabeler.empty()) return out;
  return settings_->metric_relabeler.Process(out);
}

Status TargetWriter::CheckLimits(const model::Labels& l) const {
  const WriterSettings& s = *settings_;
  if (s.label_limit > 0 && l.size() > s.label_limit) {
    return ResourceExhaustedError("label_limit exceeded (metric: " + std::string(l.MetricName()) +
                                  ", number of labels: " + std::to_string(l.size()) +
                                  ", limit: " + std::to_string(s.label_limit) + ")");
  }
  for (const model::Label& label : l) {
    if (s.label_name_length_limit > 0 && label.name.size() > s.label_name_length_limit) {
      return ResourceExhaustedError("label_name_length_limit exceeded (metric: " +
                                    std::string(l.MetricName()) + ", label name: " + label.name +
                                    ", limit: " + std::to_string(s.label_name_length_limit) + ")");
    }
    if (s.label_value_length_limit > 0 && label.value.size() > s.label_value_length_limit) {
      return ResourceExhaustedError(
          "label_value_length_limit exceeded (metric: " + std::string(l.MetricName()) +
          ", label name: " + label.name + ", value: \"" + label.value +
          "\", limit: " + std::to_string(s.label_value_length_limit) + ")");
    }
  }
  return OkStatus();
}

Status TargetWriter::AppendByRef(storage::Appender& app, storage::SeriesRef ref,
                                 const model::Sample& s) {
  if (ref == storage::kNoRef) return NotFoundError("no ref");
  Result<storage::SeriesRef> r = app.Append(ref, model::Labels(), s);
  return r.status();
}

Status TargetWriter::AppendWithLabels(storage::Appender& app, const model::Labels& labels,
                                      const model::Sample& s, storage::SeriesRef* ref) {
  Result<storage::SeriesRef> r = app.Append(storage::kNoRef, labels, s);
  if (!r.ok()) return r.status();
  *ref = *r;
  return OkStatus();
}

Status TargetWriter::AppendReport(storage::Appender& app, ReportSeries& r, const model::Sample& s) {
  Status st = AppendByRef(app, r.ref, s);
  if (st.code() != StatusCode::kNotFound) return st;
  return AppendWithLabels(app, r.labels, s, &r.ref);
}

void TargetWriter::AppendStaleMarkers(storage::Appender& app, model::Timestamp t, bool all) {
  const model::Sample stale{t, model::StaleNaN()};
  for (Entry* e : previous_) {
    if (!all && e->last_seen == iter_) continue;
    if (e->explicit_ts && !settings_->track_timestamps_staleness) continue;
    // A series the storage forgot needs no marker; out of order when it moved on.
    AppendByRef(app, e->ref, stale).IgnoreError();
  }
}

void TargetWriter::ForgetOldEntries() {
  // Entries unseen for a while are dropped so a churning target does not grow the cache
  // forever. `previous_` only points at entries seen in the last good scrape.
  if (cache_.size() < 2 * previous_.size() + 64) return;
  std::erase_if(cache_, [this](const auto& kv) { return kv.second.last_seen + 2 < iter_; });
}

Result<ScrapeCounts> TargetWriter::AppendBody(ingest::ExpositionParser& parser,
                                              ingest::ExpositionFormat format,
                                              std::string_view body, model::Timestamp t) {
  ++iter_;
  current_.clear();
  std::unique_ptr<storage::Appender> app = storage_.NewAppender();
  Visitor v(*this, *app, t);
  Status s = parser.Parse(format, body, v);
  if (s.ok()) {
    AppendStaleMarkers(*app, t, /*all=*/false);
    s = app->Commit();
  } else {
    app->Rollback();
  }
  if (!s.ok()) {
    // Nothing of this body is kept: entries it created have no ref yet, or one from a
    // rolled-back batch, which the storage answers with kNotFound.
    for (Entry* e : current_) e->last_seen = 0;
    current_.clear();
    AppendFailure(t);
    return s;
  }
  previous_.swap(current_);
  current_.clear();
  for (const auto& [series, exemplar] : v.exemplars) {
    Status added = exemplars_->Add(series, exemplar);
    if (added.ok()) {
      ++v.counts.exemplars_added;
    } else if (added.code() != StatusCode::kAlreadyExists) {
      ++v.counts.exemplars_rejected;
    }
  }
  metadata_ = std::move(v.metadata);
  ForgetOldEntries();
  return v.counts;
}

void TargetWriter::AppendFailure(model::Timestamp t) {
  if (previous_.empty()) return;
  ++iter_;
  std::unique_ptr<storage::Appender> app = storage_.NewAppender();
  AppendStaleMarkers(*app, t, /*all=*/true);
  if (app->Commit().ok()) previous_.clear();
}

Status TargetWriter::WriteReport(bool up, double duration_seconds, const ScrapeCounts& counts,
                                 model::Timestamp t) {
  const double values[5] = {up ? 1.0 : 0.0, duration_seconds,
                            static_cast<double>(counts.samples_scraped),
                            static_cast<double>(counts.samples_post_relabeling),
                            static_cast<double>(counts.series_added)};
  std::unique_ptr<storage::Appender> app = storage_.NewAppender();
  for (int i = 0; i < 5; ++i) {
    AppendReport(*app, report_[i], {t, values[i]}).IgnoreError();
  }
  return app->Commit();
}

void TargetWriter::StaleAll(model::Timestamp t) {
  ++iter_;
  std::unique_ptr<storage::Appender> app = storage_.NewAppender();
  AppendStaleMarkers(*app, t, /*all=*/true);
  for (ReportSeries& r : report_) AppendReport(*app, r, {t, model::StaleNaN()}).IgnoreError();
  app->Commit().IgnoreError();
  previous_.clear();
}

}  // namespace osprey::scrape
