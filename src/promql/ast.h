// The PromQL abstract syntax tree, as produced by ParseExpr() (parser.h).
//
// Node types follow Prometheus's promql/parser/ast.go so the engine and the printers
// can follow upstream semantics one to one. A tree is a plain value: built once by the
// parser, then read-only; thread-compatible (share a const tree freely across threads).
//
//   OSPREY_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr("sum by (job) (rate(x[5m]))"));
//   if (expr->kind() == ExprKind::kAggregate) {
//     const auto& agg = expr->As<AggregateExpr>();   // agg.grouping == {"job"}
//   }
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "model/matcher.h"

namespace osprey::promql {

struct Function;

enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };
// "none", "scalar", "vector", "matrix", "string" (Prometheus's ValueType strings).
std::string_view ValueTypeName(ValueType t);
// As user-facing errors name them: "instant vector", "range vector", "scalar", "string".
std::string_view DocumentedType(ValueType t);

// Converts a float to int64, saturating at the int64 range (NaN gives 0). Prometheus
// relies on Go's platform-defined conversions there; C++ would be undefined.
int64_t SaturatingInt64(double v);

// Byte offsets into the query: [start, end).
struct PositionRange {
  int start = 0;
  int end = 0;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
  kTrimUpper,
  kTrimLower,  // </ and >/: trim native histogram buckets
};
// "+", "==", "and", "atan2", ...
std::string_view BinaryOpString(BinaryOp op);
bool IsComparisonOp(BinaryOp op);
bool IsSetOp(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kQuantile,
  kCountValues,
  kLimitk,
  kLimitRatio,
};
// "sum", "count_values", ...
std::string_view AggregateOpString(AggregateOp op);
// topk, bottomk, quantile, count_values, limitk, limit_ratio take a parameter first.
bool AggregateOpHasParam(AggregateOp op);

enum class UnaryOp { kPlus, kMinus };

// `@ start()` / `@ end()`.
enum class AtModifier { kNone, kStart, kEnd };

enum class ExprKind {
  kNumberLiteral,
  kStringLiteral,
  kDuration,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  // The type the expression evaluates to.
  virtual ValueType type() const = 0;
  // Where the expression is in the query (used in error messages).
  virtual PositionRange position() const = 0;

  // Requires: kind() == T::kKind.
  template <typename T>
  const T& As() const {
    OSPREY_CHECK(kind_ == T::kKind) << "wrong expression kind";
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    OSPREY_CHECK(kind_ == T::kKind) << "wrong expression kind";
    return static_cast<T&>(*this);
  }

 protected:
  explicit Expr(ExprKind kind) : kind_(kind) {}

 private:
  const ExprKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

// 1, 0x1f, Inf, or a duration used as a number (5m is 300; is_duration keeps "5m" in
// printed output).
struct NumberLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kScalar; }
  PositionRange position() const override { return pos; }

  double value = 0;
  bool is_duration = false;
  PositionRange pos;
};

// "text" (value holds the unquoted text).
struct StringLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kString; }
  PositionRange position() const override { return pos; }

  std::string value;
  PositionRange pos;
};

// An experimental duration expression in a range, subquery step or offset:
// [5m * 2], offset (1h + step()), [min_of(step(), 5m):]. Its operands are NumberLiteral
// or DurationExpr. The engine evaluates it to seconds (step() and range() are the
// query's step and range).
enum class DurationOp { kAdd, kSub, kMul, kDiv, kMod, kPow, kStep, kRange, kMinOf, kMaxOf };
struct DurationExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kDuration;
  DurationExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kScalar; }
  PositionRange position() const override;

  // kAdd/kSub with only rhs set: unary (+ only used to mark parentheses around a literal).
  DurationOp op = DurationOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool wrapped = false;  // written in parentheses
  int start_pos = 0;
  int end_pos = 0;
};

// foo{job="api"} offset 5m @ 100
struct VectorSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PositionRange position() const override { return pos; }

  std::string name;  // the metric name written before the braces; may be empty
  // All matchers, including __name__="<name>" (last) when name is set.
  std::vector<model::Matcher> matchers;
  int64_t offset_ms = 0;                      // the literal offset (negative allowed)
  std::unique_ptr<DurationExpr> offset_expr;  // or an offset expression
  std::optional<int64_t> at_ms;               // @ <timestamp>, in milliseconds
  AtModifier at_modifier = AtModifier::kNone;
  bool anchored = false;
  bool smoothed = false;
  bool bypass_empty_matcher_check = false;  // second argument of info()
  PositionRange pos;
};

// foo[5m]; offset/@ live on the inner selector.
struct MatrixSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PositionRange position() const override { return {selector->pos.start, end_pos}; }

  std::unique_ptr<VectorSelector> selector;
  int64_t range_ms = 0;
  std::unique_ptr<DurationExpr> range_expr;  // set instead of range_ms for [5m * 2]
  int end_pos = 0;
};

// expr[1h:5m] offset 1m @ end()
struct SubqueryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PositionRange position() const override { return {expr->position().start, end_pos}; }

  ExprPtr expr;
  int64_t range_ms = 0;
  std::unique_ptr<DurationExpr> range_expr;
  int64_t step_ms = 0;  // 0: the engine's default step
  std::unique_ptr<DurationExpr> step_expr;
  int64_t offset_ms = 0;
  std::unique_ptr<DurationExpr> offset_expr;
  std::optional<int64_t> at_ms;
  AtModifier at_modifier = AtModifier::kNone;
  int end_pos = 0;
};

struct ParenExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PositionRange position() const override { return pos; }

  ExprPtr expr;
  PositionRange pos;
};

// -expr (a minus applied to a number literal is folded into the literal instead).
struct UnaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PositionRange position() const override { return {start_pos, expr->position().end}; }

  UnaryOp op = UnaryOp::kMinus;
  ExprPtr expr;
  int start_pos = 0;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

// on()/ignoring(), group_left()/group_right() and fill() of a binary operation.
struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // the on()/ignoring() labels
  bool on = false;                           // on() rather than ignoring()
  std::vector<std::string> include;          // the group_x() labels
  std::optional<double> fill_lhs;            // fill_left() / fill()
  std::optional<double> fill_rhs;            // fill_right() / fill()
};

struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  ValueType type() const override;
  PositionRange position() const override { return {lhs->position().start, rhs->position().end}; }

  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  // Set iff both sides are instant vectors; set operations are always kManyToMany.
  std::optional<VectorMatching> matching;
};

// sum by (job) (x), topk(3, x), count_values("v", x)
struct AggregateExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PositionRange position() const override { return pos; }

  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // set iff AggregateOpHasParam(op)
  std::vector<std::string> grouping;
  bool without = false;
  PositionRange pos;
};

// rate(x[5m]); func points into the static function table (functions.h).
struct Call final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCall;
  Call() : Expr(kKind) {}
  ValueType type() const override;
  PositionRange position() const override { return pos; }

  const Function* func = nullptr;
  std::vector<ExprPtr> args;
  PositionRange pos;
};

}  // namespace osprey::promql
