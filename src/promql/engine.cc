#include "promql/engine.h"

#include <algorithm>
#include <limits>

#include "promql/durations.h"
#include "promql/internal/evaluator.h"

namespace osprey::promql {
namespace {

using internal::EvalContext;
using internal::Evaluator;
using internal::EvalValue;

struct Span {
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  void Add(int64_t lo, int64_t hi) {
    min = std::min(min, lo);
    max = std::max(max, hi);
  }
};

std::optional<int64_t> ResolveAt(const std::optional<int64_t>& at, AtModifier mod, int64_t qs,
                                 int64_t qe) {
  if (mod == AtModifier::kStart) return qs;
  if (mod == AtModifier::kEnd) return qe;
  return at;
}

// The time range each selector needs when `e` is evaluated over [s, t], into `span`.
void DataSpan(const Expr& e, int64_t s, int64_t t, int64_t lookback, int64_t qs, int64_t qe,
              Span& span) {
  switch (e.kind()) {
    case ExprKind::kVectorSelector: {
      const auto& vs = e.As<VectorSelector>();
      if (auto at = ResolveAt(vs.at_ms, vs.at_modifier, qs, qe)) s = t = *at;
      span.Add(s - vs.offset_ms - lookback, t - vs.offset_ms);
      return;
    }
    case ExprKind::kMatrixSelector: {
      const auto& ms = e.As<MatrixSelector>();
      const VectorSelector& vs = *ms.selector;
      if (auto at = ResolveAt(vs.at_ms, vs.at_modifier, qs, qe)) s = t = *at;
      span.Add(s - vs.offset_ms - ms.range_ms, t - vs.offset_ms);
      return;
    }
    case ExprKind::kSubquery: {
      const auto& sq = e.As<SubqueryExpr>();
      if (auto at = ResolveAt(sq.at_ms, sq.at_modifier, qs, qe)) s = t = *at;
      DataSpan(*sq.expr, s - sq.offset_ms - sq.range_ms, t - sq.offset_ms, lookback, qs, qe, span);
      return;
    }
    case ExprKind::kParen:
      DataSpan(*e.As<ParenExpr>().expr, s, t, lookback, qs, qe, span);
      return;
    case ExprKind::kUnary:
      DataSpan(*e.As<UnaryExpr>().expr, s, t, lookback, qs, qe, span);
      return;
    case ExprKind::kBinary:
      DataSpan(*e.As<BinaryExpr>().lhs, s, t, lookback, qs, qe, span);
      DataSpan(*e.As<BinaryExpr>().rhs, s, t, lookback, qs, qe, span);
      return;
    case ExprKind::kAggregate:
      DataSpan(*e.As<AggregateExpr>().expr, s, t, lookback, qs, qe, span);
      if (e.As<AggregateExpr>().param) {
        DataSpan(*e.As<AggregateExpr>().param, s, t, lookback, qs, qe, span);
      }
      return;
    case ExprKind::kCall:
      for (const ExprPtr& a : e.As<Call>().args) DataSpan(*a, s, t, lookback, qs, qe, span);
      return;
    default:
      return;
  }
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

Result<QueryResult> Engine::Instant(storage::Queryable& storage, std::string_view query,
                                    model::Timestamp t, const QueryOptions& qopts) const {
  auto t0 = std::chrono::steady_clock::now();
  OSPREY_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query, options_.parse));
  double parse = SecondsSince(t0);
  OSPREY_ASSIGN_OR_RETURN(QueryResult r, InstantExpr(storage, *expr, t, qopts));
  r.stats.parse_seconds = parse;
  return r;
}

Result<QueryResult> Engine::Range(storage::Queryable& storage, std::string_view query,
                                  model::Timestamp start, model::Timestamp end, int64_t step_ms,
                                  const QueryOptions& qopts) const {
  auto t0 = std::chrono::steady_clock::now();
  OSPREY_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr(query, options_.parse));
  double parse = SecondsSince(t0);
  OSPREY_ASSIGN_OR_RETURN(QueryResult r, RangeExpr(storage, *expr, start, end, step_ms, qopts));
  r.stats.parse_seconds = parse;
  return r;
}

