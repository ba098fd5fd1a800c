#include "promql/promqltest/ast_checks.h"

#include <gtest/gtest.h>

#include "promql/parser.h"
#include "promql/printer.h"

namespace osprey::promql::promqltest {
namespace {

std::string Pinned(std::string_view query, int64_t t, bool* applies = nullptr) {
  Result<ExprPtr> e = ParseExpr(query);
  OSPREY_CHECK(e.ok()) << e.status().ToString();
  bool ok = PinAtModifiers(**e, t);
  if (applies != nullptr) *applies = ok;
  return Format(**e);
}

TEST(PinAtModifiersTest, PinsSelectorsAndSubqueriesWithoutAt) {
  EXPECT_EQ(Pinned("foo", 60'000), "foo @ 60.000");
  EXPECT_EQ(Pinned("rate(foo[5m] offset 1m)", 1'500), "rate(foo[5m] @ 1.500 offset 1m)");
  EXPECT_EQ(Pinned("foo @ 10 + bar", 60'000), "foo @ 10.000 + bar @ 60.000");
  EXPECT_EQ(Pinned("sum by (a) (foo @ start())", 60'000), "sum by (a) (foo @ 60.000)");
  EXPECT_EQ(Pinned("topk(scalar(foo), bar)", 0), "topk(scalar(foo @ 0.000), bar @ 0.000)");
}

TEST(PinAtModifiersTest, DoesNotDescendIntoSubqueries) {
  EXPECT_EQ(Pinned("max_over_time(rate(foo[1m])[5m:1m])", 60'000),
            "max_over_time(rate(foo[1m])[5m:1m] @ 60.000)");
  EXPECT_EQ(Pinned("max_over_time(foo[5m:] @ 100)", 60'000), "max_over_time(foo[5m:] @ 100.000)");
}

TEST(PinAtModifiersTest, TimeDependentFunctionsDisableTheCheck) {
  for (std::string_view q : {"time()", "timestamp(foo)", "predict_linear(foo[5m], 60)", "hour(foo)",
                             "foo - time()", "days_in_month()"}) {
    bool applies = true;
    Pinned(q, 60'000, &applies);
    EXPECT_FALSE(applies) << q;
  }
  bool applies = false;
  // Inside a pinned subquery the function cannot see the evaluation time.
  Pinned("max_over_time(timestamp(foo)[5m:1m])", 60'000, &applies);
  EXPECT_TRUE(applies);
  Pinned("rate(foo[5m])", 60'000, &applies);
  EXPECT_TRUE(applies);
}

TEST(AtVariantTimesTest, UpstreamTimes) {
  EXPECT_EQ(AtVariantTimes(0), (std::vector<int64_t>{-1000, 0, 1000}));
  EXPECT_EQ(AtVariantTimes(100'000),
            (std::vector<int64_t>{-1'000'000, 0, 20'000, 100'000, 1'000'000}));
}

TEST(UsesQueryContextFunctionTest, Textual) {
  EXPECT_TRUE(UsesQueryContextFunction("foo @ start()"));
  EXPECT_TRUE(UsesQueryContextFunction("foo[step()]"));
  EXPECT_FALSE(UsesQueryContextFunction("rate(foo[5m])"));
  EXPECT_FALSE(UsesQueryContextFunction("foo @ 100"));
}

TEST(SelectsAnyOfTest, MatchesSelectorsAnywhere) {
  std::vector<model::Labels> series = {
      model::Labels::FromStrings({"__name__", "hist", "job", "a"})};
  auto selects = [&](std::string_view q) {
    Result<ExprPtr> e = ParseExpr(q);
    OSPREY_CHECK(e.ok()) << e.status().ToString();
    return SelectsAnyOf(**e, series);
  };
  EXPECT_TRUE(selects("hist"));
  EXPECT_TRUE(selects("sum(rate(hist[5m]))"));
  EXPECT_TRUE(selects("1 + max_over_time(hist{job=~\"a|b\"}[5m:])"));
  EXPECT_TRUE(selects("{__name__=~\"h.*\"}"));
  EXPECT_FALSE(selects("hist{job=\"b\"}"));
  EXPECT_FALSE(selects("other + 1"));
}

}  // namespace
}  // namespace osprey::promql::promqltest
