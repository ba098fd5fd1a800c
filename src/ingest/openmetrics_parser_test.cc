#include "ingest/openmetrics_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ingest/internal/test_requests.h"

namespace osprey::ingest {
namespace {

using namespace std::string_literals;

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string s = std::to_string(v);
  return s;
}

std::string RenderLabels(std::span<const LabelView> labels) {
  std::string e = "{";
  for (const LabelView& l : labels) {
    e.append(l.name);
    e += "=[";
    e.append(l.value);
    e += "]";
  }
  e += "}";
  return e;
}

// Renders what the parser reports, one event per line, for compact expectations.
class RenderingVisitor : public TextVisitor {
 public:
  Status OnSample(const TextSample& s) override {
    std::string e = "sample ";
    e.append(s.metric_name);
    e += " " + RenderLabels(s.labels) + " " + FormatValue(s.value);
    if (s.has_timestamp) e += " @" + std::to_string(s.timestamp_ms);
    if (s.exemplar != nullptr) {
      e += " # " + RenderLabels(s.exemplar->labels) + " " + FormatValue(s.exemplar->value);
      if (s.exemplar->has_timestamp) e += " @" + std::to_string(s.exemplar->timestamp_ms);
    }
    e += " line " + std::to_string(s.line) + " text [";
    e.append(s.series_text);
    e += "]";
    events.push_back(std::move(e));
    return OkStatus();
  }
  Status OnHelp(std::string_view name, std::string_view help) override {
    events.push_back("help " + std::string(name) + " [" + std::string(help) + "]");
    return OkStatus();
  }
  Status OnType(std::string_view name, MetricType type) override {
    events.push_back("type " + std::string(name) + " " + std::to_string(static_cast<int>(type)));
    return OkStatus();
  }
  Status OnUnit(std::string_view name, std::string_view unit) override {
    events.push_back("unit " + std::string(name) + " [" + std::string(unit) + "]");
    return OkStatus();
  }
  Status OnDroppedExemplar(const Status& error) override {
    events.push_back("dropped exemplar: " + std::string(error.message()));
    return OkStatus();
  }

