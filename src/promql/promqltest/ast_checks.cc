#include "promql/promqltest/ast_checks.h"

#include <algorithm>
#include <regex>
#include <string>
#include <unordered_set>

#include "promql/functions.h"

namespace osprey::promql::promqltest {
namespace {

// Upstream's AtModifierUnsafeFunctions (promql/functions.go).
bool IsAtUnsafe(std::string_view name) {
  static const std::unordered_set<std::string_view> kUnsafe = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "end",
      "hour",          "minute",       "month",       "year",        "predict_linear",
      "range",         "start",        "step",        "time",        "timestamp"};
  return kUnsafe.contains(name);
}

void Pin(std::optional<int64_t>& at_ms, AtModifier& modifier, int64_t t_ms) {
  if (at_ms) return;
  at_ms = t_ms;
  modifier = AtModifier::kNone;
}

bool Walk(Expr& e, int64_t t_ms) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kDuration:
      return true;
    case ExprKind::kVectorSelector: {
      auto& vs = e.As<VectorSelector>();
      Pin(vs.at_ms, vs.at_modifier, t_ms);
      return true;
    }
    case ExprKind::kMatrixSelector: {
      auto& vs = *e.As<MatrixSelector>().selector;
      Pin(vs.at_ms, vs.at_modifier, t_ms);
      return true;
    }
    case ExprKind::kSubquery: {
      auto& sq = e.As<SubqueryExpr>();
      Pin(sq.at_ms, sq.at_modifier, t_ms);
      return true;
    }
    case ExprKind::kParen:
      return Walk(*e.As<ParenExpr>().expr, t_ms);
    case ExprKind::kUnary:
      return Walk(*e.As<UnaryExpr>().expr, t_ms);
    case ExprKind::kBinary: {
      auto& b = e.As<BinaryExpr>();
      bool lhs = Walk(*b.lhs, t_ms);
      return Walk(*b.rhs, t_ms) && lhs;
    }
    case ExprKind::kAggregate: {
      auto& a = e.As<AggregateExpr>();
      bool ok = a.param == nullptr || Walk(*a.param, t_ms);
      return Walk(*a.expr, t_ms) && ok;
    }
    case ExprKind::kCall: {
      auto& c = e.As<Call>();
      bool ok = !IsAtUnsafe(c.func->name);
      for (ExprPtr& arg : c.args) ok = Walk(*arg, t_ms) && ok;
      return ok;
    }
  }
  return true;
}

bool SelectorMatches(const VectorSelector& vs, std::span<const model::Labels> series) {
  return std::any_of(series.begin(), series.end(), [&](const model::Labels& l) {
    return std::all_of(vs.matchers.begin(), vs.matchers.end(),
                       [&](const model::Matcher& m) { return m.Matches(l.Get(m.name())); });
  });
}

}  // namespace

bool SelectsAnyOf(const Expr& e, std::span<const model::Labels> series) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kDuration:
      return false;
    case ExprKind::kVectorSelector:
      return SelectorMatches(e.As<VectorSelector>(), series);
    case ExprKind::kMatrixSelector:
      return SelectorMatches(*e.As<MatrixSelector>().selector, series);
    case ExprKind::kSubquery:
      return SelectsAnyOf(*e.As<SubqueryExpr>().expr, series);
    case ExprKind::kParen:
      return SelectsAnyOf(*e.As<ParenExpr>().expr, series);
    case ExprKind::kUnary:
      return SelectsAnyOf(*e.As<UnaryExpr>().expr, series);
    case ExprKind::kBinary:
      return SelectsAnyOf(*e.As<BinaryExpr>().lhs, series) ||
             SelectsAnyOf(*e.As<BinaryExpr>().rhs, series);
    case ExprKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      return SelectsAnyOf(*a.expr, series) || (a.param && SelectsAnyOf(*a.param, series));
    }
    case ExprKind::kCall:
      for (const ExprPtr& arg : e.As<Call>().args) {
        if (SelectsAnyOf(*arg, series)) return true;
      }
      return false;
  }
  return false;
}

bool PinAtModifiers(Expr& expr, int64_t t_ms) { return Walk(expr, t_ms); }

std::vector<int64_t> AtVariantTimes(int64_t t_ms) {
  if (t_ms == 0) return {-1000, 0, 1000};
  return {-10 * t_ms, 0, t_ms / 5, t_ms, 10 * t_ms};
}

bool UsesQueryContextFunction(std::string_view query) {
  static const std::regex kContextFuncs(R"((start|end|range|step)\(\))");
  return std::regex_search(query.begin(), query.end(), kContextFuncs);
}

}  // namespace osprey::promql::promqltest
