// histogram_quantile, histogram_quantiles and histogram_fraction over classic histograms
// (series with an `le` label), after Prometheus's promql/quantile.go. Native histograms
// do not exist in Osprey, so the functions that only read them (histogram_count, ...)
// return nothing, as Prometheus does for float input.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/labels.h"
#include "model/sample.h"
#include "promql/go_quote.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Relative differences between adjacent bucket counts below this are taken to be
// floating point noise (e.g. from sharded queries) and ignored.
constexpr double kSmallDeltaTolerance = 1e-12;

bool IsHexDigit(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}
bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

bool EqualFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// Go's strconv.ParseFloat(s, 64): decimal or 0x hex (with a p exponent) floats, Inf,
// Infinity and NaN in any case; nullopt for bad syntax and for overflow.
std::optional<double> ParseGoFloat(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view t = s;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  if (EqualFoldAscii(t, "inf") || EqualFoldAscii(t, "infinity")) return neg ? -kInf : kInf;
  if (t.size() == s.size() && EqualFoldAscii(t, "nan")) return kNaN;
  std::string clean(s.substr(0, s.size() - t.size()));
  size_t i = 0;
  bool hex = t.size() > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  if (hex) {
    clean.append(t.substr(0, 2));
    i = 2;
  }
  auto digit = [hex](char ch) { return hex ? IsHexDigit(ch) : IsDigit(ch); };
  int mantissa_digits = 0;
  bool dot = false;
  for (; i < t.size(); ++i) {
    char ch = t[i];
    if (digit(ch)) {
      ++mantissa_digits;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else if (ch == '_' && hex) {
      // Underscores only between digits (or right after the 0x prefix).
      bool before = IsHexDigit(t[i - 1]) || t[i - 1] == 'x' || t[i - 1] == 'X';
      if (!before || i + 1 >= t.size() || !IsHexDigit(t[i + 1])) return std::nullopt;
      continue;
    } else {
      break;
    }
    clean += ch;
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < t.size() && (hex ? (t[i] == 'p' || t[i] == 'P') : (t[i] == 'e' || t[i] == 'E'))) {
    clean += t[i++];
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) clean += t[i++];
    int exponent_digits = 0;
    for (; i < t.size(); ++i) {
      if (IsDigit(t[i])) {
        ++exponent_digits;
        clean += t[i];
      } else if (t[i] == '_' && hex && IsDigit(t[i - 1]) && i + 1 < t.size() && IsDigit(t[i + 1])) {
        continue;
      } else {
        break;
      }
    }
    if (exponent_digits == 0) return std::nullopt;
  } else if (hex) {
    return std::nullopt;  // a hex float needs its p exponent
  }
  if (i != t.size()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || std::isinf(v)) return std::nullopt;
  return v;
}

// Prometheus's almost.Equal.
bool AlmostEqual(double a, double b, double epsilon) {
  if (model::IsStaleNaN(a) || model::IsStaleNaN(b)) {
    return model::IsStaleNaN(a) && model::IsStaleNaN(b);
  }
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  double abs_sum = std::fabs(a) + std::fabs(b);
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

struct Bucket {
  double upper = 0;
  double count = 0;
};

struct BucketGroup {
  model::Labels labels;  // the series' labels without `le`
  std::vector<Bucket> buckets;
};

// Sorts by upper bound and merges buckets with the same bound.
void SortAndCoalesce(std::vector<Bucket>& buckets) {
  std::stable_sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) {
    if (std::isnan(a.upper)) return !std::isnan(b.upper);
    return a.upper < b.upper;
  });
  size_t n = 0;
  for (size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].upper == buckets[n].upper) {
      buckets[n].count += buckets[i].count;
    } else {
      buckets[++n] = buckets[i];
    }
  }
  buckets.resize(n + 1);
}

// Counts must not decrease with the bound: ignore tiny differences, and raise a count
// that is lower than its predecessor's. Returns whether that was needed.
bool EnsureMonotonic(std::vector<Bucket>& buckets) {
  bool forced = false;
  double prev = buckets[0].count;
  for (size_t i = 1; i < buckets.size(); ++i) {
    double cur = buckets[i].count;
    if (cur == prev) continue;
    if (AlmostEqual(prev, cur, kSmallDeltaTolerance)) {
      buckets[i].count = prev;  // noise, in either direction; keep `prev`
      continue;
    }
    if (cur < prev) {
      buckets[i].count = prev;
      forced = true;
      continue;
    }
    prev = cur;
  }
  return forced;
}