  std::vector<std::string> events;
};

std::vector<std::string> Parse(std::string_view body) {
  OpenMetricsParser parser;
  RenderingVisitor v;
  const Status s = parser.Parse(body, v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v.events;
}

TEST(OpenMetricsParserTest, ParsesMetadataSamplesTimestampsAndExemplars) {
  const std::string body =
      "# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n"
      "# TYPE go_gc_duration_seconds summary\n"
      "# UNIT go_gc_duration_seconds seconds\n"
      "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n"
      "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05\n"
      "# HELP nohelp1 \n"
      "# HELP help2 escape \\ \\n \\\\ \\\" \\x chars\n"
      "# UNIT nounit \n"
      "go_gc_duration_seconds_count 99\n"
      "# TYPE go_goroutines gauge\n"
      "go_goroutines 33 123.123\n"
      "# TYPE hhh histogram\n"
      "hhh_bucket{le=\"+Inf\"} 1 # {id=\"histogram-bucket-test\"} 4\n"
      "hhh_count 1 # {id=\"histogram-count-test\"} 4\n"
      "# TYPE ggh gaugehistogram\n"
      "ggh_bucket{le=\"+Inf\"} 1 # {id=\"gaugehistogram-bucket-test\",xx=\"yy\"} 4 123.123\n"
      "# TYPE ii info\n"
      "ii{foo=\"bar\"} 1\n"
      "# TYPE ss stateset\n"
      "ss{ss=\"foo\"} 1\n"
      "# TYPE un unknown\n"
      "testmetric{label=\"\\\"bar\\\"\"} 1\n"
      "# TYPE foo counter\n"
      "foo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
      "foo_created 1520872607.123\n"
      "foo_total{a=\"b\",} 17.0 1520879607.789 # {} 5 -1.5\n"
      "nansum{quantile=\"0.95\"} nan\n"
      "# EOF\n";
  EXPECT_EQ(
      Parse(body),
      (std::vector<std::string>{
          "help go_gc_duration_seconds [A summary of the GC invocation durations.]",
          "type go_gc_duration_seconds 4",
          "unit go_gc_duration_seconds [seconds]",
          "sample go_gc_duration_seconds {quantile=[0.0]} 0.000049 line 4 text "
          "[go_gc_duration_seconds{quantile=\"0\"}]",
          "sample go_gc_duration_seconds {quantile=[0.5]a=[b]} 0.000084 line 5 text "
          "[go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"}]",
          "help nohelp1 []",
          "help help2 [escape \\ \n \\ \" \\x chars]",
          "unit nounit []",
          "sample go_gc_duration_seconds_count {} 99.000000 line 9 text "
          "[go_gc_duration_seconds_count]",
          "type go_goroutines 2",
          "sample go_goroutines {} 33.000000 @123123 line 11 text [go_goroutines]",
          "type hhh 3",
          "sample hhh_bucket {le=[+Inf]} 1.000000 # {id=[histogram-bucket-test]} 4.000000 line "
          "13 text [hhh_bucket{le=\"+Inf\"}]",
          "sample hhh_count {} 1.000000 # {id=[histogram-count-test]} 4.000000 line 14 text "
          "[hhh_count]",
          "type ggh 7",
          "sample ggh_bucket {le=[+Inf]} 1.000000 # {id=[gaugehistogram-bucket-test]xx=[yy]} "
          "4.000000 @123123 line 16 text [ggh_bucket{le=\"+Inf\"}]",
          "type ii 5",
          "sample ii {foo=[bar]} 1.000000 line 18 text [ii{foo=\"bar\"}]",
          "type ss 6",
          "sample ss {ss=[foo]} 1.000000 line 20 text [ss{ss=\"foo\"}]",
          "type un 0",
          "sample testmetric {label=[\"bar\"]} 1.000000 line 22 text "
          "[testmetric{label=\"\\\"bar\\\"\"}]",
          "type foo 1",
          "sample foo_total {} 17.000000 @1520879607789 # {id=[counter-test]} 5.000000 line 24 "
          "text [foo_total]",
          "sample foo_created {} 1520872607.123000 line 25 text [foo_created]",
          "sample foo_total {a=[b]} 17.000000 @1520879607789 # {} 5.000000 @-1500 line 26 text "
          "[foo_total{a=\"b\",}]",
          "sample nansum {quantile=[0.95]} NaN line 27 text [nansum{quantile=\"0.95\"}]",
      }));
}

TEST(OpenMetricsParserTest, EofMayLackItsNewline) {
  EXPECT_EQ(Parse("a 1\n# EOF"),
            (std::vector<std::string>{"sample a {} 1.000000 line 1 text [a]"}));
  EXPECT_TRUE(Parse("# EOF").empty());
  EXPECT_TRUE(Parse("# EOF\n").empty());
}

TEST(OpenMetricsParserTest, ReadsQuotedUtf8NamesAndNulBytes) {
  EXPECT_EQ(Parse("# TYPE \"my.metric\" gauge\n"
                  "{\"my.metric\",\"da.sh\"=\"1\"} 3 # {\"tr.ace\"=\"x\"} 1\n"
                  "m{a=\"x\0y\"} 1\n"
                  "# EOF\n"s),
            (std::vector<std::string>{
                "type my.metric 2",
                "sample my.metric {da.sh=[1]} 3.000000 # {tr.ace=[x]} 1.000000 line 2 text "
                "[{\"my.metric\",\"da.sh\"=\"1\"}]",
                "sample m {a=[x\0y]} 1.000000 line 3 text [m{a=\"x\0y\"}]"s}));
}

TEST(OpenMetricsParserTest, TimestampsAreSecondsTruncatedToMilliseconds) {
  EXPECT_EQ(Parse("a 1 1.0009\na 1 -1.0009\na 1 1e3\na 1 0\n# EOF\n"),
            (std::vector<std::string>{"sample a {} 1.000000 @1000 line 1 text [a]",
                                      "sample a {} 1.000000 @-1000 line 2 text [a]",
                                      "sample a {} 1.000000 @1000000 line 3 text [a]",
                                      "sample a {} 1.000000 @0 line 4 text [a]"}));
}

