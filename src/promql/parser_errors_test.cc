// Invalid queries and the exact errors Prometheus reports for them (message and
// position). Most inputs mirror cases in Prometheus's parse_test.go.
#include <gtest/gtest.h>

#include <string>

#include "promql/parser.h"

namespace osprey::promql {
namespace {

struct ErrorCase {
  std::string input;
  std::string error;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<ExprPtr> r = ParseExpr(c.input);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.error);
  }
}

TEST(ParserErrorTest, ReportsPrometheusMessagesAndPositions) {
  ExpectErrors({
      {R"(# just a comment

)",
       R"(1:1: parse error: no expression found in input)"},
      {R"(1+)", R"(1:3: parse error: unexpected end of input)"},
      {R"(.)", R"(1:1: parse error: unexpected character: '.')"},
      {R"(2.5.)", R"(1:1: parse error: bad number or duration syntax: "2.5.")"},
      {R"(100..4)", R"(1:1: parse error: bad number or duration syntax: "100..")"},
      {R"(0deadbeef)", R"(1:1: parse error: bad number or duration syntax: "0de")"},
      {R"(1 /)", R"(1:4: parse error: unexpected end of input)"},
      {R"(*1)", R"(1:1: parse error: unexpected <op:*>)"},
      {R"((1)))", R"(1:5: parse error: unexpected right parenthesis ')')"},
      {R"(((1))", R"(1:5: parse error: unclosed left parenthesis)"},
      {R"(()", R"(1:2: parse error: unclosed left parenthesis)"},
      {R"(1 and 1)",
       R"(1:1: parse error: set operator "and" not allowed in binary scalar expression)"},
      {R"(1 == 1)", R"(1:3: parse error: comparisons between scalars must use BOOL modifier)"},
      {R"(1 or 1)",
       R"(1:1: parse error: set operator "or" not allowed in binary scalar expression)"},
      {R"(1 unless 1)",
       R"(1:1: parse error: set operator "unless" not allowed in binary scalar expression)"},
      {R"(1 !~ 1)", R"(1:3: parse error: unexpected character after '!': '~')"},
      {R"(1 =~ 1)", R"(1:3: parse error: unexpected character after '=': '~')"},
      {R"(-"string")",
       R"(1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string")"},
      {R"(-test[5m])",
       R"(1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector")"},
      {R"(*test)", R"(1:1: parse error: unexpected <op:*>)"},
      {R"(@@)", R"(1:1: parse error: unexpected <op:@>)"},
      {R"(1 offset 1d)",
       R"(1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery)"},
      {R"(foo offset 1s offset 2s)", R"(1:1: parse error: offset may not be set multiple times)"},
      {R"(a - on(b) ignoring(c) d)", R"(1:11: parse error: unexpected <ignoring>)"},
      {R"(foo and 1)",
       R"(1:1: parse error: set operator "and" not allowed in binary scalar expression)"},
      {R"(1 and foo)",
       R"(1:1: parse error: set operator "and" not allowed in binary scalar expression)"},
      {R"(foo or 1)",
       R"(1:1: parse error: set operator "or" not allowed in binary scalar expression)"},
      {R"(1 or foo)",
       R"(1:1: parse error: set operator "or" not allowed in binary scalar expression)"},
      {R"(foo unless 1)",
       R"(1:1: parse error: set operator "unless" not allowed in binary scalar expression)"},
      {R"(1 unless foo)",
       R"(1:1: parse error: set operator "unless" not allowed in binary scalar expression)"},
      {R"(1 or on(bar) foo)",
       R"(1:1: parse error: vector matching only allowed between instant vectors)"},
      {R"(foo == on(bar) 10)",
       R"(1:1: parse error: vector matching only allowed between instant vectors)"},
      {R"(foo + group_left(baz) bar)", R"(1:7: parse error: unexpected <group_left>)"},
      {R"(foo and on(bar) group_left(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "and" operation)"},
      {R"(foo and on(bar) group_right(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "and" operation)"},
      {R"(foo or on(bar) group_left(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "or" operation)"},
      {R"(foo or on(bar) group_right(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "or" operation)"},
      {R"(foo unless on(bar) group_left(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "unless" operation)"},
      {R"(foo unless on(bar) group_right(baz) bar)",
       R"(1:1: parse error: no grouping allowed for "unless" operation)"},
      {R"(http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"})",
       R"(1:35: parse error: label "instance" must not occur in ON and GROUP clause at once)"},
      {R"(foo + bool bar)",
       R"(1:5: parse error: bool modifier can only be used on comparison operators)"},
      {R"(foo + bool 10)",
       R"(1:5: parse error: bool modifier can only be used on comparison operators)"},
      {R"(foo and bool 10)",
       R"(1:5: parse error: bool modifier can only be used on comparison operators)"},
      {R"(foo @ +Inf)", R"(1:1: parse error: timestamp out of bounds for @ modifier: +Inf)"},
      {R"(foo @ -Inf)", R"(1:1: parse error: timestamp out of bounds for @ modifier: -Inf)"},
      {R"(foo @ NaN)", R"(1:1: parse error: timestamp out of bounds for @ modifier: NaN)"},
      {R"({)", R"(1:2: parse error: unexpected end of input inside braces)"},
      {R"(})", R"(1:1: parse error: unexpected character: '}')"},
      {R"(some{)", R"(1:6: parse error: unexpected end of input inside braces)"},
      {R"(some})", R"(1:5: parse error: unexpected character: '}')"},
      {R"(some_metric{a=b})",
       R"(1:15: parse error: unexpected identifier "b" in label matching, expected string)"},
      {R"(some_metric{a:b="b"})", R"(1:14: parse error: unexpected character inside braces: ':')"},
      {R"(foo{a*"b"})", R"(1:6: parse error: unexpected character inside braces: '*')"},
      {R"(foo{a>="b"})", R"(1:6: parse error: unexpected character inside braces: '>')"},
      {R"(foo{gibberish})",
       R"(1:14: parse error: unexpected "}" in label matching, expected label matching operator)"},
      {R"(foo{1})", R"(1:5: parse error: unexpected character inside braces: '1')"},
      {R"({})", R"(1:1: parse error: vector selector must contain at least one non-empty matcher)"},
      {R"({x=""})",
       R"(1:1: parse error: vector selector must contain at least one non-empty matcher)"},
      {R"({x=~".*"})",
       R"(1:1: parse error: vector selector must contain at least one non-empty matcher)"},
      {R"({x!~".+"})",
       R"(1:1: parse error: vector selector must contain at least one non-empty matcher)"},
      {R"({x!="a"})",
       R"(1:1: parse error: vector selector must contain at least one non-empty matcher)"},
      {R"(foo{__name__="bar"})",
       R"(1:1: parse error: metric name must not be set twice: "foo" or "bar")"},
      {R"(foo{__name__= =})",
       R"(1:15: parse error: unexpected "=" in label matching, expected string)"},
      {R"(foo{,})",
       R"(1:5: parse error: unexpected "," in label matching, expected identifier or "}")"},
      {R"(foo{__name__ == "bar"})",
       R"(1:15: parse error: unexpected "=" in label matching, expected string)"},
      {R"(foo{__name__="bar" lol})",
       R"(1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}")"},
      {R"(foo{"a"=})", R"(1:9: parse error: unexpected "}" in label matching, expected string)"},
      {R"(foo[5mm])", R"(1:5: parse error: bad number or duration syntax: "5mm")"},
      {R"(foo[5m1])", R"(1:5: parse error: bad number or duration syntax: "5m1")"},
      {R"(foo[5m:1m1])", R"(1:8: parse error: bad number or duration syntax: "1m1")"},
      {R"(foo[5y1hs])", R"(1:5: parse error: unknown unit "hs" in duration "5y1hs")"},
      {R"(foo[5m1h])", R"(1:5: parse error: not a valid duration string: "5m1h")"},
      {R"(foo[5m1m])", R"(1:5: parse error: not a valid duration string: "5m1m")"},
      {R"(foo[0m])", R"(1:5: parse error: duration must be greater than 0)"},
      {R"(foo[])",
       R"(1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range())"},
      {R"(foo[-1])", R"(1:5: parse error: duration must be greater than 0)"},
      {R"(some_metric[5m] OFFSET 1mm)",
       R"(1:24: parse error: bad number or duration syntax: "1mm")"},
      {R"(some_metric[5m] OFFSET)",
       R"(1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range())"},
      {R"(some_metric OFFSET 1m[5m])",
       R"(1:22: parse error: no offset modifiers allowed before range)"},
      {R"(some_metric[5m] @)",
       R"(1:18: parse error: unexpected end of input in @, expected timestamp)"},
      {R"(some_metric @ 1234 [5m])", R"(1:20: parse error: no @ modifiers allowed before range)"},
      {R"(some_metric @ start() [5m])",
       R"(1:23: parse error: no @ modifiers allowed before range)"},
      {R"(some_metric @ end()[5m])", R"(1:20: parse error: no @ modifiers allowed before range)"},
      {R"(some_metric offset step()[5m])",
       R"(1:26: parse error: no offset modifiers allowed before range)"},
      {R"((foo + bar)[5m])", R"(1:12: parse error: ranges only allowed for vector selectors)"},
      {R"(sum by ("foo)(some_metric{}))", R"(1:9: parse error: unterminated quoted string)"},
      {R"(sum without(==)(some_metric))",
       R"(1:13: parse error: unexpected <op:==> in grouping opts, expected label)"},
      {R"(sum without(,)(some_metric))",
       R"(1:13: parse error: unexpected "," in grouping opts, expected label)"},
      {R"(sum without(foo,,)(some_metric))",
       R"(1:17: parse error: unexpected "," in grouping opts, expected label)"},
      {R"(sum some_metric by (test))", R"(1:5: parse error: unexpected identifier "some_metric")"},
      {R"(sum (some_metric) by test)",
       R"(1:22: parse error: unexpected identifier "test" in grouping opts, expected "(")"},
      {R"(sum () by (test))",
       R"(1:1: parse error: no arguments for aggregate expression provided)"},
      {R"(MIN keep_common (some_metric))",
       R"(1:5: parse error: unexpected identifier "keep_common")"},
      {R"(MIN (some_metric) keep_common)",
       R"(1:19: parse error: unexpected identifier "keep_common")"},
      {R"(sum (some_metric) without (test) by (test))", R"(1:34: parse error: unexpected <by>)"},
      {R"(sum without (test) (some_metric) by (test))", R"(1:34: parse error: unexpected <by>)"},
      {R"(topk(some_metric))",
       R"(1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1)"},
      {R"(topk(some_metric,))",
       R"(1:17: parse error: trailing commas not allowed in function call args)"},
      {R"(topk(some_metric, other_metric))",
       R"(1:6: parse error: expected type scalar in aggregation parameter, got instant vector)"},
      {R"(count_values(5, other_metric))",
       R"(1:14: parse error: expected type string in aggregation parameter, got scalar)"},
      {R"(rate(some_metric[5m]) @ 1234)",
       R"(1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery)"},
      {R"(floor())", R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 0)"},
      {R"(floor(some_metric, other_metric))",
       R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 2)"},
      {R"(floor(some_metric, 1))",
       R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 2)"},
      {R"(floor(1))",
       R"(1:7: parse error: expected type instant vector in call to function "floor", got scalar)"},
      {R"(hour(some_metric, some_metric, some_metric))",
       R"(1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3)"},
      {R"(time(some_metric))",
       R"(1:1: parse error: expected 0 argument(s) in call to "time", got 1)"},
      {R"(non_existent_function_far_bar())",
       R"(1:1: parse error: unknown function with name "non_existent_function_far_bar")"},
      {R"(rate(some_metric))",
       R"(1:6: parse error: expected type range vector in call to function "rate", got instant vector)"},
      {R"(-=)", R"(1:2: parse error: unexpected "=")"},
      {R"(++-++-+-+-<)", R"(1:11: parse error: unexpected <op:<>)"},
      {R"(e-+=/(0))", R"(1:4: parse error: unexpected "=")"},
      {R"(a>b())", R"(1:3: parse error: unknown function with name "b")"},
      {R"(rate(avg))",
       R"(1:6: parse error: expected type range vector in call to function "rate", got instant vector)"},
      {R"(`\``)", R"(1:4: parse error: unterminated raw string)"},
      {R"("\)", R"(1:1: parse error: escape sequence not terminated)"},
      {R"("\c")", R"(1:1: parse error: unknown escape sequence U+0063 'c')"},
      {R"("\x.")", R"(1:1: parse error: illegal character U+002E '.' in escape sequence)"},
      {R"(foo{bar="baz"}[)",
       R"(1:16: parse error: unexpected end of input in duration expression)"},
      {R"(test[5d] OFFSET 10s [10m:5s])",
       R"(1:1: parse error: subquery is only allowed on instant vector, got matrix instead)"},
      {R"((foo + bar{nm="val"})[5m:][10m:5s])",
       R"(1:1: parse error: subquery is only allowed on instant vector, got matrix instead)"},
      {R"(rate(food[1m])[1h] offset 1h)",
       R"(1:15: parse error: ranges only allowed for vector selectors)"},
      {R"(rate(food[1m])[1h] @ 100)",
       R"(1:15: parse error: ranges only allowed for vector selectors)"},
      {R"(info(rate(http_request_counter_total{}[5m]), target_info{foo="bar"}))",
       R"(1:46: parse error: expected label selectors only, got vector selector instead)"},
      {R"(info(http_request_counter_total{namespace="zzz"}, {foo="bar"} == 1))",
       R"(1:51: parse error: expected label selectors only)"},
      {R"(foo[step])",
       R"(1:9: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range())"},
      {R"(foo[step()/0d])", R"(1:11: parse error: division by zero)"},
      {R"(foo[5s/0d])", R"(1:7: parse error: division by zero)"},
      {R"(foo offset (4d/0))", R"(1:15: parse error: division by zero)"},
      {R"(foo[5s%0d])", R"(1:7: parse error: modulo by zero)"},
      {R"(foo offset 9.5e10)", R"(1:12: parse error: duration out of range)"},
      {R"(foo[9.5e10])", R"(1:5: parse error: duration out of range)"},
      {R"(sum()", R"(1:5: parse error: unclosed left parenthesis)"},
      {R"(sum(rate()", R"(1:10: parse error: unclosed left parenthesis)"},
      {R"(foo[5s x 5s])", R"(1:8: parse error: unexpected character: 'x', expected ':')"},
      {R"(foo[5s s 5s])", R"(1:8: parse error: unexpected character: 's', expected ':')"},
  });
}

