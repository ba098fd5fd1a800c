#include "promql/printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <vector>

#include "model/duration.h"
#include "promql/functions.h"
#include "promql/go_quote.h"

namespace osprey::promql {
namespace {

// Concatenation without `"literal" + std::string` temporaries, which trip g++ 12's
// -Wrestrict false positive.
std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

bool IsLegacyLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string LabelName(std::string_view s) {
  return IsLegacyLabelName(s) ? std::string(s) : GoQuote(s);
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += LabelName(labels[i]);
  }
  return out;
}

std::string FormatMillis(int64_t ms) {
  std::string out = ms < 0 ? "-" : "";
  out += model::FormatDuration(model::Duration{ms < 0 ? -ms : ms});
  return out;
}

// Go's %v for a float64 (strconv 'g' with the shortest precision, exponent past 1e21).
std::string FormatGoV(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  return std::string(buf, res.ptr);
}

std::string AtString(const std::optional<int64_t>& at_ms, AtModifier modifier) {
  if (at_ms.has_value()) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), " @ %.3f", static_cast<double>(*at_ms) / 1000.0);
    return buf;
  }
  if (modifier == AtModifier::kStart) return " @ start()";
  if (modifier == AtModifier::kEnd) return " @ end()";
  return "";
}

std::string OffsetString(int64_t offset_ms, const std::unique_ptr<DurationExpr>& expr) {
  if (expr != nullptr) return Cat({" offset ", Format(*expr)});
  if (offset_ms > 0) return Cat({" offset ", FormatMillis(offset_ms)});
  if (offset_ms < 0) return Cat({" offset -", FormatMillis(-offset_ms)});
  return "";
}

std::string RangeString(int64_t ms, const std::unique_ptr<DurationExpr>& expr) {
  return expr != nullptr ? Format(*expr) : FormatMillis(ms);
}

// The selector's name and matchers only.
std::string SelectorBody(const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const model::Matcher& m : vs.matchers) {
    if (m.name() == "__name__" && m.type() == model::MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    matchers.push_back(LabelName(m.name()) + std::string(model::MatchTypeString(m.type())) +
                       GoQuote(m.value()));
  }
  std::sort(matchers.begin(), matchers.end());
  std::string out = vs.name;
  if (!matchers.empty()) {
    out += '{';
    for (size_t i = 0; i < matchers.size(); ++i) {
      if (i > 0) out += ',';
      out += matchers[i];
    }
    out += '}';
  }
  return out;
}

std::string ExtendedAttribute(const VectorSelector& vs) {
  if (vs.anchored) return " anchored";
  if (vs.smoothed) return " smoothed";
  return "";
}

std::string MatchingString(const BinaryExpr& b) {
  if (!b.matching.has_value()) return "";
  const VectorMatching& m = *b.matching;
  std::string out;
  bool grouped = m.card == Cardinality::kManyToOne || m.card == Cardinality::kOneToMany;
  if (!m.matching_labels.empty() || m.on || grouped) {
    out += m.on ? " on (" : " ignoring (";
    out += JoinLabels(m.matching_labels) + ")";
  }
  if (grouped) {
    out += m.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    out += JoinLabels(m.include) + ")";
  }
  if (m.fill_lhs.has_value() && m.fill_rhs.has_value() && *m.fill_lhs == *m.fill_rhs) {
    out += Cat({" fill (", FormatGoV(*m.fill_lhs), ")"});
  } else {
    if (m.fill_lhs.has_value()) out += Cat({" fill_left (", FormatGoV(*m.fill_lhs), ")"});
    if (m.fill_rhs.has_value()) out += Cat({" fill_right (", FormatGoV(*m.fill_rhs), ")"});
  }
  return out;
}

std::string BinaryOperatorString(const BinaryExpr& b) {
  return std::string(BinaryOpString(b.op)) + (b.return_bool ? " bool" : "") + MatchingString(b);
}

std::string AggregatePrefix(const AggregateExpr& a) {
  std::string out(AggregateOpString(a.op));
  if (a.without) {
    out += Cat({" without (", JoinLabels(a.grouping), ") "});
  } else if (!a.grouping.empty()) {
    out += Cat({" by (", JoinLabels(a.grouping), ") "});
  }
  return out;
}

std::string SubquerySuffix(const SubqueryExpr& sq) {
  std::string step;
  if (sq.step_ms != 0) {
    step = FormatMillis(sq.step_ms);
  } else if (sq.step_expr != nullptr) {
    step = Format(*sq.step_expr);
  }
  return Cat({"[", RangeString(sq.range_ms, sq.range_expr), ":", step, "]",
              AtString(sq.at_ms, sq.at_modifier), OffsetString(sq.offset_ms, sq.offset_expr)});
}

std::string DurationString(const DurationExpr& d) {
  std::string out;
  switch (d.op) {
    case DurationOp::kStep:
      out = "step()";
      break;
    case DurationOp::kRange:
      out = "range()";
      break;
    case DurationOp::kMinOf:
    case DurationOp::kMaxOf:
      out = Cat({d.op == DurationOp::kMinOf ? "min_of(" : "max_of(", Format(*d.lhs), ", ",
                 Format(*d.rhs), ")"});
      break;
    default: {
      static constexpr std::string_view kOps[] = {"+", "-", "*", "/", "%", "^"};
      std::string_view op = kOps[static_cast<int>(d.op)];
      if (d.lhs == nullptr) {
        out = d.op == DurationOp::kSub ? "-" : "";
        out += Format(*d.rhs);
      } else {
        out = Cat({Format(*d.lhs), " ", op, " ", Format(*d.rhs)});
      }
    }
  }
  if (!d.wrapped) return out;
  std::string wrapped = "(";
  wrapped += out;
  wrapped += ')';
  return wrapped;
}

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

