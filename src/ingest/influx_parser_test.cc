#include "ingest/influx_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace osprey::ingest {
namespace {

using ::testing::HasSubstr;

struct OwnedField {
  std::string key;
  InfluxFieldType type;
  double value;
  friend bool operator==(const OwnedField&, const OwnedField&) = default;
};

struct OwnedPoint {
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<OwnedField> fields;
  std::string series_text;
  std::optional<int64_t> ts;
  int line = 0;
};

class Collector final : public InfluxVisitor {
 public:
  void OnPoint(const InfluxPoint& p) override {
    OwnedPoint o{.measurement = std::string(p.measurement),
                 .series_text = std::string(p.series_text),
                 .ts = p.timestamp_ms,
                 .line = p.line};
    for (const InfluxTag& t : p.tags) o.tags.emplace_back(t.key, t.value);
    for (const InfluxField& f : p.fields) o.fields.push_back({std::string(f.key), f.type, f.value});
    points.push_back(std::move(o));
  }
  void OnError(const InfluxLineError& e) override { errors.push_back(e); }

  std::vector<OwnedPoint> points;
  std::vector<InfluxLineError> errors;
};

Collector Parse(std::string_view body, InfluxPrecision precision = InfluxPrecision::kNanosecond) {
  Collector c;
  InfluxParser parser;
  parser.Parse(body, precision, c);
  return c;
}

// Parses one valid line.
OwnedPoint ParseOne(std::string_view body) {
  Collector c = Parse(body);
  EXPECT_TRUE(c.errors.empty()) << (c.errors.empty() ? "" : c.errors[0].ToString());
  EXPECT_EQ(c.points.size(), 1u);
  return c.points.empty() ? OwnedPoint{} : c.points[0];
}

TEST(InfluxParserTest, ParsesFullLine) {
  OwnedPoint p = ParseOne(
      "weather,location=us-west,station=7 temp=21.5,humidity=40i,count=3u,ok=true,"
      "note=\"hi there\" 1465839830100400200");
  EXPECT_EQ(p.measurement, "weather");
  EXPECT_EQ(p.series_text, "weather,location=us-west,station=7");
  ASSERT_EQ(p.tags.size(), 2u);
  EXPECT_EQ(p.tags[0], (std::pair<std::string, std::string>{"location", "us-west"}));
  EXPECT_EQ(p.tags[1], (std::pair<std::string, std::string>{"station", "7"}));
  ASSERT_EQ(p.fields.size(), 5u);
  EXPECT_EQ(p.fields[0], (OwnedField{"temp", InfluxFieldType::kFloat, 21.5}));
  EXPECT_EQ(p.fields[1], (OwnedField{"humidity", InfluxFieldType::kInteger, 40}));
  EXPECT_EQ(p.fields[2], (OwnedField{"count", InfluxFieldType::kUnsigned, 3}));
  EXPECT_EQ(p.fields[3], (OwnedField{"ok", InfluxFieldType::kBoolean, 1}));
  EXPECT_EQ(p.fields[4].type, InfluxFieldType::kString);
  EXPECT_EQ(p.ts, 1465839830100);
  EXPECT_EQ(p.line, 1);
}

TEST(InfluxParserTest, NoTagsNoTimestamp) {
  OwnedPoint p = ParseOne("cpu value=1");
  EXPECT_EQ(p.measurement, "cpu");
  EXPECT_TRUE(p.tags.empty());
  EXPECT_FALSE(p.ts.has_value());
}

TEST(InfluxParserTest, BooleanSpellings) {
  for (const char* t : {"t", "T", "true", "True", "TRUE"}) {
    SCOPED_TRACE(t);
    OwnedPoint p = ParseOne(std::string("m b=") + t);
    ASSERT_EQ(p.fields.size(), 1u);
    EXPECT_EQ(p.fields[0], (OwnedField{"b", InfluxFieldType::kBoolean, 1}));
  }
  for (const char* f : {"f", "F", "false", "False", "FALSE"}) {
    SCOPED_TRACE(f);
    OwnedPoint p = ParseOne(std::string("m b=") + f);
    ASSERT_EQ(p.fields.size(), 1u);
    EXPECT_EQ(p.fields[0], (OwnedField{"b", InfluxFieldType::kBoolean, 0}));
  }
}

TEST(InfluxParserTest, NumberForms) {
  struct Case {
    const char* value;
    InfluxFieldType type;
    double want;
  };
  const Case cases[] = {
      {"1", InfluxFieldType::kFloat, 1},
      {"-1.5", InfluxFieldType::kFloat, -1.5},
      {"1.", InfluxFieldType::kFloat, 1},
      {".5", InfluxFieldType::kFloat, 0.5},
      {"1e3", InfluxFieldType::kFloat, 1000},
      {"-2.5E-2", InfluxFieldType::kFloat, -0.025},
      {"1e+2", InfluxFieldType::kFloat, 100},
      {"1e-400", InfluxFieldType::kFloat, 0},  // underflow is 0, as Go's ParseFloat
      {"-9223372036854775808i", InfluxFieldType::kInteger, -9223372036854775808.0},
      {"9223372036854775807i", InfluxFieldType::kInteger, 9223372036854775807.0},
      {"18446744073709551615u", InfluxFieldType::kUnsigned, 18446744073709551615.0},
      {"0u", InfluxFieldType::kUnsigned, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    OwnedPoint p = ParseOne(std::string("m x=") + c.value);
    ASSERT_EQ(p.fields.size(), 1u);
    EXPECT_EQ(p.fields[0].type, c.type);
    EXPECT_DOUBLE_EQ(p.fields[0].value, c.want);
  }
}

TEST(InfluxParserTest, Escapes) {
  struct Case {
    const char* line;
    const char* measurement;
    const char* tag_key;
    const char* tag_value;
    const char* field_key;
  };
  const Case cases[] = {
      {R"(my\ cpu,host\ name=a\ b val=1)", "my cpu", "host name", "a b", "val"},
      {R"(my\,cpu,k\,1=v\,2 f\,x=1)", "my,cpu", "k,1", "v,2", "f,x"},
      {R"(m,k\=1=v\=2 f\=x=1)", "m", "k=1", "v=2", "f=x"},
      // An '=' needs no escape in a measurement; the backslash stays.
      {R"(m\=x,k=v f=1)", "m\\=x", "k", "v", "f"},
      // A backslash before anything else is literal, so "\\," is a literal backslash and an
      // escaped comma, and "\\z" stays two backslashes (as InfluxDB's reference decoder).
      {R"(m\x,k=a\\,j f\=x=1)", "m\\x", "k", "a\\,j", "f=x"},
      {R"(m,k=a\\z f=1)", "m", "k", "a\\\\z", "f"},
      {R"(m,k=v\ f=1)", "m", "k", "", ""},
      // Unicode is kept as is.
      {"temp\xc3\xa9rature,lieu=Z\xc3\xbcrich v=1", "temp\xc3\xa9rature", "lieu", "Z\xc3\xbcrich",
       "v"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Collector got = Parse(c.line);
    if (std::string_view(c.field_key).empty()) {
      // "m,k=v\ f=1": the escaped space swallows the separator; the tag value ends at '='.
      ASSERT_EQ(got.errors.size(), 1u);
      EXPECT_THAT(got.errors[0].reason, HasSubstr("after the measurement and tags"));
      continue;
    }
    ASSERT_TRUE(got.errors.empty()) << got.errors[0].ToString();
    ASSERT_EQ(got.points.size(), 1u);
    const OwnedPoint& p = got.points[0];
    EXPECT_EQ(p.measurement, c.measurement);
    ASSERT_GE(p.tags.size(), 1u);
    EXPECT_EQ(p.tags[0].first, c.tag_key);
    EXPECT_EQ(p.tags[0].second, c.tag_value);
    ASSERT_EQ(p.fields.size(), 1u);
    EXPECT_EQ(p.fields[0].key, c.field_key);
  }
}

TEST(InfluxParserTest, StringFieldsWithSeparatorsQuotesAndNewlines) {
  Collector c = Parse(
      "m s=\"a, b=c \\\"q\\\" \\\\\",x=2 10\n"
      "m s=\"multi\nline\",x=3 20\n"
      "m x=4 30\n");
  ASSERT_TRUE(c.errors.empty()) << c.errors[0].ToString();
  ASSERT_EQ(c.points.size(), 3u);
  EXPECT_EQ(c.points[0].fields[1], (OwnedField{"x", InfluxFieldType::kFloat, 2}));
  EXPECT_EQ(c.points[1].fields[1], (OwnedField{"x", InfluxFieldType::kFloat, 3}));
  EXPECT_EQ(c.points[1].line, 2);
  // The string spanned a line, so the next point starts on line 4.
  EXPECT_EQ(c.points[2].line, 4);
}

TEST(InfluxParserTest, CommentsBlankLinesCrlfAndSpaces) {
  Collector c = Parse(
      "# a comment\r\n"
      "\r\n"
      "   \n"
      "  m,k=v   x=1   5   \r\n"
      "   # indented comment, x=1\n"
      "m x=2\r\n"
      "m x=3\r");
  ASSERT_TRUE(c.errors.empty()) << c.errors[0].ToString();
  ASSERT_EQ(c.points.size(), 3u);
  EXPECT_EQ(c.points[0].line, 4);
  EXPECT_EQ(c.points[0].ts, 0);  // 5 ns
  EXPECT_EQ(c.points[1].line, 6);
  EXPECT_EQ(c.points[2].fields[0].value, 3);
}

TEST(InfluxParserTest, Precision) {
  struct Case {
    InfluxPrecision precision;
    const char* ts;
    int64_t want_ms;
  };
  const Case cases[] = {
      {InfluxPrecision::kNanosecond, "1465839830100400200", 1465839830100},
      {InfluxPrecision::kNanosecond, "-1", -1},  // rounds down
      {InfluxPrecision::kMicrosecond, "1465839830100400", 1465839830100},
      {InfluxPrecision::kMillisecond, "1465839830100", 1465839830100},
      {InfluxPrecision::kSecond, "1465839830", 1465839830000},
      {InfluxPrecision::kMinute, "2", 120000},
      {InfluxPrecision::kHour, "-1", -3600000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ts);
    Collector got = Parse(std::string("m x=1 ") + c.ts, c.precision);
    ASSERT_EQ(got.points.size(), 1u);
    EXPECT_EQ(got.points[0].ts, c.want_ms);
  }
  Collector overflow = Parse("m x=1 9223372036854775807", InfluxPrecision::kSecond);
  ASSERT_EQ(overflow.errors.size(), 1u);
  EXPECT_THAT(overflow.errors[0].reason, HasSubstr("out of range"));
}

TEST(InfluxParserTest, ParsePrecisionValues) {
  EXPECT_EQ(*ParseInfluxPrecision(""), InfluxPrecision::kNanosecond);
  EXPECT_EQ(*ParseInfluxPrecision("n"), InfluxPrecision::kNanosecond);
  EXPECT_EQ(*ParseInfluxPrecision("ns"), InfluxPrecision::kNanosecond);
  EXPECT_EQ(*ParseInfluxPrecision("u"), InfluxPrecision::kMicrosecond);
  EXPECT_EQ(*ParseInfluxPrecision("us"), InfluxPrecision::kMicrosecond);
  EXPECT_EQ(*ParseInfluxPrecision("ms"), InfluxPrecision::kMillisecond);
  EXPECT_EQ(*ParseInfluxPrecision("s"), InfluxPrecision::kSecond);
  EXPECT_EQ(*ParseInfluxPrecision("m"), InfluxPrecision::kMinute);
  EXPECT_EQ(*ParseInfluxPrecision("h"), InfluxPrecision::kHour);
  auto bad = ParseInfluxPrecision("d");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("invalid precision \"d\""));
}

TEST(InfluxParserTest, ErrorsNameLineColumnAndReason) {
  struct Case {
    const char* line;
    int column;
    const char* reason;
  };
  const Case cases[] = {
      {"cpu", 4, "missing fields"},
      {"cpu ", 5, "missing fields"},
      {"cpu,host=a", 11, "missing fields"},
      {",host=a x=1", 1, "where the measurement name should start"},
      {"cpu,=a x=1", 5, "where a tag key should start"},
      {"cpu,host x=1", 9, "after tag key \"host\", want '='"},
      {"cpu,host= x=1", 10, "missing value for tag \"host\""},
      {"cpu,host=a=b x=1", 11, "after the measurement and tags"},
      {"cpu x", 6, "after field key \"x\", want '='"},
      {"cpu x=", 7, "missing value for field \"x\""},
      {"cpu x=,y=1", 7, "missing value for field \"x\""},
      {"cpu x=1,", 9, "where a field key should start"},
      {"cpu =1", 5, "where a field key should start"},
      {"cpu x=abc", 7, "invalid value \"abc\" for field \"x\""},
      {"cpu x=1.5i", 7, "invalid integer \"1.5i\" for field \"x\""},
      {"cpu x=-1u", 7, "invalid unsigned integer \"-1u\""},
      {"cpu x=9223372036854775808i", 7, "integer (out of range)"},
      {"cpu x=18446744073709551616u", 7, "unsigned integer (out of range)"},
      {"cpu x=1e999", 7, "float (out of range)"},
      {"cpu x=NaN", 7, "invalid value \"NaN\""},
      {"cpu x=inf", 7, "invalid value \"inf\""},
      {"cpu x=+1", 7, "invalid value \"+1\""},
      {"cpu x=tru", 7, "invalid value \"tru\""},
      {"cpu x=\"a\"b", 10, "unexpected \"b\" after the value of field \"x\""},
      {"cpu x=1 12a", 9, "invalid timestamp \"12a\""},
      {"cpu x=1 1.5", 9, "invalid timestamp"},
      {"cpu x=1 123 456", 13, "unexpected text after the timestamp"},
      {"cpu x=1 99999999999999999999", 9, "out of range"},
      {"cpu\tx=1", 4, "unexpected \"\\t\""},
      {"cpu x=1\rx", 7, "invalid value \"1\\rx\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Collector got = Parse(std::string("ok x=1\n") + c.line + "\nok x=2\n");
    ASSERT_EQ(got.errors.size(), 1u);
    EXPECT_EQ(got.errors[0].line, 2);
    EXPECT_EQ(got.errors[0].column, c.column) << got.errors[0].reason;
    EXPECT_THAT(got.errors[0].reason, HasSubstr(c.reason));
    // The lines around the bad one still parse.
    ASSERT_EQ(got.points.size(), 2u);
    EXPECT_EQ(got.points[1].line, 3);
  }
}

TEST(InfluxParserTest, UnterminatedStringRunsToTheEnd) {
  // A string may span lines, so everything after the quote belongs to it.
  Collector got = Parse("ok x=1\ncpu x=\"abc\nok x=2\n");
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].ToString(),
            "line 2, column 7: unterminated string value for field \"x\"");
  EXPECT_EQ(got.points.size(), 1u);
}

TEST(InfluxParserTest, ErrorToString) {
  Collector got = Parse("m x=1\n\nm x=oops");
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].ToString(), "line 3, column 5: invalid value \"oops\" for field \"x\"");
}

TEST(InfluxParserTest, ErrorAfterMultilineStringCountsLines) {
  Collector got = Parse("m s=\"a\nb\",x=bad 1\n");
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].line, 2);
  EXPECT_EQ(got.errors[0].column, 6);
}

TEST(InfluxParserTest, KeepsDuplicateTagsAndFields) {
  OwnedPoint p = ParseOne("m,a=1,a=2 x=1,x=2");
  EXPECT_EQ(p.tags.size(), 2u);
  EXPECT_EQ(p.fields.size(), 2u);
}

TEST(InfluxParserTest, ReusedParserGivesSameResults) {
  InfluxParser parser;
  for (int i = 0; i < 2; ++i) {
    Collector c;
    parser.Parse(R"(a\ b,k\,=v\ w x\=y=1)", InfluxPrecision::kNanosecond, c);
    ASSERT_EQ(c.points.size(), 1u);
    EXPECT_EQ(c.points[0].measurement, "a b");
    EXPECT_EQ(c.points[0].tags[0].first, "k,");
    EXPECT_EQ(c.points[0].tags[0].second, "v w");
    EXPECT_EQ(c.points[0].fields[0].key, "x=y");
  }
}

}  // namespace
}  // namespace osprey::ingest
