// Invariant: a hint-cache entry is inserted only after the series' labels passed
// CheckSortedLabels with this ingester's (fixed) limits. Its key is the db parameter, the
// measurement-and-tags text and the raw field key, exactly as written: the labels are a pure
// function of those bytes (escapes, sanitising, the db rule), so equal keys mean equal
// labels and a hit may skip building and checking them.
#include "ingest/influx_ingester.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace osprey::ingest {
namespace {

// Scratch objects kept for reuse; more concurrent requests than this allocate their own.

bool IsNameChar(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (allow_colon && c == ':');
}

// Appends `s` with every character outside the name alphabet replaced by one '_' (a whole
// UTF-8 sequence counts as one character; an invalid byte as one).
void AppendSanitized(std::string& out, std::string_view s, bool allow_colon) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (IsNameChar(c, allow_colon)) {
      out += c;
      ++i;
      continue;
    }
    out += '_';
    const size_t n = static_cast<unsigned char>(c) >= 0x80 ? Utf8SequenceLength(s, i) : 1;
    i += n == 0 ? 1 : n;
  }
}

void PrefixLeadingDigit(std::string& name) {
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') name.insert(name.begin(), '_');
}

}  // namespace

std::string InfluxMetricName(std::string_view measurement, std::string_view field) {
  std::string name;
  name.reserve(measurement.size() + field.size() + 2);
  AppendSanitized(name, measurement, /*allow_colon=*/true);
  name += '_';
  AppendSanitized(name, field, /*allow_colon=*/true);
  PrefixLeadingDigit(name);
  return name;
}

std::string InfluxLabelName(std::string_view key) {
  std::string name;
  name.reserve(key.size() + 1);
  AppendSanitized(name, key, /*allow_colon=*/false);
  PrefixLeadingDigit(name);
  return name;
}

std::string InfluxWriteResult::Message() const {
  std::string msg;
  switch (Classify()) {
    case RequestOutcome::kSuccess:
    case RequestOutcome::kMalformed:
      return msg;
    case RequestOutcome::kCommitFailed:
      msg = "storage unavailable: ";
      msg += outcome.commit_status.message();
      return msg;
    case RequestOutcome::kRejected:
      break;
  }
  msg = "partial write: ";
  if (lines_rejected > 0) {
    msg += first_line_error;
    msg += " (";
    msg += std::to_string(lines_rejected);
    msg += " of ";
    msg += std::to_string(lines_rejected + lines_accepted);
    msg += " lines rejected";
    const int64_t samples_rejected = outcome.samples_rejected - lines_rejected;
    if (samples_rejected > 0) {
      msg += ", ";
      msg += std::to_string(samples_rejected);
      msg += " samples rejected";
    }
  } else {
    msg += outcome.first_error;
    msg += " (";
    msg += std::to_string(outcome.samples_rejected);
    msg += " samples rejected";
  }
  msg += "; ";
  msg += std::to_string(outcome.samples_accepted);
  msg += " samples written)";
  return msg;
}

struct InfluxIngester::Scratch {
  InfluxParser parser;
  std::string key;
};

// Writes the points of one request through one Appender.
class InfluxIngester::PointWriter final : public InfluxVisitor {
 public:
  PointWriter(InfluxIngester& ingester, storage::Appender& appender, Scratch& scratch,
              const InfluxWriteRequest& request, InfluxWriteResult& result)
      : ingester_(ingester),
        app_(appender),
        key_(scratch.key),
        request_(request),
        result_(result) {}

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

  void OnError(const InfluxLineError& error) override {
    ++result_.lines_rejected;
    ++result_.outcome.samples_rejected;
    auto it = result_.outcome.rejected_by_reason.find(kReasonInvalidLine);
    if (it == result_.outcome.rejected_by_reason.end()) {
      it = result_.outcome.rejected_by_reason.emplace(std::string(kReasonInvalidLine), 0).first;
    }
    ++it->second;
    if (result_.first_line_error.empty()) result_.first_line_error = error.ToString();
  }

  void OnPoint(const InfluxPoint& point) override {
    ++result_.lines_accepted;
    tags_ready_ = false;
    const model::Sample sample_base{.t = point.timestamp_ms.value_or(request_.now_ms), .v = 0};
    for (const InfluxField& field : point.fields) {
      if (field.type == InfluxFieldType::kString) continue;
      WriteField(point, field, {.t = sample_base.t, .v = field.value});
    }
  }

