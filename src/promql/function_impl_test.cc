// Tests for the range functions and shared numerics of internal/function_impl.h, with
// cases taken from Prometheus's promql test scripts (functions.test,
// extended_vectors.test) evaluated on a single window.
#include "promql/internal/function_impl.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "promql/function_impl_test_util.h"
#include "promql/functions.h"

namespace osprey::promql::internal {
namespace {

using model::Labels;
using testutil::Eval;
using testutil::ParsedCall;
using testutil::Ramp;
using testutil::RangeEval;
using testutil::Series;

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(FunctionImplTableTest, CoversEveryFunctionTheEngineDoesNotHandle) {
  for (const Function& f : AllFunctions()) {
    SCOPED_TRACE(f.name);
    bool engine_handled = f.name == "absent" || f.name == "absent_over_time" ||
                          f.name == "scalar" || f.name == "info" || f.name == "start" ||
                          f.name == "end" || f.name == "step" || f.name == "range";
    const FunctionImpl* impl = LookupFunctionImpl(f.name);
    if (engine_handled) {
      EXPECT_EQ(impl, nullptr);
      continue;
    }
    ASSERT_NE(impl, nullptr);
    EXPECT_EQ(impl->name, f.name);
    bool has_matrix_arg = false;
    for (ValueType t : f.args()) has_matrix_arg |= t == ValueType::kMatrix;
    EXPECT_EQ(impl->range != nullptr, has_matrix_arg);
    EXPECT_EQ(impl->vector != nullptr, !has_matrix_arg);
  }
  EXPECT_EQ(LookupFunctionImpl("no_such_function"), nullptr);
}

TEST(FunctionImplTableTest, OnlyFirstAndLastOverTimeKeepTheMetricName) {
  for (const Function& f : AllFunctions()) {
    const FunctionImpl* impl = LookupFunctionImpl(f.name);
    if (impl == nullptr || impl->range == nullptr) continue;
    EXPECT_EQ(impl->keeps_metric_name, f.name == "last_over_time" || f.name == "first_over_time")
        << f.name;
  }
}

TEST(RateTest, ExtrapolatesAndCorrectsCounterResets) {
  // testcounter_reset_middle_total 0+27x4 0+27x5, rate(...[50m]) at 50m.
  std::vector<FPoint> s = Series(0, 5 * kMin, {0, 27, 54, 81, 108, 0, 27, 54, 81, 108, 135});
  EXPECT_DOUBLE_EQ(*Eval({.fn = "rate", .points = s, .end = 50 * kMin, .range = 50 * kMin}), 0.08);
  // A reset between the last two samples is still an increase.
  std::vector<FPoint> end_reset = Series(0, 5 * kMin, {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 0});
  EXPECT_DOUBLE_EQ(*Eval({.fn = "rate", .points = end_reset, .end = 50 * kMin, .range = 6 * kMin}),
                   0);
  // One sample in the window: no rate.
  EXPECT_FALSE(Eval({.fn = "rate", .points = s, .end = 50 * kMin, .range = 5 * kMin}));
}

TEST(RateTest, IncreaseStopsExtrapolationAtTheCounterZeroPoint) {
  auto increase = [](std::vector<FPoint> s) {
    return *Eval({.fn = "increase", .points = std::move(s), .end = 50 * kMin, .range = 100 * kMin});
  };
  // From functions.test: "dings" extrapolates half an interval, "bumms" only to zero.
  EXPECT_DOUBLE_EQ(increase(Ramp(0, 5 * kMin, 0, 10, 10)), 100);
  EXPECT_DOUBLE_EQ(increase(Ramp(0, 5 * kMin, 10, 10, 10)), 105);
  EXPECT_DOUBLE_EQ(increase(Ramp(0, 5 * kMin, 1, 10, 10)), 101);
  std::vector<FPoint> bar = Ramp(0, 5 * kMin, 0, 18, 5);
  for (FPoint p : Ramp(30 * kMin, 5 * kMin, 0, 18, 5)) bar.push_back(p);
  EXPECT_DOUBLE_EQ(increase(bar), 162);
}

TEST(RateTest, ZeroCutoffOnlyWithinHalfAnInterval) {
  // testcounter_zero_cutoff_total, load 4m, rate(...[20m]) at 10m.
  auto rate = [](double start) {
    return *Eval({.fn = "rate",
                  .points = Ramp(0, 4 * kMin, start, 240, 10),
                  .end = 10 * kMin,
                  .range = 20 * kMin});
  };
  EXPECT_DOUBLE_EQ(rate(0), 0.5);
  EXPECT_DOUBLE_EQ(rate(60), 0.55);
  EXPECT_DOUBLE_EQ(rate(120), 0.6);
  EXPECT_DOUBLE_EQ(rate(300), 0.6);
}

TEST(RateTest, DeltaDoesNotTreatDecreasesAsResets) {
  std::vector<FPoint> s = Series(0, kMin, {10, 5, 0});
  // -10 over two intervals, extrapolated by one more to the window's start.
  EXPECT_DOUBLE_EQ(*Eval({.fn = "delta", .points = s, .end = 2 * kMin, .range = 3 * kMin}), -15);
}

TEST(RateTest, InfoWhenTheNameDoesNotLookLikeACounter) {
  ParsedCall q("rate(foo[5m])");
  Annotations annotations;
  std::vector<FPoint> s = Series(0, kMin, {1, 2, 3});
  Eval({.fn = "rate",
        .points = s,
        .end = 2 * kMin,
        .range = 5 * kMin,
        .labels = Labels::FromStrings({"__name__", "foo", "job", "a"}),
        .call = q.call,
        .annotations = &annotations});
  ASSERT_EQ(annotations.items().size(), 1u);
  EXPECT_EQ(annotations.items()[0].message,
            "PromQL info: metric might not be a counter, name does not end in "
            "_total/_sum/_count/_bucket: \"foo\"");
  EXPECT_TRUE(annotations.items()[0].info);
  EXPECT_EQ(annotations.items()[0].pos.start, 5);
  EXPECT_EQ(annotations.items()[0].pos.end, 12);

  Annotations none;
  for (std::string_view name : {"foo_total", "foo_bucket", "foo_sum", "foo_count"}) {
    Eval({.fn = "increase",
          .points = s,
          .end = 2 * kMin,
          .range = 5 * kMin,
          .labels = Labels::FromStrings({"__name__", name}),
          .call = q.call,
          .annotations = &none});
  }
  Eval({.fn = "delta",
        .points = s,
        .end = 2 * kMin,
        .range = 5 * kMin,
        .labels = Labels::FromStrings({"__name__", "foo"}),
        .call = q.call,
        .annotations = &none});
  EXPECT_TRUE(none.empty());
}

TEST(RateTest, AnchoredAndSmoothedUseTheSamplesAroundTheRange) {
  // extended_vectors.test: metric 1+1x4 9+1x4 at 15s intervals. The engine passes the
  // samples within the lookback delta around the range.
  std::vector<FPoint> s = Series(0, 15 * kSec, {1, 2, 3, 4, 5, 9, 10, 11, 12, 13});
  ParsedCall anchored("increase(metric[1m] anchored)");
  ParsedCall smoothed("increase(metric[1m] smoothed)");
  constexpr int64_t kLookback = 5 * kMin;
  auto eval = [&](const ParsedCall& q, int64_t at) {
    bool is_smoothed = &q == &smoothed;
    return Eval({.fn = "increase",
                 .points = s,
                 .end = at,
                 .range = kMin,
                 .call = q.call,
                 .extend_before = kLookback,
                 .extend_after = is_smoothed ? kLookback : 0});
  };
  EXPECT_DOUBLE_EQ(*eval(anchored, 5 * kSec), 0);
  EXPECT_DOUBLE_EQ(*eval(anchored, 80 * kSec), 7);
  EXPECT_DOUBLE_EQ(*eval(anchored, 125 * kSec), 7);
  EXPECT_NEAR(*eval(smoothed, 5 * kSec), 0.333333333, 1e-9);
  EXPECT_DOUBLE_EQ(*eval(smoothed, 65 * kSec), 5);
  EXPECT_DOUBLE_EQ(*eval(smoothed, 125 * kSec), 6);
}

TEST(RateTest, ExtendedSelectorCasesFromUpstream) {
  constexpr double kGap = -12345;  // no sample at this step
  struct Case {
    std::string_view query;  // parsed for the anchored/smoothed flag
    std::vector<double> values;
    int64_t step;
    int64_t at;
    int64_t range;
    std::optional<double> want;
  };
  const Case cases[] = {
      {"increase(m[1m] smoothed)", {1, 2, kGap, 4, 5}, kMin, 2 * kMin, kMin, 1},
      {"increase(m[1m] anchored)", {1, 2, kGap, 4, 5}, kMin, 2 * kMin, kMin, std::nullopt},
      {"increase(m[1m] smoothed)",
       {1, 2, 3, kGap, kGap, 9, 10, 11, 12, 13},
       15 * kSec,
       50 * kSec,
       kMin,
       14.0 / 3},
      {"increase(m[1m] anchored)",
       {1, 2, 3, kGap, kGap, 9, 10, 11, 12, 13},
       15 * kSec,
       125 * kSec,
       kMin,
       9},
      {"delta(m[1m] anchored)", {5, 8, 11, 3, 6, 9, 12, 15, 18}, kMin, 3 * kMin, kMin, -8},
      {"delta(m[5m] smoothed)", {11, -1, 100, 0}, kMin, 5 * kMin + 30 * kSec, 5 * kMin, -5},
      {"delta(m[5m] smoothed)", {0, 0, 100, 0, 0, 11, -1}, kMin, 5 * kMin + 45 * kSec, 5 * kMin, 2},
      {"increase(m[2m] smoothed)", {9, 8, 5, 4}, kMin, 2 * kMin + 15 * kSec, 2 * kMin, 12},
      {"rate(m[10s] smoothed)", {100, 10}, 15 * kSec, 12 * kSec, 10 * kSec, 0.666666666666667},
      {"changes(m[5m] anchored)", {1, 2, 3, 4, 5, 6, 7}, kMin, 5 * kMin, 5 * kMin, 5},
      {"changes(m[5m] anchored)", {1, 1, 2, 3, 4, 5, 6}, kMin, 5 * kMin, 5 * kMin, 4},
      {"resets(m[5m] anchored)",
       {99, 98, 97, 96, 95, 94, 93},
       kMin,
       5 * kMin + 30 * kSec,
       5 * kMin,
       5},
      {"resets(m[1m1ms] anchored)",
       {2, kGap, 1, kGap, kGap, kGap, kGap, kGap, 0},
       kMin,
       8 * kMin,
       kMin + 1,
       1},
      {"changes(m[1m] anchored)",
       {2, kGap, 1, kGap, kGap, kGap, kGap, kGap, 0},
       kMin,
       8 * kMin,
       kMin,
       0},
      {"resets(m[1m] anchored)",
       {2, kGap, 1, kGap, kGap, kGap, kGap, kGap, 0},
       kMin,
       3 * kMin,
       kMin,
       std::nullopt},
  };
  constexpr int64_t kLookback = 5 * kMin;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.query).append(" at ").append(std::to_string(c.at)));
    ParsedCall q(c.query);
    std::vector<FPoint> points;
    for (size_t i = 0; i < c.values.size(); ++i) {
      if (c.values[i] != kGap)
        points.push_back({.t = static_cast<int64_t>(i) * c.step, .v = c.values[i]});
    }
    std::string_view fn = c.query.substr(0, c.query.find('('));
    bool smoothed = c.query.find("smoothed") != std::string_view::npos;
    std::optional<double> got = Eval({.fn = fn,
                                      .points = points,
                                      .end = c.at,
                                      .range = c.range,
                                      .call = q.call,
                                      .extend_before = kLookback,
                                      .extend_after = smoothed ? kLookback : 0});
    ASSERT_EQ(got.has_value(), c.want.has_value());
    if (got) {
      EXPECT_NEAR(*got, *c.want, 1e-9);
    }
  }
}

