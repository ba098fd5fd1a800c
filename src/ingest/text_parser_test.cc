#include "ingest/text_parser.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ingest/internal/test_requests.h"

namespace osprey::ingest {
namespace {

using namespace std::string_literals;

// Renders what the parser reports, one event per line, for compact expectations.
class RenderingVisitor : public TextVisitor {
 public:
  Status OnSample(const TextSample& s) override {
    std::string e = "sample " + std::string(s.metric_name) + " {";
    for (const LabelView& l : s.labels) {
      e += std::string(l.name) + "=[" + std::string(l.value) + "]";
    }
    e += "} " + FormatValue(s.value);
    if (s.has_timestamp) e += " @" + std::to_string(s.timestamp_ms);
    e += " line " + std::to_string(s.line) + " text [" + std::string(s.series_text) + "]";
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

  static std::string FormatValue(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    std::string s = std::to_string(v);
    return s;
  }

  std::vector<std::string> events;
};

std::vector<std::string> Parse(std::string_view body) {
  TextParser parser;
  RenderingVisitor v;
  const Status s = parser.Parse(body, v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v.events;
}

TEST(TextParserTest, ParsesTheDocumentationExample) {
  const std::string body =
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
      "\n"
      "# Escaping in label values:\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
      "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf 3982045\n"
      "rpc_duration_seconds{quantile=\"0.01\",} 3102\n";
  EXPECT_EQ(
      Parse(body),
      (std::vector<std::string>{
          "help http_requests_total [The total number of HTTP requests.]",
          "type http_requests_total 1",
          "sample http_requests_total {method=[post]code=[200]} 1027.000000 @1395066363000 "
          "line 3 text [http_requests_total{method=\"post\",code=\"200\"}]",
          "sample http_requests_total {method=[post]code=[400]} 3.000000 @1395066363000 "
          "line 4 text [http_requests_total{method=\"post\",code=\"400\"}]",
          "sample msdos_file_access_time_seconds {path=[C:\\DIR\\FILE.TXT]error=[Cannot "
          "find file:\n\"FILE.TXT\"]} 1458255915.000000 line 7 text "
          "[msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
          "file:\\n\\\"FILE.TXT\\\"\"}]",
          "sample metric_without_timestamp_and_labels {} 12.470000 line 9 text "
          "[metric_without_timestamp_and_labels]",
          "sample something_weird {problem=[division by zero]} +Inf @3982045 line 10 text "
          "[something_weird{problem=\"division by zero\"}]",
          "sample rpc_duration_seconds {quantile=[0.01]} 3102.000000 line 11 text "
          "[rpc_duration_seconds{quantile=\"0.01\",}]",
      }));
}

TEST(TextParserTest, AcceptsBlanksAroundTokensAndAMissingFinalNewline) {
  EXPECT_EQ(Parse("  \t a_b:c { x = \"1\" , y=\"2\" }\t5\t\t7  "),
            (std::vector<std::string>{"sample a_b:c {x=[1]y=[2]} 5.000000 @7 line 1 text "
                                      "[a_b:c { x = \"1\" , y=\"2\" }]"}));
  EXPECT_EQ(Parse("up{}1"), (std::vector<std::string>{"sample up {} 1.000000 line 1 text [up{}]"}));
}

TEST(TextParserTest, ParsesSpecialAndSignedValues) {
  TextParser parser;
  struct Values : TextVisitor {
    Status OnSample(const TextSample& s) override {
      values.push_back(s.value);
      return OkStatus();
    }
    std::vector<double> values;
  } v;
  ASSERT_TRUE(parser
                  .Parse("a NaN\na nan\na +Inf\na -Inf\na inf\na -infinity\na -1.5e-3\na +2\n"
                         "a .5\na 1E3\na -0\n",
                         v)
                  .ok());
  ASSERT_EQ(v.values.size(), 11u);
  EXPECT_TRUE(std::isnan(v.values[0]));
  EXPECT_TRUE(std::isnan(v.values[1]));
  EXPECT_EQ(v.values[2], std::numeric_limits<double>::infinity());
  EXPECT_EQ(v.values[3], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(v.values[4], std::numeric_limits<double>::infinity());
  EXPECT_EQ(v.values[5], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(v.values[6], -1.5e-3);
  EXPECT_EQ(v.values[7], 2);
  EXPECT_EQ(v.values[8], 0.5);
  EXPECT_EQ(v.values[9], 1000);
  EXPECT_TRUE(std::signbit(v.values[10]));
}

TEST(TextParserTest, HandlesCommentsHelpAndTypeLines) {
  // As promlex.l: `#`, the keyword and the name are each followed by blanks; the text after
  // the name loses exactly one blank.
  EXPECT_EQ(Parse("#just a comment\n"
                  "#   HELP   spaced   Help with \\\\ and \\n and \\t kept.\n"
                  "# HELP empty\n"
                  "# HELP empty2 \n"
                  "#TYPE g gauge\n"
                  "#HELP g help\n"
                  "# TYPE s summary\n"
                  "# TYPE h histogram\n"
                  "# TYPE u untyped\n"
                  "# HELPER is a comment\n"
                  "# HELP\n"
                  "# TYPE\n"
                  "#\n"
                  "# \tTYPE\tc\tcounter\n"),
            (std::vector<std::string>{"help spaced [  Help with \\ and \n and \\t kept.]",
                                      "help empty []", "help empty2 []", "type s 4", "type h 3",
                                      "type u 0", "type c 1"}));
}

TEST(TextParserTest, AcceptsLabelPairsWithoutCommas) {
  // promparse.go accepts this (its comment: "unlike in OpenMetrics").
  EXPECT_EQ(Parse("a{ x = \"1\" y=\"2\"} 1\n"),
            (std::vector<std::string>{
                "sample a {x=[1]y=[2]} 1.000000 line 1 text [a{ x = \"1\" y=\"2\"}]"}));
}

TEST(TextParserTest, ReadsQuotedUtf8Names) {
  EXPECT_EQ(Parse("# HELP \"my.metric\" Dotted.\n"
                  "# TYPE \"my.metric\" gauge\n"
                  "{\"my.metric\",\"da.sh\"=\"1\",b=\"2\"} 3\n"
                  "{ b=\"2\", \"my\\\"q\" } 4\n"),
            (std::vector<std::string>{
                "help my.metric [Dotted.]", "type my.metric 2",
                "sample my.metric {da.sh=[1]b=[2]} 3.000000 line 3 text "
                "[{\"my.metric\",\"da.sh\"=\"1\",b=\"2\"}]",
                "sample my\"q {b=[2]} 4.000000 line 4 text [{ b=\"2\", \"my\\\"q\" }]"}));
}

TEST(TextParserTest, NormalizesLeOfHistogramsAndQuantileOfSummaries) {
  EXPECT_EQ(
      Parse("h_bucket{le=\"1\"} 1\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\",x=\"1\"} 1\n"
            "h_bucket{le=\"0.25\"} 1\n"
            "h_bucket{le=\"1e6\"} 1\n"
            "h_bucket{le=\"100000\"} 1\n"
            "h_bucket{le=\"+inf\"} 1\n"
            "h_bucket{le=\"abc\"} 1\n"
            "# TYPE s summary\n"
            "s{quantile=\"0\",le=\"1\"} 1\n"),
      (std::vector<std::string>{
          "sample h_bucket {le=[1]} 1.000000 line 1 text [h_bucket{le=\"1\"}]", "type h 3",
          "sample h_bucket {le=[1.0]x=[1]} 1.000000 line 3 text [h_bucket{le=\"1\",x=\"1\"}]",
          "sample h_bucket {le=[0.25]} 1.000000 line 4 text [h_bucket{le=\"0.25\"}]",
          "sample h_bucket {le=[1e+06]} 1.000000 line 5 text [h_bucket{le=\"1e6\"}]",
          "sample h_bucket {le=[100000.0]} 1.000000 line 6 text [h_bucket{le=\"100000\"}]",
          "sample h_bucket {le=[+Inf]} 1.000000 line 7 text [h_bucket{le=\"+inf\"}]",
          "sample h_bucket {le=[abc]} 1.000000 line 8 text [h_bucket{le=\"abc\"}]", "type s 4",
          "sample s {quantile=[0.0]le=[1]} 1.000000 line 10 text [s{quantile=\"0\",le=\"1\"}]"}));
}

TEST(TextParserTest, NulAtTheStartOfALineEndsTheBody) {
  EXPECT_EQ(Parse("a 1\n\0b 2\n"s),
            (std::vector<std::string>{"sample a {} 1.000000 line 1 text [a]"}));
  EXPECT_EQ(Parse("a{b=\"x\0\"} 1\n# HELP m x\0y\n"s),
            (std::vector<std::string>{"sample a {b=[x\0]} 1.000000 line 1 text [a{b=\"x\0\"}]"s,
                                      "help m [x\0y]"s}));
}

TEST(TextParserTest, PassesInvalidUtf8ThroughUnlessAskedToReject) {
  EXPECT_EQ(Parse("a{b=\"\xff\"} 1\n# HELP a \xff\n"),
            (std::vector<std::string>{"sample a {b=[\xff]} 1.000000 line 1 text [a{b=\"\xff\"}]",
                                      "help a [\xff]"}));
  TextParser strict(TextParserOptions{.reject_invalid_utf8 = true});
  RenderingVisitor v;
  EXPECT_EQ(strict.Parse("a{b=\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"} 1\n# HELP a \xc3\xa9\n", v),
            OkStatus());
  EXPECT_EQ(v.events.size(), 2u);
}

TEST(TextParserTest, NaNIsPrometheusNormalNaNAndUnderflowIsZero) {
  TextParser parser;
  struct Values : TextVisitor {
    Status OnSample(const TextSample& s) override {
      values.push_back(s.value);
      return OkStatus();
    }
    std::vector<double> values;
  } v;
  ASSERT_TRUE(parser.Parse("a NaN\na 1e-400\na -1e-400\na 4.9e-324\n", v).ok());
  ASSERT_EQ(v.values.size(), 4u);
  EXPECT_EQ(std::bit_cast<uint64_t>(v.values[0]), 0x7ff8000000000001ULL);
  EXPECT_EQ(v.values[1], 0);
  EXPECT_TRUE(std::signbit(v.values[2]));
  EXPECT_EQ(v.values[3], 4.9e-324);
}

TEST(TextParserTest, KeepsUnknownEscapesInLabelValues) {
  EXPECT_EQ(
      Parse("a{x=\"\\t\\\\\"} 1\n"),
      (std::vector<std::string>{"sample a {x=[\\t\\]} 1.000000 line 1 text [a{x=\"\\t\\\\\"}]"}));
}

TEST(TextParserTest, ManyEscapedValuesOnOneLineStayValid) {
  std::string line = "m{";
  for (int i = 0; i < 50; ++i) {
    if (i > 0) line += ',';
    line += 'l';
    line += std::to_string(i);
    line += "=\"v\\\"";
    line += std::to_string(i);
    line += '"';
  }
  line += "} 1\n";
  TextParser parser;
  struct Check : TextVisitor {
    Status OnSample(const TextSample& s) override {
      EXPECT_EQ(s.labels.size(), 50u);
      for (size_t i = 0; i < s.labels.size(); ++i) {
        EXPECT_EQ(s.labels[i].value, "v\"" + std::to_string(i));
      }
      ++samples;
      return OkStatus();
    }
    int samples = 0;
  } v;
  ASSERT_TRUE(parser.Parse(line + line, v).ok());
  EXPECT_EQ(v.samples, 2);
}

TEST(TextParserTest, ParsesALargeGeneratedBody) {
  TextParser parser;
  struct Count : TextVisitor {
    Status OnSample(const TextSample& s) override {
      labels += static_cast<int>(s.labels.size());
      ++samples;
      return OkStatus();
    }
    int samples = 0;
    int labels = 0;
  } v;
  ASSERT_TRUE(parser.Parse(internal::BuildNodeExporterText(500, 1000), v).ok());
  EXPECT_EQ(v.samples, 500);
  EXPECT_EQ(v.labels, 500 * 9);
}

TEST(TextParserTest, VisitorErrorStopsParsing) {
  TextParser parser;
  struct Stop : TextVisitor {
    Status OnSample(const TextSample&) override { return CancelledError("stop"); }
  } v;
  EXPECT_EQ(parser.Parse("a 1\nb 2\n", v), CancelledError("stop"));
}

struct MalformedText {
  std::string input;
  std::string message;
};

TEST(TextParserTest, RejectsMalformedLinesWithLineAndColumn) {
  const std::vector<MalformedText> cases = {
      {"1abc 2\n", "line 1, column 1: expected a metric name"},
      {"{a=\"b\"} 1\n", "line 1, column 1: expected a metric name"},
      {"ok 1\nup\n", "line 2, column 3: expected a value"},
      {"up \n", "line 1, column 4: expected a value"},
      {"up{a=\"b\"}\n", "line 1, column 10: expected a value"},
      {"up-x 1\n", "line 1, column 3: expected a space or '{' after the metric name"},
      {"a 1\n\nup{job 1\n", "line 3, column 8: expected '=' after label name"},
      {"up{1=\"a\"} 1\n", "line 1, column 4: expected a label name"},
      {"up{,} 1\n", "line 1, column 4: expected a label name"},
      {"up{a=b} 1\n", "line 1, column 6: expected '\"' to start the label value"},
      {"up{a=\"b} 1\n", "line 1, column 6: unterminated label value"},
      {"up{a=\"b\\\"} 1\n", "line 1, column 6: unterminated label value"},
      {"up{a=\"b\"-} 1\n", "line 1, column 9: expected ',' or '}' after label value"},
      {"up{\"a\" \"b\"} 1\n", "line 1, column 8: expected '=' after label name"},
      {"up{\"a\"} 1\n", "line 1, column 4: metric name already set"},
      {"{\"a\",\"b\"} 1\n", "line 1, column 6: metric name already set"},
      {"{\"a} 1\n", "line 1, column 2: unterminated quoted name"},
      {"up{a=\"\xff\"} 1\n", "line 1, column 6: invalid UTF-8 in label value"},
      {"up{a=\"\xc0\xaf\"} 1\n", "line 1, column 6: invalid UTF-8 in label value"},
      {"up{a=\"\xed\xa0\x80\"} 1\n", "line 1, column 6: invalid UTF-8 in label value"},
      {"# HELP up \xe2\x82\n", "line 1, column 11: invalid UTF-8 in help text"},
      {"# HELP \"up x\n", "line 1, column 8: unterminated metric name"},
      {"up 1 -5\n", "line 1, column 6: invalid timestamp \"-5\""},
      {"up 1 +5\n", "line 1, column 6: invalid timestamp \"+5\""},
      {"up 0x1p3\n", "line 1, column 4: invalid value \"0x1p3\""},
      {"up 1_0\n", "line 1, column 4: invalid value \"1_0\""},
      {"up Infinit\n", "line 1, column 4: invalid value \"Infinit\""},
      {"# TYPE h histogram \n", "line 1, column 10: invalid metric type \"histogram \""},
      {"# TYPE h  gauge\n", "line 1, column 10: invalid metric type \" gauge\""},
      {"# HELP \n", "line 1, column 8: expected a metric name after HELP"},
      {"up{a=\"b\"\n} 1\n", "line 1, column 9: expected ',' or '}' after label value"},
      {"up abc\n", "line 1, column 4: invalid value \"abc\""},
      {"up 1.5.2\n", "line 1, column 4: invalid value \"1.5.2\""},
      {"up +NaN\n", "line 1, column 4: invalid value \"+NaN\""},
      {"up 1e999\n", "line 1, column 4: invalid value \"1e999\""},
      {"up 1 12.5\n", "line 1, column 6: invalid timestamp \"12.5\""},
      {"up 1 99999999999999999999\n",
       "line 1, column 6: invalid timestamp \"99999999999999999999\""},
      {"up 1 2 3\n", "line 1, column 8: unexpected text after the timestamp"},
      {"# HELP 1x\n", "line 1, column 8: expected a metric name after HELP"},
      {"# TYPE up\n", "line 1, column 10: expected a metric type after the metric name"},
      {"# TYPE up-x gauge\n", "line 1, column 10: expected a space after the metric name"},
      {"# TYPE up gaige\n", "line 1, column 11: invalid metric type \"gaige\""},
      {"# TYPE up gauge extra\n", "line 1, column 11: invalid metric type \"gauge extra\""},
      {"up 1\r\n", "line 1, column 4: invalid value \"1\r\""},
  };
  TextParser parser(TextParserOptions{.reject_invalid_utf8 = true});
  for (const MalformedText& c : cases) {
    SCOPED_TRACE(c.input);
    RenderingVisitor v;
    EXPECT_EQ(parser.Parse(c.input, v), InvalidArgumentError(c.message));
  }
}

}  // namespace
}  // namespace osprey::ingest
