// Go fmt compatibility: %v printing of values and printf verbs, flags and widths.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tmpl/go_time.h"
#include "tmpl/internal/go_fmt.h"
#include "tmpl/internal/test_util.h"

namespace osprey::tmpl {
namespace {

using test_util::Render;

TEST(GoFmtTest, FloatsPrintLikeGoPercentV) {
  struct {
    double v;
    const char* want;
  } cases[] = {
      {3.0, "3"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {100000, "100000"},
      {1e6, "1e+06"},
      {1234567.0, "1.234567e+06"},
      {1e21, "1e+21"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.0 / 3, "0.3333333333333333"},
      {1353755652, "1.353755652e+09"},
      {0, "0"},
      {-0.0, "-0"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(internal::FormatFloatV(c.v), c.want) << c.v;
    EXPECT_EQ(Value(c.v).ToString(), c.want);
  }
}

TEST(GoFmtTest, ValuesPrintLikeGo) {
  EXPECT_EQ(Value().ToString(), "<nil>");
  EXPECT_EQ(Value(true).ToString(), "true");
  EXPECT_EQ(Value(-42).ToString(), "-42");
  EXPECT_EQ(Value(Value::List{Value("a"), Value(1), Value()}).ToString(), "[a 1 <nil>]");
  EXPECT_EQ(Value(Value::Map{{"b", Value(2.5)}, {"a", Value("x")}}).ToString(), "map[a:x b:2.5]");
  EXPECT_EQ(Value::Time(1'577'836'800'000).ToString(), "2020-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(Value::TimeIn(1'577'836'800'500, 3600, "CET").ToString(),
            "2020-01-01 01:00:00.5 +0100 CET");
  EXPECT_EQ(Value::Duration(3'723'500'000'000).ToString(), "1h2m3.5s");
}

TEST(GoFmtTest, DurationStrings) {
  EXPECT_EQ(GoDurationString(0), "0s");
  EXPECT_EQ(GoDurationString(1), "1ns");
  EXPECT_EQ(GoDurationString(1500), "1.5\u00b5s");
  EXPECT_EQ(GoDurationString(150'000'000), "150ms");
  EXPECT_EQ(GoDurationString(1'800'000'000'000), "30m0s");
  EXPECT_EQ(GoDurationString(-90'000'000'000), "-1m30s");
  EXPECT_EQ(GoDurationString(90061'000'000'000), "25h1m1s");
}

TEST(GoFmtTest, Printf) {
  struct {
    const char* text;
    const char* want;
  } cases[] = {
      {R"({{printf "%s" "x"}})", "x"},
      {R"({{printf "%v %v %v" 1 2.5 "s"}})", "1 2.5 s"},
      {R"({{printf "%d" 42}})", "42"},
      {R"({{printf "%5d|%-5d|%05d|%+d" 42 42 42 42}})", "   42|42   |00042|+42"},
      {R"({{printf "%f" 3.14159}})", "3.141590"},
      {R"({{printf "%.2f" 3.14159}})", "3.14"},
      {R"({{printf "%0.2f" 3.14159}})", "3.14"},
      {R"({{printf "%5.1f|%-7.2f|%07.2f|%+.1f" 3.14159 2.5 -1.5 2.0}})",
       "  3.1|2.50   |-001.50|+2.0"},
      {R"({{printf "%g %g %g" 0.000012 1e21 100000.0}})", "1.2e-05 1e+21 100000"},
      {R"({{printf "%.3g" 1234.5678}})", "1.23e+03"},
      {R"({{printf "%e %E" 1234.5678 0.5}})", "1.234568e+03 5.000000E-01"},
      {R"({{printf "%q" "a\"b"}})", R"("a\"b")"},
      {R"({{printf "%q" 'x'}})", "'x'"},
      {R"({{printf "%x %X %x" 255 255 "hi"}})", "ff FF 6869"},
      {R"({{printf "%#x %o %b" 255 8 5}})", "0xff 10 101"},
      {R"({{printf "%x" -255}})", "-ff"},
      {R"({{printf "%t %t" true false}})", "true false"},
      {R"({{printf "100%%"}})", "100%"},
      {R"({{printf "%c" 65}})", "A"},
      {R"({{printf "%8s|%-8s|%.2s" "abc" "abc" "abc"}})", "     abc|abc     |ab"},
      {R"({{printf "%d" "x"}})", "%!d(string=x)"},
      {R"({{printf "%s" 5}})", "%!s(int=5)"},
      {R"({{printf "%f" 5}})", "%!f(int=5)"},
      {R"({{printf "%d" 2.5}})", "%!d(float64=2.5)"},
      {R"({{printf "%s" .}})", "%!s(<nil>)"},
      {R"({{printf "%d"}})", "%!d(MISSING)"},
      {R"({{printf "%d" 1 2 "x"}})", "1%!(EXTRA int=2, string=x)"},
      {R"({{printf "%z" 1}})", "%!z(int=1)"},
      {R"({{printf "%"}})", "%!(NOVERB)"},
      {R"({{printf "%v" (stringSlice "a" "b")}})", "[a b]"},
      {R"({{printf "%d" (args 1 2)}})", "map[%!d(string=arg0):1 %!d(string=arg1):2]"},
      {R"({{printf "%*d" 5 1}})", "    1"},
      {R"({{printf "%T %T %T" 1 "s" 1.5}})", "int string float64"},
      {R"({{printf "%f %.1f %5.1f" 1 1.25 1.25}})", "%!f(int=1) 1.2   1.2"},
      {R"({{printf "%v" (1.0 | printf "%f" | len)}})", "8"},
      {R"({{printf "%.1f" 0.25}} {{printf "%.0f" 2.5}})", "0.2 2"},
      {R"({{printf "%6.2f%%" 99.5}})", " 99.50%"},
      {R"({{printf "%f" (parseDuration "1h")}})", "3600.000000"},
      {R"({{printf "%+v" 3}})", "+3"},
      {R"({{printf "%s" (toTime 0)}})", "1970-01-01 00:00:00 +0000 UTC"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Render(c.text), c.want);
  }
}

TEST(GoFmtTest, Quote) {
  EXPECT_EQ(internal::GoQuote("a\nb\t\"\\\x01\xC3\xA9\xFF"), R"("a\nb\t\"\\\x01é\xff")");
}

}  // namespace
}  // namespace osprey::tmpl