TEST(IrateTest, UsesTheLastTwoSamples) {
  std::vector<FPoint> s = Series(0, 5 * kMin, {0, 10, 20, 30, 40, 50, 0, 10});
  EXPECT_DOUBLE_EQ(*Eval({.fn = "irate", .points = s, .end = 35 * kMin, .range = 50 * kMin}),
                   10.0 / 300);
  // After a reset the last value is the increase.
  EXPECT_DOUBLE_EQ(*Eval({.fn = "irate", .points = s, .end = 30 * kMin, .range = 50 * kMin}), 0);
  EXPECT_DOUBLE_EQ(*Eval({.fn = "idelta", .points = s, .end = 30 * kMin, .range = 50 * kMin}), -50);
  // NaN propagates (http_requests_nan 1 NaN NaN 5 11).
  std::vector<FPoint> nan = Series(0, 5 * kMin, {1, kNaN, kNaN, 5, 11});
  EXPECT_TRUE(std::isnan(
      *Eval({.fn = "irate", .points = nan, .end = 15 * kMin, .range = 15 * kMin + 1000})));
  EXPECT_DOUBLE_EQ(
      *Eval({.fn = "irate", .points = nan, .end = 20 * kMin, .range = 15 * kMin + 1000}), 0.02);
}

TEST(DerivTest, LinearRegression) {
  // testcounter_reset_middle_total 0+10x4 0+10x5.
  std::vector<FPoint> s = Series(0, 5 * kMin, {0, 10, 20, 30, 40, 0, 10, 20, 30, 40, 50});
  EXPECT_DOUBLE_EQ(*Eval({.fn = "deriv", .points = s, .end = 50 * kMin, .range = 100 * kMin}),
                   0.010606060606060607);
  EXPECT_DOUBLE_EQ(*Eval({.fn = "predict_linear",
                          .points = s,
                          .end = 50 * kMin,
                          .range = 50 * kMin,
                          .scalars = {3600}}),
                   70);
  // predict_linear(...[55m] @ 3000, 3600) at 10m: relative to the evaluation time.
  EXPECT_DOUBLE_EQ(*Eval({.fn = "predict_linear",
                          .points = s,
                          .end = 50 * kMin,
                          .range = 55 * kMin,
                          .scalars = {3600},
                          .eval_t = 10 * kMin}),
                   51.36363636363637);
  // Infinities make the slope NaN.
  std::vector<FPoint> inf = Series(0, kMin, {-kInf, 0, 80, kInf});
  EXPECT_TRUE(
      std::isnan(*Eval({.fn = "deriv", .points = inf, .end = 3 * kMin, .range = 10 * kMin})));
  EXPECT_FALSE(Eval({.fn = "deriv", .points = s, .end = 50 * kMin, .range = 5 * kMin}));
}

