// Postfix modifiers of an expression (foo[5m], x[1h:5m], offset, @, anchored,
// smoothed) and the experimental duration expressions they may contain.
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "promql/internal/parser_impl.h"

namespace osprey::promql::internal {
namespace {

// Go's %f for the @ bounds error: "+Inf", "NaN" or six decimals.
std::string FormatGoFloatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

// Seconds to whole milliseconds, rounding to nanoseconds first as Prometheus does.
int64_t SecondsToMillis(double seconds) {
  return SaturatingInt64(std::round(seconds * 1e9)) / 1'000'000;
}

// NaN is rejected too (Prometheus lets it through to an undefined conversion).
bool DurationOutOfRange(double seconds) {
  return std::isnan(seconds) || seconds > 9223372036.854775807 || seconds < -9223372036.854775808;
}

constexpr DurationContext kRangeContext{"subquery or range selector",
                                        "number, duration, step(), or range()"};
constexpr DurationContext kStepContext{"subquery selector",
                                       "number, duration, step(), range(), or \"]\""};
constexpr DurationContext kOffsetContext{"offset", "number, duration, step(), or range()"};

}  // namespace

Result<ExprPtr> Parser::ParsePostfix(ExprPtr expr) {
  while (true) {
    switch (Peek().kind) {
      case TokenKind::kLeftBracket: {
        OSPREY_ASSIGN_OR_RETURN(expr, ParseRangeOrSubquery(std::move(expr)));
        break;
      }
      case TokenKind::kOffset:
        OSPREY_RETURN_IF_ERROR(ParseOffset(*expr));
        break;
      case TokenKind::kAt:
        OSPREY_RETURN_IF_ERROR(ParseAt(*expr));
        break;
      case TokenKind::kAnchored:
      case TokenKind::kSmoothed:
        OSPREY_RETURN_IF_ERROR(ParseExtendedRange(*expr));
        break;
      default:
        return expr;
    }
  }
}

bool Parser::StartsDuration(TokenKind k) {
  return k == TokenKind::kNumber || k == TokenKind::kDuration || k == TokenKind::kAdd ||
         k == TokenKind::kSub || k == TokenKind::kLeftParen || k == TokenKind::kStep ||
         k == TokenKind::kRange || k == TokenKind::kMaxOf || k == TokenKind::kMinOf;
}

Result<ExprPtr> Parser::ParsePositiveDuration(const DurationContext& ctx) {
  if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
  OSPREY_ASSIGN_OR_RETURN(ExprPtr d, ParseDurationExpr(0, ctx));
  if (d->kind() == ExprKind::kNumberLiteral && d->As<NumberLiteral>().value <= 0) {
    return Error(d->position().start, "duration must be greater than 0");
  }
  return d;
}

void Parser::SetDuration(ExprPtr d, int64_t* ms, std::unique_ptr<DurationExpr>* expr) {
  if (d->kind() == ExprKind::kNumberLiteral) {
    *ms = SecondsToMillis(d->As<NumberLiteral>().value);
    return;
  }
  expr->reset(static_cast<DurationExpr*>(d.release()));
}

Result<ExprPtr> Parser::ParseRangeOrSubquery(ExprPtr expr) {
  Token open = Consume();
  OSPREY_ASSIGN_OR_RETURN(ExprPtr range, ParsePositiveDuration(kRangeContext));
  if (Peek().kind == TokenKind::kRightBracket) {
    Token close = Consume();
    std::string_view problem;
    if (expr->kind() != ExprKind::kVectorSelector) {
      problem = "ranges only allowed for vector selectors";
    } else {
      const auto& vs = expr->As<VectorSelector>();
      if (vs.offset_ms != 0 || vs.offset_expr != nullptr) {
        problem = "no offset modifiers allowed before range";
      } else if (vs.at_ms.has_value() || vs.at_modifier != AtModifier::kNone) {
        problem = "no @ modifiers allowed before range";
      }
    }
    if (!problem.empty()) return Error(open.pos, problem);
    auto ms = std::make_unique<MatrixSelector>();
    ms->selector.reset(static_cast<VectorSelector*>(expr.release()));
    SetDuration(std::move(range), &ms->range_ms, &ms->range_expr);
    ms->end_pos = close.end();
    return ExprPtr(std::move(ms));
  }
  if (Peek().kind != TokenKind::kColon) return Unexpected("subquery or range", "\":\" or \"]\"");
  Consume();
  auto sq = std::make_unique<SubqueryExpr>();
  sq->expr = std::move(expr);
  SetDuration(std::move(range), &sq->range_ms, &sq->range_expr);
  if (Peek().kind != TokenKind::kRightBracket) {
    OSPREY_ASSIGN_OR_RETURN(ExprPtr step, ParsePositiveDuration(kStepContext));
    SetDuration(std::move(step), &sq->step_ms, &sq->step_expr);
    if (Peek().kind != TokenKind::kRightBracket) return Unexpected("subquery selector", "\"]\"");
  }
  sq->end_pos = Consume().end();
  return ExprPtr(std::move(sq));
}

Status Parser::CheckDurationEnabled(const Expr& e) const {
  if (options_.duration_expressions) return OkStatus();
  return Error(e.position().start, "experimental duration expression is not enabled");
}

Result<ExprPtr> Parser::ParseDurationExpr(int min_precedence, const DurationContext& ctx) {
  if (++depth_ > kMaxDepth) return Error(Peek().pos, "expression nesting too deep");
  OSPREY_ASSIGN_OR_RETURN(ExprPtr lhs, ParseDurationUnary(ctx));
  while (true) {
    TokenKind k = Peek().kind;
    DurationOp op;
    switch (k) {
      case TokenKind::kAdd:
        op = DurationOp::kAdd;
        break;
      case TokenKind::kSub:
        op = DurationOp::kSub;
        break;
      case TokenKind::kMul:
        op = DurationOp::kMul;
        break;
      case TokenKind::kDiv:
        op = DurationOp::kDiv;
        break;
      case TokenKind::kMod:
        op = DurationOp::kMod;
        break;
      case TokenKind::kPow:
        op = DurationOp::kPow;
        break;
      default:
        --depth_;
        return lhs;
    }
    int prec = Precedence(k);
    if (prec < min_precedence) break;
    Token op_token = Consume();
    if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
    OSPREY_ASSIGN_OR_RETURN(ExprPtr rhs,
                            ParseDurationExpr(k == TokenKind::kPow ? prec : prec + 1, ctx));
    OSPREY_RETURN_IF_ERROR(CheckDurationEnabled(*lhs));
    if ((op == DurationOp::kDiv || op == DurationOp::kMod) &&
        rhs->kind() == ExprKind::kNumberLiteral && rhs->As<NumberLiteral>().value == 0) {
      return Error(op_token.pos, op == DurationOp::kDiv ? "division by zero" : "modulo by zero");
    }
    auto d = std::make_unique<DurationExpr>();
    d->op = op;
    d->lhs = std::move(lhs);
    d->rhs = std::move(rhs);
    lhs = std::move(d);
  }
  --depth_;
  return lhs;
}

Result<ExprPtr> Parser::ParseDurationUnary(const DurationContext& ctx) {
  TokenKind k = Peek().kind;
  if (k == TokenKind::kAdd || k == TokenKind::kSub) {
    Token op = Consume();
    if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
    OSPREY_ASSIGN_OR_RETURN(ExprPtr operand, ParseDurationExpr(kPowPrecedence, ctx));
    return ApplyUnaryToDuration(op, std::move(operand));
  }
  return ParseDurationPrimary(ctx);
}

Result<ExprPtr> Parser::ParseDurationPrimary(const DurationContext& ctx) {
  TokenKind k = Peek().kind;
  switch (k) {
    case TokenKind::kNumber:
    case TokenKind::kDuration: {
      OSPREY_ASSIGN_OR_RETURN(auto lit, ParseNumberLiteral());
      if (DurationOutOfRange(lit->value)) return Error(lit->pos.start, "duration out of range");
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kStep:
    case TokenKind::kRange: {
      Token t = Consume();
      OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, ctx.what, ctx.expected));
      if (Peek().kind != TokenKind::kRightParen) return Unexpected(ctx.what, ctx.expected);
      Token close = Consume();
      auto d = std::make_unique<DurationExpr>();
      d->op = k == TokenKind::kStep ? DurationOp::kStep : DurationOp::kRange;
      d->start_pos = t.pos;
      d->end_pos = close.end();
      OSPREY_RETURN_IF_ERROR(CheckDurationEnabled(*d));
      return ExprPtr(std::move(d));
    }
    case TokenKind::kMaxOf:
    case TokenKind::kMinOf: {
      Token t = Consume();
      OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, ctx.what, ctx.expected));
      auto d = std::make_unique<DurationExpr>();
      d->op = k == TokenKind::kMaxOf ? DurationOp::kMaxOf : DurationOp::kMinOf;
      d->start_pos = t.pos;
      if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
      OSPREY_ASSIGN_OR_RETURN(d->lhs, ParseDurationExpr(0, ctx));
      OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kComma, ctx.what, ctx.expected));
      if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
      OSPREY_ASSIGN_OR_RETURN(d->rhs, ParseDurationExpr(0, ctx));
      if (Peek().kind != TokenKind::kRightParen) return Unexpected(ctx.what, ctx.expected);
      d->end_pos = Consume().end();
      OSPREY_RETURN_IF_ERROR(CheckDurationEnabled(*d));
      return ExprPtr(std::move(d));
    }
    case TokenKind::kLeftParen: {
      Token open = Consume();
      if (!StartsDuration(Peek().kind)) return Unexpected(ctx.what, ctx.expected);
      OSPREY_ASSIGN_OR_RETURN(ExprPtr inner, ParseDurationExpr(0, ctx));
      if (Peek().kind != TokenKind::kRightParen) return Unexpected(ctx.what, ctx.expected);
      Token close = Consume();
      OSPREY_RETURN_IF_ERROR(CheckDurationEnabled(*inner));
      return WrapParen(std::move(inner), open.pos, close.end());
    }
    default:
      return Unexpected(ctx.what, ctx.expected);
  }
}

