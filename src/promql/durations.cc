#include "promql/durations.h"

#include <cmath>
#include <string>

namespace osprey::promql {
namespace {

Status DurationError(const Expr& e, std::string_view what) {
  PositionRange p = e.position();
  return InvalidArgumentError(std::to_string(p.start) + ":" + std::to_string(p.end) + ": " +
                              std::string(what));
}

// In seconds, as float64 like upstream.
Result<double> Evaluate(const Expr& e, double step_s, double range_s) {
  if (e.kind() == ExprKind::kNumberLiteral) return e.As<NumberLiteral>().value;
  if (e.kind() != ExprKind::kDuration) {
    return InvalidArgumentError("unexpected duration expression type");
  }
  const auto& d = e.As<DurationExpr>();
  double lhs = 0, rhs = 0;
  if (d.lhs != nullptr) {
    OSPREY_ASSIGN_OR_RETURN(lhs, Evaluate(*d.lhs, step_s, range_s));
  }
  if (d.rhs != nullptr) {
    OSPREY_ASSIGN_OR_RETURN(rhs, Evaluate(*d.rhs, step_s, range_s));
  }
  switch (d.op) {
    case DurationOp::kStep:
      return step_s;
    case DurationOp::kRange:
      return range_s;
    case DurationOp::kMinOf:
      return std::fmin(lhs, rhs);
    case DurationOp::kMaxOf:
      return std::fmax(lhs, rhs);
    case DurationOp::kAdd:
      return d.lhs == nullptr ? rhs : lhs + rhs;
    case DurationOp::kSub:
      return d.lhs == nullptr ? -rhs : lhs - rhs;
    case DurationOp::kMul:
      return lhs * rhs;
    case DurationOp::kDiv:
      if (rhs == 0) return DurationError(e, "division by zero");
      return lhs / rhs;
    case DurationOp::kMod:
      if (rhs == 0) return DurationError(e, "modulo by zero");
      return std::fmod(lhs, rhs);
    case DurationOp::kPow:
      return std::pow(lhs, rhs);
  }
  return InvalidArgumentError("unexpected duration expression operator");
}

Status Resolve(const std::unique_ptr<DurationExpr>& expr, bool allow_negative, int64_t step_ms,
               int64_t range_ms, int64_t* out) {
  if (expr == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(*out, EvaluateDuration(*expr, allow_negative, step_ms, range_ms));
  return OkStatus();
}

}  // namespace

Result<int64_t> EvaluateDuration(const Expr& expr, bool allow_negative, int64_t step_ms,
                                 int64_t range_ms) {
  OSPREY_ASSIGN_OR_RETURN(double seconds, Evaluate(expr, static_cast<double>(step_ms) / 1000.0,
                                                   static_cast<double>(range_ms) / 1000.0));
  if (std::isnan(seconds) || std::isinf(seconds)) {
    return DurationError(expr, "duration is NaN or infinite");
  }
  if (seconds <= 0 && !allow_negative)
    return DurationError(expr, "duration must be greater than 0");
  if (seconds > 9223372036.854775807 || seconds < -9223372036.854775808) {
    return DurationError(expr, "duration is out of range");
  }
  return SaturatingInt64(seconds * 1000);
}

Status ResolveDurationExpressions(Expr& e, int64_t step_ms, int64_t range_ms) {
  switch (e.kind()) {
    case ExprKind::kVectorSelector: {
      auto& vs = e.As<VectorSelector>();
      return Resolve(vs.offset_expr, true, step_ms, range_ms, &vs.offset_ms);
    }
    case ExprKind::kMatrixSelector: {
      auto& m = e.As<MatrixSelector>();
      OSPREY_RETURN_IF_ERROR(Resolve(m.range_expr, false, step_ms, range_ms, &m.range_ms));
      return ResolveDurationExpressions(*m.selector, step_ms, range_ms);
    }
    case ExprKind::kSubquery: {
      auto& sq = e.As<SubqueryExpr>();
      OSPREY_RETURN_IF_ERROR(Resolve(sq.offset_expr, true, step_ms, range_ms, &sq.offset_ms));
      OSPREY_RETURN_IF_ERROR(Resolve(sq.step_expr, false, step_ms, range_ms, &sq.step_ms));
      OSPREY_RETURN_IF_ERROR(Resolve(sq.range_expr, false, step_ms, range_ms, &sq.range_ms));
      return ResolveDurationExpressions(*sq.expr, step_ms, range_ms);
    }
    case ExprKind::kParen:
      return ResolveDurationExpressions(*e.As<ParenExpr>().expr, step_ms, range_ms);
    case ExprKind::kUnary:
      return ResolveDurationExpressions(*e.As<UnaryExpr>().expr, step_ms, range_ms);
    case ExprKind::kBinary: {
      auto& b = e.As<BinaryExpr>();
      OSPREY_RETURN_IF_ERROR(ResolveDurationExpressions(*b.lhs, step_ms, range_ms));
      return ResolveDurationExpressions(*b.rhs, step_ms, range_ms);
    }
    case ExprKind::kAggregate: {
      auto& a = e.As<AggregateExpr>();
      if (a.param != nullptr) {
        OSPREY_RETURN_IF_ERROR(ResolveDurationExpressions(*a.param, step_ms, range_ms));
      }
      return ResolveDurationExpressions(*a.expr, step_ms, range_ms);
    }
    case ExprKind::kCall:
      for (ExprPtr& arg : e.As<Call>().args) {
        OSPREY_RETURN_IF_ERROR(ResolveDurationExpressions(*arg, step_ms, range_ms));
      }
      return OkStatus();
    default:
      return OkStatus();
  }
}

}  // namespace osprey::promql
