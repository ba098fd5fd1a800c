// The parser's class, shared by parser.cc (tokens, expressions, selectors, calls),
// parser_literals.cc (numbers, durations, strings) and parser_postfix.cc (ranges,
// subqueries, offset, @, anchored/smoothed, duration expressions).
// Single-threaded: one Parser per ParseExpr() call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "promql/ast.h"
#include "promql/lexer.h"
#include "promql/parser.h"

namespace osprey::promql::internal {

// Deeper nesting is rejected rather than risking the stack.
inline constexpr int kMaxDepth = 500;
inline constexpr int kPowPrecedence = 6;

// Binary operator precedence: 1 (or) to 6 (^); 0 for other tokens.
int Precedence(TokenKind k);

// What a duration expression is part of, for "unexpected ..." errors.
struct DurationContext {
  std::string_view what;
  std::string_view expected;
};

class Parser {
 public:
  // `input` and `options` must outlive the parser.
  Parser(std::string_view input, const ParseOptions& options)
      : input_(input), options_(options), lexer_(input) {}

  Result<ExprPtr> Parse();

 private:
  // Tokens and errors. The reference Peek returns is valid until the next Peek or
  // Consume.
  const Token& Peek(size_t ahead = 0);
  Token Consume();
  Status Error(int pos, std::string_view message) const;
  // "unexpected <token>[ in <context>][, expected <expected>]" about the next token, or
  // the lexer's error if the next token is one.
  Status Unexpected(std::string_view context, std::string_view expected);
  Status Expect(TokenKind kind, std::string_view context, std::string_view expected);

  // Literals (parser_literals.cc).
  Result<double> ParseNumber(const Token& t);
  // A NUMBER or DURATION token as a literal (durations in seconds).
  Result<std::unique_ptr<NumberLiteral>> ParseNumberLiteral();
  // Names an unknown unit the way Prometheus's duration parser does ("5y1hs" has "hs").
  Status CheckDurationUnits(const Token& t) const;
  Result<std::string> Unquote(const Token& t);

  // Expressions (parser.cc).
  Result<ExprPtr> ParseBinary(int min_precedence);
  Status ParseBinaryModifiers(BinaryExpr& bin, VectorMatching& m);
  Result<double> ParseFillValue();
  Result<std::vector<std::string>> ParseGroupingLabels();
  static bool IsValidUtf8Label(std::string_view s);
  Result<ExprPtr> ParseUnary();
  Result<ExprPtr> ParsePrimary();
  Result<ExprPtr> ParseVectorSelector(const Token* name);
  // After "{": matchers up to and including "}".
  Status ParseLabelMatchers(VectorSelector& vs);
  Status ParseLabelMatcher(VectorSelector& vs);
  // After "(": arguments up to and including ")".
  Result<std::vector<ExprPtr>> ParseCallArgs();
  Result<ExprPtr> ParseCall();
  Result<ExprPtr> ParseAggregate();

  // Postfix modifiers and duration expressions (parser_postfix.cc).
  Result<ExprPtr> ParsePostfix(ExprPtr expr);
  static bool StartsDuration(TokenKind k);
  // A positive duration in a range or subquery: a literal (> 0) or a DurationExpr.
  Result<ExprPtr> ParsePositiveDuration(const DurationContext& ctx);
  // Splits a parsed duration into a literal value or an expression.
  static void SetDuration(ExprPtr d, int64_t* ms, std::unique_ptr<DurationExpr>* expr);
  Result<ExprPtr> ParseRangeOrSubquery(ExprPtr expr);
  Status CheckDurationEnabled(const Expr& e) const;
  // Pratt parser over + - * / % ^ for durations.
  Result<ExprPtr> ParseDurationExpr(int min_precedence, const DurationContext& ctx);
  Result<ExprPtr> ParseDurationUnary(const DurationContext& ctx);
  // Literals, step(), range(), min_of(a, b), max_of(a, b) and parenthesised expressions.
  Result<ExprPtr> ParseDurationPrimary(const DurationContext& ctx);
  // Marks a parenthesised duration so it prints with its parentheses; a bare literal is
  // wrapped in a unary-plus DurationExpr.
  static ExprPtr WrapParen(ExprPtr inner, int start, int end);
  Result<ExprPtr> ApplyUnaryToDuration(const Token& op, ExprPtr operand);
  // The duration after `offset`: a literal, a signed literal, step(), range(),
  // min_of()/max_of() or a parenthesised expression, each optionally signed. Binary
  // operators after it belong to the enclosing expression (foo offset 5s - 8).
  Result<ExprPtr> ParseOffsetDuration();
  Status ParseOffset(Expr& expr);
  Status ParseAt(Expr& expr);
  Status ParseExtendedRange(Expr& expr);

  std::string_view input_;
  const ParseOptions& options_;
  Lexer lexer_;
  std::vector<Token> ahead_;
  int prev_end_ = 0;
  int depth_ = 0;
  // > 0 while parsing an aggregation's arguments: like Prometheus's grammar, syntax errors
  // there without a more specific context read "unexpected ... in aggregation".
  int aggregation_args_ = 0;
};

}  // namespace osprey::promql::internal