namespace {

Result<QueryResult> Run(const EngineOptions& options, storage::Queryable& storage, Expr& expr,
                        int64_t start, int64_t end, int64_t step_ms, bool range,
                        const QueryOptions& qopts) {
  auto t0 = std::chrono::steady_clock::now();
  OSPREY_RETURN_IF_ERROR(ResolveDurationExpressions(expr, range ? step_ms : 0, end - start));
  if (range && expr.type() != ValueType::kScalar && expr.type() != ValueType::kVector) {
    std::string msg = "invalid expression type \"";
    msg += DocumentedType(expr.type());
    msg += "\" for range query, must be Scalar or instant Vector";
    return InvalidArgumentError(std::move(msg));
  }
  const int64_t lookback = qopts.lookback_delta_ms.value_or(options.lookback_delta_ms);
  Span span;
  DataSpan(expr, start, end, lookback, start, end, span);
  model::TimeRange tr{.min = start, .max = end};
  if (span.min <= span.max) tr = {.min = span.min, .max = span.max};
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Querier> querier, storage.NewQuerier(tr));

  EvalContext ctx;
  ctx.querier = querier.get();
  ctx.lookback_ms = lookback;
  ctx.max_samples = options.max_samples;
  ctx.default_subquery_step_ms = options.default_subquery_step_ms;
  ctx.query_start = start;
  ctx.query_end = end;
  ctx.query_step_ms = range ? step_ms : 0;
  ctx.deadline = qopts.deadline;
  ctx.cancelled = qopts.cancelled;
  ctx.client_gone = qopts.client_gone;

  Evaluator ev(ctx, start, end, range ? step_ms : 1);
  OSPREY_ASSIGN_OR_RETURN(EvalValue v, ev.Eval(expr));

  QueryResult r;
  r.annotations = std::move(ctx.annotations);
  if (!range) {
    r.type = v.type;
    r.t = start;
    switch (v.type) {
      case ValueType::kScalar:
        r.scalar = v.scalar.empty() ? 0 : v.scalar[0];
        break;
      case ValueType::kString:
        r.string = std::move(v.str);
        break;
      case ValueType::kVector:
        r.vector.reserve(v.series.size());
        for (internal::StepSeries& s : v.series) {
          if (!s.has.empty() && s.has[0]) {
            r.vector.push_back(
                VectorSample{.labels = std::move(s.labels), .t = start, .v = s.v[0]});
          }
        }
        break;
      case ValueType::kMatrix:
        r.matrix = std::move(v.matrix);
        std::sort(r.matrix.begin(), r.matrix.end(),
                  [](const SeriesPoints& a, const SeriesPoints& b) { return a.labels < b.labels; });
        break;
      default:
        break;
    }
  } else {
    r.type = ValueType::kMatrix;
    if (v.type == ValueType::kScalar) {
      SeriesPoints sp;
      for (size_t i = 0; i < ev.steps(); ++i) sp.points.push_back({ev.StepTime(i), v.scalar[i]});
      if (!sp.points.empty()) r.matrix.push_back(std::move(sp));
    } else {
      for (internal::StepSeries& s : v.series) {
        SeriesPoints sp;
        sp.labels = std::move(s.labels);
        for (size_t i = 0; i < ev.steps(); ++i) {
          if (s.has[i]) sp.points.push_back({ev.StepTime(i), s.v[i]});
        }
        if (!sp.points.empty()) r.matrix.push_back(std::move(sp));
      }
      std::sort(r.matrix.begin(), r.matrix.end(),
                [](const SeriesPoints& a, const SeriesPoints& b) { return a.labels < b.labels; });
    }
  }
  r.stats.total_queryable_samples = ctx.samples_read;
  r.stats.peak_samples = ctx.peak_samples;
  r.stats.exec_seconds = SecondsSince(t0);
  return r;
}

}  // namespace

Result<QueryResult> Engine::InstantExpr(storage::Queryable& storage, Expr& expr, model::Timestamp t,
                                        const QueryOptions& qopts) const {
  return Run(options_, storage, expr, t, t, 0, false, qopts);
}

Result<QueryResult> Engine::RangeExpr(storage::Queryable& storage, Expr& expr,
                                      model::Timestamp start, model::Timestamp end, int64_t step_ms,
                                      const QueryOptions& qopts) const {
  if (step_ms <= 0) {
    return InvalidArgumentError(
        "zero or negative query resolution step widths are not accepted. Try a positive "
        "integer");
  }
  if (end < start) return InvalidArgumentError("end timestamp must not be before start time");
  return Run(options_, storage, expr, start, end, step_ms, true, qopts);
}

}  // namespace osprey::promql
