// Type checking of a parsed tree, following Prometheus's checkAST: the same checks in
// the same order, so the first error reported is the one Prometheus reports.
#include <algorithm>
#include <string>

#include "promql/functions.h"
#include "promql/go_quote.h"
#include "promql/internal/parse_error.h"

namespace osprey::promql::internal {
namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Checker {
 public:
  explicit Checker(std::string_view input) : input_(input) {}

  Status Check(Expr& e, ValueType* type) {
    *type = e.type();
    switch (e.kind()) {
      case ExprKind::kAggregate:
        return CheckAggregate(e.As<AggregateExpr>());
      case ExprKind::kBinary:
        return CheckBinary(e.As<BinaryExpr>());
      case ExprKind::kCall:
        return CheckCall(e.As<Call>());
      case ExprKind::kParen: {
        ValueType t;
        return Check(*e.As<ParenExpr>().expr, &t);
      }
      case ExprKind::kUnary: {
        auto& u = e.As<UnaryExpr>();
        ValueType t;
        OSPREY_RETURN_IF_ERROR(Check(*u.expr, &t));
        if (t != ValueType::kScalar && t != ValueType::kVector) {
          return Error(u.position().start,
                       "unary expression only allowed on expressions of type scalar or instant "
                       "vector, got " +
                           GoQuote(DocumentedType(t)));
        }
        return OkStatus();
      }
      case ExprKind::kSubquery: {
        auto& sq = e.As<SubqueryExpr>();
        ValueType t;
        OSPREY_RETURN_IF_ERROR(Check(*sq.expr, &t));
        if (t != ValueType::kVector) {
          return Error(sq.position().start, "subquery is only allowed on instant vector, got " +
                                                std::string(ValueTypeName(t)) + " instead");
        }
        return OkStatus();
      }
      case ExprKind::kMatrixSelector: {
        ValueType t;
        return Check(*e.As<MatrixSelector>().selector, &t);
      }
      case ExprKind::kVectorSelector:
        return CheckVectorSelector(e.As<VectorSelector>());
      default:
        return OkStatus();
    }
  }

 private:
  Status Error(int pos, std::string_view message) const {
    return ParseErrorAt(input_, pos, message);
  }

  Status ExpectType(Expr& e, ValueType want, std::string_view context) {
    ValueType t;
    OSPREY_RETURN_IF_ERROR(Check(e, &t));
    if (t != want) {
      return Error(e.position().start, "expected type " + std::string(DocumentedType(want)) +
                                           " in " + std::string(context) + ", got " +
                                           std::string(DocumentedType(t)));
    }
    return OkStatus();
  }

  Status CheckAggregate(AggregateExpr& a) {
    OSPREY_RETURN_IF_ERROR(ExpectType(*a.expr, ValueType::kVector, "aggregation expression"));
    switch (a.op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kQuantile:
      case AggregateOp::kLimitk:
      case AggregateOp::kLimitRatio:
        return ExpectType(*a.param, ValueType::kScalar, "aggregation parameter");
      case AggregateOp::kCountValues:
        return ExpectType(*a.param, ValueType::kString, "aggregation parameter");
      default:
        return OkStatus();
    }
  }

  // Where the operator starts: the first non-space byte after the left operand.
  int OperatorStart(const BinaryExpr& b) const {
    int pos = b.lhs->position().end;
    while (pos < static_cast<int>(input_.size()) && IsSpaceByte(input_[pos])) ++pos;
    return pos;
  }

  Status CheckBinary(BinaryExpr& b) {
    ValueType lt, rt;
    OSPREY_RETURN_IF_ERROR(Check(*b.lhs, &lt));
    OSPREY_RETURN_IF_ERROR(Check(*b.rhs, &rt));
    std::string op_name = GoQuote(BinaryOpString(b.op));
    if (b.return_bool && !IsComparisonOp(b.op)) {
      return Error(OperatorStart(b), "bool modifier can only be used on comparison operators");
    }
    if (IsComparisonOp(b.op) && !b.return_bool && lt == ValueType::kScalar &&
        rt == ValueType::kScalar) {
      return Error(OperatorStart(b), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& m = *b.matching;
    if (IsSetOp(b.op) && m.card == Cardinality::kOneToOne) m.card = Cardinality::kManyToMany;
    if (m.on) {
      for (const std::string& l : m.matching_labels) {
        if (std::find(m.include.begin(), m.include.end(), l) != m.include.end()) {
          return Error(OperatorStart(b),
                       "label " + GoQuote(l) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      return Error(b.lhs->position().start,
                   "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      return Error(b.rhs->position().start,
                   "binary expression must contain only scalar and instant vector types");
    }
    bool fill = m.fill_lhs.has_value() || m.fill_rhs.has_value();
    int start = b.position().start;
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!m.matching_labels.empty()) {
        return Error(start, "vector matching only allowed between instant vectors");
      }
      if (fill)
        return Error(start, "filling in missing series only allowed between instant vectors");
      b.matching.reset();
    } else if (IsSetOp(b.op)) {
      if (m.card == Cardinality::kOneToMany || m.card == Cardinality::kManyToOne) {
        return Error(start, "no grouping allowed for " + op_name + " operation");
      }
      if (m.card != Cardinality::kManyToMany) {
        return Error(start, "set operations must always be many-to-many");
      }
      if (fill) return Error(start, "filling in missing series not allowed for set operators");
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(b.op)) {
      return Error(start, "set operator " + op_name + " not allowed in binary scalar expression");
    }
    return OkStatus();
  }

  Status CheckCall(Call& c) {
    const Function& f = *c.func;
    int nargs = f.arg_count;
    int got = static_cast<int>(c.args.size());
    std::string name = GoQuote(f.name);
    if (f.variadic == 0) {
      if (nargs != got) {
        return Error(c.pos.start, "expected " + std::to_string(nargs) + " argument(s) in call to " +
                                      name + ", got " + std::to_string(got));
      }
    } else {
      int na = nargs - 1;
      if (na > got) {
        return Error(c.pos.start, "expected at least " + std::to_string(na) +
                                      " argument(s) in call to " + name + ", got " +
                                      std::to_string(got));
      }
      if (f.variadic > 0 && na + f.variadic < got) {
        return Error(c.pos.start, "expected at most " + std::to_string(na + f.variadic) +
                                      " argument(s) in call to " + name + ", got " +
                                      std::to_string(got));
      }
    }
    if (f.name == "info" && got > 1) {
      Expr& selector = *c.args[1];
      if (selector.type() != ValueType::kVector) {
        return Error(c.pos.start, "expected type instant vector in call to function " + name +
                                      ", got " + std::string(DocumentedType(selector.type())));
      }
      if (selector.kind() != ExprKind::kVectorSelector) {
        return Error(selector.position().start, "expected label selectors only");
      }
      auto& vs = selector.As<VectorSelector>();
      if (!vs.name.empty()) {
        return Error(selector.position().start,
                     "expected label selectors only, got vector selector instead");
      }
      vs.bypass_empty_matcher_check = true;
    }
    for (int i = 0; i < got; ++i) {
      int ti = i;
      if (i >= nargs) {
        if (f.variadic == 0) break;
        ti = nargs - 1;
      }
      ValueType t;
      OSPREY_RETURN_IF_ERROR(Check(*c.args[i], &t));
      if (t != f.arg_types[ti]) {
        return Error(c.args[i]->position().start, "expected type " +
                                                      std::string(DocumentedType(f.arg_types[ti])) +
                                                      " in call to function " + name + ", got " +
                                                      std::string(DocumentedType(t)));
      }
    }
    return OkStatus();
  }

  Status CheckVectorSelector(const VectorSelector& vs) {
    if (!vs.name.empty()) {
      // The last matcher is the one for the name written outside the braces.
      for (size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == "__name__") {
          return Error(vs.pos.start, "metric name must not be set twice: " + GoQuote(vs.name) +
                                         " or " + GoQuote(vs.matchers[i].value()));
        }
      }
      return OkStatus();
    }
    if (vs.bypass_empty_matcher_check) return OkStatus();
    for (const model::Matcher& m : vs.matchers) {
      if (!m.MatchesEmpty()) return OkStatus();
    }
    return Error(vs.pos.start, "vector selector must contain at least one non-empty matcher");
  }

  std::string_view input_;
};

}  // namespace

Status ParseErrorAt(std::string_view input, int pos, std::string_view message) {
  std::string where;
  if (input.empty()) {
    where = "unknown position";
  } else if (pos < 0 || pos > static_cast<int>(input.size())) {
    where = "invalid position";
  } else {
    int line = 1;
    int last_break = -1;
    for (int i = 0; i < pos; ++i) {
      if (input[i] == '\n') {
        last_break = i;
        ++line;
      }
    }
    where = std::to_string(line) + ":" + std::to_string(pos - last_break);
  }
  return InvalidArgumentError(where + ": parse error: " + std::string(message));
}

Status CheckAst(Expr& expr, std::string_view input) {
  ValueType t;
  return Checker(input).Check(expr, &t);
}

}  // namespace osprey::promql::internal
