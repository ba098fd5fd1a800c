// Follows Prometheus's storage/remote/otlptranslator/prometheusremotewrite (helper.go,
// number_data_points.go, metrics_to_prw.go) with its default settings. Invariant: every sample
// of a point is either appended (samples_accepted) or counted as rejected with a reason, so
// accepted + rejected is the number of samples the request would have produced.
#include "ingest/otlp_translator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "ingest/otlp_ingester.h"
#include "ingest/otlp_names.h"
#include "model/sample.h"

namespace osprey::ingest {
namespace {

using model::Label;
using model::Labels;

constexpr std::string_view kServiceName = "service.name";
constexpr std::string_view kServiceNamespace = "service.namespace";
constexpr std::string_view kServiceInstanceId = "service.instance.id";
// target_info samples every half of the default lookback delta, so a query finds one at any
// time between a resource's first and last point.
constexpr int64_t kTargetInfoIntervalMs = 150'000;
// Bounds the target_info samples of one resource (an hour's worth).
constexpr int64_t kMaxTargetInfoSamples = 24;
// Exponential histogram buckets per side kept as classic buckets (the OpenTelemetry SDKs'
// default max_size); more are merged by lowering the scale.
constexpr int64_t kMaxExponentialBuckets = 160;

model::Timestamp ToMillis(uint64_t unix_nano) {
  return static_cast<int64_t>(unix_nano) / 1'000'000;
}

std::vector<LabelView> Views(const Labels& labels) {
  std::vector<LabelView> v;
  v.reserve(labels.size());
  for (const Label& l : labels) v.push_back({l.name, l.value});
  return v;
}

class Translator {
 public:
  Translator(const OtlpMetricsRequest& request, storage::Appender& app, OtlpDeltaAccumulator* delta,
             WriteOutcome& outcome)
      : req_(request), app_(app), delta_(delta), outcome_(outcome) {}

  void Run() {
    for (const OtlpResourceMetrics& r : req_.resources) Resource(r);
  }

 private:
  // Where the samples of one data point go.
  struct Target {
    const std::vector<Label>* base = nullptr;  // attributes, job, instance (sorted)
    std::string_view family;                   // the normalised metric name
    model::Timestamp t = 0;
    bool stale = false;
    bool delta = false;
  };

  void Resource(const OtlpResourceMetrics& r) {
    const auto attrs = OtlpMetricsRequest::Slice(req_.attributes, r.attributes);
    job_.clear();
    instance_.clear();
    const std::string_view* name = nullptr;
    const std::string_view* ns = nullptr;
    for (const OtlpAttribute& a : attrs) {
      if (a.key == kServiceName) name = &a.value;
      if (a.key == kServiceNamespace) ns = &a.value;
      if (a.key == kServiceInstanceId) instance_ = a.value;
    }
    if (name != nullptr) {
      if (ns != nullptr) {
        job_ = *ns;
        job_ += '/';
      }
      job_ += *name;
    }

    model::Timestamp earliest = model::kMaxTimestamp;
    model::Timestamp latest = model::kMinTimestamp;
    uint64_t earliest_ns = 0;
    uint64_t latest_ns = 0;
    bool any_point = false;
    for (const OtlpMetric& m : OtlpMetricsRequest::Slice(req_.metrics, r.metrics)) {
      ForEachTime(m, [&](uint64_t ns_time) {
        // Go compares the unsigned nanoseconds; so do we, then convert.
        const model::Timestamp t = ToMillis(ns_time);
        if (!any_point || ns_time < earliest_ns) {
          earliest_ns = ns_time;
          earliest = t;
        }
        if (!any_point || ns_time > latest_ns) {
          latest_ns = ns_time;
          latest = t;
        }
        any_point = true;
      });
      Metric(m);
    }
    if (any_point) TargetInfo(attrs, earliest, latest);
  }

