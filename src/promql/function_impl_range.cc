// The range-vector functions (rate, *_over_time, deriv, ...) for float samples, after
// Prometheus's promql/functions.go. Each computes one series' value at one step from
// the window the engine hands it (RangeCall); nullopt means no output at that step.
//
// The float arithmetic follows upstream operation by operation (including the order of
// additions and where Kahan summation is used) so that results match to the last bit
// where the tests compare exactly (avg_over_time(...) == 52).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "promql/go_quote.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Go's sort.Search: the smallest i in [0, n) with pred(i), or n.
template <typename Pred>
size_t GoSearch(size_t n, Pred pred) {
  size_t i = 0;
  size_t j = n;
  while (i < j) {
    size_t h = (i + j) / 2;
    if (!pred(h)) {
      i = h + 1;
    } else {
      j = h;
    }
  }
  return i;
}

// The range in seconds as Go's time.Duration.Seconds() computes it.
double RangeSeconds(const RangeCall& c) {
  int64_t ms = c.window_end - c.window_start;
  return static_cast<double>(ms / 1000) + static_cast<double>((ms % 1000) * 1'000'000) / 1e9;
}

bool IsAnchored(const RangeCall& c) { return c.anchored; }

bool IsSmoothed(const RangeCall& c) { return c.smoothed; }

// Prometheus's engine adds this info for rate() and increase() on any series with float
// samples in the window.
void MaybeInfoNotCounter(const RangeCall& c) {
  if (c.annotations == nullptr) return;
  std::string_view name = c.metric_name;
  if (name.empty()) return;
  for (std::string_view suffix : {"_total", "_sum", "_count", "_bucket"}) {
    if (name.ends_with(suffix)) return;
  }
  c.annotations->Info(std::string("metric might not be a counter, name does not end in "
                                  "_total/_sum/_count/_bucket: ")
                          .append(GoQuote(name)),
                      ArgPosition(c.call, 0));
}

double Interpolate(FPoint p1, FPoint p2, int64_t t, bool is_counter) {
  double y1 = p1.v;
  double y2 = p2.v;
  if (is_counter && y2 < y1) y1 = 0;
  return y1 + (y2 - y1) * static_cast<double>(t - p1.t) / static_cast<double>(p2.t - p1.t);
}