ExprPtr Parser::WrapParen(ExprPtr inner, int start, int end) {
  if (inner->kind() == ExprKind::kDuration) {
    inner->As<DurationExpr>().wrapped = true;
    return inner;
  }
  auto d = std::make_unique<DurationExpr>();
  d->op = DurationOp::kAdd;
  d->rhs = std::move(inner);
  d->wrapped = true;
  d->start_pos = start;
  d->end_pos = end;
  return d;
}

Result<ExprPtr> Parser::ApplyUnaryToDuration(const Token& op, ExprPtr operand) {
  if (operand->kind() == ExprKind::kNumberLiteral) {
    auto& lit = operand->As<NumberLiteral>();
    if (op.kind == TokenKind::kSub) lit.value = -lit.value;
    if (DurationOutOfRange(lit.value)) return Error(op.pos, "duration out of range");
    lit.pos.start = op.pos;
    return operand;
  }
  if (op.kind == TokenKind::kAdd) return operand;
  auto d = std::make_unique<DurationExpr>();
  d->op = DurationOp::kSub;
  d->rhs = std::move(operand);
  d->start_pos = op.pos;
  return ExprPtr(std::move(d));
}

Result<ExprPtr> Parser::ParseOffsetDuration() {
  TokenKind k = Peek().kind;
  if (k == TokenKind::kAdd || k == TokenKind::kSub) {
    Token op = Consume();
    TokenKind n = Peek().kind;
    if (n == TokenKind::kAdd || n == TokenKind::kSub || !StartsDuration(n)) {
      return Unexpected(kOffsetContext.what, kOffsetContext.expected);
    }
    if (n == TokenKind::kNumber || n == TokenKind::kDuration) {
      // A signed literal is range-checked after the sign, at the sign's position.
      OSPREY_ASSIGN_OR_RETURN(auto lit, ParseNumberLiteral());
      return ApplyUnaryToDuration(op, std::move(lit));
    }
    OSPREY_ASSIGN_OR_RETURN(ExprPtr operand, ParseDurationPrimary(kOffsetContext));
    return ApplyUnaryToDuration(op, std::move(operand));
  }
  if (!StartsDuration(k)) return Unexpected(kOffsetContext.what, kOffsetContext.expected);
  return ParseDurationPrimary(kOffsetContext);
}

