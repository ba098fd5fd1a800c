#include "promql/promqltest/script.h"

#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "model/sample.h"

namespace osprey::promql::promqltest {
namespace {

using Kind = SequenceValue::Kind;

std::vector<double> Floats(const std::vector<SequenceValue>& values) {
  std::vector<double> out;
  for (const SequenceValue& v : values) out.push_back(v.kind == Kind::kFloat ? v.value : -999);
  return out;
}

TEST(ParseSequenceTest, ExpandsValueNotation) {
  struct Case {
    std::string text;
    std::vector<double> want;  // -999 marks an omitted position
  } cases[] = {
      {"1", {1}},
      {"0+10x3", {0, 10, 20, 30}},
      {"5-1x2", {5, 4, 3}},
      {"-2+2x2", {-2, 0, 2}},
      {"7x2", {7, 7, 7}},
      {"_", {-999}},
      {"_x3", {-999, -999, -999}},
      {"1 _ 3", {1, -999, 3}},
      {"1.5e3 -0.25", {1500, -0.25}},
      {"1m 1m30s 500ms", {60, 90, 0.5}},
      {"0+1mx2", {0, 60, 120}},
      {"  1   2  ", {1, 2}},
      {"", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<std::vector<SequenceValue>> got = ParseSequence(c.text);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(Floats(*got), c.want);
  }
}

TEST(ParseSequenceTest, RepeatedAdditionRoundsLikeUpstream) {
  Result<std::vector<SequenceValue>> got = ParseSequence("0+0.1x3");
  ASSERT_TRUE(got.ok());
  double v = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*got)[i].value, v);
    v += 0.1;
  }
}

TEST(ParseSequenceTest, SpecialValues) {
  Result<std::vector<SequenceValue>> got = ParseSequence("stale NaN Inf -Inf +Inf");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 5u);
  EXPECT_TRUE(model::IsStaleNaN((*got)[0].value));
  EXPECT_TRUE(std::isnan((*got)[1].value));
  EXPECT_FALSE(model::IsStaleNaN((*got)[1].value));
  EXPECT_EQ((*got)[2].value, INFINITY);
  EXPECT_EQ((*got)[3].value, -INFINITY);
  EXPECT_EQ((*got)[4].value, INFINITY);
}

TEST(ParseSequenceTest, HistogramsKeepTheirPositions) {
  Result<std::vector<SequenceValue>> got =
      ParseSequence("1 {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 {{schema:0}}+{{sum:1}}x1 2");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 7u);
  EXPECT_EQ((*got)[0].kind, Kind::kFloat);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ((*got)[i].kind, Kind::kHistogram) << i;
  EXPECT_EQ((*got)[1].histogram, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}");
  EXPECT_EQ((*got)[6].value, 2);
}

TEST(ParseSequenceTest, RejectsMalformedValues) {
  for (std::string_view bad : {"abc", "1x", "1+x3", "1+2", "_xa", "{{schema:0", "1*2x3"}) {
    EXPECT_FALSE(ParseSequence(bad).ok()) << bad;
  }
}

TEST(ParseSeriesLineTest, ParsesNameLabelsAndValues) {
  Result<SeriesLine> s = ParseSeriesLine(R"(http_requests{job="api", instance="0"}  0+10x2)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->labels, model::Labels::FromStrings(
                           {"__name__", "http_requests", "instance", "0", "job", "api"}));
  EXPECT_EQ(Floats(s->values), (std::vector<double>{0, 10, 20}));

  Result<SeriesLine> braces = ParseSeriesLine(R"({__name__="x", a="b\"c}"} 1)");
  ASSERT_TRUE(braces.ok()) << braces.status().ToString();
  EXPECT_EQ(braces->labels, model::Labels::FromStrings({"__name__", "x", "a", "b\"c}"}));

  Result<SeriesLine> empty = ParseSeriesLine("{} 3");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->labels.empty());

  Result<SeriesLine> quoted = ParseSeriesLine(R"({"my.metric", "a.b"="c"} 1)");
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(quoted->labels, model::Labels::FromStrings({"__name__", "my.metric", "a.b", "c"}));

  Result<SeriesLine> bare = ParseSeriesLine("up");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->labels.MetricName(), "up");
  EXPECT_TRUE(bare->values.empty());
}

TEST(ParseSeriesLineTest, RejectsBadSeries) {
  for (std::string_view bad :
       {R"(x{a=~"b"} 1)", R"(x{a="b" 1)", R"(x{a=b} 1)", R"(x{a="1",a="2"} 1)", "{a=\"b\"}1"}) {
    EXPECT_FALSE(ParseSeriesLine(bad).ok()) << bad;
  }
}

TEST(ParseScriptNumberTest, GoNumberSyntax) {
  EXPECT_EQ(ParseScriptNumber("1"), 1);
  EXPECT_EQ(ParseScriptNumber("-2.5"), -2.5);
  EXPECT_EQ(ParseScriptNumber("0x1f"), 31);
  EXPECT_EQ(ParseScriptNumber("010"), 8);
  EXPECT_EQ(ParseScriptNumber("1e3"), 1000);
  EXPECT_EQ(ParseScriptNumber("+Inf"), INFINITY);
  EXPECT_TRUE(std::isnan(*ParseScriptNumber("NaN")));
  EXPECT_FALSE(ParseScriptNumber("{} 1").has_value());
  EXPECT_FALSE(ParseScriptNumber("foo").has_value());
  EXPECT_FALSE(ParseScriptNumber("").has_value());
}

constexpr std::string_view kScript = R"(# a comment
load 5m
  http_requests{job="api"} 0+10x10
  other 1 _ stale

clear