 private:
  void WriteField(const InfluxPoint& point, const InfluxField& field, model::Sample sample) {
    key_.clear();
    key_ += request_.db;
    key_ += '\0';
    key_ += point.series_text;
    key_ += '\0';
    key_ += field.raw_key;
    SeriesHintCache& cache = ingester_.hint_cache_;
    const uint64_t hash = SeriesHintCache::Hash(key_);
    storage::SeriesRef ref = cache.Lookup(hash, key_);
    if (ref != storage::kNoRef) {
      ++hits_;
      Result<storage::SeriesRef> r = app_.Append(ref, ingester_.no_labels_, sample);
      if (r.ok()) [[likely]] {
        ++result_.outcome.samples_accepted;
        if (*r != ref && *r != storage::kNoRef) cache.Insert(hash, key_, *r);
        return;
      }
      if (r.status().code() != StatusCode::kNotFound) {
        BuildLabelViews(point, field);
        RejectByStorage(r.status());
        return;
      }
      // The storage no longer knows the ref: append again with the full labels.
      cache.Erase(hash, key_);
    } else {
      ++misses_;
    }
    BuildLabelViews(point, field);
    std::string_view reason;
    if (Status s = CheckSortedLabels(views_, ingester_.limits_, &reason); !s.ok()) {
      result_.outcome.Reject(reason, 1, views_, s.message());
      return;
    }
    Result<storage::SeriesRef> r = app_.Append(storage::kNoRef, BuildLabels(views_), sample);
    if (!r.ok()) {
      RejectByStorage(r.status());
      return;
    }
    ++result_.outcome.samples_accepted;
    if (*r != storage::kNoRef) cache.Insert(hash, key_, *r);
  }

  // Fills views_ with the sorted labels of `field`'s series. Allocates: only on cache misses
  // and errors.
  void BuildLabelViews(const InfluxPoint& point, const InfluxField& field) {
    if (!tags_ready_) {
      // Sanitised tag names, built once per point. Filled completely before any view
      // points into them (moving short strings would move their bytes).
      tag_names_.clear();
      has_db_tag_ = false;
      for (const InfluxTag& t : point.tags) {
        tag_names_.push_back(InfluxLabelName(t.key));
        if (t.key == "db") has_db_tag_ = true;
      }
      tags_ready_ = true;
    }
    metric_name_ = InfluxMetricName(point.measurement, field.key);
    views_.clear();
    views_.push_back({model::kMetricName, metric_name_});
    for (size_t i = 0; i < point.tags.size(); ++i) {
      views_.push_back({tag_names_[i], point.tags[i].value});
    }
    if (!request_.db.empty() && !has_db_tag_) views_.push_back({"db", request_.db});
    std::sort(views_.begin(), views_.end(),
              [](const LabelView& a, const LabelView& b) { return a.name < b.name; });
  }

  // Requires: views_ hold the series' labels.
  void RejectByStorage(const Status& status) {
    result_.outcome.Reject(StatusCodeName(status.code()), 1, views_, status.message());
  }

  InfluxIngester& ingester_;
  storage::Appender& app_;
  std::string& key_;
  const InfluxWriteRequest& request_;
  InfluxWriteResult& result_;

  bool tags_ready_ = false;
  bool has_db_tag_ = false;
  std::vector<std::string> tag_names_;
  std::string metric_name_;
  std::vector<LabelView> views_;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

InfluxIngester::InfluxIngester(storage::Appendable& appendable, IngestMetrics& metrics,
                               metrics::Registry& registry, const InfluxIngesterOptions& options)
    : appendable_(appendable),
      metrics_(metrics),
      lines_(registry.NewCounterFamily("osprey_ingest_influx_lines_total",
                                       "InfluxDB line protocol lines received, by outcome "
                                       "(accepted: parsed; rejected: syntax error).",
                                       {"outcome"})),
      lines_accepted_(lines_.WithLabels({"accepted"})),
      lines_rejected_(lines_.WithLabels({"rejected"})),
      limits_(options.limits),
      hint_cache_(options.hint_cache) {}

InfluxIngester::~InfluxIngester() = default;

InfluxWriteResult InfluxIngester::Write(std::string_view body, const InfluxWriteRequest& request) {
  std::unique_ptr<Scratch> scratch = scratch_pool_.Acquire();
  std::unique_ptr<storage::Appender> app = appendable_.NewAppender();
  InfluxWriteResult result;
  PointWriter writer(*this, *app, *scratch, request, result);
  scratch->parser.Parse(body, request.precision, writer);
  metrics_.RecordHintCache(kProtocolInflux, writer.hits(), writer.misses());
  if (Status committed = app->Commit(); !committed.ok()) {
    result.outcome.CommitFailed(std::move(committed));
  }
  scratch_pool_.Release(std::move(scratch));
  if (result.lines_accepted > 0) lines_accepted_.Inc(static_cast<double>(result.lines_accepted));
  if (result.lines_rejected > 0) lines_rejected_.Inc(static_cast<double>(result.lines_rejected));
  metrics_.Record(kProtocolInflux, result.outcome);
  return result;
}

}  // namespace osprey::ingest