std::string Pretty(const Expr& e, int level, size_t max);

std::string PrettyChildList(const std::vector<const Expr*>& children, int level, size_t max) {
  std::string out;
  for (size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += ",\n";
    out += Pretty(*children[i], level, max);
  }
  return out;
}

std::string Pretty(const Expr& e, int level, size_t max) {
  std::string flat = Format(e);
  bool split = flat.size() > max;
  switch (e.kind()) {
    case ExprKind::kAggregate: {
      if (!split) return Indent(level) + flat;
      const auto& a = e.As<AggregateExpr>();
      std::string out = Indent(level) + AggregatePrefix(a) + "(\n";
      if (a.param != nullptr) out += Pretty(*a.param, level + 1, max) + ",\n";
      return out + Pretty(*a.expr, level + 1, max) + "\n" + Indent(level) + ")";
    }
    case ExprKind::kBinary: {
      if (!split) return Indent(level) + flat;
      const auto& b = e.As<BinaryExpr>();
      return Pretty(*b.lhs, level + 1, max) + "\n" + Indent(level) + BinaryOperatorString(b) +
             "\n" + Pretty(*b.rhs, level + 1, max);
    }
    case ExprKind::kCall: {
      if (!split) return Indent(level) + flat;
      const auto& c = e.As<Call>();
      std::vector<const Expr*> args;
      for (const ExprPtr& a : c.args) args.push_back(a.get());
      return Indent(level) + std::string(c.func->name) + "(\n" +
             PrettyChildList(args, level + 1, max) + "\n" + Indent(level) + ")";
    }
    case ExprKind::kParen: {
      if (!split) return Indent(level) + flat;
      return Indent(level) + "(\n" + Pretty(*e.As<ParenExpr>().expr, level + 1, max) + "\n" +
             Indent(level) + ")";
    }
    case ExprKind::kSubquery: {
      // As upstream: an unsplit subquery is not indented.
      if (!split) return flat;
      const auto& sq = e.As<SubqueryExpr>();
      return Pretty(*sq.expr, level, max) + SubquerySuffix(sq);
    }
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      std::string child = Pretty(*u.expr, level, max);
      size_t first = child.find_first_not_of(" \t\n\r");
      size_t last = child.find_last_not_of(" \t\n\r");
      child = first == std::string::npos ? "" : child.substr(first, last - first + 1);
      return Cat({Indent(level), u.op == UnaryOp::kMinus ? "-" : "+", child});
    }
    case ExprKind::kDuration:
      return flat;
    default:
      return Indent(level) + flat;
  }
}

}  // namespace

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::string Format(const Expr& e) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral: {
      const auto& n = e.As<NumberLiteral>();
      if (n.is_duration) {
        auto ms = [](double s) { return SaturatingInt64(s * 1e9) / 1'000'000; };
        return FormatMillis(n.value < 0 ? -ms(-n.value) : ms(n.value));
      }
      return FormatFloat(n.value);
    }
    case ExprKind::kStringLiteral:
      return GoQuote(e.As<StringLiteral>().value);
    case ExprKind::kDuration:
      return DurationString(e.As<DurationExpr>());
    case ExprKind::kVectorSelector: {
      const auto& vs = e.As<VectorSelector>();
      return SelectorBody(vs) + AtString(vs.at_ms, vs.at_modifier) + ExtendedAttribute(vs) +
             OffsetString(vs.offset_ms, vs.offset_expr);
    }
    case ExprKind::kMatrixSelector: {
      const auto& m = e.As<MatrixSelector>();
      const VectorSelector& vs = *m.selector;
      return Cat({SelectorBody(vs), "[", RangeString(m.range_ms, m.range_expr), "]",
                  ExtendedAttribute(vs), AtString(vs.at_ms, vs.at_modifier),
                  OffsetString(vs.offset_ms, vs.offset_expr)});
    }
    case ExprKind::kSubquery: {
      const auto& sq = e.As<SubqueryExpr>();
      return Format(*sq.expr) + SubquerySuffix(sq);
    }
    case ExprKind::kParen:
      return Cat({"(", Format(*e.As<ParenExpr>().expr), ")"});
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      return Cat({u.op == UnaryOp::kMinus ? "-" : "+", Format(*u.expr)});
    }
    case ExprKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      return Cat({Format(*b.lhs), " ", BinaryOperatorString(b), " ", Format(*b.rhs)});
    }
    case ExprKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      std::string out = AggregatePrefix(a) + "(";
      if (a.param != nullptr) out += Format(*a.param) + ", ";
      return out + Format(*a.expr) + ")";
    }
    case ExprKind::kCall: {
      const auto& c = e.As<Call>();
      std::string out = std::string(c.func->name) + "(";
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += Format(*c.args[i]);
      }
      return out + ")";
    }
  }
  return "";
}

std::string Prettify(const Expr& expr, size_t max_line_length) {
  return Pretty(expr, 0, max_line_length);
}

}  // namespace osprey::promql