// rate/increase/delta over an anchored or smoothed selector, whose window also holds
// the samples around the range (upstream's extendedRate).
std::optional<double> ExtendedRate(const RangeCall& c, bool is_counter, bool is_rate) {
  std::span<const FPoint> f = c.window;
  const int64_t range_start = c.window_start;
  const int64_t range_end = c.window_end;
  const bool smoothed = IsSmoothed(c);
  size_t last = f.size() - 1;
  size_t first = GoSearch(last, [&](size_t i) { return f[i].t > range_start; });
  first = first > 0 ? first - 1 : 0;
  if (smoothed) last = GoSearch(last, [&](size_t i) { return f[i].t >= range_end; });
  if (f[last].t <= range_start) return std::nullopt;
  if (smoothed && f[first].t > range_end) return std::nullopt;

  double left = (smoothed && f[first].t < range_start)
                    ? Interpolate(f[first], f[first + 1], range_start, is_counter)
                    : f[first].v;
  double right = (smoothed && last > 0 && f[last].t > range_end)
                     ? Interpolate(f[last - 1], f[last], range_end, is_counter)
                     : f[last].v;
  double result = right - left;
  if (is_counter) {
    // Only samples strictly inside the range can add resets; the interpolation at the
    // boundaries already accounts for the ones there.
    size_t lo = f[first].t <= range_start ? first + 1 : first;
    size_t hi = last + 1;  // exclusive
    if (f[last].t >= range_end) --hi;
    double correction = 0;
    double prev = left;
    for (size_t i = lo; i < hi; ++i) {
      if (f[i].v < prev) correction += prev;
      prev = f[i].v;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (is_rate) result /= RangeSeconds(c);
  return result;
}

// rate, increase and delta: the increase between the first and last sample, corrected
// for counter resets and extrapolated towards the window's ends (upstream's
// extrapolatedRate).
std::optional<double> ExtrapolatedRate(const RangeCall& c, bool is_counter, bool is_rate) {
  if (IsAnchored(c) || IsSmoothed(c)) return ExtendedRate(c, is_counter, is_rate);
  std::span<const FPoint> f = c.window;
  if (f.size() < 2) return std::nullopt;
  const FPoint first = f.front();
  const FPoint last = f.back();
  double result = last.v - first.v;
  if (is_counter) {
    for (size_t i = 1; i < f.size(); ++i) {
      if (f[i].v < f[i - 1].v) result += f[i - 1].v;
    }
  }
  double duration_to_start = static_cast<double>(first.t - c.window_start) / 1000;
  double duration_to_end = static_cast<double>(c.window_end - last.t) / 1000;
  double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  double average_between_samples = sampled_interval / static_cast<double>(f.size() - 1);
  // Extrapolate to a boundary only when the series seems to continue there: a gap of
  // up to 1.1 average intervals. Otherwise the series is assumed to start or end half
  // an interval beyond its first or last sample.
  double threshold = average_between_samples * 1.1;
  if (duration_to_start >= threshold) duration_to_start = average_between_samples / 2;
  if (is_counter) {
    // A counter does not go below zero: stop the extrapolation where it would reach it.
    double duration_to_zero = duration_to_start;
    if (result > 0 && first.v >= 0) duration_to_zero = sampled_interval * (first.v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  if (duration_to_end >= threshold) duration_to_end = average_between_samples / 2;
  double factor = 1.0;
  if (sampled_interval != 0) {
    factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  }
  if (is_rate) factor /= RangeSeconds(c);
  return result * factor;
}

std::optional<double> Rate(const RangeCall& c) {
  MaybeInfoNotCounter(c);
  return ExtrapolatedRate(c, true, true);
}

std::optional<double> Increase(const RangeCall& c) {
  MaybeInfoNotCounter(c);
  return ExtrapolatedRate(c, true, false);
}

std::optional<double> Delta(const RangeCall& c) { return ExtrapolatedRate(c, false, false); }

// irate and idelta: from the last two samples.
std::optional<double> InstantValue(const RangeCall& c, bool is_rate) {
  if (c.window.size() < 2) return std::nullopt;
  FPoint prev = c.window[c.window.size() - 2];
  FPoint last = c.window.back();
  int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  double result = last.v;
  // A counter reset leaves the last value as the increase.
  if (!is_rate || !(last.v < prev.v)) result = last.v - prev.v;
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return result;
}

std::optional<double> Irate(const RangeCall& c) { return InstantValue(c, true); }
std::optional<double> Idelta(const RangeCall& c) { return InstantValue(c, false); }

struct Regression {
  double slope;
  double intercept;
};

// Least-squares fit of the samples, x in seconds relative to `intercept_time`.
Regression LinearRegression(std::span<const FPoint> samples, int64_t intercept_time) {
  double n = 0;
  double sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  const double init_y = samples[0].v;
  bool const_y = true;
  for (size_t i = 0; i < samples.size(); ++i) {
    const FPoint& s = samples[i];
    if (const_y && i > 0 && s.v != init_y) const_y = false;
    n += 1.0;
    double x = static_cast<double>(s.t - intercept_time) / 1e3;
    KahanAdd(x, sum_x, c_x);
    KahanAdd(s.v, sum_y, c_y);
    KahanAdd(x * s.v, sum_xy, c_xy);
    KahanAdd(x * x, sum_x2, c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) return {kNaN, kNaN};
    return {0, init_y};
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  double cov_xy = sum_xy - sum_x * sum_y / n;
  double var_x = sum_x2 - sum_x * sum_x / n;
  double slope = cov_xy / var_x;
  return {slope, sum_y / n - slope * sum_x / n};
}

std::optional<double> Deriv(const RangeCall& c) {
  if (c.window.size() < 2) return std::nullopt;
  // Relative to the first sample, to keep x small (prometheus#2674).
  return LinearRegression(c.window, c.window[0].t).slope;
}

std::optional<double> PredictLinear(const RangeCall& c) {
  if (c.window.size() < 2 || c.scalars.empty()) return std::nullopt;
  Regression r = LinearRegression(c.window, c.eval_t);
  return r.slope * c.scalars[0] + r.intercept;
}

// Where resets() and changes() start: with an anchored selector, at the last sample at
// or before the range start; nullopt when no sample lies after it.
std::optional<size_t> FirstSampleIndex(const RangeCall& c) {
  if (!IsAnchored(c)) return 0;
  std::span<const FPoint> f = c.window;
  size_t after = GoSearch(f.size(), [&](size_t i) { return f[i].t > c.window_start; });
  if (after >= f.size()) return std::nullopt;
  return after > 0 ? after - 1 : 0;
}

std::optional<double> Resets(const RangeCall& c) {
  std::optional<size_t> first = FirstSampleIndex(c);
  if (!first) return std::nullopt;
  int resets = 0;
  for (size_t i = *first + 1; i < c.window.size(); ++i) {
    if (c.window[i].v < c.window[i - 1].v) ++resets;
  }
  return resets;
}

std::optional<double> Changes(const RangeCall& c) {
  std::optional<size_t> first = FirstSampleIndex(c);
  if (!first) return std::nullopt;
  int changes = 0;
  for (size_t i = *first + 1; i < c.window.size(); ++i) {
    double cur = c.window[i].v;
    double prev = c.window[i - 1].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
  }
  return changes;
}

std::optional<double> AvgOverTime(const RangeCall& c) {
  // The direct mean (Kahan sum / count) is usually more accurate, but the sum can
  // overflow where the incremental mean does not: switch to the latter on overflow
  // (prometheus#16714).
  std::span<const FPoint> f = c.window;
  double sum = f[0].v;
  double count = 1;
  double mean = 0;
  double kahan_c = 0;
  bool incremental = false;
  for (size_t i = 1; i < f.size(); ++i) {
    count = static_cast<double>(i + 1);
    if (!incremental) {
      double new_sum = sum;
      double new_c = kahan_c;
      KahanAdd(f[i].v, new_sum, new_c);
      if (!std::isinf(new_sum)) {
        sum = new_sum;
        kahan_c = new_c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      kahan_c /= (count - 1);
    }
    double q = (count - 1) / count;
    double m = q * mean;
    double mc = q * kahan_c;
    KahanAdd(f[i].v / count, m, mc);
    mean = m;
    kahan_c = mc;
  }
  if (incremental) return mean + kahan_c;
  return sum / count + kahan_c / count;
}

std::optional<double> SumOverTime(const RangeCall& c) {
  double sum = 0;
  double comp = 0;
  for (const FPoint& p : c.window) KahanAdd(p.v, sum, comp);
  if (std::isinf(sum)) return sum;
  return sum + comp;
}

std::optional<double> CountOverTime(const RangeCall& c) {
  return static_cast<double>(c.window.size());
}

// min/max_over_time and their ts_of_ variants: a NaN is replaced by any later value.
template <bool kReturnTimestamp, typename Better>
std::optional<double> CompareOverTime(const RangeCall& c, Better better) {
  double best = c.window[0].v;
  int64_t best_t = c.window[0].t;
  for (const FPoint& p : c.window) {
    if (better(p.v, best)) {
      best = p.v;
      best_t = p.t;
    }
  }
  if (kReturnTimestamp) return static_cast<double>(best_t) / 1000;
  return best;
}

std::optional<double> MaxOverTime(const RangeCall& c) {
  return CompareOverTime<false>(c, [](double cur, double m) { return cur > m || std::isnan(m); });
}

std::optional<double> MinOverTime(const RangeCall& c) {
  return CompareOverTime<false>(c, [](double cur, double m) { return cur < m || std::isnan(m); });
}

// The latest timestamp of the maximum / minimum.
std::optional<double> TsOfMaxOverTime(const RangeCall& c) {
  return CompareOverTime<true>(c, [](double cur, double m) { return cur >= m || std::isnan(m); });
}

std::optional<double> TsOfMinOverTime(const RangeCall& c) {
  return CompareOverTime<true>(c, [](double cur, double m) { return cur <= m || std::isnan(m); });
}

std::optional<double> LastOverTime(const RangeCall& c) { return c.window.back().v; }
std::optional<double> FirstOverTime(const RangeCall& c) { return c.window.front().v; }

std::optional<double> TsOfLastOverTime(const RangeCall& c) {
  return static_cast<double>(c.window.back().t) / 1000;
}

std::optional<double> TsOfFirstOverTime(const RangeCall& c) {
  return static_cast<double>(c.window.front().t) / 1000;
}

std::optional<double> PresentOverTime(const RangeCall&) { return 1; }

// Welford's algorithm with Kahan-compensated mean and sum of squares.
double VarianceOverTime(const RangeCall& c) {
  double count = 0;
  double mean = 0, c_mean = 0;
  double aux = 0, c_aux = 0;
  for (const FPoint& p : c.window) {
    count++;
    double delta = p.v - (mean + c_mean);
    KahanAdd(delta / count, mean, c_mean);
    KahanAdd(delta * (p.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}

std::optional<double> StdvarOverTime(const RangeCall& c) { return VarianceOverTime(c); }
std::optional<double> StddevOverTime(const RangeCall& c) { return std::sqrt(VarianceOverTime(c)); }

std::optional<double> QuantileOverTime(const RangeCall& c) {
  if (c.scalars.empty()) return std::nullopt;
  double q = c.scalars[0];
  MaybeWarnInvalidQuantile(q, c.call, 0, c.annotations);
  std::vector<double> values;
  values.reserve(c.window.size());
  for (const FPoint& p : c.window) values.push_back(p.v);
  return Quantile(q, values);
}

std::optional<double> MadOverTime(const RangeCall& c) {
  std::vector<double> values;
  values.reserve(c.window.size());
  for (const FPoint& p : c.window) {
    // A NaN makes the median, and so the deviation, undefined.
    if (std::isnan(p.v)) return kNaN;
    values.push_back(p.v);
  }
  double median = Quantile(0.5, values);
  for (double& v : values) v = std::fabs(v - median);
  return Quantile(0.5, values);
}

bool ValidSmoothingFactor(double f) { return !(f <= 0 || f >= 1); }

// Holt's linear (double exponential) smoothing; sf and tf are checked by
// ValidateRangeScalars, and an invalid one gives no value here.
std::optional<double> DoubleExponentialSmoothing(const RangeCall& c) {
  if (c.scalars.size() < 2) return std::nullopt;
  const double sf = c.scalars[0];
  const double tf = c.scalars[1];
  if (!ValidSmoothingFactor(sf) || !ValidSmoothingFactor(tf)) return std::nullopt;
  std::span<const FPoint> f = c.window;
  if (f.size() < 2) return std::nullopt;
  double s0 = 0;
  double s1 = f[0].v;
  double b = f[1].v - f[0].v;
  for (size_t i = 1; i < f.size(); ++i) {
    double x = sf * f[i].v;
    // The trend at this point; the first step uses the initial trend as is.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

// Go's %f: six decimals, with Go's spelling of NaN and infinities.
std::string GoFormatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

// Sorted by name.
constexpr FunctionImpl kRangeFunctions[] = {
    {"avg_over_time", AvgOverTime},
    {"changes", Changes},
    {"count_over_time", CountOverTime},
    {"delta", Delta},
    {"deriv", Deriv},
    {"double_exponential_smoothing", DoubleExponentialSmoothing},
    {"first_over_time", FirstOverTime, nullptr, true},
    {"idelta", Idelta},
    {"increase", Increase},
    {"irate", Irate},
    {"last_over_time", LastOverTime, nullptr, true},
    {"mad_over_time", MadOverTime},
    {"max_over_time", MaxOverTime},
    {"min_over_time", MinOverTime},
    {"predict_linear", PredictLinear},
    {"present_over_time", PresentOverTime},
    {"quantile_over_time", QuantileOverTime},
    {"rate", Rate},
    {"resets", Resets},
    {"stddev_over_time", StddevOverTime},
    {"stdvar_over_time", StdvarOverTime},
    {"sum_over_time", SumOverTime},
    {"ts_of_first_over_time", TsOfFirstOverTime},
    {"ts_of_last_over_time", TsOfLastOverTime},
    {"ts_of_max_over_time", TsOfMaxOverTime},
    {"ts_of_min_over_time", TsOfMinOverTime},
};

}  // namespace

std::span<const FunctionImpl> RangeFunctionImpls() { return kRangeFunctions; }

Status ValidateRangeScalars(std::string_view name, std::span<const double> scalars) {
  if (name == "double_exponential_smoothing" && scalars.size() >= 2) {
    if (!ValidSmoothingFactor(scalars[0])) {
      return InvalidArgumentError(
          std::string("invalid smoothing factor. Expected: 0 < sf < 1, got: ")
              .append(GoFormatF(scalars[0])));
    }
    if (!ValidSmoothingFactor(scalars[1])) {
      return InvalidArgumentError(std::string("invalid trend factor. Expected: 0 < tf < 1, got: ")
                                      .append(GoFormatF(scalars[1])));
    }
  }
  return OkStatus();
}

}  // namespace osprey::promql::internal
