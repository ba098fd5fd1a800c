#include "promql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::promql {
namespace {

std::vector<TokenKind> Kinds(std::string_view input) {
  Lexer lexer(input);
  std::vector<TokenKind> out;
  for (Token t = lexer.Next(); t.kind != TokenKind::kEof; t = lexer.Next()) {
    out.push_back(t.kind);
    if (t.kind == TokenKind::kError) break;
  }
  return out;
}

TEST(LexerTest, SplitsASelectorWithRange) {
  using K = TokenKind;
  EXPECT_EQ(
      Kinds(R"(rate(foo{a=~"b"}[5m:1m]))"),
      (std::vector<K>{K::kIdentifier, K::kLeftParen, K::kIdentifier, K::kLeftBrace, K::kIdentifier,
                      K::kEqlRegex, K::kString, K::kRightBrace, K::kLeftBracket, K::kDuration,
                      K::kColon, K::kDuration, K::kRightBracket, K::kRightParen}));
}

TEST(LexerTest, KeywordsAreCaseInsensitiveAndContextual) {
  using K = TokenKind;
  EXPECT_EQ(Kinds("SUM by OFFSET Inf nan"),
            (std::vector<K>{K::kSum, K::kBy, K::kOffset, K::kNumber, K::kNumber}));
  // fill is a keyword only before "(".
  EXPECT_EQ(Kinds("fill fill()"),
            (std::vector<K>{K::kIdentifier, K::kFill, K::kLeftParen, K::kRightParen}));
  // Inside braces every word is a label name.
  EXPECT_EQ(Kinds("{on=\"x\"}"), (std::vector<K>{K::kLeftBrace, K::kIdentifier, K::kAssign,
                                                 K::kString, K::kRightBrace}));
  EXPECT_EQ(Kinds("a:b:c"), (std::vector<K>{K::kMetricIdentifier}));
  EXPECT_EQ(Kinds("[step() * 2]"),
            (std::vector<K>{K::kLeftBracket, K::kStep, K::kLeftParen, K::kRightParen, K::kMul,
                            K::kNumber, K::kRightBracket}));
}

TEST(LexerTest, ReportsErrorsAtPrometheusPositions) {
  struct Case {
    std::string input;
    int pos;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"(1))", 4, "unexpected right parenthesis ')'"},
           {"((1)", 4, "unclosed left parenthesis"},
           {"foo[5m", 6, "unclosed left bracket"},
           {"2.5.", 0, R"(bad number or duration syntax: "2.5.")"},
           {"a $", 2, "unexpected character: '$'"},
           {"\"abc", 0, "unterminated quoted string"},
           {"`abc", 0, "unterminated raw string"},
           {R"("\q")", 0, "unknown escape sequence U+0071 'q'"},
           {"x{a!b}", 3, "unexpected character after '!' inside braces: 'b'"},
           {"x[:5m]", 3, "unexpected colon before duration in duration expression"},
       }) {
    SCOPED_TRACE(c.input);
    Lexer lexer(c.input);
    Token t = lexer.Next();
    while (t.kind != TokenKind::kError && t.kind != TokenKind::kEof) t = lexer.Next();
    ASSERT_EQ(t.kind, TokenKind::kError);
    EXPECT_EQ(t.pos, c.pos);
    EXPECT_EQ(t.error, c.error);
    EXPECT_EQ(lexer.Next().kind, TokenKind::kEof);  // stops after an error
  }
}

TEST(LexerTest, DescribesTokensLikePrometheus) {
  auto describe = [](std::string_view input) { return DescribeToken(Lexer(input).Next()); };
  EXPECT_EQ(describe("foo"), R"(identifier "foo")");
  EXPECT_EQ(describe("a:b"), R"(metric identifier "a:b")");
  EXPECT_EQ(describe("+"), "<op:+>");
  EXPECT_EQ(describe("AND"), "<op:AND>");
  EXPECT_EQ(describe("sum"), "<aggr:sum>");
  EXPECT_EQ(describe("by"), "<by>");
  EXPECT_EQ(describe("start"), R"("start")");
  EXPECT_EQ(describe("("), R"("(")");
  EXPECT_EQ(describe("12"), R"(number "12")");
  EXPECT_EQ(describe("\"a long string\""), R"(string "\"a long st"...)");
  EXPECT_EQ(describe(""), "end of input");
}

}  // namespace
}  // namespace osprey::promql
