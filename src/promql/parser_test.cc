#include "promql/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "promql/functions.h"
#include "promql/printer.h"

namespace osprey::promql {
namespace {

ExprPtr MustParse(std::string_view q) {
  Result<ExprPtr> r = ParseExpr(q);
  OSPREY_CHECK(r.ok()) << q << ": " << r.status().ToString();
  return std::move(r).value();
}

double NumberValue(std::string_view q) { return MustParse(q)->As<NumberLiteral>().value; }

TEST(ParserTest, ParsesNumberLiteralsLikeGo) {
  EXPECT_EQ(NumberValue("1"), 1);
  EXPECT_EQ(NumberValue(".5"), 0.5);
  EXPECT_EQ(NumberValue("5."), 5);
  EXPECT_EQ(NumberValue("5e-3"), 0.005);
  EXPECT_EQ(NumberValue("0x1F"), 31);
  EXPECT_EQ(NumberValue("0755"), 493);  // a leading zero means octal
  EXPECT_EQ(NumberValue("09"), 9);      // ...unless it is not valid octal
  EXPECT_EQ(NumberValue("1_000"), 1000);
  EXPECT_EQ(NumberValue("-0755"), -493);
  EXPECT_EQ(NumberValue("+5.5e-3"), 0.0055);
  EXPECT_EQ(NumberValue("99999999999999999999"), 1e20);
  EXPECT_TRUE(std::isinf(NumberValue("Inf")));
  EXPECT_TRUE(std::isinf(NumberValue("-inf")));
  EXPECT_LT(NumberValue("-Inf"), 0);
  EXPECT_TRUE(std::isnan(NumberValue("NaN")));
  EXPECT_TRUE(std::isnan(NumberValue("nAn")));
}

TEST(ParserTest, DurationsAreNumbersOfSeconds) {
  ExprPtr e = MustParse("1h30m");
  const auto& lit = e->As<NumberLiteral>();
  EXPECT_EQ(lit.value, 5400);
  EXPECT_TRUE(lit.is_duration);
  EXPECT_EQ(Format(*e), "1h30m");
  EXPECT_EQ(NumberValue("-5m"), -300);
  EXPECT_EQ(NumberValue("10ms"), 0.01);
}

TEST(ParserTest, UnquotesStringLiterals) {
  EXPECT_EQ(MustParse(R"("a\"b\n\x41\u00e9")")->As<StringLiteral>().value, "a\"b\nA\xc3\xa9");
  EXPECT_EQ(MustParse(R"('it\'s')")->As<StringLiteral>().value, "it's");
  EXPECT_EQ(MustParse(R"(`raw\n`)")->As<StringLiteral>().value, "raw\\n");
  EXPECT_EQ(MustParse(R"("a")")->type(), ValueType::kString);
}

TEST(ParserTest, VectorSelectorCollectsMatchersWithNameLast) {
  ExprPtr e = MustParse(R"(http_requests{job="api", code=~"5..", path!="/", x!~"y"})");
  const auto& vs = e->As<VectorSelector>();
  EXPECT_EQ(vs.name, "http_requests");
  ASSERT_EQ(vs.matchers.size(), 5u);
  EXPECT_EQ(vs.matchers[0].ToString(), R"(job="api")");
  EXPECT_EQ(vs.matchers[1].type(), model::MatchType::kRegexMatch);
  EXPECT_EQ(vs.matchers[2].type(), model::MatchType::kNotEqual);
  EXPECT_EQ(vs.matchers[3].type(), model::MatchType::kRegexNoMatch);
  EXPECT_EQ(vs.matchers[4].name(), "__name__");
  EXPECT_EQ(vs.matchers[4].value(), "http_requests");
  EXPECT_EQ(vs.pos.start, 0);
  EXPECT_EQ(vs.pos.end, 56);
}

TEST(ParserTest, QuotedNamesInsideBraces) {
  ExprPtr e = MustParse(R"({"metric.name", "label.x"="v"})");
  const auto& vs = e->As<VectorSelector>();
  EXPECT_EQ(vs.name, "");
  ASSERT_EQ(vs.matchers.size(), 2u);
  EXPECT_EQ(vs.matchers[0].name(), "__name__");
  EXPECT_EQ(vs.matchers[0].value(), "metric.name");
  EXPECT_EQ(vs.matchers[1].name(), "label.x");
}

TEST(ParserTest, KeywordsCanBeMetricNames) {
  for (std::string_view q : {"sum", "by", "offset", "and", "start", "step", "anchored", "fill",
                             "max_of", "avg{a=\"b\"}", "on{a=\"b\"}"}) {
    SCOPED_TRACE(q);
    Result<ExprPtr> r = ParseExpr(q);
    if (q.starts_with("on")) {
      EXPECT_FALSE(r.ok());  // on, ignoring, bool, group_x are not metric names
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->kind(), ExprKind::kVectorSelector);
  }
  EXPECT_EQ(MustParse("fill + fill")->kind(), ExprKind::kBinary);
}

TEST(ParserTest, RangeSubqueryOffsetAndAt) {
  ExprPtr m = MustParse("foo[5m] offset -1h @ 1603774699.123");
  const auto& ms = m->As<MatrixSelector>();
  EXPECT_EQ(ms.range_ms, 300'000);
  EXPECT_EQ(ms.selector->offset_ms, -3'600'000);
  EXPECT_EQ(ms.selector->at_ms, 1603774699123);
  EXPECT_EQ(m->type(), ValueType::kMatrix);

  ExprPtr s = MustParse("rate(foo[1m])[1h:5m] @ end() offset 10s");
  const auto& sq = s->As<SubqueryExpr>();
  EXPECT_EQ(sq.range_ms, 3'600'000);
  EXPECT_EQ(sq.step_ms, 300'000);
  EXPECT_EQ(sq.offset_ms, 10'000);
  EXPECT_EQ(sq.at_modifier, AtModifier::kEnd);
  EXPECT_EQ(sq.expr->kind(), ExprKind::kCall);

  EXPECT_EQ(MustParse("foo[1h:]")->As<SubqueryExpr>().step_ms, 0);
  EXPECT_EQ(MustParse("foo @ start()")->As<VectorSelector>().at_modifier, AtModifier::kStart);
  EXPECT_EQ(MustParse("foo @ -100")->As<VectorSelector>().at_ms, -100'000);
  EXPECT_EQ(MustParse("foo[600]")->As<MatrixSelector>().range_ms, 600'000);
}

TEST(ParserTest, DurationExpressions) {
  ExprPtr e = MustParse("foo[5m * 2]");
  const auto& ms = e->As<MatrixSelector>();
  ASSERT_NE(ms.range_expr, nullptr);
  EXPECT_EQ(ms.range_expr->op, DurationOp::kMul);
  EXPECT_EQ(Format(*e), "foo[5m * 2]");

  ExprPtr o = MustParse("foo offset (1h + step())");
  const auto& vs = o->As<VectorSelector>();
  ASSERT_NE(vs.offset_expr, nullptr);
  EXPECT_TRUE(vs.offset_expr->wrapped);
  EXPECT_EQ(vs.offset_expr->rhs->As<DurationExpr>().op, DurationOp::kStep);

  // Binary operators after an offset belong to the outer expression.
  ExprPtr b = MustParse("foo offset 5s - 8");
  EXPECT_EQ(b->kind(), ExprKind::kBinary);
  EXPECT_EQ(b->As<BinaryExpr>().lhs->As<VectorSelector>().offset_ms, 5000);
  EXPECT_EQ(Format(*MustParse("foo offset -1^1")), "foo offset -1s ^ 1");
  EXPECT_EQ(Format(*MustParse("foo[min_of(step(), 5m):]")), "foo[min_of(step(), 5m):]");
}

TEST(ParserTest, PrecedenceAndAssociativity) {
  struct Case {
    std::string_view query;
    BinaryOp top;
  };
  for (const Case& c :
       {Case{"a or b and c", BinaryOp::kOr}, Case{"a and b == c", BinaryOp::kAnd},
        Case{"a == b + c", BinaryOp::kEql}, Case{"a + b * c", BinaryOp::kAdd},
        Case{"a * b ^ c", BinaryOp::kMul}, Case{"a - b - c", BinaryOp::kSub},
        Case{"a atan2 b + c", BinaryOp::kAdd}, Case{"a unless b or c", BinaryOp::kOr}}) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(MustParse(c.query)->As<BinaryExpr>().op, c.top);
  }
  // Left-associative: (a - b) - c.
  EXPECT_EQ(MustParse("a - b - c")->As<BinaryExpr>().lhs->kind(), ExprKind::kBinary);
  // ^ is right-associative: a ^ (b ^ c).
  ExprPtr pow_expr = MustParse("a ^ b ^ c");
  const auto& pow = pow_expr->As<BinaryExpr>();
  EXPECT_EQ(pow.lhs->kind(), ExprKind::kVectorSelector);
  EXPECT_EQ(pow.rhs->As<BinaryExpr>().op, BinaryOp::kPow);
  // Unary minus binds like *: -a ^ b is -(a ^ b), -a * b is (-a) * b.
  EXPECT_EQ(MustParse("-a ^ b")->kind(), ExprKind::kUnary);
  EXPECT_EQ(MustParse("-a * b")->As<BinaryExpr>().lhs->kind(), ExprKind::kUnary);
  // A minus on a number literal is folded into it.
  EXPECT_EQ(NumberValue("- - 1"), 1);
  // Modifiers bind to the nearest primary: a + (b offset 5m).
  EXPECT_EQ(MustParse("a + b offset 5m")->As<BinaryExpr>().rhs->As<VectorSelector>().offset_ms,
            300'000);
}

TEST(ParserTest, VectorMatchingModifiers) {
  ExprPtr e = MustParse("a * on(x, y) group_left(z) b");
  const auto& b = e->As<BinaryExpr>();
  ASSERT_TRUE(b.matching.has_value());
  EXPECT_TRUE(b.matching->on);
  EXPECT_EQ(b.matching->matching_labels, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.matching->card, Cardinality::kManyToOne);
  EXPECT_EQ(b.matching->include, (std::vector<std::string>{"z"}));

  ExprPtr set_expr = MustParse("a and ignoring(x) b");
  const auto& set = set_expr->As<BinaryExpr>();
  EXPECT_EQ(set.matching->card, Cardinality::kManyToMany);
  EXPECT_FALSE(set.matching->on);

  ExprPtr cmp_expr = MustParse("a > bool 1");
  const auto& cmp = cmp_expr->As<BinaryExpr>();
  EXPECT_TRUE(cmp.return_bool);
  EXPECT_FALSE(cmp.matching.has_value());  // dropped when one side is a scalar

  ExprPtr fill_expr = MustParse("a + fill_left(1) fill_right(-2) b");
  const auto& fill = fill_expr->As<BinaryExpr>();
  EXPECT_EQ(fill.matching->fill_lhs, 1);
  EXPECT_EQ(fill.matching->fill_rhs, -2);
  EXPECT_EQ(MustParse("a + fill(0) b")->As<BinaryExpr>().matching->fill_rhs, 0);
}

TEST(ParserTest, Aggregations) {
  ExprPtr a_expr = MustParse("sum without (instance) (rate(x[5m]))");
  const auto& a = a_expr->As<AggregateExpr>();
  EXPECT_EQ(a.op, AggregateOp::kSum);
  EXPECT_TRUE(a.without);
  EXPECT_EQ(a.grouping, (std::vector<std::string>{"instance"}));
  EXPECT_EQ(a.param, nullptr);

  ExprPtr t_expr = MustParse("topk(3, x) by (job, \"a.b\")");
  const auto& t = t_expr->As<AggregateExpr>();
  EXPECT_EQ(t.op, AggregateOp::kTopk);
  EXPECT_EQ(t.param->As<NumberLiteral>().value, 3);
  EXPECT_EQ(t.grouping, (std::vector<std::string>{"job", "a.b"}));
  EXPECT_EQ(t.pos.end, 26);

  ExprPtr cv_expr = MustParse(R"(count_values("v", x))");
  const auto& cv = cv_expr->As<AggregateExpr>();
  EXPECT_EQ(cv.param->As<StringLiteral>().value, "v");

  // Keywords are allowed as grouping labels; aggregators are case-insensitive.
  EXPECT_EQ(MustParse("SUM BY (on, by, offset) (x)")->As<AggregateExpr>().grouping.size(), 3u);
  for (std::string_view op : {"avg", "count", "min", "max", "group", "stddev", "stdvar"}) {
    EXPECT_TRUE(ParseExpr(std::string(op) + "(x)").ok()) << op;
  }
  for (std::string_view op : {"bottomk", "quantile", "limitk", "limit_ratio"}) {
    EXPECT_TRUE(ParseExpr(std::string(op) + "(0.5, x)").ok()) << op;
  }
}

TEST(ParserTest, FunctionCallsAreTypedByTheTable) {
  ExprPtr e = MustParse("label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")");
  const auto& c = e->As<Call>();
  EXPECT_EQ(c.func->name, "label_replace");
  EXPECT_EQ(c.args.size(), 5u);
  EXPECT_EQ(MustParse("time()")->type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("scalar(up)")->type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("vector(1)")->type(), ValueType::kVector);
  EXPECT_TRUE(ParseExpr("day_of_week()").ok());  // optional vector argument
  EXPECT_TRUE(ParseExpr("round(x, 0.5)").ok());
  EXPECT_TRUE(ParseExpr("sort_by_label(x, \"a\", \"b\", \"c\")").ok());
  EXPECT_TRUE(ParseExpr("info(up, {k8s_cluster=~\".+\"})").ok());
  EXPECT_TRUE(ParseExpr("double_exponential_smoothing(x[5m], 0.5, 0.5)").ok());
  EXPECT_FALSE(ParseExpr("Rate(x[5m])").ok());  // function names are case-sensitive
}

TEST(ParserTest, FunctionTableCoversPrometheus) {
  EXPECT_EQ(AllFunctions().size(), 90u);
  for (std::string_view name : {"abs",
                                "absent_over_time",
                                "changes",
                                "clamp",
                                "deriv",
                                "first_over_time",
                                "histogram_avg",
                                "histogram_fraction",
                                "idelta",
                                "info",
                                "irate",
                                "mad_over_time",
                                "predict_linear",
                                "present_over_time",
                                "quantile_over_time",
                                "resets",
                                "sgn",
                                "sort_by_label_desc",
                                "start_timestamp",
                                "ts_of_first_over_time",
                                "ts_of_last_over_time",
                                "ts_of_max_over_time",
                                "ts_of_min_over_time",
                                "timestamp",
                                "year"}) {
    EXPECT_NE(LookupFunction(name), nullptr) << name;
  }
  EXPECT_EQ(LookupFunction("holt_winters"), nullptr);
  const Function* q = LookupFunction("quantile_over_time");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->args()[0], ValueType::kScalar);
  EXPECT_EQ(q->args()[1], ValueType::kMatrix);
}

TEST(ParserTest, CommentsAndWhitespaceAreIgnored) {
  ExprPtr e = MustParse("sum(  # total\n  x{a=\"b\" # label\n}\n)  # end");
  EXPECT_EQ(Format(*e), R"(sum(x{a="b"}))");
}

TEST(ParserTest, InfoSelectorMayMatchEmpty) {
  ExprPtr c_expr = MustParse(R"(info(up, {a=~".*"}))");
  const auto& c = c_expr->As<Call>();
  EXPECT_TRUE(c.args[1]->As<VectorSelector>().bypass_empty_matcher_check);
}

}  // namespace
}  // namespace osprey::promql
