// Format() must print exactly Prometheus's String(), and Prettify() its Pretty().
// Most inputs mirror cases in Prometheus's printer_test.go and prettier_test.go.
#include "promql/printer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "promql/parser.h"

namespace osprey::promql {
namespace {

struct FormatCase {
  std::string input;
  std::string want;
};

TEST(PrinterTest, FormatIsCanonical) {
  std::vector<FormatCase> cases = {
      {R"(sum by() (task:errors:rate10s{job="s"}))", R"(sum(task:errors:rate10s{job="s"}))"},
      {R"(sum by(code) (task:errors:rate10s{job="s"}))",
       R"(sum by (code) (task:errors:rate10s{job="s"}))"},
      {R"(sum without() (task:errors:rate10s{job="s"}))",
       R"(sum without () (task:errors:rate10s{job="s"}))"},
      {R"(sum without(instance) (task:errors:rate10s{job="s"}))",
       R"(sum without (instance) (task:errors:rate10s{job="s"}))"},
      {R"(sum by("foo.bar") (task:errors:rate10s{job="s"}))",
       R"(sum by ("foo.bar") (task:errors:rate10s{job="s"}))"},
      {R"(sum without("foo.bar") (task:errors:rate10s{job="s"}))",
       R"(sum without ("foo.bar") (task:errors:rate10s{job="s"}))"},
      {R"(topk(5, task:errors:rate10s{job="s"}))", R"(topk(5, task:errors:rate10s{job="s"}))"},
      {R"(count_values("value", task:errors:rate10s{job="s"}))",
       R"(count_values("value", task:errors:rate10s{job="s"}))"},
      {R"(a - on() c)", R"(a - on () c)"},
      {R"(a - on(b) c)", R"(a - on (b) c)"},
      {R"(a - on(b) group_left(x) c)", R"(a - on (b) group_left (x) c)"},
      {R"(a - on(b) group_left(x, y) c)", R"(a - on (b) group_left (x, y) c)"},
      {R"(a - on(b) group_left c)", R"(a - on (b) group_left () c)"},
      {R"(a - on(b) group_left() (c))", R"(a - on (b) group_left () (c))"},
      {R"(a - ignoring(b) c)", R"(a - ignoring (b) c)"},
      {R"(a - ignoring() c)", R"(a - c)"},
      {R"(a - ignoring() group_left c)", R"(a - ignoring () group_left () c)"},
      {R"(a + fill(-23) b)", R"(a + fill (-23) b)"},
      {R"(a + fill_left(-23) b)", R"(a + fill_left (-23) b)"},
      {R"(a + fill_right(42) b)", R"(a + fill_right (42) b)"},
      {R"(a + fill_left(-23) fill_right(42) b)", R"(a + fill_left (-23) fill_right (42) b)"},
      {R"(a + fill_left(5) fill_right(5) b)", R"(a + fill (5) b)"},
      {R"(a + on(b) group_left fill(-23) c)", R"(a + on (b) group_left () fill (-23) c)"},
      {R"(up > bool 0)", R"(up > bool 0)"},
      {R"(a offset 1m)", R"(a offset 1m)"},
      {R"(a offset -7m)", R"(a offset -7m)"},
      {R"(a{c="d"}[5m] offset 1m)", R"(a{c="d"}[5m] offset 1m)"},
      {R"(a[5m] offset 1m)", R"(a[5m] offset 1m)"},
      {R"(a[12m] offset -3m)", R"(a[12m] offset -3m)"},
      {R"(a[1h:5m] offset 1m)", R"(a[1h:5m] offset 1m)"},
      {R"(a anchored)", R"(a anchored)"},
      {R"(a[5m] anchored)", R"(a[5m] anchored)"},
      {R"(a{b="c"}[5m] anchored)", R"(a{b="c"}[5m] anchored)"},
      {R"(a{b="c"}[5m] anchored offset 1m)", R"(a{b="c"}[5m] anchored offset 1m)"},
      {R"(a{b="c"}[5m] anchored @ start() offset 1m)",
       R"(a{b="c"}[5m] anchored @ start() offset 1m)"},
      {R"(a smoothed)", R"(a smoothed)"},
      {R"(a[5m] smoothed)", R"(a[5m] smoothed)"},
      {R"(a{b="c"}[5m] smoothed)", R"(a{b="c"}[5m] smoothed)"},
      {R"(a{b="c"}[5m] smoothed offset 1m)", R"(a{b="c"}[5m] smoothed offset 1m)"},
      {R"(a{b="c"}[5m] smoothed @ start() offset 1m)",
       R"(a{b="c"}[5m] smoothed @ start() offset 1m)"},
      {R"({__name__="a"})", R"({__name__="a"})"},
      {R"(a{b!="c"}[1m])", R"(a{b!="c"}[1m])"},
      {R"(a{b=~"c"}[1m])", R"(a{b=~"c"}[1m])"},
      {R"(a{b!~"c"}[1m])", R"(a{b!~"c"}[1m])"},
      {R"(a @ 10)", R"(a @ 10.000)"},
      {R"(a[1m] @ 10)", R"(a[1m] @ 10.000)"},
      {R"(a @ start())", R"(a @ start())"},
      {R"(a @ end())", R"(a @ end())"},
      {R"(a[1m] @ start())", R"(a[1m] @ start())"},
      {R"(a[1m] @ end())", R"(a[1m] @ end())"},
      {R"({__name__="",a="x"})", R"({__name__="",a="x"})"},
      {R"({"a.b"="c"})", R"({"a.b"="c"})"},
      {R"({"0"="1"})", R"({"0"="1"})"},
      {R"({"_0"="1"})", R"({_0="1"})"},
      {R"({""="0"})", R"({""="0"})"},
      {R"({``="0"})", R"({""="0"})"},
      {R"(1048576)", R"(1048576)"},
      {R"(foo[step()])", R"(foo[step()])"},
      {R"(foo[-step()])", R"(foo[-step()])"},
      {R"(foo[(step())])", R"(foo[(step())])"},
      {R"(foo[-(step())])", R"(foo[-(step())])"},
      {R"(foo offset step())", R"(foo offset step())"},
      {R"(foo offset -step())", R"(foo offset -step())"},
      {R"(foo offset (step()))", R"(foo offset (step()))"},
      {R"(foo offset -(step()))", R"(foo offset -(step()))"},
      {R"(foo offset +(5))", R"(foo offset (5))"},
      {R"(foo offset -(5))", R"(foo offset -(5))"},
      {R"(foo offset (5))", R"(foo offset (5))"},
      {R"(foo offset (5m))", R"(foo offset (5m))"},
      {R"(foo[(5s)])", R"(foo[(5s)])"},
      {R"(foo[(5m):(1m)])", R"(foo[(5m):(1m)])"},
      {R"(foo offset +min_of(10s, 20s))", R"(foo offset min_of(10s, 20s))"},
      {R"(foo offset -min_of(10s, 20s))", R"(foo offset -min_of(10s, 20s))"},
      {R"(foo offset -min_of(10s, +max_of(step() ^ 2, 2)))",
       R"(foo offset -min_of(10s, max_of(step() ^ 2, 2)))"},
      {R"(foo[200-min_of(-step()^+step(),1)])", R"(foo[200 - min_of(-step() ^ step(), 1)])"},
      {R"(foo[200 - min_of(step() + 10s, -max_of(step() ^ 2, 3))])",
       R"(foo[200 - min_of(step() + 10s, -max_of(step() ^ 2, 3))])"},
      {R"(foo[range()])", R"(foo[range()])"},
      {R"(foo[-range()])", R"(foo[-range()])"},
      {R"(foo offset range())", R"(foo offset range())"},
      {R"(foo offset -range())", R"(foo offset -range())"},
      {R"(foo[max_of(range(), 5s)])", R"(foo[max_of(range(), 5s)])"},
      {R"(predict_linear(foo[1h], 3000))", R"(predict_linear(foo[1h], 3000))"},
      {R"(sum by("üüü") (foo))", R"(sum by ("üüü") (foo))"},
      {R"(sum without("äää") (foo))", R"(sum without ("äää") (foo))"},
      {R"(count by("ööö", job) (foo))", R"(count by ("ööö", job) (foo))"},
      // Our own additions.
      {"1 +  2*3", "1 + 2 * 3"},
      {"0x10", "16"},
      {"1e21", "1000000000000000000000"},
      {"-Inf", "-Inf"},
      {"nan", "NaN"},
      {"-1h", "-1h"},
      {"foo offset 90m", "foo offset 1h30m"},
      {"'single \\'quote'", R"("single 'quote")"},
      {"`a\tb`", R"("a\tb")"},
      {"{a=\"\\t\"}", R"({a="\t"})"},
      {"foo[90s:30s]", "foo[1m30s:30s]"},
      {"foo @ 1.5", "foo @ 1.500"},
      {"a + fill(1) b", "a + fill (1) b"},
      {"a + fill_right(2) fill_left(1) b", "a + fill_left (1) fill_right (2) b"},
      {"x[5m] anchored", "x[5m] anchored"},
      {"x anchored offset 1m", "x anchored offset 1m"},
      {"foo[step()]", "foo[step()]"},
      {"foo offset -(5m)", "foo offset -(5m)"},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<ExprPtr> r = ParseExpr(c.input);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(Format(**r), c.want);
    // The canonical form parses back to itself.
    Result<ExprPtr> again = ParseExpr(c.want);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(Format(**again), c.want);
  }
}

TEST(PrinterTest, FormatFloatMatchesGo) {
  EXPECT_EQ(FormatFloat(0), "0");
  EXPECT_EQ(FormatFloat(-0.0), "-0");
  EXPECT_EQ(FormatFloat(0.1), "0.1");
  EXPECT_EQ(FormatFloat(1e-7), "0.0000001");
  EXPECT_EQ(FormatFloat(123456789.5), "123456789.5");
}

}  // namespace
}  // namespace osprey::promql
