// The evaluator's core: dispatch, selectors, range windows, subqueries, unary minus.
#include <algorithm>
#include <cmath>

#include "model/sample.h"
#include "promql/internal/evaluator.h"
#include "promql/internal/parallel.h"
#include "promql/internal/window.h"

namespace osprey::promql::internal {

size_t StepSeries::Count() const {
  return static_cast<size_t>(std::count(has.begin(), has.end(), uint8_t{1}));
}

size_t EvalValue::Count() const {
  size_t n = 0;
  switch (type) {
    case ValueType::kVector:
      for (const StepSeries& s : series) n += s.Count();
      break;
    case ValueType::kScalar:
      n = scalar.size();
      break;
    case ValueType::kMatrix:
      for (const SeriesPoints& s : matrix) n += s.points.size();
      break;
    default:
      break;
  }
  return n;
}

Status EvalContext::CheckInterrupt() {
  if ((interrupt_counter++ & 63) != 0) return OkStatus();
  return CheckDeadline();
}

Status EvalContext::CheckDeadline() const {
  if ((cancelled != nullptr && cancelled->load(std::memory_order_relaxed)) ||
      (client_gone && client_gone())) {
    return CancelledError("query was canceled in query execution");
  }
  if (deadline && std::chrono::steady_clock::now() > *deadline) {
    return DeadlineExceededError("query timed out in query execution");
  }
  return OkStatus();
}

Status EvalContext::AddSamples(int64_t n) {
  current_samples += n;
  peak_samples = std::max(peak_samples, current_samples);
  if (current_samples > max_samples) {
    return ResourceExhaustedError(
        "query processing would load too many samples into memory in query execution");
  }
  return OkStatus();
}

Status SameLabelsetError() {
  return FailedPreconditionError("vector cannot contain metrics with the same labelset");
}

size_t SeriesCollector::Index(const model::Labels& labels) {
  uint64_t h = labels.Hash();
  auto [it, end] = by_hash_.equal_range(h);
  for (; it != end; ++it) {
    if (series_[it->second].labels == labels) return it->second;
  }
  size_t idx = series_.size();
  series_.emplace_back();
  series_.back().labels = labels;
  series_.back().Init(steps_);
  by_hash_.emplace(h, idx);
  return idx;
}

Status SeriesCollector::Set(size_t index, size_t step, double v) {
  StepSeries& s = series_[index];
  if (s.has[step]) return SameLabelsetError();
  s.has[step] = 1;
  s.v[step] = v;
  return OkStatus();
}

std::vector<StepSeries> SeriesCollector::Take() {
  by_hash_.clear();
  std::vector<StepSeries> out;
  out.reserve(series_.size());
  for (StepSeries& s : series_) {
    if (std::find(s.has.begin(), s.has.end(), uint8_t{1}) != s.has.end()) {
      out.push_back(std::move(s));
    }
  }
  series_.clear();
  return out;
}

Evaluator::Evaluator(EvalContext& ctx, int64_t start, int64_t end, int64_t interval)
    : ctx_(ctx),
      start_(start),
      end_(end),
      interval_(interval),
      steps_(end < start ? 0 : static_cast<size_t>((end - start) / interval) + 1) {}

std::optional<int64_t> Evaluator::AtTime(const std::optional<int64_t>& at_ms,
                                         AtModifier mod) const {
  switch (mod) {
    case AtModifier::kStart:
      return ctx_.query_start;
    case AtModifier::kEnd:
      return ctx_.query_end;
    case AtModifier::kNone:
      break;
  }
  return at_ms;
}

Result<EvalValue> Evaluator::Eval(const Expr& expr) {
  OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
  OSPREY_ASSIGN_OR_RETURN(EvalValue v, EvalNode(expr));
  OSPREY_RETURN_IF_ERROR(ctx_.AddSamples(static_cast<int64_t>(v.Count())));
  return v;
}

Result<EvalValue> Evaluator::EvalVectorSelector(const VectorSelector& vs, bool keep_timestamps) {
  std::optional<int64_t> at = AtTime(vs.at_ms, vs.at_modifier);
  const int64_t offset = vs.offset_ms;
  const int64_t lookback = ctx_.lookback_ms;
  int64_t min_ref = at ? *at - offset : start_ - offset;
  int64_t max_ref = at ? *at - offset : end_ - offset;
  storage::SelectHints hints{.start = min_ref - lookback + 1, .end = max_ref};
  std::unique_ptr<storage::SeriesSet> set = ctx_.querier->Select(hints, vs.matchers);
  std::vector<StepSeries> series;
  std::vector<std::unique_ptr<storage::SampleIterator>> iters;
  while (set->Next()) {
    OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
    series.emplace_back().labels = set->At().labels();
    iters.push_back(set->At().Iterator());
  }
  OSPREY_RETURN_IF_ERROR(set->status());

  // Fills series[i] from iters[i]; several threads may run this on different series.
  auto fill = [&](size_t i, Worker& w) {
    storage::SampleIterator& it = *iters[i];
    StepSeries& s = series[i];
    Cursor c(it);
    c.SeekTo(min_ref - lookback + 1);
    bool any = false;
    bool have_cur = false;
    model::Sample cur;
    auto lookup = [&](int64_t ref) -> const model::Sample* {
      const int64_t lo = ref - lookback;  // exclusive
      if ((!have_cur || cur.t <= lo) && c.ok() && c.peek().t <= lo) {
        c.SeekTo(lo + 1);
        have_cur = false;
      }
      while (c.ok() && c.peek().t <= ref) {
        cur = c.peek();
        have_cur = true;
        c.Advance();
      }
      if (!have_cur || cur.t <= lo || model::IsStaleNaN(cur.v)) return nullptr;
      return &cur;
    };
    auto put = [&](size_t step, const model::Sample& smp) {
      if (!any) {
        s.Init(steps_);
        if (keep_timestamps) s.ts.assign(steps_, 0);
        any = true;
      }
      s.has[step] = 1;
      s.v[step] = smp.v;
      ++w.samples_read;
      if (keep_timestamps) s.ts[step] = smp.t;
    };
    if (at) {
      if (const model::Sample* smp = lookup(*at - offset)) {
        model::Sample copy = *smp;
        for (size_t step = 0; step < steps_; ++step) put(step, copy);
      }
    } else {
      for (size_t step = 0; step < steps_; ++step) {
        if (const model::Sample* smp = lookup(StepTime(step) - offset)) put(step, *smp);
      }
    }
    if (w.status.ok()) w.status = it.status();
    iters[i].reset();
  };
  std::vector<Worker> workers(
      WorkerCount(ctx_.querier->ConcurrentIterators(), series.size(), steps_));
  RunBlocks(series.size(), workers, [&](size_t begin, size_t end, Worker& w) {
    for (size_t i = begin; i < end && w.status.ok(); ++i) {
      if ((i - begin) % 64 == 0) w.status = ctx_.CheckDeadline();
      if (w.status.ok()) fill(i, w);
    }
  });
  for (Worker& w : workers) {
    OSPREY_RETURN_IF_ERROR(w.status);
    ctx_.samples_read += w.samples_read;
  }
  std::erase_if(series, [](const StepSeries& s) { return s.has.empty(); });
  EvalValue out{.type = ValueType::kVector};
  out.series = std::move(series);
  return out;
}

Result<Matrix> Evaluator::EvalSubqueryPoints(const SubqueryExpr& sq) {
  std::optional<int64_t> at = AtTime(sq.at_ms, sq.at_modifier);
  const int64_t step = sq.step_ms > 0 ? sq.step_ms : ctx_.default_subquery_step_ms;
  const int64_t s = at ? *at : start_;
  const int64_t e = at ? *at : end_;
  const int64_t first = s - sq.offset_ms - sq.range_ms;
  int64_t inner_start = step * (first / step);
  if (inner_start <= first) inner_start += step;
  const int64_t inner_end = e - sq.offset_ms;
  Matrix out;
  if (inner_start > inner_end) return out;
  Evaluator inner(ctx_, inner_start, inner_end, step);
  OSPREY_ASSIGN_OR_RETURN(EvalValue v, inner.Eval(*sq.expr));
  ctx_.ReleaseSamples(static_cast<int64_t>(v.Count()));
  if (v.type == ValueType::kScalar) {
    SeriesPoints sp;
    for (size_t i = 0; i < inner.steps(); ++i)
      sp.points.push_back({inner.StepTime(i), v.scalar[i]});
    out.push_back(std::move(sp));
    return out;
  }
  for (StepSeries& ss : v.series) {
    SeriesPoints sp;
    sp.labels = std::move(ss.labels);
    for (size_t i = 0; i < inner.steps(); ++i) {
      if (ss.has[i]) sp.points.push_back({inner.StepTime(i), ss.v[i]});
    }
    out.push_back(std::move(sp));
  }
  return out;
}

Status Evaluator::ForEachWindow(const Expr& arg_in, const SeriesBeginFn& begin,
                                const WindowFn& fn) {
  const Expr* arg = &arg_in;
  while (arg->kind() == ExprKind::kParen) arg = arg->As<ParenExpr>().expr.get();
  // Each step's window (end - range, end], end = (@ or step time) - offset.
  auto run = [&](auto& window, std::optional<int64_t> at, int64_t offset, int64_t range) -> Status {
    if (at) {
      int64_t wend = *at - offset;
      std::span<const FPoint> w = window.Slide(wend - range, wend);
      if (w.empty()) return OkStatus();
      for (size_t i = 0; i < steps_; ++i) OSPREY_RETURN_IF_ERROR(fn(i, w, wend - range, wend));
      return OkStatus();
    }
    for (size_t i = 0; i < steps_; ++i) {
      int64_t wend = StepTime(i) - offset;
      std::span<const FPoint> w = window.Slide(wend - range, wend);
      if (!w.empty()) OSPREY_RETURN_IF_ERROR(fn(i, w, wend - range, wend));
    }
    return OkStatus();
  };

  if (arg->kind() == ExprKind::kMatrixSelector) {
    const auto& ms = arg->As<MatrixSelector>();
    const VectorSelector& vs = *ms.selector;
    std::optional<int64_t> at = AtTime(vs.at_ms, vs.at_modifier);
    int64_t min_end = (at ? *at : start_) - vs.offset_ms;
    int64_t max_end = (at ? *at : end_) - vs.offset_ms;
    storage::SelectHints hints{.start = min_end - ms.range_ms + 1,
                               .end = max_end,
                               .step_ms = interval_,
                               .range_ms = ms.range_ms};
    std::unique_ptr<storage::SeriesSet> set = ctx_.querier->Select(hints, vs.matchers);
    while (set->Next()) {
      OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
      const storage::Series& series = set->At();
      OSPREY_RETURN_IF_ERROR(begin(series.labels()));
      std::unique_ptr<storage::SampleIterator> it = series.Iterator();
      Cursor c(*it);
      Window<Cursor> window(c);
      OSPREY_RETURN_IF_ERROR(run(window, at, vs.offset_ms, ms.range_ms));
      OSPREY_RETURN_IF_ERROR(it->status());
    }
    return set->status();
  }
  if (arg->kind() == ExprKind::kSubquery) {
    const auto& sq = arg->As<SubqueryExpr>();
    OSPREY_ASSIGN_OR_RETURN(Matrix points, EvalSubqueryPoints(sq));
    std::optional<int64_t> at = AtTime(sq.at_ms, sq.at_modifier);
    for (const SeriesPoints& sp : points) {
      OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
      OSPREY_RETURN_IF_ERROR(begin(sp.labels));
      PointCursor c(sp.points);
      Window<PointCursor> window(c);
      OSPREY_RETURN_IF_ERROR(run(window, at, sq.offset_ms, sq.range_ms));
    }
    return OkStatus();
  }
  return InternalError("range argument is neither a matrix selector nor a subquery");
}

Result<EvalValue> Evaluator::EvalMatrixInstant(const Expr& expr) {
  EvalValue out{.type = ValueType::kMatrix};
  SeriesPoints* current = nullptr;
  OSPREY_RETURN_IF_ERROR(ForEachWindow(
      expr,
      [&](const model::Labels& labels) {
        out.matrix.push_back(SeriesPoints{.labels = labels, .points = {}});
        current = &out.matrix.back();
        return OkStatus();
      },
      [&](size_t step, std::span<const FPoint> w, int64_t, int64_t) {
        if (step == 0) current->points.assign(w.begin(), w.end());
        return OkStatus();
      }));
  std::erase_if(out.matrix, [](const SeriesPoints& s) { return s.points.empty(); });
  return out;
}

Result<EvalValue> Evaluator::EvalUnary(const UnaryExpr& e) {
  OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(*e.expr));
  if (e.op == UnaryOp::kPlus) return v;
  if (v.type == ValueType::kScalar) {
    for (double& x : v.scalar) x = -x;
    return v;
  }
  for (StepSeries& s : v.series) {
    for (double& x : s.v) x = -x;
    s.labels = s.labels.WithoutMetricName();
  }
  // Dropping names may make two series equal.
  SeriesCollector c(steps_);
  for (StepSeries& s : v.series) {
    size_t idx = c.Index(s.labels);
    for (size_t i = 0; i < steps_; ++i) {
      if (s.has[i]) OSPREY_RETURN_IF_ERROR(c.Set(idx, i, s.v[i]));
    }
  }
  v.series = c.Take();
  return v;
}

Result<EvalValue> Evaluator::EvalNode(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kNumberLiteral: {
      EvalValue v{.type = ValueType::kScalar};
      v.scalar.assign(steps_, expr.As<NumberLiteral>().value);
      return v;
    }
    case ExprKind::kStringLiteral: {
      EvalValue v{.type = ValueType::kString};
      v.str = expr.As<StringLiteral>().value;
      return v;
    }
    case ExprKind::kParen:
      return EvalNode(*expr.As<ParenExpr>().expr);
    case ExprKind::kVectorSelector:
      return EvalVectorSelector(expr.As<VectorSelector>(), false);
    case ExprKind::kMatrixSelector:
    case ExprKind::kSubquery:
      return EvalMatrixInstant(expr);
    case ExprKind::kUnary:
      return EvalUnary(expr.As<UnaryExpr>());
    case ExprKind::kBinary:
      return EvalBinary(expr.As<BinaryExpr>());
    case ExprKind::kAggregate:
      return EvalAggregate(expr.As<AggregateExpr>());
    case ExprKind::kCall:
      return EvalCall(expr.As<Call>());
    case ExprKind::kDuration:
      return InternalError("unresolved duration expression");
  }
  return InternalError("unknown expression kind");
}

}  // namespace osprey::promql::internal
