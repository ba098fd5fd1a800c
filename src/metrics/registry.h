// Self-monitoring metrics of the Osprey process, exposed in the Prometheus text format 0.0.4.
//
// A Registry owns every metric; it is created in main and passed by reference to the
// constructors that need it (there is no global instance). Metric objects handed out by the
// Registry live as long as it does, so callers keep references and update them on hot paths:
//
//   metrics::Registry registry;
//   metrics::Counter& requests = registry.NewCounter("osprey_http_requests_total", "Requests.");
//   auto& by_code = registry.NewCounterFamily("osprey_http_responses_total", "Responses.",
//   {"code"}); requests.Inc(); by_code.WithLabels({"200"}).Inc(); std::string text =
//   registry.ExpositionText();
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/check.h"
#include "base/thread_annotations.h"

namespace osprey::metrics {

static_assert(std::atomic<double>::is_always_lock_free &&
              std::atomic<uint64_t>::is_always_lock_free);

// A monotonically increasing value. Thread-safe; Inc and Value are lock-free.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Requires: v >= 0 (checked in debug builds).
  void Inc(double v = 1) {
    OSPREY_DCHECK(v >= 0) << "Counter::Inc with negative value " << v;
    value_.fetch_add(v, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down. Thread-safe; every method is lock-free.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double v = 1) { Add(v); }
  void Dec(double v = 1) { Add(-v); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets with fixed upper bounds (inclusive, "le"), plus their sum.
// Thread-safe; Observe is lock-free and costs a binary search over the bounds plus two atomic
// adds. Readers running concurrently with Observe may see the sum lag the counts by the
// observations in flight; the exposed _count always equals the +Inf bucket.
class Histogram {
 public:
  // `buckets`: upper bounds, strictly increasing, no NaN. A trailing +Inf is optional: the +Inf
  // bucket always exists. Requires: bounds valid (CHECK).
  explicit Histogram(std::vector<double> buckets);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // NaN goes to the +Inf bucket only (and makes the sum NaN), as in the Prometheus clients.
  void Observe(double v);

  // Upper bounds, without the implicit +Inf.
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound plus a last one for +Inf (== Count()).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t Count() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  // counts_[i]: observations in (bounds_[i-1], bounds_[i]]; the last one is (bounds_.back(), +Inf].
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Orders label-value lists lexicographically, without copying on lookup.
struct LabelValuesLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

// A metric with labels: one child M per distinct list of label values. Thread-safe.
// WithLabels takes a mutex and does a map lookup (no allocation when the child exists), so
// callers on hot paths cache the returned reference, which lives as long as the Registry.
template <typename M>
class Family {
 public:
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // Values in the order of label_names(). Requires: values.size() == label_names().size() (CHECK).
  M& WithLabels(std::initializer_list<std::string_view> values) {
    return Get(std::span<const std::string_view>(values.begin(), values.size()));
  }
  M& WithLabels(std::span<const std::string> values) { return Get(values); }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(const std::vector<std::string>& values, const M& child) for each child, in the
  // order of their label values, with the family's mutex held: fn must not call WithLabels.
  template <typename Fn>
  void ForEachChild(Fn&& fn) const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    for (const auto& [values, child] : children_) fn(values, static_cast<const M&>(*child));
  }

 private:
  friend class Registry;
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make_child)
      : label_names_(std::move(label_names)), make_child_(std::move(make_child)) {}

  template <typename T>
  M& Get(std::span<const T> values) OSPREY_EXCLUDES(mu_) {
    OSPREY_CHECK(values.size() == label_names_.size())
        << "metric family expects " << label_names_.size() << " label values, got "
        << values.size();
    MutexLock lock(mu_);
    auto it = children_.find(values);
    if (it == children_.end()) {
      it = children_.emplace(std::vector<std::string>(values.begin(), values.end()), make_child_())
               .first;
    }
    return *it->second;
  }

  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<M>()> make_child_;
  mutable Mutex mu_;
  // Children are never removed, so references to them stay valid.
  std::map<std::vector<std::string>, std::unique_ptr<M>, LabelValuesLess> children_
      OSPREY_GUARDED_BY(mu_);
};

// Collects samples that collectors compute at scrape time. Single-threaded: each exposition
// creates one and hands it to the collectors in turn.
class MetricWriter {
 public:
  MetricWriter() = default;
  MetricWriter(const MetricWriter&) = delete;
  MetricWriter& operator=(const MetricWriter&) = delete;

  // Adds one sample. `type`: "counter" or "gauge"; `labels`: name/value pairs in output order.
  // The first Write of a name sets its HELP and TYPE (written once per name). Requires: valid
  // metric and label names, the same type for every Write of a name, no two samples with the
  // same name and labels (CHECK).
  void Write(std::string_view name, std::string_view help, std::string_view type,
             std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
             double value);

 private:
  friend class Registry;
  struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;
    double value;
  };
  struct WrittenFamily {
    std::string help;
    std::string type;
    std::vector<Sample> samples;
  };
  std::map<std::string, WrittenFamily, std::less<>> families_;
};

// Owns every metric of the process. Thread-safe. Registering the same name twice, or an invalid
// metric or label name, is a bug (CHECK). Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*; label
// names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__"; histograms may not use "le".
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The returned references live as long as the Registry.
  Counter& NewCounter(std::string name, std::string help);
  Gauge& NewGauge(std::string name, std::string help);
  Histogram& NewHistogram(std::string name, std::string help, std::vector<double> buckets);
  Family<Counter>& NewCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& NewGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  Family<Histogram>& NewHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> buckets);

  // Called on each exposition, in registration order of collectors, without the Registry's lock
  // held (a collector may register metrics, but they show from the next exposition). Thread-safe.
  void AddCollector(std::function<void(MetricWriter&)> collect);

  // Prometheus text format 0.0.4: "# HELP", "# TYPE", samples; families sorted by name; series
  // within a family sorted by label values; histograms as _bucket{le=...} (with +Inf), _sum,
  // _count; label values escaped (\\, \", \n); values formatted like Prometheus (integers
  // without exponent, NaN, +Inf, -Inf, shortest round-trip repr otherwise). A name written by a
  // collector that is also registered is a bug (CHECK).
  std::string ExpositionText() const;

 private:
  struct Entry;  // internal/registry_entry.h
  void Register(std::string name, std::unique_ptr<Entry> entry) OSPREY_EXCLUDES(mu_);
  // Rendering helpers of exposition.cc.
  static void AppendEntry(std::string_view name, const Entry& entry, std::string& out);
  static void AppendWritten(MetricWriter& writer, const std::string& name, std::string& out);

  mutable Mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_ OSPREY_GUARDED_BY(mu_);
  std::vector<std::function<void(MetricWriter&)>> collectors_ OSPREY_GUARDED_BY(mu_);
};

// Prometheus's default latency buckets in seconds: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();
// `count` bounds: start, start*factor, start*factor^2, ... Requires: start > 0, factor > 1,
// count >= 1 (CHECK).
std::vector<double> ExponentialBuckets(double start, double factor, int count);
// `count` bounds: start, start+width, ... Requires: width > 0, count >= 1 (CHECK).
std::vector<double> LinearBuckets(double start, double width, int count);

// Formats a sample value as Prometheus does (see ExpositionText). Exposed for tests and for
// other writers of the text format.
std::string FormatValue(double v);

}  // namespace osprey::metrics
