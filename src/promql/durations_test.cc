#include "promql/durations.h"

#include <gtest/gtest.h>

#include "promql/parser.h"
#include "promql/printer.h"

namespace osprey::promql {
namespace {

ExprPtr MustParse(std::string_view q) {
  Result<ExprPtr> r = ParseExpr(q);
  OSPREY_CHECK(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(DurationsTest, ResolvesRangesStepsAndOffsets) {
  ExprPtr e = MustParse(
      "max_over_time(rate(foo[5m * 2] offset (1h + step()))[range():min_of(step(), 30s)]) + bar "
      "offset -step()");
  ASSERT_TRUE(ResolveDurationExpressions(*e, /*step_ms=*/15'000, /*range_ms=*/3'600'000).ok());
  const auto& b = e->As<BinaryExpr>();
  const auto& sq = b.lhs->As<Call>().args[0]->As<SubqueryExpr>();
  EXPECT_EQ(sq.range_ms, 3'600'000);
  EXPECT_EQ(sq.step_ms, 15'000);
  const auto& m = sq.expr->As<Call>().args[0]->As<MatrixSelector>();
  EXPECT_EQ(m.range_ms, 600'000);
  EXPECT_EQ(m.selector->offset_ms, 3'615'000);
  EXPECT_EQ(b.rhs->As<VectorSelector>().offset_ms, -15'000);
  // The expressions are kept for printing.
  EXPECT_EQ(Format(m), "foo[5m * 2] offset (1h + step())");
}

TEST(DurationsTest, ReportsErrorsWithPositions) {
  ExprPtr e = MustParse("foo[step() - 1m]");
  Status s = ResolveDurationExpressions(*e, 60'000, 0);
  EXPECT_EQ(s.message(), "4:15: duration must be greater than 0");

  ExprPtr d = MustParse("foo[1m / (step() - 1m)]");
  EXPECT_EQ(ResolveDurationExpressions(*d, 60'000, 0).message(), "4:21: division by zero");

  ExprPtr o = MustParse("foo offset (step() - 1h)");
  ASSERT_TRUE(ResolveDurationExpressions(*o, 60'000, 0).ok());
  EXPECT_EQ(o->As<VectorSelector>().offset_ms, -3'540'000);  // offsets may be negative
}

}  // namespace
}  // namespace osprey::promql
