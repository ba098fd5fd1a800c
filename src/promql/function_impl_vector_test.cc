// Tests for the vector functions of internal/function_impl.h (math, dates, labels,
// sorting, classic histograms), with cases from Prometheus's promql test scripts.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "promql/function_impl_test_util.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

using model::Labels;
using testutil::Eval;
using testutil::ParsedCall;
using testutil::ScalarArg;
using testutil::StringArg;
using testutil::VectorArg;
using testutil::VectorEval;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

VectorSample Sample(std::initializer_list<std::string_view> labels, double v, int64_t t = 0) {
  return {.labels = Labels::FromStrings(labels), .t = t, .v = v};
}

// The values of a function applied to one sample each, in order.
std::vector<double> Apply(std::string_view fn, const std::vector<double>& values,
                          std::vector<ArgValue> extra = {}) {
  Vector in;
  for (double v : values)
    in.push_back(Sample({"__name__", "x", "i", std::to_string(in.size())}, v));
  std::vector<ArgValue> args = {VectorArg(in)};
  args.insert(args.end(), extra.begin(), extra.end());
  Result<Vector> out = Eval(VectorEval{.fn = fn, .args = args});
  EXPECT_TRUE(out.ok());
  std::vector<double> result;
  for (const VectorSample& s : *out) result.push_back(s.v);
  return result;
}

TEST(MathFunctionTest, DropTheMetricNameAndKeepOtherLabels) {
  Vector in = {Sample({"__name__", "x", "__type__", "gauge", "job", "a"}, -2, 123)};
  Result<Vector> out = Eval(VectorEval{.fn = "abs", .args = {VectorArg(in)}, .t = 5000});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].labels, Labels::FromStrings({"job", "a"}));
  EXPECT_EQ((*out)[0].v, 2);
  EXPECT_EQ((*out)[0].t, 5000);
}

TEST(MathFunctionTest, RoundsHalfUpToTheNearestMultiple) {
  EXPECT_EQ(Apply("round", {2.5, 2, -2.5, -2, 0}), (std::vector<double>{3, 2, -2, -2, 0}));
  EXPECT_EQ(Apply("round", {1.234, 1.25, -1.25}, {ScalarArg(0.1)}),
            (std::vector<double>{1.2, 1.3, -1.2}));
  EXPECT_EQ(Apply("round", {17}, {ScalarArg(5)}), (std::vector<double>{15}));
  std::vector<double> special = Apply("round", {kInf, -kInf, kNaN});
  EXPECT_EQ(special[0], kInf);
  EXPECT_EQ(special[1], -kInf);
  EXPECT_TRUE(std::isnan(special[2]));
}

TEST(MathFunctionTest, ClampBounds) {
  EXPECT_EQ(Apply("clamp", {-50, 0, 100}, {ScalarArg(-25), ScalarArg(75)}),
            (std::vector<double>{-25, 0, 75}));
  EXPECT_EQ(Apply("clamp_max", {-50, 0, 100}, {ScalarArg(75)}), (std::vector<double>{-50, 0, 75}));
  EXPECT_EQ(Apply("clamp_min", {-50, 0, 100}, {ScalarArg(-25)}),
            (std::vector<double>{-25, 0, 100}));
  // min > max: no output at all.
  EXPECT_TRUE(Apply("clamp", {-50, 0, 100}, {ScalarArg(5), ScalarArg(-5)}).empty());
  // A NaN bound makes every value NaN.
  for (double v : Apply("clamp", {-50, 0, 100}, {ScalarArg(0), ScalarArg(kNaN)})) {
    EXPECT_TRUE(std::isnan(v));
  }
}