Status Parser::ParseOffset(Expr& expr) {
  Consume();
  OSPREY_ASSIGN_OR_RETURN(ExprPtr d, ParseOffsetDuration());
  int64_t* ms = nullptr;
  std::unique_ptr<DurationExpr>* offset_expr = nullptr;
  int* end = nullptr;
  switch (expr.kind()) {
    case ExprKind::kVectorSelector: {
      auto& vs = expr.As<VectorSelector>();
      ms = &vs.offset_ms, offset_expr = &vs.offset_expr, end = &vs.pos.end;
      break;
    }
    case ExprKind::kMatrixSelector: {
      auto& m = expr.As<MatrixSelector>();
      ms = &m.selector->offset_ms, offset_expr = &m.selector->offset_expr, end = &m.end_pos;
      break;
    }
    case ExprKind::kSubquery: {
      auto& sq = expr.As<SubqueryExpr>();
      ms = &sq.offset_ms, offset_expr = &sq.offset_expr, end = &sq.end_pos;
      break;
    }
    default:
      return Error(expr.position().start,
                   "offset modifier must be preceded by an instant vector selector or range "
                   "vector selector or a subquery");
  }
  if (*ms != 0 || *offset_expr != nullptr) {
    return Error(expr.position().start, "offset may not be set multiple times");
  }
  SetDuration(std::move(d), ms, offset_expr);
  *end = prev_end_;
  return OkStatus();
}