  template <typename Fn>
  void ForEachTime(const OtlpMetric& m, Fn fn) const {
    switch (m.kind) {
      case OtlpMetricKind::kGauge:
      case OtlpMetricKind::kSum:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.number_points, m.points))
          fn(p.time_unix_nano);
        break;
      case OtlpMetricKind::kHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.histogram_points, m.points))
          fn(p.time_unix_nano);
        break;
      case OtlpMetricKind::kExponentialHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.exponential_points, m.points))
          fn(p.time_unix_nano);
        break;
      case OtlpMetricKind::kSummary:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.summary_points, m.points))
          fn(p.time_unix_nano);
        break;
      case OtlpMetricKind::kNone:
        break;
    }
  }

  // Samples each point of `m` produces, for counting a rejected metric.
  int64_t SampleCount(const OtlpMetric& m) const {
    int64_t n = 0;
    switch (m.kind) {
      case OtlpMetricKind::kGauge:
      case OtlpMetricKind::kSum:
        return m.points.size;
      case OtlpMetricKind::kHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.histogram_points, m.points)) {
          n += 2 + (p.has_sum ? 1 : 0) + std::min(p.bucket_counts.size, p.explicit_bounds.size);
        }
        return n;
      case OtlpMetricKind::kExponentialHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.exponential_points, m.points)) {
          n += 3 + (p.has_sum ? 1 : 0) + p.positive.bucket_counts.size +
               p.negative.bucket_counts.size;
        }
        return n;
      case OtlpMetricKind::kSummary:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.summary_points, m.points)) {
          n += 2 + p.quantiles.size;
        }
        return n;
      case OtlpMetricKind::kNone:
        break;
    }
    return 0;
  }

  void RejectMetric(const OtlpMetric& m, std::string_view reason, std::string message) {
    const LabelView name[] = {{model::kMetricName, m.name}};
    outcome_.Reject(reason, SampleCount(m), name, message);
  }

  void Metric(const OtlpMetric& m) {
    if (m.kind == OtlpMetricKind::kNone || m.points.size == 0) return;  // as Prometheus: dropped
    OtlpNameType type = OtlpNameType::kGauge;
    bool has_temporality = true;
    switch (m.kind) {
      case OtlpMetricKind::kGauge:
        has_temporality = false;
        break;
      case OtlpMetricKind::kSum:
        type = m.monotonic ? OtlpNameType::kMonotonicCounter : OtlpNameType::kNonMonotonicCounter;
        break;
      case OtlpMetricKind::kHistogram:
        type = OtlpNameType::kHistogram;
        break;
      case OtlpMetricKind::kExponentialHistogram:
        type = OtlpNameType::kExponentialHistogram;
        break;
      case OtlpMetricKind::kSummary:
        type = OtlpNameType::kSummary;
        has_temporality = false;
        break;
      case OtlpMetricKind::kNone:
        return;
    }
    const bool delta = has_temporality && m.temporality == OtlpTemporality::kDelta;
    if (has_temporality &&
        (m.temporality == OtlpTemporality::kUnspecified || (delta && delta_ == nullptr))) {
      std::string msg = "invalid temporality and type combination for metric ";
      AppendGoQuoted(msg, m.name, GoQuoteEscapes::kReadable);
      RejectMetric(m, kReasonInvalidTemporality, std::move(msg));
      return;
    }
    Result<std::string> family = OtlpMetricName(m.name, m.unit, type);
    if (!family.ok()) {
      RejectMetric(m, kReasonInvalidMetricName, family.status().message());
      return;
    }
    Target target;
    target.family = *family;
    target.delta = delta;
    target.base = &base_;
    switch (m.kind) {
      case OtlpMetricKind::kGauge:
      case OtlpMetricKind::kSum:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.number_points, m.points)) {
          if (!Begin(p.attributes, p.time_unix_nano, p.flags, 1, target)) continue;
          Emit(target, "", {}, {}, p.value);
        }
        break;
      case OtlpMetricKind::kHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.histogram_points, m.points)) {
          const int64_t n =
              2 + (p.has_sum ? 1 : 0) + std::min(p.bucket_counts.size, p.explicit_bounds.size);
          if (Begin(p.attributes, p.time_unix_nano, p.flags, n, target)) Histogram(target, p);
        }
        break;
      case OtlpMetricKind::kExponentialHistogram:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.exponential_points, m.points)) {
          const int64_t n = 3 + (p.has_sum ? 1 : 0) + p.positive.bucket_counts.size +
                            p.negative.bucket_counts.size;
          if (Begin(p.attributes, p.time_unix_nano, p.flags, n, target)) Exponential(target, p);
        }
        break;
      case OtlpMetricKind::kSummary:
        for (const auto& p : OtlpMetricsRequest::Slice(req_.summary_points, m.points)) {
          if (!Begin(p.attributes, p.time_unix_nano, p.flags, 2 + p.quantiles.size, target)) {
            continue;
          }
          Emit(target, "_sum", {}, {}, p.sum);
          Emit(target, "_count", {}, {}, static_cast<double>(p.count));
          for (const OtlpQuantile& q : OtlpMetricsRequest::Slice(req_.quantiles, p.quantiles)) {
            Emit(target, "", "quantile", FormatOtlpFloat(q.quantile), q.value);
          }
        }
        break;
      case OtlpMetricKind::kNone:
        break;
    }
  }

  // Builds base_ for a point. False (its `samples` samples counted as rejected) when an
  // attribute name cannot be sanitised.
  bool Begin(OtlpRange attributes, uint64_t time_unix_nano, uint32_t flags, int64_t samples,
             Target& target) {
    target.t = ToMillis(time_unix_nano);
    target.stale = (flags & kOtlpFlagNoRecordedValue) != 0;
    if (Status s = BuildBase(OtlpMetricsRequest::Slice(req_.attributes, attributes),
                             /*ignore_identifying=*/false);
        !s.ok()) {
      const LabelView name[] = {{model::kMetricName, target.family}};
      outcome_.Reject(kReasonInvalidLabels, samples, name, s.message());
      return false;
    }
    return true;
  }

  // base_ = sanitised attributes (sorted; colliding names joined with ";"), then job and
  // instance. As Prometheus's createAttributes.
  Status BuildBase(std::span<const OtlpAttribute> attrs, bool ignore_identifying) {
    sorted_.clear();
    for (const OtlpAttribute& a : attrs) {
      if (a.key == model::kMetricName) continue;
      if (ignore_identifying &&
          (a.key == kServiceName || a.key == kServiceNamespace || a.key == kServiceInstanceId)) {
        continue;
      }
      sorted_.push_back(&a);
    }
    std::stable_sort(
        sorted_.begin(), sorted_.end(),
        [](const OtlpAttribute* a, const OtlpAttribute* b) { return a->key < b->key; });
    base_.clear();
    for (const OtlpAttribute* a : sorted_) {
      Result<std::string> name = SanitizedName(a->key);
      if (!name.ok()) return name.status();
      Set(*name, a->value, /*append=*/true);
    }
    if (!job_.empty()) Set("job", job_, false);
    if (!instance_.empty()) Set("instance", instance_, false);
    return OkStatus();
  }

  Result<std::string> SanitizedName(std::string_view key) {
    if (auto it = name_cache_.find(key); it != name_cache_.end()) return it->second;
    OSPREY_ASSIGN_OR_RETURN(std::string name, OtlpLabelName(key));
    if (name_cache_.size() < 4096) name_cache_.emplace(std::string(key), name);
    return name;
  }

  // Sets `name` in base_ (kept sorted). With `append`, a non-empty existing value gets
  // ";value" appended. An empty value removes the label, as Prometheus's labels.Builder.
  void Set(std::string_view name, std::string_view value, bool append) {
    auto it = std::lower_bound(base_.begin(), base_.end(), name,
                               [](const Label& l, std::string_view n) { return l.name < n; });
    const bool found = it != base_.end() && it->name == name;
    if (found && append && !it->value.empty()) {
      it->value += ';';
      it->value += value;
      return;
    }
    if (value.empty()) {
      if (found) base_.erase(it);
      return;
    }
    if (found) {
      it->value = std::string(value);
    } else {
      base_.insert(it, Label{std::string(name), std::string(value)});
    }
  }

  // Appends one sample of series target.family + suffix, with base labels plus
  // extra_name=extra_value when extra_name is not empty.
  void Emit(const Target& target, std::string_view suffix, std::string_view extra_name,
            std::string_view extra_value, double v) {
    std::vector<Label> ls = *target.base;
    std::string name(target.family);
    name += suffix;
    ls.push_back(Label{std::string(model::kMetricName), std::move(name)});
    if (!extra_name.empty()) ls.push_back(Label{std::string(extra_name), std::string(extra_value)});
    Labels labels(std::move(ls));
    if (target.stale) {
      v = model::StaleNaN();
    } else if (target.delta) {
      Result<double> total = delta_->Add(labels, target.t, v);
      if (!total.ok()) {
        Reject(labels,
               total.status().code() == StatusCode::kOutOfBounds ? kReasonDeltaOutOfOrder
                                                                 : kReasonDeltaSeriesLimit,
               total.status().message());
        return;
      }
      v = *total;
    }
    Result<storage::SeriesRef> r = app_.Append(storage::kNoRef, labels, {.t = target.t, .v = v});
    if (!r.ok()) {
      Reject(labels, StatusCodeName(r.status().code()), r.status().message());
      return;
    }
    ++outcome_.samples_accepted;
  }

  void Reject(const Labels& labels, std::string_view reason, std::string_view message) {
    const std::vector<LabelView> views = Views(labels);
    outcome_.Reject(reason, 1, views, message);
  }

  void Histogram(const Target& target, const OtlpHistogramPoint& p) {
    if (p.has_sum) Emit(target, "_sum", {}, {}, p.sum);
    Emit(target, "_count", {}, {}, static_cast<double>(p.count));
    const auto counts = OtlpMetricsRequest::Slice(req_.counts, p.bucket_counts);
    const auto bounds = OtlpMetricsRequest::Slice(req_.bounds, p.explicit_bounds);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds.size() && i < counts.size(); ++i) {
      cumulative += counts[i];
      Emit(target, "_bucket", "le", FormatOtlpFloat(bounds[i]), static_cast<double>(cumulative));
    }
    Emit(target, "_bucket", "le", "+Inf", static_cast<double>(p.count));
  }

  // base^index for base = 2^(2^-scale): the upper bound of positive bucket index-1 and the
  // (negated) upper bound of negative bucket `index`.
  static double ExponentialBound(int64_t index, int32_t scale) {
    return std::exp2(std::ldexp(static_cast<double>(index), -scale));
  }

  // The buckets of one side at `shift` scale steps coarser: bucket i goes to i >> shift (an
  // arithmetic shift, so negative indexes floor as the bucket boundaries do).
  static void Downscale(int32_t offset, std::span<const uint64_t> counts, int shift,
                        int64_t* merged_offset, std::vector<uint64_t>& merged) {
    merged.clear();
    *merged_offset = int64_t{offset} >> shift;
    for (size_t k = 0; k < counts.size(); ++k) {
      const auto i = static_cast<size_t>(((int64_t{offset} + static_cast<int64_t>(k)) >> shift) -
                                         *merged_offset);
      if (i >= merged.size()) merged.resize(i + 1, 0);
      merged[i] += counts[k];
    }
  }

  static int64_t DownscaledSize(int32_t offset, size_t n, int shift) {
    if (n == 0) return 0;
    return ((int64_t{offset} + static_cast<int64_t>(n) - 1) >> shift) - (int64_t{offset} >> shift) +
           1;
  }

  void Exponential(const Target& target, const OtlpExponentialHistogramPoint& p) {
    if (p.has_sum) Emit(target, "_sum", {}, {}, p.sum);
    Emit(target, "_count", {}, {}, static_cast<double>(p.count));
    const auto neg_in = OtlpMetricsRequest::Slice(req_.counts, p.negative.bucket_counts);
    const auto pos_in = OtlpMetricsRequest::Slice(req_.counts, p.positive.bucket_counts);
    // Each bucket becomes a series: more than kMaxExponentialBuckets per side are merged into
    // coarser ones (a lower scale), as the SDKs' own max_size does.
    int shift = 0;
    while (shift < 63 &&
           (DownscaledSize(p.negative.offset, neg_in.size(), shift) > kMaxExponentialBuckets ||
            DownscaledSize(p.positive.offset, pos_in.size(), shift) > kMaxExponentialBuckets)) {
      ++shift;
    }
    const int32_t scale = p.scale - shift;
    int64_t neg_offset = 0;
    int64_t pos_offset = 0;
    Downscale(p.negative.offset, neg_in, shift, &neg_offset, neg_scratch_);
    Downscale(p.positive.offset, pos_in, shift, &pos_offset, pos_scratch_);

    // Buckets from the most negative up, merging those whose bound is not above the last one.
    double last_le = -std::numeric_limits<double>::infinity();
    uint64_t cumulative = 0;
    auto bucket = [&](double le, uint64_t count) {
      cumulative += count;
      if (!(le > last_le) || !std::isfinite(le)) return;
      last_le = le;
      Emit(target, "_bucket", "le", FormatOtlpFloat(le), static_cast<double>(cumulative));
    };
    for (size_t k = neg_scratch_.size(); k-- > 0;) {
      bucket(-ExponentialBound(neg_offset + static_cast<int64_t>(k), scale), neg_scratch_[k]);
    }
    // The zero bucket is always emitted, so a histogram keeps the same series over time.
    const double zero_le = std::isfinite(p.zero_threshold) ? std::fabs(p.zero_threshold) : 0;
    cumulative += p.zero_count;
    if (zero_le > last_le) {
      last_le = zero_le;
      Emit(target, "_bucket", "le", FormatOtlpFloat(zero_le), static_cast<double>(cumulative));
    }
    for (size_t k = 0; k < pos_scratch_.size(); ++k) {
      bucket(ExponentialBound(pos_offset + static_cast<int64_t>(k) + 1, scale), pos_scratch_[k]);
    }
    Emit(target, "_bucket", "le", "+Inf", static_cast<double>(p.count));
  }

  void TargetInfo(std::span<const OtlpAttribute> attrs, model::Timestamp earliest,
                  model::Timestamp latest) {
    size_t other = 0;
    for (const OtlpAttribute& a : attrs) {
      if (a.key != kServiceName && a.key != kServiceNamespace && a.key != kServiceInstanceId) {
        ++other;
      }
    }
    if (other == 0) return;  // only job and instance: target_info adds nothing
    if (Status s = BuildBase(attrs, /*ignore_identifying=*/true); !s.ok()) {
      const LabelView name[] = {{model::kMetricName, "target_info"}};
      outcome_.Reject(kReasonInvalidLabels, 1, name, s.message());
      return;
    }
    const bool identified = std::any_of(base_.begin(), base_.end(), [](const Label& l) {
      return l.name == "job" || l.name == "instance";
    });
    if (!identified) return;
    std::vector<Label> ls = base_;
    ls.push_back(Label{std::string(model::kMetricName), "target_info"});
    Labels labels(std::move(ls));
    const uint64_t hash = labels.Hash();
    auto append = [&](model::Timestamp t) {
      // Several resources of one request may share a target_info series.
      if (!seen_target_info_.insert({hash, t}).second) return;
      Result<storage::SeriesRef> r = app_.Append(storage::kNoRef, labels, {.t = t, .v = 1});
      if (!r.ok()) {
        Reject(labels, StatusCodeName(r.status().code()), r.status().message());
        return;
      }
      ++outcome_.samples_accepted;
    };
    // At most kMaxTargetInfoSamples per resource: a point with a bogus old timestamp must not
    // make millions of samples.
    const model::Timestamp first =
        std::max(earliest, latest - kTargetInfoIntervalMs * kMaxTargetInfoSamples);
    for (model::Timestamp t = first; t < latest; t += kTargetInfoIntervalMs) append(t);
    append(latest);
  }

  const OtlpMetricsRequest& req_;
  storage::Appender& app_;
  OtlpDeltaAccumulator* const delta_;
  WriteOutcome& outcome_;

  std::string job_;
  std::string instance_;
  std::vector<const OtlpAttribute*> sorted_;
  std::vector<Label> base_;
  std::vector<uint64_t> neg_scratch_;
  std::vector<uint64_t> pos_scratch_;
  std::map<std::string, std::string, std::less<>> name_cache_;
  std::set<std::pair<uint64_t, model::Timestamp>> seen_target_info_;
};

}  // namespace

bool HasDeltaMetrics(const OtlpMetricsRequest& request) {
  return std::any_of(request.metrics.begin(), request.metrics.end(), [](const OtlpMetric& m) {
    return m.temporality == OtlpTemporality::kDelta && m.kind != OtlpMetricKind::kGauge &&
           m.kind != OtlpMetricKind::kSummary;
  });
}

void TranslateOtlp(const OtlpMetricsRequest& request, storage::Appender& app,
                   OtlpDeltaAccumulator* delta, WriteOutcome& outcome) {
  Translator(request, app, delta, outcome).Run();
}

}  // namespace osprey::ingest