// The φ-quantile, interpolating linearly within the bucket it falls in (from 0 in the
// lowest bucket if its bound is positive). Sets *forced when the counts had to be made
// monotonic.
double BucketQuantile(double q, std::vector<Bucket> buckets, bool* forced) {
  *forced = false;
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper) && buckets.back().upper > 0)) return kNaN;
  *forced = EnsureMonotonic(buckets);
  if (buckets.size() < 2) return kNaN;
  double observations = buckets.back().count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  // Go's sort.Search over all but the +Inf bucket.
  size_t lo = 0;
  size_t hi = buckets.size() - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (!(buckets[mid].count >= rank)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  size_t b = lo;
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper;
  if (b == 0 && buckets[0].upper <= 0) return buckets[0].upper;
  double start = 0;
  double end = buckets[b].upper;
  double count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

// The fraction of observations between lower and upper, interpolating linearly.
double BucketFraction(double lower, double upper, std::vector<Bucket> buckets) {
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper) && buckets.back().upper > 0)) return kNaN;
  double count = buckets.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return kNaN;
  if (lower >= upper) return 0;
  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  double lower_bound = buckets[0].upper <= 0 ? -kInf : 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (i > 0) lower_bound = buckets[i - 1].upper;
    double upper_bound = b.upper;
    // Within an infinitely wide bucket nothing can be interpolated: it contributes all
    // (-Inf) or none (+Inf) of its observations.
    auto interpolate = [&](double v) {
      if (std::isinf(lower_bound) && lower_bound < 0) return b.count;
      return rank + (b.count - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = b.count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

std::string ForMetricName(std::string_view name) {
  if (name.empty()) return "";
  return std::string(" for metric name ").append(GoQuote(name));
}

// Groups the vector's samples into classic histograms: same labels apart from `le`,
// in order of first appearance. Samples with a missing or bad `le` are reported and
// skipped.
std::vector<BucketGroup> GroupBuckets(const VectorCall& c, size_t vector_arg) {
  std::vector<BucketGroup> groups;
  if (vector_arg >= c.args.size() || c.args[vector_arg].vector == nullptr) return groups;
  std::map<model::Labels, size_t> index;
  for (const VectorSample& s : *c.args[vector_arg].vector) {
    std::string_view le = s.labels.Get("le");
    std::optional<double> upper = ParseGoFloat(le);
    if (!upper) {
      if (c.annotations != nullptr) {
        c.annotations->Warn(
            std::string("bucket label \"le\" is missing or has a malformed value of ")
                .append(GoQuote(le))
                .append(ForMetricName(s.labels.MetricName())),
            ArgPosition(c.call, vector_arg));
      }
      continue;
    }
    model::Labels key = model::LabelsBuilder(s.labels).Del("le").Build();
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) groups.push_back({.labels = std::move(key), .buckets = {}});
    groups[it->second].buckets.push_back({.upper = *upper, .count = s.v});
  }
  return groups;
}

double QuantileOf(const VectorCall& c, const BucketGroup& group, double q, size_t vector_arg) {
  bool forced = false;
  double v = BucketQuantile(q, group.buckets, &forced);
  if (forced && c.annotations != nullptr) {
    c.annotations->Info(
        std::string("input to histogram_quantile needed to be fixed for monotonicity (see "
                    "https://prometheus.io/docs/prometheus/latest/querying/functions/"
                    "#histogram_quantile)")
            .append(ForMetricName(group.labels.MetricName())),
        ArgPosition(c.call, vector_arg));
  }
  return v;
}

// histogram_quantile(φ, buckets)
Status HistogramQuantile(const VectorCall& c, Vector& out) {
  if (c.args.size() < 2) return OkStatus();
  double q = c.args[0].scalar;
  MaybeWarnInvalidQuantile(q, c.call, 0, c.annotations);
  for (const BucketGroup& group : GroupBuckets(c, 1)) {
    double v = QuantileOf(c, group, q, 1);
    out.push_back({.labels = DropMetricName(group.labels), .t = c.t, .v = v});
  }
  return OkStatus();
}

// histogram_quantiles(buckets, "label", φ...): one series per φ, labelled with it.
Status HistogramQuantiles(const VectorCall& c, Vector& out) {
  if (c.args.size() < 3) return OkStatus();
  std::string_view label = c.args[1].string;
  for (size_t i = 2; i < c.args.size(); ++i) {
    MaybeWarnInvalidQuantile(c.args[i].scalar, c.call, i, c.annotations);
  }
  std::vector<BucketGroup> groups = GroupBuckets(c, 0);
  for (size_t i = 2; i < c.args.size(); ++i) {
    double q = c.args[i].scalar;
    std::string q_text = FormatOpenMetricsFloat(q);
    for (const BucketGroup& group : groups) {
      double v = QuantileOf(c, group, q, 0);
      out.push_back(
          {.labels = model::LabelsBuilder(DropMetricName(group.labels)).Set(label, q_text).Build(),
           .t = c.t,
           .v = v});
    }
  }
  return OkStatus();
}

// histogram_fraction(lower, upper, buckets)
Status HistogramFraction(const VectorCall& c, Vector& out) {
  if (c.args.size() < 3) return OkStatus();
  double lower = c.args[0].scalar;
  double upper = c.args[1].scalar;
  for (const BucketGroup& group : GroupBuckets(c, 2)) {
    out.push_back({.labels = DropMetricName(group.labels),
                   .t = c.t,
                   .v = BucketFraction(lower, upper, group.buckets)});
  }
  return OkStatus();
}

// Functions of native histograms (and start_timestamp, which needs start timestamps):
// nothing to compute on floats.
Status NoFloatOutput(const VectorCall&, Vector&) { return OkStatus(); }

// Sorted by name.
constexpr FunctionImpl kHistogramFunctions[] = {
    {"histogram_avg", nullptr, NoFloatOutput},
    {"histogram_count", nullptr, NoFloatOutput},
    {"histogram_fraction", nullptr, HistogramFraction},
    {"histogram_quantile", nullptr, HistogramQuantile},
    {"histogram_quantiles", nullptr, HistogramQuantiles},
    {"histogram_stddev", nullptr, NoFloatOutput},
    {"histogram_stdvar", nullptr, NoFloatOutput},
    {"histogram_sum", nullptr, NoFloatOutput},
    {"start_timestamp", nullptr, NoFloatOutput},
};

}  // namespace

std::span<const FunctionImpl> HistogramFunctionImpls() { return kHistogramFunctions; }

}  // namespace osprey::promql::internal