TEST(ParserErrorTest, EmptyQueryHasNoPosition) {
  Result<ExprPtr> r = ParseExpr("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "unknown position: parse error: no expression found in input");
}

TEST(ParserErrorTest, PositionCountsLinesAndBytesFromLastNewline) {
  ExpectErrors({
      {"foo +\n  * bar", "2:3: parse error: unexpected <op:*>"},
      {"sum(\n  rate(x[5m])\n,)",
       "3:1: parse error: trailing commas not allowed in function call args"},
      {"1 +\n# comment\n", "3:1: parse error: unexpected end of input"},
  });
}

TEST(ParserErrorTest, RejectsInvalidModifierCombinations) {
  ExpectErrors({
      {R"(foo["5m"])", R"(1:5: parse error: unexpected character in duration expression: '"')"},
      {"1[5m] smoothed", "1:2: parse error: ranges only allowed for vector selectors"},
      {"1[5m] anchored", "1:2: parse error: ranges only allowed for vector selectors"},
      {"sum by (a) foo", R"(1:12: parse error: unexpected identifier "foo" in aggregation)"},
      {"rate(foo[5m] offset 1m offset 2m)",
       "1:6: parse error: offset may not be set multiple times"},
      {"foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
      {"foo[5m] smoothed anchored",
       "1:1: parse error: anchored and smoothed modifiers cannot be used together"},
      {"foo[1m:] anchored", "1:1: parse error: anchored modifier is not supported for subqueries"},
      {"a and fill(0) b",
       "1:1: parse error: filling in missing series not allowed for set operators"},
      {"1 + fill(0) a",
       "1:1: parse error: filling in missing series only allowed between instant vectors"},
      {"foo offset",
       "1:11: parse error: unexpected end of input in offset, expected number, duration, "
       "step(), or range()"},
      {"foo[5m:1m", "1:10: parse error: unclosed left bracket"},
      {"foo[5m:1m:]", "1:10: parse error: unexpected colon ':'"},
      {"foo[5m 1m]",
       R"(1:8: parse error: unexpected duration "1m" in subquery or range, expected ":" or "]")"},
      {"foo[-5m:1m]", "1:5: parse error: duration must be greater than 0"},
      {"foo[5m:0s]", "1:8: parse error: duration must be greater than 0"},
  });
}

TEST(ParserErrorTest, SyntaxErrorsInsideAggregationsNameTheAggregation) {
  ExpectErrors({
      {"sum(foo +)", R"e(1:10: parse error: unexpected ")" in aggregation)e"},
      {"sum(rate(foo +))", R"e(1:15: parse error: unexpected ")" in aggregation)e"},
      {"sum((foo +))", R"e(1:11: parse error: unexpected ")" in aggregation)e"},
      {"sum(foo 1)", R"(1:9: parse error: unexpected number "1" in aggregation)"},
      {"rate(foo +)", R"e(1:11: parse error: unexpected ")")e"},
      {"abs(sum(x) +)", R"e(1:13: parse error: unexpected ")")e"},
      {"sum(foo) by (a) bar", R"(1:17: parse error: unexpected identifier "bar")"},
  });
}