TEST(MathFunctionTest, SgnLogsAndTrig) {
  std::vector<double> sgn = Apply("sgn", {-kInf, kInf, -50, 0, 100, kNaN});
  EXPECT_EQ(std::vector<double>(sgn.begin(), sgn.end() - 1),
            (std::vector<double>{-1, 1, -1, 0, 1}));
  EXPECT_TRUE(std::isnan(sgn.back()));
  EXPECT_EQ(Apply("ln", {0})[0], -kInf);
  EXPECT_TRUE(std::isnan(Apply("ln", {-10})[0]));
  EXPECT_EQ(Apply("log10", {10})[0], 1);
  EXPECT_DOUBLE_EQ(Apply("log2", {20})[0], 4.321928094887363);
  EXPECT_DOUBLE_EQ(Apply("exp", {10})[0], 22026.465794806718);
  EXPECT_DOUBLE_EQ(Apply("sin", {10})[0], -0.5440211108893699);
  EXPECT_DOUBLE_EQ(Apply("acosh", {10})[0], 2.993222846126381);
  EXPECT_DOUBLE_EQ(Apply("deg", {std::numbers::pi})[0], 180);
  EXPECT_DOUBLE_EQ(Apply("rad", {180})[0], std::numbers::pi);
}

TEST(DateFunctionTest, OfSampleValuesAndOfTheStepTime) {
  // 2006-01-02 22:04:05 UTC, a Monday.
  const double t = 1136239445;
  EXPECT_EQ(Apply("year", {t})[0], 2006);
  EXPECT_EQ(Apply("month", {t})[0], 1);
  EXPECT_EQ(Apply("day_of_month", {t})[0], 2);
  EXPECT_EQ(Apply("day_of_year", {t})[0], 2);
  EXPECT_EQ(Apply("day_of_week", {t})[0], 1);
  EXPECT_EQ(Apply("hour", {t})[0], 22);
  EXPECT_EQ(Apply("minute", {t})[0], 4);
  EXPECT_EQ(Apply("days_in_month", {t})[0], 31);
  EXPECT_EQ(Apply("days_in_month", {1454284800})[0], 29);  // February 2016
  EXPECT_EQ(Apply("days_in_month", {1485907200})[0], 28);  // February 2017
  EXPECT_EQ(Apply("day_of_year", {1483191420})[0], 366);   // 2016-12-31
  EXPECT_EQ(Apply("year", {1230767999})[0], 2008);
  EXPECT_EQ(Apply("year", {1230768000})[0], 2009);
  EXPECT_EQ(Apply("month", {1456790399})[0] + Apply("day_of_month", {1456790399})[0] / 100, 2.29);
  EXPECT_EQ(Apply("year", {-1})[0], 1969);
  EXPECT_EQ(Apply("hour", {-1})[0], 23);
  EXPECT_EQ(Apply("day_of_week", {-86400})[0], 3);

  // Without an argument: the evaluation time, as one sample without labels.
  Result<Vector> now = Eval(VectorEval{.fn = "day_of_week", .args = {}, .t = 59'999});
  ASSERT_TRUE(now.ok());
  ASSERT_EQ(now->size(), 1u);
  EXPECT_TRUE((*now)[0].labels.empty());
  EXPECT_EQ((*now)[0].v, 4);  // 1970-01-01 was a Thursday
  EXPECT_EQ((*Eval(VectorEval{.fn = "minute", .args = {}, .t = 3'599'999}))[0].v, 59);
}

TEST(TimestampTest, ReturnsTheSampleTimeInSeconds) {
  Vector in = {Sample({"__name__", "metric", "a", "b"}, 7, 10'500)};
  Result<Vector> out = Eval(VectorEval{.fn = "timestamp", .args = {VectorArg(in)}, .t = 20'000});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].v, 10.5);
  EXPECT_EQ((*out)[0].t, 20'000);
  EXPECT_EQ((*out)[0].labels, Labels::FromStrings({"a", "b"}));
}

TEST(ScalarHelpersTest, TimePiVectorMinOfMaxOf) {
  EXPECT_EQ((*Eval(VectorEval{.fn = "time", .args = {}, .t = 1500}))[0].v, 1.5);
  EXPECT_EQ((*Eval(VectorEval{.fn = "pi", .args = {}}))[0].v, std::numbers::pi);
  EXPECT_EQ((*Eval(VectorEval{.fn = "vector", .args = {ScalarArg(3)}}))[0].v, 3);
  EXPECT_EQ((*Eval(VectorEval{.fn = "min_of", .args = {ScalarArg(5), ScalarArg(3)}}))[0].v, 3);
  EXPECT_EQ((*Eval(VectorEval{.fn = "max_of", .args = {ScalarArg(-2), ScalarArg(-5)}}))[0].v, -2);
  EXPECT_TRUE(std::isnan(
      (*Eval(VectorEval{.fn = "max_of", .args = {ScalarArg(kNaN), ScalarArg(3)}}))[0].v));
}

Vector LabelReplace(const Vector& in, std::string_view dst, std::string_view repl,
                    std::string_view src, std::string_view re) {
  Result<Vector> out = Eval(VectorEval{
      .fn = "label_replace",
      .args = {VectorArg(in), StringArg(dst), StringArg(repl), StringArg(src), StringArg(re)}});
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : Vector{};
}

TEST(LabelReplaceTest, ExpandsReferencesLikeGo) {
  Vector in = {Sample({"__name__", "m", "src", "source-value-10", "dst", "orig"}, 1)};
  auto dst = [&](std::string_view repl, std::string_view re) {
    return std::string(LabelReplace(in, "dst", repl, "src", re)[0].labels.Get("dst"));
  };
  EXPECT_EQ(dst("destination-value-$1", "source-value-(.*)"), "destination-value-10");
  EXPECT_EQ(dst("$1-value-$2", "(.*)-value-(.*)"), "source-value-10");
  EXPECT_EQ(dst("${1}x", "source-value-(.*)"), "10x");
  EXPECT_EQ(dst("$1x", "source-value-(.*)"), "");  // "1x" names a group that does not exist
  EXPECT_EQ(dst("<$num>", "source-value-(?P<num>.*)"), "<10>");
  EXPECT_EQ(dst("<${num}>", "source-value-(?P<num>.*)"), "<10>");
  EXPECT_EQ(dst("$$1 $", "source-value-(.*)"), "$1 $");
  EXPECT_EQ(dst("${1", "source-value-(.*)"), "${1");  // malformed: kept as text
  EXPECT_EQ(dst("[$3]", "source-value-(.*)"), "[]");
  EXPECT_EQ(dst("$01", "source-value-(.*)"), "");
  // Only full matches replace.
  EXPECT_EQ(dst("x", "value-(.*)"), "orig");
  // The metric name stays.
  EXPECT_EQ(LabelReplace(in, "dst", "x", "src", ".*")[0].labels.MetricName(), "m");
}

TEST(LabelReplaceTest, EmptyResultsAndMissingSources) {
  Vector in = {Sample({"src", "a", "dst", "orig"}, 1)};
  EXPECT_FALSE(LabelReplace(in, "dst", "", "dst", ".*")[0].labels.Has("dst"));
  EXPECT_EQ(LabelReplace(in, "dst", "value-$1", "missing", "(.*)")[0].labels.Get("dst"), "value-");
  EXPECT_EQ(LabelReplace(in, "dst", "value-$1", "missing", "x(.*)")[0].labels.Get("dst"), "orig");
  // Dots match newlines.
  Vector multiline = {Sample({"src", "a\nb"}, 1)};
  EXPECT_EQ(LabelReplace(multiline, "dst", "$1", "src", "a.(b)")[0].labels.Get("dst"), "b");
}

TEST(LabelReplaceTest, Errors) {
  Vector in = {Sample({"src", "a", "idx", "1"}, 1), Sample({"src", "a", "idx", "2"}, 2)};
  auto status = [&](std::string_view dst, std::string_view src, std::string_view re) {
    return Eval(VectorEval{.fn = "label_replace",
                           .args = {VectorArg(in), StringArg(dst), StringArg(""), StringArg(src),
                                    StringArg(re)}})
        .status();
  };
  Status bad_re = status("dst", "src", "(.*");
  EXPECT_EQ(bad_re.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_re.message(), "invalid regular expression in label_replace(): (.*");
  EXPECT_EQ(status("\xff", "src", "(.*)").message(),
            "invalid destination label name in label_replace(): \xff");
  EXPECT_EQ(status("", "src", "(.*)").message(),
            "invalid destination label name in label_replace(): ");
  EXPECT_EQ(status("idx", "idx", ".*").message(),
            "vector cannot contain metrics with the same labelset");
  // UTF-8 label names are valid in Prometheus 3.
  EXPECT_TRUE(status("dst-ü", "src", ".*").ok());
}

TEST(LabelJoinTest, JoinsSourceValues) {
  Vector in = {Sample({"__name__", "m", "src", "a", "src1", "b", "dst", "orig"}, 0)};
  auto join = [&](std::vector<ArgValue> strings) {
    std::vector<ArgValue> args = {VectorArg(in)};
    args.insert(args.end(), strings.begin(), strings.end());
    return Eval(VectorEval{.fn = "label_join", .args = args});
  };
  Result<Vector> out = join({StringArg("dst"), StringArg("-"), StringArg("src"),
                             StringArg("missing"), StringArg("src1")});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].labels.Get("dst"), "a--b");
  EXPECT_EQ((*out)[0].labels.MetricName(), "m");
  EXPECT_FALSE((*join({StringArg("dst"), StringArg(", ")}))[0].labels.Has("dst"));
  EXPECT_EQ(join({StringArg("dst"), StringArg(""), StringArg("\xff")}).status().message(),
            "invalid source label name in label_join(): \xff");
  EXPECT_EQ(join({StringArg(""), StringArg("")}).status().message(),
            "invalid destination label name in label_join(): ");
}

std::vector<std::string> LabelValues(const Vector& v, std::string_view name) {
  std::vector<std::string> out;
  for (const VectorSample& s : v) out.emplace_back(s.labels.Get(name));
  return out;
}

TEST(SortTest, ByValueWithNaNLast) {
  Vector in = {Sample({"i", "a"}, 3), Sample({"i", "b"}, kNaN), Sample({"i", "c"}, 1),
               Sample({"i", "d"}, 2)};
  EXPECT_EQ(LabelValues(*Eval(VectorEval{.fn = "sort", .args = {VectorArg(in)}}), "i"),
            (std::vector<std::string>{"c", "d", "a", "b"}));
  EXPECT_EQ(LabelValues(*Eval(VectorEval{.fn = "sort_desc", .args = {VectorArg(in)}}), "i"),
            (std::vector<std::string>{"a", "d", "c", "b"}));
}

TEST(SortTest, ByLabelInNaturalOrder) {
  Vector cpus;
  for (std::string_view cpu : {"10", "2", "100", "0", "21", "1", "3", "12", "20", "11"}) {
    cpus.push_back(Sample({"__name__", "cpu_time_total", "cpu", cpu, "job", "cpu"}, 100));
  }
  EXPECT_EQ(LabelValues(*Eval(VectorEval{.fn = "sort_by_label",
                                         .args = {VectorArg(cpus), StringArg("cpu")}}),
                        "cpu"),
            (std::vector<std::string>{"0", "1", "2", "3", "10", "11", "12", "20", "21", "100"}));
  Vector releases = {Sample({"release", "1.111.3", "instance", "4m1000"}, 1),
                     Sample({"release", "1.2.3", "instance", "4m600"}, 1),
                     Sample({"release", "1.11.3", "instance", "4m5"}, 1)};
  EXPECT_EQ(LabelValues(*Eval(VectorEval{.fn = "sort_by_label",
                                         .args = {VectorArg(releases), StringArg("release")}}),
                        "release"),
            (std::vector<std::string>{"1.2.3", "1.11.3", "1.111.3"}));
  EXPECT_EQ(LabelValues(*Eval(VectorEval{.fn = "sort_by_label_desc",
                                         .args = {VectorArg(releases), StringArg("instance")}}),
                        "instance"),
            (std::vector<std::string>{"4m1000", "4m600", "4m5"}));
  // Ties on the given labels fall back to the whole label set.
  Vector ties = {Sample({"g", "b", "i", "0"}, 1), Sample({"g", "a", "i", "0"}, 2)};
  EXPECT_EQ(
      LabelValues(
          *Eval(VectorEval{.fn = "sort_by_label", .args = {VectorArg(ties), StringArg("i")}}), "g"),
      (std::vector<std::string>{"a", "b"}));
}

Vector Buckets(std::string_view name, std::vector<std::pair<std::string_view, double>> buckets) {
  Vector v;
  for (auto [le, count] : buckets) v.push_back(Sample({"__name__", name, "le", le}, count));
  return v;
}

TEST(HistogramQuantileTest, InterpolatesWithinBuckets) {
  // testhistogram3{start="positive"} at 50m: le .1: 50, .2: 70, 1: 110 (as rates... ) --
  // here: a simple histogram with 100 observations.
  Vector in = Buckets("h_bucket", {{"+Inf", 100}, {"0.1", 10}, {"1", 60}, {"10", 100}});
  auto q = [&](double phi) {
    Result<Vector> out =
        Eval(VectorEval{.fn = "histogram_quantile", .args = {ScalarArg(phi), VectorArg(in)}});
    EXPECT_EQ(out->size(), 1u);
    EXPECT_TRUE((*out)[0].labels.empty());
    return (*out)[0].v;
  };
  EXPECT_DOUBLE_EQ(q(0.05), 0.05);  // in the first bucket, from 0
  EXPECT_DOUBLE_EQ(q(0.5), 0.1 + 0.9 * 0.8);
  EXPECT_DOUBLE_EQ(q(0.99), 1 + 9 * 0.975);
  EXPECT_EQ(q(1), 10);  // the highest finite bound
  EXPECT_EQ(q(-0.1), -kInf);
  EXPECT_EQ(q(1.1), kInf);
  EXPECT_TRUE(std::isnan(q(kNaN)));
}

TEST(HistogramQuantileTest, FixesMonotonicityWithAnInfo) {
  // nonmonotonic_bucket from histograms.test at 50m.
  Vector in =
      Buckets("nonmonotonic_bucket",
              {{"0.1", 20}, {"1", 10}, {"10", 50}, {"100", 40}, {"1000", 90}, {"+Inf", 80}});
  ParsedCall call("histogram_quantile(0.5, nonmonotonic_bucket)");
  for (auto [phi, want] : {std::pair{0.01, 0.0045}, {0.5, 8.5}, {0.99, 979.75}}) {
    Annotations annotations;
    Result<Vector> out = Eval(VectorEval{.fn = "histogram_quantile",
                                         .args = {ScalarArg(phi), VectorArg(in)},
                                         .call = call.call,
                                         .annotations = &annotations});
    ASSERT_TRUE(out.ok());
    EXPECT_DOUBLE_EQ((*out)[0].v, want);
    ASSERT_EQ(annotations.Infos().size(), 1u);
    EXPECT_EQ(annotations.Infos()[0],
              "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
              "https://prometheus.io/docs/prometheus/latest/querying/functions/"
              "#histogram_quantile) for metric name \"nonmonotonic_bucket\"");
    EXPECT_EQ(annotations.items()[0].pos.start, 24);  // the vector argument
  }
}

TEST(HistogramQuantileTest, GroupsByLabelsOtherThanLe) {
  Vector in = {Sample({"__name__", "h", "job", "a", "le", "1"}, 5),
               Sample({"__name__", "h", "job", "b", "le", "+Inf"}, 4),
               Sample({"__name__", "h", "job", "a", "le", "+Inf"}, 10),
               Sample({"__name__", "h", "job", "b", "le", "1.0"}, 4),
               Sample({"__name__", "h", "job", "b", "le", "1e0"}, 0)};  // same bound as 1.0
  Result<Vector> out =
      Eval(VectorEval{.fn = "histogram_quantile", .args = {ScalarArg(0.5), VectorArg(in)}});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].labels, Labels::FromStrings({"job", "a"}));
  EXPECT_DOUBLE_EQ((*out)[0].v, 1);
  EXPECT_EQ((*out)[1].labels, Labels::FromStrings({"job", "b"}));
  EXPECT_DOUBLE_EQ((*out)[1].v, 0.5);
}

TEST(HistogramQuantileTest, WarnsAboutBadLeAndBadQuantile) {
  Vector in = {Sample({"__name__", "series", "ale", "0.1"}, 2)};
  ParsedCall call("histogram_quantile(NaN, series)");
  Annotations annotations;
  Result<Vector> out = Eval(VectorEval{.fn = "histogram_quantile",
                                       .args = {ScalarArg(kNaN), VectorArg(in)},
                                       .call = call.call,
                                       .annotations = &annotations});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
  EXPECT_EQ(annotations.Warnings(),
            (std::vector<std::string>{
                "PromQL warning: quantile value should be between 0 and 1, got NaN",
                "PromQL warning: bucket label \"le\" is missing or has a malformed value of \"\" "
                "for metric name \"series\""}));
  EXPECT_EQ(annotations.items()[0].pos.start, 19);
  EXPECT_EQ(annotations.items()[1].pos.start, 24);
}

TEST(HistogramQuantilesTest, LabelsEachQuantile) {
  Vector in = Buckets("h_bucket", {{"1", 50}, {"+Inf", 100}});
  Result<Vector> out = Eval(VectorEval{
      .fn = "histogram_quantiles",
      .args = {VectorArg(in), StringArg("q"), ScalarArg(0), ScalarArg(0.25), ScalarArg(1)}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(LabelValues(*out, "q"), (std::vector<std::string>{"0.0", "0.25", "1.0"}));
  EXPECT_EQ((*out)[1].v, 0.5);
}

TEST(HistogramFractionTest, InterpolatesBetweenBounds) {
  Vector in = Buckets("h_bucket", {{"1", 50}, {"2", 80}, {"+Inf", 100}});
  auto fraction = [&](double lower, double upper) {
    return (*Eval(VectorEval{.fn = "histogram_fraction",
                             .args = {ScalarArg(lower), ScalarArg(upper), VectorArg(in)}}))[0]
        .v;
  };
  EXPECT_DOUBLE_EQ(fraction(0, 1), 0.5);
  EXPECT_DOUBLE_EQ(fraction(0.5, 1.5), 0.4);
  EXPECT_DOUBLE_EQ(fraction(-kInf, kInf), 1);
  EXPECT_EQ(fraction(2, 1), 0);
  EXPECT_TRUE(std::isnan(fraction(kNaN, 1)));
}

TEST(FormattingTest, GoStyleFloats) {
  EXPECT_EQ(GoFormatG(0.5), "0.5");
  EXPECT_EQ(GoFormatG(-1), "-1");
  EXPECT_EQ(GoFormatG(123456), "123456");
  EXPECT_EQ(GoFormatG(1e6), "1e+06");
  EXPECT_EQ(GoFormatG(1.5e-5), "1.5e-05");
  EXPECT_EQ(GoFormatG(0.0001), "0.0001");
  EXPECT_EQ(GoFormatG(1e100), "1e+100");
  EXPECT_EQ(GoFormatG(kNaN), "NaN");
  EXPECT_EQ(GoFormatG(-kInf), "-Inf");
  EXPECT_EQ(FormatOpenMetricsFloat(2), "2.0");
  EXPECT_EQ(FormatOpenMetricsFloat(0.99), "0.99");
  EXPECT_EQ(FormatOpenMetricsFloat(kInf), "+Inf");
  EXPECT_EQ(GoFloatToInt64(-1.9), -1);
  EXPECT_EQ(GoFloatToInt64(kNaN), std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace osprey::promql::internal
