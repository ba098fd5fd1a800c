// Helpers for the function_impl tests: series builders and calls of one function at one
// step, the way the engine makes them.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/check.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"
#include "promql/parser.h"

namespace osprey::promql::internal::testutil {

// Samples at start, start + step, ... with the given values.
inline std::vector<FPoint> Series(int64_t start, int64_t step, const std::vector<double>& values) {
  std::vector<FPoint> out;
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back({.t = start + static_cast<int64_t>(i) * step, .v = values[i]});
  }
  return out;
}

// The promqltest series "a+bxn": n + 1 samples a, a + b, ..., a + n * b.
inline std::vector<FPoint> Ramp(int64_t start, int64_t step, double a, double b, int n) {
  std::vector<FPoint> out;
  for (int i = 0; i <= n; ++i) out.push_back({.t = start + i * step, .v = a + i * b});
  return out;
}

// One call of a range function on the window (end - range, end] of `points`.
struct RangeEval {
  std::string_view fn;
  std::vector<FPoint> points;
  int64_t end = 0;
  int64_t range = 0;
  std::vector<double> scalars;
  int64_t eval_t = -1;  // default: end
  model::Labels labels;
  const Call* call = nullptr;
  Annotations* annotations = nullptr;
  // Also pass the samples this far before / after the window, as the engine does for
  // anchored (before) and smoothed (both) selectors.
  int64_t extend_before = 0;
  int64_t extend_after = 0;
};

inline std::optional<double> Eval(const RangeEval& e) {
  const FunctionImpl* f = LookupFunctionImpl(e.fn);
  OSPREY_CHECK(f != nullptr && f->range != nullptr) << e.fn;
  std::vector<FPoint> window;
  for (const FPoint& p : e.points) {
    if (p.t > e.end - e.range - e.extend_before && p.t <= e.end + e.extend_after) {
      window.push_back(p);
    }
  }
  if (window.empty()) return std::nullopt;  // the engine skips empty windows
  // The engine passes the selector's anchored/smoothed modifiers.
  const VectorSelector* vs = nullptr;
  if (e.call != nullptr) {
    for (const ExprPtr& arg : e.call->args) {
      if (arg->kind() == ExprKind::kMatrixSelector) vs = arg->As<MatrixSelector>().selector.get();
    }
  }
  RangeCall call{.window = window,
                 .window_start = e.end - e.range,
                 .window_end = e.end,
                 .eval_t = e.eval_t < 0 ? e.end : e.eval_t,
                 .scalars = e.scalars,
                 .labels = &e.labels,
                 .metric_name = e.labels.MetricName(),
                 .anchored = vs != nullptr && vs->anchored,
                 .smoothed = vs != nullptr && vs->smoothed,
                 .annotations = e.annotations,
                 .call = e.call};
  return f->range(call);
}

// Arguments of a vector function.
inline ArgValue VectorArg(const Vector& v) { return {.type = ValueType::kVector, .vector = &v}; }
inline ArgValue ScalarArg(double v) { return {.type = ValueType::kScalar, .scalar = v}; }
inline ArgValue StringArg(std::string_view s) { return {.type = ValueType::kString, .string = s}; }

struct VectorEval {
  std::string_view fn;
  std::vector<ArgValue> args;
  int64_t t = 0;
  const Call* call = nullptr;
  Annotations* annotations = nullptr;
};

inline Result<Vector> Eval(const VectorEval& e) {
  const FunctionImpl* f = LookupFunctionImpl(e.fn);
  OSPREY_CHECK(f != nullptr && f->vector != nullptr) << e.fn;
  VectorCall call{.t = e.t, .args = e.args, .annotations = e.annotations, .call = e.call};
  Vector out;
  Status s = f->vector(call, out);
  if (!s.ok()) return s;
  return out;
}

// A parsed query whose outermost call supplies argument positions.
class ParsedCall {
 public:
  explicit ParsedCall(std::string_view query) {
    Result<ExprPtr> e = ParseExpr(query);
    OSPREY_CHECK(e.ok()) << e.status().ToString();
    expr_ = std::move(e).value();
    const Expr* x = expr_.get();
    while (x->kind() == ExprKind::kParen) x = x->As<ParenExpr>().expr.get();
    call = &x->As<Call>();
  }
  const Call* call = nullptr;

 private:
  ExprPtr expr_;
};

}  // namespace osprey::promql::internal::testutil
