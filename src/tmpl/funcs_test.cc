// Prometheus's and Alertmanager's template functions; expected values come from Prometheus's
// template/template_test.go.
#include "tmpl/funcs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tmpl/go_time.h"
#include "tmpl/internal/test_util.h"

namespace osprey::tmpl {
namespace {

using test_util::Render;
using ::testing::HasSubstr;

Value Floats(std::initializer_list<double> v) {
  Value::List l;
  for (double d : v) l.emplace_back(d);
  return Value(std::move(l));
}
Value Ints(std::initializer_list<int64_t> v) {
  Value::List l;
  for (int64_t d : v) l.emplace_back(d);
  return Value(std::move(l));
}
Value Strings(std::initializer_list<const char*> v) {
  Value::List l;
  for (const char* d : v) l.emplace_back(d);
  return Value(std::move(l));
}

TEST(TextFuncsTest, Humanize) {
  const char* text = "{{ range . }}{{ humanize . }}:{{ end }}";
  EXPECT_EQ(Render(text, Floats({0.0, 1.0, 1234567.0, .12})), "0:1:1.235M:120m:");
  EXPECT_EQ(Render(text, Strings({"0.0", "1.0", "1234567.0", ".12"})), "0:1:1.235M:120m:");
  EXPECT_EQ(Render(text, Ints({0, -1, 1, 1234567, std::numeric_limits<int64_t>::max()})),
            "0:-1:1:1.235M:9.223E:");
  EXPECT_EQ(Render("{{ humanize 0.00012 }} {{ humanize 1234567 }}"), "120u 1.235M");
  EXPECT_EQ(Render(R"({{ humanize "one" }})"),
            "exec error: template: test:1:3: executing \"test\" at <humanize \"one\">: error "
            "calling humanize: strconv.ParseFloat: parsing \"one\": invalid syntax");
}

TEST(TextFuncsTest, Humanize1024) {
  const char* text = "{{ range . }}{{ humanize1024 . }}:{{ end }}";
  EXPECT_EQ(Render(text, Floats({0.0, 1.0, 1048576.0, .12})), "0:1:1Mi:0.12:");
  EXPECT_EQ(Render(text, Strings({"0.0", "1.0", "1048576.0", ".12"})), "0:1:1Mi:0.12:");
  EXPECT_EQ(Render(text, Ints({0, -1, 1, 1234567, std::numeric_limits<int64_t>::max()})),
            "0:-1:1:1.177Mi:8Ei:");
}

TEST(TextFuncsTest, HumanizeDuration) {
  const char* text = "{{ range . }}{{ humanizeDuration . }}:{{ end }}";
  EXPECT_EQ(Render(text, Floats({0, 1, 60, 3600, 86400, 86400 + 3600,
                                 -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99})),
            "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:");
  EXPECT_EQ(Render(text, Strings({"0", "1", "60", "3600", "86400"})),
            "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:");
  EXPECT_EQ(Render(text, Floats({.1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345})),
            "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:");
  EXPECT_EQ(Render(text, Ints({0, -1, 1, 1234567})), "0s:-1s:1s:14d 6h 56m 7s:");
  EXPECT_EQ(Render("{{ humanizeDuration 90061 }}"), "1d 1h 1m 1s");
}

TEST(TextFuncsTest, InfAndNaN) {
  const char* text =
      "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:"
      "{{humanizeTimestamp .}}:{{ end }}";
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Render(text, Floats({inf, -inf, std::nan("")})),
            "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:");
  EXPECT_EQ(Render(text, Strings({"+Inf", "-Inf", "NaN"})),
            "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:");
}

TEST(TextFuncsTest, HumanizePercentage) {
  EXPECT_EQ(Render("{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ "
                   "0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}"),
            "-22.22%:0%:12.35%:123.5%");
  EXPECT_EQ(Render("{{ range . }}{{ humanizePercentage . }}:{{ end }}",
                   Ints({0, -1, 1, 1234567, std::numeric_limits<int64_t>::max()})),
            "0%:-100%:100%:1.235e+08%:9.223e+20%:");
  EXPECT_EQ(Render(R"({{ "0.1234567" | humanizePercentage }})"), "12.35%");
  EXPECT_EQ(Render("{{ 0.1234 | humanizePercentage }}"), "12.34%");
}

TEST(TextFuncsTest, HumanizeTimestampAndTime) {
  EXPECT_EQ(Render("{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
                   Ints({0, -1, 1, 1234567, 9223372036})),
            "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 "
            "+0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:");
  EXPECT_EQ(Render("{{ 1435065584.128 | humanizeTimestamp }}"),
            "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(Render(R"({{ "1435065584.128" | humanizeTimestamp }})"),
            "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(Render("{{ 1577836800 | humanizeTimestamp }}"), "2020-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(Render(R"({{ (1435065584.128 | toTime).Format "2006" }})"), "2015");
  EXPECT_EQ(Render(R"({{ ("1435065584.128" | toTime).Format "2006" }})"), "2015");
  EXPECT_EQ(Render(R"({{ (1800 | toDuration).String }})"), "30m0s");
  EXPECT_EQ(Render(R"({{ ("1800" | toDuration).String }})"), "30m0s");
  EXPECT_THAT(Render("{{ humanizeTimestamp 9223372036854775807 }}"),
              HasSubstr("error calling humanizeTimestamp: 9.223372036854776e+18 cannot be "
                        "represented as a nanoseconds timestamp since it overflows int64"));
}

TEST(TextFuncsTest, ParseDuration) {
  EXPECT_EQ(Render(R"({{ printf "%0.2f" (parseDuration "1h2m10ms") }})"), "3720.01");
  EXPECT_EQ(Render(R"({{ printf "%0.2f" (parseDuration "-1h2m10ms") }})"), "-3720.01");
  EXPECT_EQ(Render(R"({{ parseDuration "1d" }} {{ parseDuration "0" }})"), "86400 0");
  EXPECT_EQ(Render(R"({{ parseDuration "1x" }})"),
            "exec error: template: test:1:3: executing \"test\" at <parseDuration \"1x\">: error "
            "calling parseDuration: not a valid duration string: \"1x\"");
  EXPECT_FALSE(ParseDurationSeconds("1m1h").ok());
  EXPECT_FALSE(ParseDurationSeconds("").ok());
}

TEST(TextFuncsTest, Strings) {
  EXPECT_EQ(Render(R"({{ "aa bb CC" | title }})"), "Aa Bb CC");
  EXPECT_EQ(Render(R"({{ "aa bb CC" | toUpper }})"), "AA BB CC");
  EXPECT_EQ(Render(R"({{ "aA bB CC" | toLower }})"), "aa bb cc");
  EXPECT_EQ(Render(R"({{ "  x y \n" | trimSpace }}|)"), "x y|");
  EXPECT_EQ(Render(R"({{ match "a+" "aa" }} {{ match "a+" "b" }})"), "true false");
  EXPECT_EQ(Render(R"({{ reReplaceAll "(a)b" "x$1" "ab" }})"), "xa");
  EXPECT_EQ(Render(R"x({{ reReplaceAll "(?P<host>[^:]+):(\\d+)" "${host}!$2$$" "h1:80 h2:90" }})x"),
            "h1!80$ h2!90$");
  EXPECT_EQ(Render(R"({{ reReplaceAll "x*" "-" "abc" }})"), "-a-b-c-");
  EXPECT_EQ(Render(R"({{ reReplaceAll "(" "" "a" }})").rfind("exec error:", 0), 0u);
  EXPECT_EQ(Render(R"({{ "<b>" | safeHtml }})"), "<b>");
  EXPECT_EQ(Render(R"({{ stringSlice "a" "b" | join ", " }})"), "a, b");
  EXPECT_EQ(Render(R"({{ urlQueryEscape "a b" }})"), "a+b");
  EXPECT_EQ(Render(R"({{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}})"),
            "1 2");
}

TEST(TextFuncsTest, StripPortAndDomain) {
  struct {
    const char* in;
    const char* port;
    const char* domain;
  } cases[] = {
      {"foo.example.com", "foo.example.com", "foo"},
      {"foo.example.com:12345", "foo.example.com", "foo:12345"},
      {"192.0.2.1", "192.0.2.1", "192.0.2.1"},
      {"192.0.2.1:12345", "192.0.2.1", "192.0.2.1:12345"},
      {"2001:0DB8::1", "2001:0DB8::1", "2001:0DB8::1"},
      {"[2001:0DB8::1]:12345", "2001:0DB8::1", "[2001:0DB8::1]:12345"},
      {"[2001:0DB8::1]::12345", "[2001:0DB8::1]::12345", "[2001:0DB8::1]::12345"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    Value dot(c.in);
    EXPECT_EQ(Render("{{ . | stripPort }}", dot), c.port);
    EXPECT_EQ(Render("{{ . | stripDomain }}", dot), c.domain);
  }
}

TEST(TextFuncsTest, DateTzSince) {
  Value dot(Value::Map{{"StartsAt", Value::Time(1'577'836'800'000)}});  // 2020-01-01T00:00Z
  EXPECT_EQ(Render(R"({{ date "2006-01-02 15:04:05 MST" .StartsAt }})", dot),
            "2020-01-01 00:00:00 UTC");
  EXPECT_EQ(Render(R"({{ .StartsAt.Format "Mon Jan _2 3:04PM 2006 Z07:00 -0700" }})", dot),
            "Wed Jan  1 12:00AM 2020 Z +0000");
  EXPECT_EQ(Render(R"({{ .StartsAt | tz "UTC" | date "15:04 MST" }})", dot), "00:00 UTC");
  EXPECT_EQ(
      Render(R"({{ (tz "Europe/Berlin" .StartsAt).Format "2006-01-02 15:04 MST -07:00" }})", dot),
      "2020-01-01 01:00 CET +01:00");
  Value summer(Value::Map{{"StartsAt", Value::Time(1'593'561'600'000)}});  // 2020-07-01T00:00Z
  EXPECT_EQ(Render(R"({{ .StartsAt | tz "America/New_York" }})", summer),
            "2020-06-30 20:00:00 -0400 EDT");
  EXPECT_THAT(Render(R"({{ tz "Nowhere/Land" .StartsAt }})", dot),
              HasSubstr("error calling tz: unknown time zone Nowhere/Land"));
  EXPECT_EQ(Render(R"({{ tz "../../etc/passwd" .StartsAt }})", dot).rfind("exec error:", 0), 0u);
  // now is 2012-11-24 11:14:12 UTC in tests.
  Value past(Value::Map{{"T", Value::Time(test_util::kTestNowMs - 3'723'000)}});
  EXPECT_EQ(Render("{{ since .T }}", past), "1h2m3s");
  EXPECT_EQ(Render("{{ (since .T).Seconds }}", past), "3723");
}

TEST(TextFuncsTest, GoTimeLayouts) {
  int64_t ms = 1'435'065'584'128;  // 2015-06-23 13:19:44.128 UTC, a Tuesday
  struct {
    const char* layout;
    const char* want;
  } cases[] = {
      {"2006-01-02T15:04:05Z07:00", "2015-06-23T13:19:44Z"},
      {"2006-01-02T15:04:05.000Z07:00", "2015-06-23T13:19:44.128Z"},
      {"Mon Jan 2 15:04:05 MST 2006", "Tue Jun 23 13:19:44 UTC 2015"},
      {"Monday, 02-January-06 03:04:05.999 PM", "Tuesday, 23-June-15 01:19:44.128 PM"},
      {"002 __2 .9 ,00", "174 174 .1 ,12"},
      {"15h04 pm", "13h19 pm"},
      {"January is not Janx", "June is not Janx"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatGoTime(ms, 0, "UTC", c.layout), c.want) << c.layout;
  }
  EXPECT_EQ(FormatGoTime(ms, -(5 * 3600 + 30 * 60), "", "15:04 -07:00 Z0700 MST"),
            "07:49 -05:30 -0530 -0530");
  EXPECT_EQ(FormatGoTime(-1, 0, "UTC", "2006-01-02 15:04:05.000"), "1969-12-31 23:59:59.999");
}

TEST(QueryResultFuncsTest, FirstLabelValueSort) {
  Value result = MakeQueryResult({MakeQuerySample({{"instance", "b"}, {"__value__", "x"}}, 11),
                                  MakeQuerySample({{"instance", "a"}}, 1.5)});
  FuncMap f = test_util::AllFuncs();
  f.Add("query", [result](std::span<const Value> args) -> Result<Value> {
    if (args.size() == 1 && args[0].kind() == Value::Kind::kString &&
        args[0].AsString() == "missing") {
      return MakeQueryResult({});
    }
    return result;
  });
  struct {
    const char* text;
    const char* want;
  } cases[] = {
      {R"({{ query "x" | first | value }})", "11"},
      {R"({{ query "x" | first | label "instance" }})", "b"},
      {R"({{ query "x" | first | label "foo" }})", ""},
      {R"({{ query "x" | first | strvalue }})", "x"},
      {R"({{ $x := query "x" | first }}{{ $x.Labels.instance }})", "b"},
      {R"({{ range query "x" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}})",
       "a:1.5: b:11: "},
      {R"({{ query "missing" | first }})",
       "exec error: template: test:1:21: executing \"test\" at <first>: error calling first: "
       "first() called on vector with no elements"},
      {R"({{ (query "missing").banana }})",
       "exec error: template: test:1:20: executing \"test\" at <(query \"missing\").ba...>: can't "
       "evaluate field banana in type queryResult"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto t = Template::Parse("test", c.text, f);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    auto out = t->Execute(Value());
    EXPECT_EQ(out.ok() ? *out : "exec error: " + out.status().message(), c.want);
  }
}

TEST(TextFuncsTest, ConvertToFloat) {
  EXPECT_EQ(*ConvertToFloat(Value("1e3")), 1000);
  EXPECT_EQ(*ConvertToFloat(Value(3)), 3);
  EXPECT_FALSE(ConvertToFloat(Value(" 1")).ok());
  EXPECT_FALSE(ConvertToFloat(Value("")).ok());
  EXPECT_EQ(ConvertToFloat(Value(true)).status().message(), "can't convert bool to float");
}

}  // namespace
}  // namespace osprey::tmpl