load_with_nhcb 1m
  hist_bucket{le="1"} 1 2
  other@st _ 1m

eval instant at 50m sum(http_requests)
  {} 100

eval_ordered instant at 1m sort(x)
  x{a="1"} 1
  x{a="2"} 2

eval range from 0 to 10m step 5m rate(x[5m])
  expect warn msg: PromQL warning: something
  expect no_info
  {job="api"} _ 2 2

eval instant at 0 1 + 1
  2

eval_fail instant at 1m foo(
  expected_fail_message 1:5: parse error: unexpected end of input

eval instant at 1m x[1m]
  expect range vector from 0 to 1m step 30s
  x 1 2 3

eval instant at 0 "a"
  expect string "a"

eval instant at 0 y
  expect fail regex: bad.*thing
)";

TEST(ParseScriptTest, ParsesEveryCommandKind) {
  Result<Script> s = ParseScript(kScript);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->commands.size(), 11u);

  const auto& load = std::get<LoadCmd>(s->commands[0]);
  EXPECT_EQ(load.line, 2);
  EXPECT_EQ(load.interval_ms, 300'000);
  ASSERT_EQ(load.series.size(), 2u);
  EXPECT_EQ(load.series[0].values.size(), 11u);
  EXPECT_TRUE(std::holds_alternative<ClearCmd>(s->commands[1]));
  const auto& nhcb = std::get<LoadCmd>(s->commands[2]);
  EXPECT_TRUE(nhcb.with_nhcb);
  EXPECT_TRUE(nhcb.has_start_timestamps);
  EXPECT_EQ(nhcb.series.size(), 1u);

  const auto& instant = std::get<EvalCmd>(s->commands[3]);
  EXPECT_EQ(instant.line, 12);
  EXPECT_EQ(instant.query, "sum(http_requests)");
  EXPECT_FALSE(instant.is_range);
  EXPECT_EQ(instant.eval_ms, 3'000'000);
  ASSERT_EQ(instant.expected.size(), 1u);
  EXPECT_TRUE(instant.expected[0].labels.empty());

  const auto& ordered = std::get<EvalCmd>(s->commands[4]);
  EXPECT_TRUE(ordered.IsOrdered());
  ASSERT_EQ(ordered.expected.size(), 2u);
  EXPECT_EQ(ordered.expected[1].position, 2);

  const auto& range = std::get<EvalCmd>(s->commands[5]);
  EXPECT_TRUE(range.is_range);
  EXPECT_EQ(range.start_ms, 0);
  EXPECT_EQ(range.end_ms, 600'000);
  EXPECT_EQ(range.step_ms, 300'000);
  ASSERT_EQ(range.expects.size(), 2u);
  EXPECT_EQ(range.expects[0].kind, Expectation::Kind::kWarn);
  EXPECT_EQ(range.expects[0].message, "PromQL warning: something");
  EXPECT_EQ(range.expects[1].kind, Expectation::Kind::kNoInfo);
  EXPECT_EQ(range.expected[0].values[0].kind, Kind::kOmitted);

  const auto& scalar = std::get<EvalCmd>(s->commands[6]);
  EXPECT_TRUE(scalar.expect_scalar);
  EXPECT_EQ(scalar.expected[0].values[0].value, 2);

  const auto& fail = std::get<EvalCmd>(s->commands[7]);
  EXPECT_TRUE(fail.IsFail());
  EXPECT_EQ(fail.query, "foo(");
  EXPECT_EQ(fail.fail_message, "1:5: parse error: unexpected end of input");

  const auto& rv = std::get<EvalCmd>(s->commands[8]);
  EXPECT_TRUE(rv.expect_range_vector);
  EXPECT_TRUE(rv.exclude_from_range_query);
  EXPECT_EQ(rv.eval_ms, 60'000);
  EXPECT_EQ(rv.step_ms, 30'000);
  EXPECT_EQ(rv.expected[0].values.size(), 3u);

  const auto& str = std::get<EvalCmd>(s->commands[9]);
  EXPECT_EQ(str.expected_string, "a");

  const auto& re = std::get<EvalCmd>(s->commands[10]);
  EXPECT_TRUE(re.IsFail());
  EXPECT_EQ(re.expects[0].regex, "bad.*thing");
}

TEST(ParseScriptTest, LaterDefinitionOfASeriesInOneLoadWins) {
  Result<Script> s = ParseScript("load 1m\n  x 1 2\n  x 3\n");
  ASSERT_TRUE(s.ok());
  const auto& load = std::get<LoadCmd>(s->commands[0]);
  ASSERT_EQ(load.series.size(), 1u);
  EXPECT_EQ(Floats(load.series[0].values), (std::vector<double>{3}));
}

TEST(ParseScriptTest, ReportsTheLineOfAnError) {
  struct Case {
    std::string script;
    std::string prefix;
  } cases[] = {
      {"load 5m\n  x 1\n\nbogus\n", "4: invalid command"},
      {"eval instant at 1x foo\n", "1: invalid evaluation time"},
      {"eval instant at 1m foo\n  x 1 2\n", "2: several values"},
      {"eval instant at 1m foo\n  expect bogus\n", "2: invalid expect line"},
      {"load 5m\n  x{ 1\n", "2: unclosed"},
      {"eval range from 10m to 1m step 1m x\n", "1: invalid range times"},
  };
  for (const Case& c : cases) {
    Result<Script> s = ParseScript(c.script);
    ASSERT_FALSE(s.ok()) << c.script;
    EXPECT_TRUE(s.status().message().starts_with(c.prefix)) << s.status().message();
  }
}

}  // namespace
}  // namespace osprey::promql::promqltest