TEST(ResetsChangesTest, CountAdjacentPairs) {
  std::vector<FPoint> foo = Series(0, 5 * kMin, {1, 2, 3, 0, 1, 0, 0, 1, 2, 0});
  EXPECT_EQ(*Eval({.fn = "resets", .points = foo, .end = 50 * kMin, .range = 50 * kMin}), 3);
  EXPECT_EQ(*Eval({.fn = "changes", .points = foo, .end = 50 * kMin, .range = 50 * kMin}), 7);
  EXPECT_EQ(*Eval({.fn = "resets", .points = foo, .end = 50 * kMin, .range = 10 * kMin}), 0);
  std::vector<FPoint> nan = Series(0, 5 * kMin, {0, kNaN, 0});
  EXPECT_EQ(*Eval({.fn = "changes", .points = nan, .end = 15 * kMin, .range = 20 * kMin}), 2);
  std::vector<FPoint> all_nan = Series(0, 5 * kMin, {kNaN, kNaN, kNaN});
  EXPECT_EQ(*Eval({.fn = "changes", .points = all_nan, .end = 15 * kMin, .range = 20 * kMin}), 0);
}

TEST(OverTimeTest, AvgAndSumUseKahanAndAvoidOverflow) {
  std::vector<FPoint> big = Series(0, 10 * kSec, {1, 1e100, 1, -1e100});
  EXPECT_EQ(*Eval({.fn = "sum_over_time", .points = big, .end = kMin, .range = 2 * kMin}), 2);
  EXPECT_EQ(*Eval({.fn = "avg_over_time", .points = big, .end = kMin, .range = 2 * kMin}), 0.5);
  std::vector<FPoint> huge = Series(0, 10 * kSec, {9.988465674311579e+307, 9.988465674311579e+307});
  EXPECT_EQ(*Eval({.fn = "avg_over_time", .points = huge, .end = 55 * kSec, .range = kMin}),
            9.988465674311579e+307);
  EXPECT_EQ(*Eval({.fn = "sum_over_time", .points = huge, .end = 55 * kSec, .range = kMin}), kInf);
  std::vector<FPoint> flat = Ramp(0, 10 * kSec, 52, 0, 100);
  EXPECT_EQ(*Eval({.fn = "avg_over_time", .points = flat, .end = 10 * kMin, .range = 130 * kSec}),
            52);
  std::vector<FPoint> inf = Series(0, 10 * kSec, {kInf, 0, kInf});
  EXPECT_EQ(*Eval({.fn = "avg_over_time", .points = inf, .end = 55 * kSec, .range = kMin}), kInf);
  std::vector<FPoint> mixed_inf = Series(0, 10 * kSec, {1, 2, 3, kInf, -kInf});
  EXPECT_TRUE(std::isnan(
      *Eval({.fn = "avg_over_time", .points = mixed_inf, .end = 55 * kSec, .range = kMin})));
}