TEST(ParserErrorTest, TrailingCommaIsReportedAtTheComma) {
  ExpectErrors({
      {"foo(1,,2)", "1:6: parse error: trailing commas not allowed in function call args"},
      {"sum(foo,,)", "1:8: parse error: trailing commas not allowed in function call args"},
      {"rate(foo,)", "1:9: parse error: trailing commas not allowed in function call args"},
      {"topk(1,!= x)", "1:7: parse error: trailing commas not allowed in function call args"},
      {"rate(foo, +)", R"e(1:12: parse error: unexpected ")")e"},
  });
}

TEST(ParserErrorTest, GroupModifierWithoutLabelsBeforeEnd) {
  ExpectErrors({
      {"a * on (x) group_left ",
       R"(1:23: parse error: unexpected end of input in grouping opts, expected "(")"},
      {"a * on x", R"(1:8: parse error: unexpected identifier "x" in grouping opts, expected "(")"},
  });
}

TEST(ParserErrorTest, RegexErrorsUseGoWording) {
  ExpectErrors({
      {R"(foo{a=~"("})", "1:5: parse error: error parsing regexp: missing closing ): `(`"},
      {R"e(foo{a=~"a)"})e", "1:5: parse error: error parsing regexp: unexpected ): `a)`"},
      {R"(foo{a=~"[a"})", "1:5: parse error: error parsing regexp: missing closing ]: `[a`"},
      {R"(foo{a!~"*"})",
       "1:5: parse error: error parsing regexp: missing argument to repetition operator: `*`"},
      {R"(x{"a: b"=~"(: x"})", "1:3: parse error: error parsing regexp: missing closing ): `(: x`"},
  });
}

TEST(ParserErrorTest, ChecksTypes) {
  ExpectErrors({
      {R"(quantile(0.5, "a"))",
       "1:15: parse error: expected type instant vector in aggregation expression, got "
       "string"},
      {R"(histogram_quantiles(foo, "q"))",
       R"(1:1: parse error: expected at least 3 argument(s) in call to "histogram_quantiles", got 2)"},
      {"x[5m] + 1",
       "1:1: parse error: binary expression must contain only scalar and instant "
       "vector types"},
      {"time() > 1", "1:8: parse error: comparisons between scalars must use BOOL modifier"},
      {"abs(foo[1m:])",
       R"(1:5: parse error: expected type instant vector in call to function "abs", got range vector)"},
      {R"(-{job="a"}[5m])",
       "1:1: parse error: unary expression only allowed on expressions of type scalar "
       "or instant "
       R"(vector, got "range vector")"},
      {"round(foo, 1, 2)",
       R"(1:1: parse error: expected at most 2 argument(s) in call to "round", got 3)"},
  });
}

TEST(ParserErrorTest, DisabledExtensionsAreRejected) {
  ParseOptions off{.experimental_functions = false,
                   .duration_expressions = false,
                   .extended_range_selectors = false,
                   .fill_modifiers = false};
  struct Case {
    std::string input;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"sort_by_label(foo, \"a\")",
            R"(1:1: parse error: function "sort_by_label" is not enabled)"},
           {"limitk(1, foo)",
            "1:1: parse error: limitk() is experimental and must be enabled with "
            "--enable-feature=promql-experimental-functions"},
           {"foo[5m * 2]", "1:5: parse error: experimental duration expression is not enabled"},
           {"foo[5m] anchored",
            "1:1: parse error: anchored modifier is experimental and not enabled"},
           {"a + fill(0) b",
            "1:1: parse error: binop fill modifiers are experimental and not enabled"},
       }) {
    SCOPED_TRACE(c.input);
    EXPECT_TRUE(ParseExpr(c.input).ok());
    Result<ExprPtr> r = ParseExpr(c.input, off);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), c.error);
  }
}

TEST(ParserErrorTest, ExtremeNumbersAreRejectedOrSaturatedWithoutOverflow) {
  ExpectErrors({
      {"foo offset nan", "1:12: parse error: duration out of range"},
      {"foo[NaN]", "1:5: parse error: unexpected character in duration expression: 'N'"},
      {"foo offset -Inf", "1:12: parse error: duration out of range"},
  });
  EXPECT_TRUE(ParseExpr("foo @ 1e17").ok());
  EXPECT_TRUE(ParseExpr("foo[9223372036.854775807]").ok());
}

TEST(ParserErrorTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  Result<ExprPtr> r = ParseExpr(deep + "1" + std::string(100000, ')'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expression nesting too deep"), std::string::npos);
  EXPECT_FALSE(ParseExpr(std::string(100000, '-') + "1").ok());
}

}  // namespace
}  // namespace osprey::promql
