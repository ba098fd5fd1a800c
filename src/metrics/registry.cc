// Registration and metric objects. Exposition (text rendering) is in exposition.cc.
//
// Invariant: entries_ and every Family's children only grow, so the references handed out
// stay valid for the Registry's lifetime and ExpositionText may read entries after releasing
// mu_.
#include "metrics/registry.h"

#include <cmath>
#include <limits>
#include <variant>

#include "metrics/internal/names.h"
#include "metrics/internal/registry_entry.h"

namespace osprey::metrics {
namespace {

std::vector<double> ValidatedBounds(std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) {
    bounds.pop_back();
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    OSPREY_CHECK(!std::isnan(bounds[i])) << "histogram bucket bound is NaN";
    OSPREY_CHECK(i == 0 || bounds[i - 1] < bounds[i])
        << "histogram bucket bounds must be strictly increasing: " << bounds[i - 1] << " then "
        << bounds[i];
  }
  return bounds;
}

void CheckLabelNames(std::string_view metric, const std::vector<std::string>& label_names,
                     bool is_histogram) {
  for (size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    OSPREY_CHECK(internal::IsValidLabelName(label))
        << "invalid label name '" << label << "' for metric " << metric;
    OSPREY_CHECK(!is_histogram || label != "le")
        << "histogram " << metric << " may not use the label name 'le'";
    for (size_t j = 0; j < i; ++j) {
      OSPREY_CHECK(label_names[j] != label)
          << "duplicate label name '" << label << "' for metric " << metric;
    }
  }
}

constexpr std::string_view kHistogramSuffixes[] = {"_bucket", "_sum", "_count"};

}  // namespace

Histogram::Histogram(std::vector<double> buckets)
    : bounds_(ValidatedBounds(std::move(buckets))),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // First bound >= v, as "le" is inclusive. NaN compares false with everything, so it would
  // land in bucket 0; the Prometheus clients count it in +Inf only.
  size_t index = bounds_.size();
  if (!std::isnan(v)) {
    index =
        static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  }
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> cumulative(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    cumulative[i] = total;
  }
  return cumulative;
}

uint64_t Histogram::Count() const {
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
  }
  return total;
}

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::Register(std::string name, std::unique_ptr<Entry> entry) {
  OSPREY_CHECK(internal::IsValidMetricName(name)) << "invalid metric name '" << name << "'";
  const bool is_histogram = entry->histograms != nullptr;
  MutexLock lock(mu_);
  OSPREY_CHECK(!entries_.contains(name)) << "metric " << name << " registered twice";
  // A histogram named h also writes h_bucket, h_sum and h_count.
  for (std::string_view suffix : kHistogramSuffixes) {
    if (is_histogram) {
      OSPREY_CHECK(!entries_.contains(name + std::string(suffix)))
          << "histogram " << name << " clashes with metric " << name << suffix;
    }
    if (name.ends_with(suffix)) {
      auto base = entries_.find(std::string_view(name).substr(0, name.size() - suffix.size()));
      OSPREY_CHECK(base == entries_.end() || base->second->histograms == nullptr)
          << "metric " << name << " clashes with histogram " << base->first;
    }
  }
  entries_.emplace(std::move(name), std::move(entry));
}

Counter& Registry::NewCounter(std::string name, std::string help) {
  return NewCounterFamily(std::move(name), std::move(help), {}).WithLabels({});
}

Gauge& Registry::NewGauge(std::string name, std::string help) {
  return NewGaugeFamily(std::move(name), std::move(help), {}).WithLabels({});
}

Histogram& Registry::NewHistogram(std::string name, std::string help, std::vector<double> buckets) {
  return NewHistogramFamily(std::move(name), std::move(help), {}, std::move(buckets))
      .WithLabels({});
}

Family<Counter>& Registry::NewCounterFamily(std::string name, std::string help,
                                            std::vector<std::string> label_names) {
  CheckLabelNames(name, label_names, /*is_histogram=*/false);
  auto entry = std::make_unique<Entry>();
  entry->help = std::move(help);
  entry->counters.reset(
      new Family<Counter>(std::move(label_names), [] { return std::make_unique<Counter>(); }));
  Family<Counter>& family = *entry->counters;
  Register(std::move(name), std::move(entry));
  return family;
}

Family<Gauge>& Registry::NewGaugeFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  CheckLabelNames(name, label_names, /*is_histogram=*/false);
  auto entry = std::make_unique<Entry>();
  entry->help = std::move(help);
  entry->gauges.reset(
      new Family<Gauge>(std::move(label_names), [] { return std::make_unique<Gauge>(); }));
  Family<Gauge>& family = *entry->gauges;
  Register(std::move(name), std::move(entry));
  return family;
}

Family<Histogram>& Registry::NewHistogramFamily(std::string name, std::string help,
                                                std::vector<std::string> label_names,
                                                std::vector<double> buckets) {
  CheckLabelNames(name, label_names, /*is_histogram=*/true);
  // Validate now, not when the first child is created.
  std::vector<double> bounds = ValidatedBounds(std::move(buckets));
  auto entry = std::make_unique<Entry>();
  entry->help = std::move(help);
  entry->histograms.reset(new Family<Histogram>(
      std::move(label_names), [bounds] { return std::make_unique<Histogram>(bounds); }));
  Family<Histogram>& family = *entry->histograms;
  Register(std::move(name), std::move(entry));
  return family;
}

void Registry::AddCollector(std::function<void(MetricWriter&)> collect) {
  OSPREY_CHECK(collect != nullptr) << "null collector";
  MutexLock lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  OSPREY_CHECK(start > 0) << "ExponentialBuckets needs start > 0, got " << start;
  OSPREY_CHECK(factor > 1) << "ExponentialBuckets needs factor > 1, got " << factor;
  OSPREY_CHECK(count >= 1) << "ExponentialBuckets needs count >= 1, got " << count;
  std::vector<double> buckets(static_cast<size_t>(count));
  double bound = start;
  for (double& b : buckets) {
    b = bound;
    bound *= factor;
  }
  return buckets;
}

std::vector<double> LinearBuckets(double start, double width, int count) {
  OSPREY_CHECK(width > 0) << "LinearBuckets needs width > 0, got " << width;
  OSPREY_CHECK(count >= 1) << "LinearBuckets needs count >= 1, got " << count;
  std::vector<double> buckets(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) buckets[static_cast<size_t>(i)] = start + i * width;
  return buckets;
}

}  // namespace osprey::metrics