TEST(OverTimeTest, MinMaxCountLastFirstPresent) {
  std::vector<FPoint> s = Series(0, 10 * kSec, {2, kNaN, 1});
  auto eval = [&](std::string_view fn) {
    return *Eval({.fn = fn, .points = s, .end = kMin, .range = 2 * kMin});
  };
  EXPECT_EQ(eval("min_over_time"), 1);
  EXPECT_EQ(eval("max_over_time"), 2);
  EXPECT_EQ(eval("count_over_time"), 3);
  EXPECT_EQ(eval("last_over_time"), 1);
  EXPECT_EQ(eval("first_over_time"), 2);
  EXPECT_EQ(eval("present_over_time"), 1);
  std::vector<FPoint> nan_first = Series(0, 10 * kSec, {kNaN, 0, 1});
  EXPECT_EQ(*Eval({.fn = "min_over_time", .points = nan_first, .end = kMin, .range = 2 * kMin}), 0);
}

TEST(OverTimeTest, TimestampsOfMinMaxFirstLastInSeconds) {
  // load 10s53ms: metric 1 2 3 0 5 6 2 1 4, at 90s over [90s].
  std::vector<FPoint> s = Series(0, 10053, {1, 2, 3, 0, 5, 6, 2, 1, 4});
  auto eval = [&](std::string_view fn) {
    return *Eval({.fn = fn, .points = s, .end = 90 * kSec, .range = 90 * kSec});
  };
  EXPECT_DOUBLE_EQ(eval("ts_of_min_over_time"), 30.159);
  EXPECT_DOUBLE_EQ(eval("ts_of_max_over_time"), 50.265);
  EXPECT_DOUBLE_EQ(eval("ts_of_first_over_time"), 10.053);
  EXPECT_DOUBLE_EQ(eval("ts_of_last_over_time"), 80.424);
  // Ties: the latest timestamp of the extreme value.
  std::vector<FPoint> ties = Series(0, kSec, {1, 3, 3, 1});
  EXPECT_EQ(*Eval({.fn = "ts_of_max_over_time", .points = ties, .end = 3 * kSec, .range = kMin}),
            2);
  EXPECT_EQ(*Eval({.fn = "ts_of_min_over_time", .points = ties, .end = 3 * kSec, .range = kMin}),
            3);
}