Status Parser::ParseAt(Expr& expr) {
  Consume();
  TokenKind k = Peek().kind;
  std::optional<double> ts;
  AtModifier modifier = AtModifier::kNone;
  if (k == TokenKind::kStart || k == TokenKind::kEnd) {
    Consume();
    if (Peek().kind != TokenKind::kLeftParen || Peek(1).kind != TokenKind::kRightParen) {
      if (Peek().kind == TokenKind::kLeftParen) Consume();
      return Unexpected("@", "timestamp");
    }
    Consume();
    Consume();
    modifier = k == TokenKind::kStart ? AtModifier::kStart : AtModifier::kEnd;
  } else {
    double sign = 1;
    if (k == TokenKind::kAdd || k == TokenKind::kSub) {
      if (Peek(1).kind != TokenKind::kNumber && Peek(1).kind != TokenKind::kDuration) {
        Consume();
        return Unexpected("@", "timestamp");
      }
      if (Consume().kind == TokenKind::kSub) sign = -1;
    } else if (k != TokenKind::kNumber && k != TokenKind::kDuration) {
      return Unexpected("@", "timestamp");
    }
    OSPREY_ASSIGN_OR_RETURN(auto lit, ParseNumberLiteral());
    ts = sign * lit->value;
    if (std::isnan(*ts) || std::isinf(*ts) || *ts >= 9.223372036854775807e18 ||
        *ts <= -9.223372036854775808e18) {
      return Error(expr.position().start,
                   "timestamp out of bounds for @ modifier: " + FormatGoFloatF(*ts));
    }
  }
  std::optional<int64_t>* at_ms = nullptr;
  AtModifier* at_mod = nullptr;
  int* end = nullptr;
  switch (expr.kind()) {
    case ExprKind::kVectorSelector: {
      auto& vs = expr.As<VectorSelector>();
      at_ms = &vs.at_ms, at_mod = &vs.at_modifier, end = &vs.pos.end;
      break;
    }
    case ExprKind::kMatrixSelector: {
      auto& m = expr.As<MatrixSelector>();
      at_ms = &m.selector->at_ms, at_mod = &m.selector->at_modifier, end = &m.end_pos;
      break;
    }
    case ExprKind::kSubquery: {
      auto& sq = expr.As<SubqueryExpr>();
      at_ms = &sq.at_ms, at_mod = &sq.at_modifier, end = &sq.end_pos;
      break;
    }
    default:
      return Error(expr.position().start,
                   "@ modifier must be preceded by an instant vector selector or range vector "
                   "selector or a subquery");
  }
  if (at_ms->has_value() || *at_mod != AtModifier::kNone) {
    return Error(expr.position().start, "@ <timestamp> may not be set multiple times");
  }
  if (ts.has_value()) *at_ms = SaturatingInt64(std::round(*ts * 1000));
  *at_mod = modifier;
  *end = prev_end_;
  return OkStatus();
}

Status Parser::ParseExtendedRange(Expr& expr) {
  Token t = Consume();
  bool anchored = t.kind == TokenKind::kAnchored;
  std::string_view name = anchored ? "anchored" : "smoothed";
  if (!options_.extended_range_selectors) {
    return Error(expr.position().start,
                 std::string(name) + " modifier is experimental and not enabled");
  }
  VectorSelector* vs = nullptr;
  if (expr.kind() == ExprKind::kVectorSelector) {
    vs = &expr.As<VectorSelector>();
  } else if (expr.kind() == ExprKind::kMatrixSelector) {
    vs = expr.As<MatrixSelector>().selector.get();
  } else if (expr.kind() == ExprKind::kSubquery) {
    return Error(expr.position().start,
                 std::string(name) + " modifier is not supported for subqueries");
  } else {
    return Error(expr.position().start, std::string(name) + " modifier not implemented");
  }
  (anchored ? vs->anchored : vs->smoothed) = true;
  if (vs->anchored && vs->smoothed) {
    return Error(expr.position().start, "anchored and smoothed modifiers cannot be used together");
  }
  return OkStatus();
}

}  // namespace osprey::promql::internal
