// How the engine calls PromQL functions (implemented in function_impl*.cc), after
// Prometheus's promql/functions.go. The engine evaluates arguments, walks steps and
// series; a function only computes values for one step.
//
// Two shapes:
//  - Range functions (an argument is a range vector: rate, *_over_time, deriv, ...): the
//    engine calls `range` once per series and step with that series' window.
//  - All others: the engine calls `vector` once per step with the evaluated arguments.
// The engine itself handles absent, absent_over_time, scalar, time, pi, vector,
// info and timestamp's choice of sample times (see engine.cc); `vector` is still given
// for time/pi/vector where simple.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "promql/ast.h"
#include "promql/value.h"

namespace osprey::promql::internal {

// One call of a range function: one series, one step.
struct RangeCall {
  // Samples with window_start < t <= window_end, increasing t, stale markers removed.
  // Never empty: the engine skips series with no samples in the window.
  std::span<const FPoint> window;
  // The window bounds in ms: window_end is the step's time (after @ and offset) and
  // window_start = window_end - range (rate's extrapolation and the left-open window).
  model::Timestamp window_start = 0;
  model::Timestamp window_end = 0;
  // The step's evaluation time (before offset/@), for predict_linear-like functions that
  // Prometheus computes relative to it.
  model::Timestamp eval_t = 0;
  // The non-range arguments at this step, in argument order (quantile_over_time's φ,
  // predict_linear's t, double_exponential_smoothing's sf and tf).
  std::span<const double> scalars;
  // The output series' labels (__name__ already dropped where the function drops it) and
  // the input's metric name (looked up once per series by the engine, for annotations).
  const model::Labels* labels = nullptr;
  std::string_view metric_name;
  // The range argument is a selector with the anchored / smoothed modifier.
  bool anchored = false;
  bool smoothed = false;
  // Where to report annotations; positions as Prometheus reports them.
  Annotations* annotations = nullptr;
  const Call* call = nullptr;
};

// Returns the value, or nullopt for no output at this step.
using RangeFunction = std::optional<double> (*)(const RangeCall& call);

// One argument of a vector function at one step.
struct ArgValue {
  ValueType type = ValueType::kNone;  // kVector, kScalar or kString
  const Vector* vector = nullptr;     // kVector
  double scalar = 0;                  // kScalar
  std::string_view string;            // kString
};

// One call of a non-range function: one step.
struct VectorCall {
  model::Timestamp t = 0;          // the step's time (ms)
  std::span<const ArgValue> args;  // in argument order; optional arguments left out
  Annotations* annotations = nullptr;
  const Call* call = nullptr;
};

// Appends the step's output samples to `out` (labels already final: drop __name__ where
// Prometheus does; `t` = call.t). Errors: kInvalidArgument / kFailedPrecondition with
// Prometheus's message ("invalid regular expression in label_replace(): ...").
using VectorFunction = Status (*)(const VectorCall& call, Vector& out);

struct FunctionImpl {
  std::string_view name;
  RangeFunction range = nullptr;    // set for functions with a range-vector argument
  VectorFunction vector = nullptr;  // set for the others
  // Range functions only: whether the output keeps __name__ (last_over_time,
  // first_over_time: yes; rate, sum_over_time, ...: no).
  bool keeps_metric_name = false;
};

// nullptr when the engine handles the function itself or it is unknown.
const FunctionImpl* LookupFunctionImpl(std::string_view name);

// Numerics shared with the aggregations.
// Prometheus's quantile (φ-quantile with linear interpolation, NaN for φ NaN, -Inf for
// φ < 0, +Inf for φ > 1); reorders `values`. Requires non-empty values.
double Quantile(double phi, std::span<double> values);
// Kahan-Babuska-Neumaier compensated addition: adds `inc` to (sum, c).
void KahanAdd(double inc, double& sum, double& c);

}  // namespace osprey::promql::internal