TEST(OverTimeTest, StddevStdvarMad) {
  std::vector<FPoint> s = Series(0, 10 * kSec, {0, 8, 8, 2, 3});
  EXPECT_DOUBLE_EQ(*Eval({.fn = "stdvar_over_time", .points = s, .end = kMin, .range = 2 * kMin}),
                   10.56);
  EXPECT_NEAR(*Eval({.fn = "stddev_over_time", .points = s, .end = kMin, .range = 2 * kMin}),
              3.249615, 1e-6);
  std::vector<FPoint> constant =
      Series(0, 10 * kSec, {1.5990505637277868, 1.5990505637277868, 1.5990505637277868});
  EXPECT_EQ(*Eval({.fn = "stdvar_over_time", .points = constant, .end = 55 * kSec, .range = kMin}),
            0);
  std::vector<FPoint> m = Series(0, 10 * kSec, {4, 6, 2, 1, 999, 1, 2});
  EXPECT_EQ(*Eval({.fn = "mad_over_time", .points = m, .end = 70 * kSec, .range = 70 * kSec}), 1);
  std::vector<FPoint> nan = Series(0, 10 * kSec, {1, 2, kNaN, 4});
  EXPECT_TRUE(std::isnan(
      *Eval({.fn = "mad_over_time", .points = nan, .end = 30 * kSec, .range = 40 * kSec})));
}

TEST(OverTimeTest, QuantileOverTimeWarnsOutsideZeroToOne) {
  std::vector<FPoint> s = Series(0, 10 * kSec, {0, 1, 4});
  auto eval = [&](double q, Annotations* a = nullptr, const Call* call = nullptr) {
    return *Eval({.fn = "quantile_over_time",
                  .points = s,
                  .end = kMin,
                  .range = 2 * kMin,
                  .scalars = {q},
                  .call = call,
                  .annotations = a});
  };
  EXPECT_EQ(eval(0), 0);
  EXPECT_EQ(eval(0.5), 1);
  EXPECT_EQ(eval(0.75), 2.5);
  EXPECT_DOUBLE_EQ(eval(0.8), 2.8);
  EXPECT_EQ(eval(1), 4);
  ParsedCall q("quantile_over_time(-1, data[2m])");
  Annotations annotations;
  EXPECT_EQ(eval(-1, &annotations, q.call), -kInf);
  EXPECT_EQ(eval(2), kInf);
  ASSERT_EQ(annotations.Warnings().size(), 1u);
  EXPECT_EQ(annotations.Warnings()[0],
            "PromQL warning: quantile value should be between 0 and 1, got -1");
  EXPECT_EQ(annotations.items()[0].pos.start, 19);  // the φ argument
  EXPECT_EQ(annotations.items()[0].pos.end, 21);
}

