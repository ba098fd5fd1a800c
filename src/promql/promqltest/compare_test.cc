#include "promql/promqltest/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <variant>

#include "model/sample.h"

namespace osprey::promql::promqltest {
namespace {

using model::Labels;

EvalCmd ParseEval(std::string_view text) {
  Result<Script> s = ParseScript(text);
  OSPREY_CHECK(s.ok()) << s.status().ToString();
  return std::get<EvalCmd>(s->commands.at(0));
}

TEST(AlmostEqualTest, FollowsTheReadmeTolerance) {
  EXPECT_TRUE(AlmostEqual(1, 1));
  EXPECT_TRUE(AlmostEqual(1, 1 + 1e-7));
  EXPECT_FALSE(AlmostEqual(1, 1 + 1e-5));
  EXPECT_TRUE(AlmostEqual(1e300, 1e300 * (1 + 1e-7)));
  EXPECT_FALSE(AlmostEqual(0, 1e-300));  // zero: in effect exact
  EXPECT_TRUE(AlmostEqual(0, 0));
  EXPECT_TRUE(AlmostEqual(-0.0, 0.0));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(AlmostEqual(inf, inf));
  EXPECT_FALSE(AlmostEqual(inf, -inf));
  EXPECT_FALSE(AlmostEqual(inf, 1e308));
  EXPECT_TRUE(AlmostEqual(NAN, -NAN));
  EXPECT_FALSE(AlmostEqual(NAN, 1));
  // A staleness marker only equals another one.
  EXPECT_TRUE(AlmostEqual(model::StaleNaN(), model::StaleNaN()));
  EXPECT_FALSE(AlmostEqual(model::StaleNaN(), NAN));
  EXPECT_FALSE(AlmostEqual(NAN, model::StaleNaN()));
}

TEST(CompareVectorTest, MatchesBySetOfLabels) {
  EvalCmd cmd = ParseEval("eval instant at 0 x\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n");
  Labels a1 = Labels::FromStrings({"__name__", "x", "a", "1"});
  Labels a2 = Labels::FromStrings({"__name__", "x", "a", "2"});
  EXPECT_EQ(CompareVector(cmd, {{a2, 0, 2}, {a1, 0, 1}}), std::nullopt);
  EXPECT_NE(CompareVector(cmd, {{a1, 0, 1}}), std::nullopt);              // missing
  EXPECT_NE(CompareVector(cmd, {{a1, 0, 1}, {a2, 0, 3}}), std::nullopt);  // value
  Labels other = Labels::FromStrings({"__name__", "y"});
  Mismatch extra = CompareVector(cmd, {{a1, 0, 1}, {a2, 0, 2}, {other, 0, 1}});
  ASSERT_TRUE(extra.has_value());
  EXPECT_NE(extra->find("unexpected metric {__name__=\"y\"}"), std::string::npos) << *extra;
}

TEST(CompareVectorTest, OrderedChecksPositions) {
  EvalCmd cmd = ParseEval("eval_ordered instant at 0 x\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n");
  Labels a1 = Labels::FromStrings({"__name__", "x", "a", "1"});
  Labels a2 = Labels::FromStrings({"__name__", "x", "a", "2"});
  EXPECT_EQ(CompareVector(cmd, {{a1, 0, 1}, {a2, 0, 2}}), std::nullopt);
  EXPECT_NE(CompareVector(cmd, {{a2, 0, 2}, {a1, 0, 1}}), std::nullopt);
}

TEST(CompareVectorTest, EmptyExpectationNeedsEmptyResult) {
  EvalCmd cmd = ParseEval("eval instant at 0 x\n");
  EXPECT_EQ(CompareVector(cmd, {}), std::nullopt);
  EXPECT_NE(CompareVector(cmd, {{Labels::FromStrings({"__name__", "x"}), 0, 1}}), std::nullopt);
}

TEST(CompareScalarTest, ScalarAgainstVectorExpectations) {
  EvalCmd scalar = ParseEval("eval instant at 0 1\n  1\n");
  EXPECT_EQ(CompareScalar(scalar, 1), std::nullopt);
  EXPECT_NE(CompareScalar(scalar, 2), std::nullopt);
  EXPECT_NE(CompareVector(scalar, {}), std::nullopt);
  EvalCmd vec = ParseEval("eval instant at 0 x\n  {} 1\n");
  EXPECT_NE(CompareScalar(vec, 1), std::nullopt);
}

TEST(CompareMatrixTest, PointsAtStepsWithGaps) {
  EvalCmd cmd = ParseEval("eval range from 0 to 2m step 1m x\n  x 1 _ 3\n");
  Labels x = Labels::FromStrings({"__name__", "x"});
  EXPECT_EQ(CompareMatrix(cmd, {{x, {{0, 1}, {120'000, 3}}}}), std::nullopt);
  // `_` means the point must be absent.
  EXPECT_NE(CompareMatrix(cmd, {{x, {{0, 1}, {60'000, 2}, {120'000, 3}}}}), std::nullopt);
  EXPECT_NE(CompareMatrix(cmd, {{x, {{0, 1}, {60'000, 3}}}}), std::nullopt);  // timestamp
  EXPECT_NE(CompareMatrix(cmd, {}), std::nullopt);
}

TEST(CompareMatrixTest, RequiresSortedSeriesAndFitsTheRange) {
  EvalCmd cmd =
      ParseEval("eval range from 0 to 1m step 1m x\n  x{a=\"1\"} 1 1\n  x{a=\"2\"} 1 1\n");
  Labels a1 = Labels::FromStrings({"__name__", "x", "a", "1"});
  Labels a2 = Labels::FromStrings({"__name__", "x", "a", "2"});
  std::vector<FPoint> pts = {{0, 1}, {60'000, 1}};
  EXPECT_EQ(CompareMatrix(cmd, {{a1, pts}, {a2, pts}}), std::nullopt);
  Mismatch unsorted = CompareMatrix(cmd, {{a2, pts}, {a1, pts}});
  ASSERT_TRUE(unsorted.has_value());
  EXPECT_NE(unsorted->find("not sorted"), std::string::npos);

  EvalCmd too_many = ParseEval("eval range from 0 to 1m step 1m x\n  x 1 1 1\n");
  EXPECT_NE(CompareMatrix(too_many, {{Labels::FromStrings({"__name__", "x"}), pts}}), std::nullopt);
}

TEST(CompareMatrixTest, ExpectedHistogramsNeverMatchFloats) {
  EvalCmd cmd = ParseEval("eval range from 0 to 0 step 1m h\n  h {{schema:0 sum:1 count:1}}\n");
  EXPECT_NE(CompareMatrix(cmd, {{Labels::FromStrings({"__name__", "h"}), {}}}), std::nullopt);
}

TEST(CompareStringTest, ComparesText) {
  EvalCmd cmd = ParseEval("eval instant at 0 \"a\"\n  expect string \"a\"\n");
  EXPECT_EQ(CompareString(cmd, "a"), std::nullopt);
  EXPECT_NE(CompareString(cmd, "b"), std::nullopt);
}

TEST(CheckExpectedFailureTest, MessageAndRegexForms) {
  EXPECT_EQ(CheckExpectedFailure(ParseEval("eval_fail instant at 0 x\n"), "anything"),
            std::nullopt);
  EvalCmd msg = ParseEval("eval instant at 0 x\n  expect fail msg: bad thing\n");
  EXPECT_EQ(CheckExpectedFailure(msg, "bad thing"), std::nullopt);
  EXPECT_NE(CheckExpectedFailure(msg, "bad thing!"), std::nullopt);
  EvalCmd re = ParseEval("eval instant at 0 x\n  expect fail regex: b.d\n");
  EXPECT_EQ(CheckExpectedFailure(re, "a bad thing"), std::nullopt);  // unanchored
  EXPECT_NE(CheckExpectedFailure(re, "good"), std::nullopt);
  EvalCmd old = ParseEval("eval_fail instant at 0 x\n  expected_fail_regexp ^x$\n");
  EXPECT_EQ(CheckExpectedFailure(old, "x"), std::nullopt);
  EXPECT_NE(CheckExpectedFailure(old, "xx"), std::nullopt);
}

TEST(CheckAnnotationsTest, ExpectLines) {
  EvalCmd none = ParseEval("eval instant at 0 x\n");
  EXPECT_EQ(CheckAnnotations(none, {"PromQL warning: w"}, {}), std::nullopt);

  EvalCmd warn = ParseEval("eval instant at 0 x\n  expect warn msg: PromQL warning: w\n");
  EXPECT_EQ(CheckAnnotations(warn, {"PromQL warning: w"}, {}), std::nullopt);
  EXPECT_NE(CheckAnnotations(warn, {}, {}), std::nullopt);
  EXPECT_NE(CheckAnnotations(warn, {"PromQL warning: w", "PromQL warning: other"}, {}),
            std::nullopt);

  EvalCmd any = ParseEval("eval instant at 0 x\n  expect info\n");
  EXPECT_EQ(CheckAnnotations(any, {}, {"PromQL info: i", "PromQL info: j"}), std::nullopt);
  EXPECT_NE(CheckAnnotations(any, {}, {}), std::nullopt);

  EvalCmd no = ParseEval("eval instant at 0 x\n  expect no_warn\n  expect no_info\n");
  EXPECT_EQ(CheckAnnotations(no, {}, {}), std::nullopt);
  EXPECT_NE(CheckAnnotations(no, {"PromQL warning: w"}, {}), std::nullopt);
  EXPECT_NE(CheckAnnotations(no, {}, {"PromQL info: i"}), std::nullopt);

  EvalCmd old = ParseEval("eval_warn instant at 0 x\n");
  EXPECT_NE(CheckAnnotations(old, {}, {}), std::nullopt);
  EXPECT_EQ(CheckAnnotations(old, {"PromQL warning: w"}, {}), std::nullopt);
}

TEST(FormatValueTest, ReadableValues) {
  EXPECT_EQ(FormatValue(1.5), "1.5");
  EXPECT_EQ(FormatValue(model::StaleNaN()), "stale");
  EXPECT_EQ(FormatValue(NAN), "NaN");
  EXPECT_EQ(FormatValue(-INFINITY), "-Inf");
}

}  // namespace
}  // namespace osprey::promql::promqltest