TEST(OpenMetricsParserTest, DropsExemplarsOverTheLengthLimitButKeepsTheSample) {
  // 128 code points (names + values) is the limit; "é" counts as one.
  const std::string at_limit =
      "a_total 1 # {" + std::string("t") + "=\"" + std::string(126, 'x') + "\xc3\xa9" + "\"} 2\n";
  const std::string over =
      "a_total 1 # {" + std::string("tt") + "=\"" + std::string(126, 'x') + "\xc3\xa9" + "\"} 2\n";
  const std::vector<std::string> events = Parse(at_limit + over + "# EOF\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_NE(events[0].find(" # {t=["), std::string::npos);
  EXPECT_EQ(events[1],
            "dropped exemplar: line 2, column 13: exemplar label set has 129 characters, more "
            "than the limit of 128; exemplar dropped");
  EXPECT_EQ(events[2], "sample a_total {} 1.000000 line 2 text [a_total]");
}

TEST(OpenMetricsParserTest, ParsesALargeGeneratedBody) {
  OpenMetricsParser parser;
  struct Count : TextVisitor {
    Status OnSample(const TextSample& s) override {
      labels += static_cast<int>(s.labels.size());
      ++samples;
      return OkStatus();
    }
    int samples = 0;
    int labels = 0;
  } v;
  // The text generator's output is also valid OpenMetrics once it ends with # EOF.
  ASSERT_EQ(parser.Parse(internal::BuildNodeExporterText(500, 1000) + "# EOF\n", v), OkStatus());
  EXPECT_EQ(v.samples, 500);
  EXPECT_EQ(v.labels, 500 * 9);
}

TEST(OpenMetricsParserTest, VisitorErrorStopsParsing) {
  OpenMetricsParser parser;
  struct Stop : TextVisitor {
    Status OnSample(const TextSample&) override { return CancelledError("stop"); }
  } v;
  EXPECT_EQ(parser.Parse("a 1\nb 2\n# EOF\n", v), CancelledError("stop"));
}

struct Malformed {
  std::string input;
  std::string message;
};

TEST(OpenMetricsParserTest, RejectsMalformedBodiesWithLineAndColumn) {
  const std::vector<Malformed> cases = {
      // # EOF: required, last.
      {"", "line 1, column 1: expected # EOF"},
      {"metric 1", "line 1, column 9: expected # EOF"},
      {"metric 1\n", "line 2, column 1: expected # EOF"},
      {"metric_total 1 # {aa=\"bb\"} 4", "line 1, column 29: expected # EOF"},
      {"# HELP a b", "line 1, column 11: expected # EOF"},
      {"# EOF\na 1", "line 2, column 1: unexpected content after # EOF"},
      {"# EOF\n\n", "line 2, column 1: unexpected content after # EOF"},
      {"# EOFa 1", "line 1, column 6: unexpected content after # EOF"},
      {"# EOF ", "line 1, column 6: unexpected content after # EOF"},
      {"#EOF\n", "line 1, column 2: expected a space after '#'"},
      // Line structure.
      {"\n# EOF\n", "line 1, column 1: unexpected empty line"},
      {"a 1\n\n# EOF\n", "line 2, column 1: unexpected empty line"},
      {" a 1\n# EOF\n", "line 1, column 1: expected a metric name"},
      {" # EOF\n", "line 1, column 1: expected a metric name"},
      {"9\n# EOF\n", "line 1, column 1: expected a metric name"},
      {"#\n# EOF\n", "line 1, column 2: expected a space after '#'"},
      {"# H\n# EOF\n", "line 1, column 3: expected HELP, TYPE, UNIT or EOF after '# '"},
      {"# comment\n# EOF\n", "line 1, column 3: expected HELP, TYPE, UNIT or EOF after '# '"},
      {"#  TYPE c counter\n# EOF\n",
       "line 1, column 3: expected HELP, TYPE, UNIT or EOF after '# '"},
      {"#\tTYPE c counter\n# EOF\n", "line 1, column 2: expected a space after '#'"},
      // Descriptors.
      {"# TYPE u untyped\n# EOF\n", "line 1, column 10: invalid metric type \"untyped\""},
      {"# TYPE c counter \n# EOF\n", "line 1, column 10: invalid metric type \"counter \""},
      {"# TYPE c  counter\n# EOF\n", "line 1, column 10: invalid metric type \" counter\""},
      {"# TYPE \n# EOF\n", "line 1, column 8: expected a metric name after TYPE"},
      {"# TYPE m\n# EOF\n", "line 1, column 9: expected a space after the metric name"},
      {"# TYPE m \n# EOF\n", "line 1, column 10: expected a metric type after the metric name"},
      {"# TYPE  m gauge\n# EOF\n", "line 1, column 8: expected a metric name after TYPE"},
      {"# UNIT metric suffix\n# EOF\n",
       "line 1, column 15: unit \"suffix\" not a suffix of metric \"metric\""},
      {"# UNIT metricsuffix suffix\n# EOF\n",
       "line 1, column 21: unit \"suffix\" not a suffix of metric \"metricsuffix\""},
      {"# UNIT m suffix\n# EOF\n",
       "line 1, column 10: unit \"suffix\" not a suffix of metric \"m\""},
      {"# UNIT \n# EOF\n", "line 1, column 8: expected a metric name after UNIT"},
      {"# UNIT m\n# EOF\n", "line 1, column 9: expected a space after the metric name"},
      {"# HELP \n# EOF\n", "line 1, column 8: expected a metric name after HELP"},
      {"# HELP m\n# EOF\n", "line 1, column 9: expected a space after the metric name"},
      {"# HELP m \xff\n# EOF\n", "line 1, column 10: invalid UTF-8 in help text"},
      {"# HELP #\n# EOF\n", "line 1, column 8: expected a metric name after HELP"},
      // Samples.
      {"a\n# EOF\n", "line 1, column 2: expected a value"},
      {"a\t1\n# EOF\n", "line 1, column 2: expected a space or '{' after the metric name"},
      {"a{} 1\n# EOF\n", ""},
      {"a{}1\n# EOF\n", "line 1, column 4: expected a space after the label set"},
      {"a  1\n# EOF\n", "line 1, column 3: expected a value"},
      {"a 1\t2\n# EOF\n", "line 1, column 3: invalid value \"1\t2\""},
      {"a 1 2 \n# EOF\n", "line 1, column 6: unexpected text after the timestamp"},
      {"a 1 2 #\n# EOF\n", "line 1, column 6: unexpected text after the timestamp"},
      {"a 1 \n# EOF\n", "line 1, column 5: expected a timestamp"},
      {"a 1 1z\n# EOF\n", "line 1, column 5: invalid timestamp \"1z\""},
      {"a 1 1 1\n# EOF\n", "line 1, column 6: unexpected text after the timestamp"},
      {"a true\n# EOF\n", "line 1, column 3: invalid value \"true\""},
      {"foo 1_2\n# EOF\n", "line 1, column 5: invalid value \"1_2\""},
      {"foo 0x1p-3\n# EOF\n", "line 1, column 5: invalid value \"0x1p-3\""},
      {"foo 0 1_2\n# EOF\n", "line 1, column 7: invalid timestamp \"1_2\""},
      {"a 1 NaN\n# EOF\n", "line 1, column 5: invalid timestamp \"NaN\""},
      {"a 1 -Inf\n# EOF\n", "line 1, column 5: invalid timestamp \"-Inf\""},
      {"a 1 1e300\n# EOF\n", "line 1, column 5: timestamp \"1e300\" out of range"},
      // Label sets.
      {"a{b='c'} 1\n# EOF\n", "line 1, column 5: expected '\"' to start the label value"},
      {"a{,b=\"c\"} 1\n# EOF\n", "line 1, column 3: expected a label name"},
      {"a{b=\"c\"d=\"e\"} 1\n# EOF\n", "line 1, column 8: expected ',' or '}' after label value"},
      {"a{b=\"c\" } 1\n# EOF\n", "line 1, column 8: expected ',' or '}' after label value"},
      {"a{ b=\"c\"} 1\n# EOF\n", "line 1, column 3: expected a label name"},
      {"a{b =\"c\"} 1\n# EOF\n", "line 1, column 4: expected '=' after label name"},
      {"a{b=\"c\",,d=\"e\"} 1\n# EOF\n", "line 1, column 9: expected a label name"},
      {"a{b=\n# EOF\n", "line 1, column 5: expected '\"' to start the label value"},
      {"a{\xff=\"foo\"} 1\n# EOF\n", "line 1, column 3: expected a label name"},
      {"a{b=\"\xff\"} 1\n# EOF\n", "line 1, column 5: invalid UTF-8 in label value"},
      {"something_weird{problem=\"\n# EOF\n", "line 1, column 25: unterminated label value"},
      {"empty_label_name{=\"\"} 0\n# EOF\n", "line 1, column 18: expected a label name"},
      {"{A}0\n# EOF\n", "line 1, column 3: expected '=' after label name"},
      {"{b=\"c\",} 1\n# EOF\n", "line 1, column 1: expected a metric name"},
      {"a{\"b\"} 1\n# EOF\n", "line 1, column 3: metric name already set"},
      {"a {b=\"c\"} 1\n# EOF\n", "line 1, column 3: invalid value \"{b=\"c\"}\""},
      // Exemplars.
      {"c_total 1 # {aa=bb}\n# EOF\n", "line 1, column 17: expected '\"' to start the label value"},
      {"c_total 1 # {aa=\"bb\"}\n# EOF\n",
       "line 1, column 22: expected a space and a value after the exemplar"},
      {"c_total 1 # {aa=\"bb\"} \n# EOF\n", "line 1, column 23: expected an exemplar value"},
      {"c_total 1 # {bb}\n# EOF\n", "line 1, column 16: expected '=' after label name"},
      {"c_total 1 # {\"bb\"} 1\n# EOF\n", "line 1, column 18: expected '=' after label name"},
      {"c_total 1 # {aa=\"bb\",,cc=\"dd\"} 1\n# EOF\n", "line 1, column 22: expected a label name"},
      {"c_total 1 # {aa=\"bb\"} 1_2\n# EOF\n", "line 1, column 23: invalid exemplar value \"1_2\""},
      {"c_total 1 # {aa=\"bb\"} true\n# EOF\n",
       "line 1, column 23: invalid exemplar value \"true\""},
      {"c_total 1 # {aa=\"bb\",cc=}\n# EOF\n",
       "line 1, column 25: expected '\"' to start the label value"},
      {"c_total 1 # {aa=\"\xff\"} 9.0\n# EOF\n", "line 1, column 17: invalid UTF-8 in label value"},
      {"c_total 1 # {aa=\"bb\"} 4 NaN\n# EOF\n",
       "line 1, column 25: invalid exemplar timestamp \"NaN\""},
      {"c_total 1 # {aa=\"bb\"} 4 -Inf\n# EOF\n",
       "line 1, column 25: invalid exemplar timestamp \"-Inf\""},
      {"c_total 1 # {aa=\"bb\"} 4 1 x\n# EOF\n",
       "line 1, column 26: unexpected text after the exemplar timestamp"},
      {"c_total 1 # {} 4 1 # {} 4\n# EOF\n",
       "line 1, column 19: unexpected text after the exemplar timestamp"},
      {"c_total 1 #{aa=\"bb\"} 4\n# EOF\n",
       "line 1, column 11: invalid timestamp \"#{aa=\"bb\"}\""},
  };
  OpenMetricsParser parser;
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.input);
    RenderingVisitor v;
    const Status s = parser.Parse(c.input, v);
    if (c.message.empty()) {
      EXPECT_EQ(s, OkStatus());
    } else {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(s.message(), c.message);
    }
  }
}

}  // namespace
}  // namespace osprey::ingest