TEST(DoubleExponentialSmoothingTest, FollowsTheTrend) {
  auto eval = [](std::vector<FPoint> s) {
    return *Eval({.fn = "double_exponential_smoothing",
                  .points = std::move(s),
                  .end = 8000 * kSec,
                  .range = kMin,
                  .scalars = {0.01, 0.1}});
  };
  EXPECT_NEAR(eval(Ramp(0, 10 * kSec, 0, 10, 1000)), 8000, 1e-6);
  EXPECT_NEAR(eval(Ramp(0, 10 * kSec, 0, 40, 2000)), 32000, 1e-6);
  EXPECT_NEAR(eval(Ramp(0, 10 * kSec, 8000, -10, 1000)), 0, 1e-6);
  // Needs two samples.
  EXPECT_FALSE(Eval({.fn = "double_exponential_smoothing",
                     .points = Series(0, kMin, {1}),
                     .end = 0,
                     .range = kMin,
                     .scalars = {0.5, 0.5}}));
}

TEST(DoubleExponentialSmoothingTest, FactorsMustBeBetweenZeroAndOne) {
  EXPECT_TRUE(
      ValidateRangeScalars("double_exponential_smoothing", std::vector<double>{0.5, 0.5}).ok());
  Status sf = ValidateRangeScalars("double_exponential_smoothing", std::vector<double>{0, 0.5});
  EXPECT_EQ(sf.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sf.message(), "invalid smoothing factor. Expected: 0 < sf < 1, got: 0.000000");
  Status tf = ValidateRangeScalars("double_exponential_smoothing", std::vector<double>{0.5, 1});
  EXPECT_EQ(tf.message(), "invalid trend factor. Expected: 0 < tf < 1, got: 1.000000");
  EXPECT_EQ(ValidateRangeScalars("double_exponential_smoothing", std::vector<double>{0.5, kInf})
                .message(),
            "invalid trend factor. Expected: 0 < tf < 1, got: +Inf");
  EXPECT_TRUE(ValidateRangeScalars("rate", {}).ok());
  EXPECT_FALSE(Eval({.fn = "double_exponential_smoothing",
                     .points = Series(0, kMin, {1, 2, 3}),
                     .end = 2 * kMin,
                     .range = 5 * kMin,
                     .scalars = {1.5, 0.5}}));
}

TEST(QuantileTest, InterpolatesAndHandlesEdges) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_EQ(Quantile(0.5, v), 2.5);
  EXPECT_EQ(Quantile(0, v), 1);
  EXPECT_EQ(Quantile(1, v), 4);
  EXPECT_TRUE(std::isnan(Quantile(kNaN, v)));
  EXPECT_EQ(Quantile(-0.1, v), -kInf);
  EXPECT_EQ(Quantile(1.1, v), kInf);
  std::vector<double> one = {7};
  EXPECT_EQ(Quantile(0.3, one), 7);
  // NaN sorts first: between NaN and 0 the interpolation is NaN.
  std::vector<double> with_nan = {0, kNaN, 1, 2, 3};
  EXPECT_TRUE(std::isnan(Quantile(0.2, with_nan)));
  EXPECT_EQ(Quantile(0.75, with_nan), 2);
}

TEST(KahanAddTest, CompensatesLostLowOrderBits) {
  double sum = 0;
  double c = 0;
  for (double v : {1.0, 1e100, 1.0, -1e100}) KahanAdd(v, sum, c);
  EXPECT_EQ(sum + c, 2);
  double inf_sum = 0;
  double inf_c = 0;
  KahanAdd(kInf, inf_sum, inf_c);
  KahanAdd(1, inf_sum, inf_c);
  EXPECT_EQ(inf_sum, kInf);
  EXPECT_EQ(inf_c, 0);
}

}  // namespace
}  // namespace osprey::promql::internal
