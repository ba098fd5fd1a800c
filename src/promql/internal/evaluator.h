// The evaluator behind Engine (engine.h): evaluates an AST over a grid of steps.
//
// Every instant-vector value is held dense over the steps of the grid: one value slot and
// one presence flag per step and series. Operators work series-wise (label work once per
// series, not once per step), which is where Prometheus's per-step hash lookups go.
// Subqueries evaluate their inner expression with a child Evaluator on their own grid.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "model/labels.h"
#include "promql/ast.h"
#include "promql/value.h"
#include "storage/metrics.h"

namespace osprey::promql::internal {

// One series of an instant-vector value over the grid.
struct StepSeries {
  model::Labels labels;
  std::vector<double> v;     // one per step
  std::vector<uint8_t> has;  // 1 where the series has a value
  std::vector<int64_t> ts;   // sample times, only for timestamp() over a selector

  void Init(size_t steps) {
    v.assign(steps, 0);
    has.assign(steps, 0);
  }
  size_t Count() const;
};

struct EvalValue {
  ValueType type = ValueType::kNone;
  std::vector<StepSeries> series;  // kVector
  std::vector<double> scalar;      // kScalar: one per step
  std::string str;                 // kString
  Matrix matrix;                   // kMatrix: raw samples (instant queries only)
  size_t Count() const;            // points held, for --query.max-samples
};

// State shared by an evaluator and the child evaluators of its subqueries.
struct EvalContext {
  storage::Querier* querier = nullptr;
  int64_t lookback_ms = 0;
  int64_t max_samples = 0;
  int64_t default_subquery_step_ms = 60000;
  int64_t query_start = 0;    // for @ start()
  int64_t query_end = 0;      // for @ end()
  int64_t query_step_ms = 0;  // 0 for instant queries (step())
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const std::atomic<bool>* cancelled = nullptr;
  std::function<bool()> client_gone;

  int64_t current_samples = 0;
  int64_t peak_samples = 0;
  int64_t samples_read = 0;
  uint32_t interrupt_counter = 0;
  Annotations annotations;

  // kDeadlineExceeded / kCancelled when the query must stop (cheap; call often).
  Status CheckInterrupt();
  // The same check every time; safe from several threads.
  Status CheckDeadline() const;
  // Accounts for points now held; kResourceExhausted over max_samples.
  Status AddSamples(int64_t n);
  void ReleaseSamples(int64_t n) { current_samples -= n; }
};

// The error Prometheus gives for two identical label sets in one vector.
Status SameLabelsetError();

// Output series keyed by label set, in first-seen order, with per-step duplicate
// detection ("vector cannot contain metrics with the same labelset").
class SeriesCollector {
 public:
  explicit SeriesCollector(size_t steps) : steps_(steps) {}
  // The index of the series with `labels`, created (empty) when new.
  size_t Index(const model::Labels& labels);
  // Sets the value at `step`; kFailedPrecondition when already set at this step.
  Status Set(size_t index, size_t step, double v);
  StepSeries& at(size_t index) { return series_[index]; }
  std::vector<StepSeries> Take();

 private:
  size_t steps_;
  std::vector<StepSeries> series_;
  std::unordered_multimap<uint64_t, size_t> by_hash_;
};

class Evaluator {
 public:
  // Evaluates over start, start+interval, ..., <= end (interval > 0).
  Evaluator(EvalContext& ctx, int64_t start, int64_t end, int64_t interval);

  Result<EvalValue> Eval(const Expr& expr);

  size_t steps() const { return steps_; }
  int64_t StepTime(size_t i) const { return start_ + static_cast<int64_t>(i) * interval_; }

 private:
  Result<EvalValue> EvalNode(const Expr& expr);
  Result<EvalValue> EvalVectorSelector(const VectorSelector& vs, bool keep_timestamps);
  Result<EvalValue> EvalMatrixInstant(const Expr& expr);  // foo[5m] / x[5m:1m] as a result
  Result<EvalValue> EvalUnary(const UnaryExpr& e);
  Result<EvalValue> EvalBinary(const BinaryExpr& e);
  Result<EvalValue> EvalVectorBinary(const BinaryExpr& e, EvalValue lhs, EvalValue rhs);
  Result<EvalValue> EvalSetOp(const BinaryExpr& e, EvalValue lhs, EvalValue rhs);
  Result<EvalValue> EvalAggregate(const AggregateExpr& e);
  Result<EvalValue> EvalCall(const Call& e);
  Result<EvalValue> EvalRangeCall(const Call& e, size_t matrix_arg);
  Result<EvalValue> EvalAbsent(const Call& e);

  // The @ time of a selector or subquery, or nullopt.
  std::optional<int64_t> AtTime(const std::optional<int64_t>& at_ms, AtModifier mod) const;

  // Raw points of the inner expression of a subquery, on the subquery's own grid,
  // covering every window of this grid.
  Result<Matrix> EvalSubqueryPoints(const SubqueryExpr& sq);

  // For each series of the range argument `arg` (MatrixSelector or SubqueryExpr):
  // begin(labels), then fn(step, window, window_start, window_end) for every step whose
  // window (window_start, window_end] holds samples (stale markers dropped).
  using SeriesBeginFn = std::function<Status(const model::Labels& labels)>;
  using WindowFn = std::function<Status(size_t step, std::span<const FPoint> window,
                                        int64_t window_start, int64_t window_end)>;
  Status ForEachWindow(const Expr& arg, const SeriesBeginFn& begin, const WindowFn& fn);

  EvalContext& ctx_;
  int64_t start_;
  int64_t end_;
  int64_t interval_;
  size_t steps_;
};

}  // namespace osprey::promql::internal
