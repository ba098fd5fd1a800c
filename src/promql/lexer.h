// PromQL lexer: turns a query into tokens, on demand, one at a time.
//
// It follows Prometheus's lexer (promql/parser/lex.go) in what it accepts and in the
// error texts and positions it reports, because those are visible to users through
// parse errors. It is stateful: inside `{...}` it lexes label matchers, and right
// after `[` it lexes duration expressions, so the token stream depends on context.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osprey::promql {

enum class TokenKind {
  kEof,
  kError,  // Token::error holds the message; the lexer stops after one.
  kComment,
  kIdentifier,        // foo (also label names inside braces)
  kMetricIdentifier,  // foo:bar (contains a colon)
  kNumber,            // 1, 0x1f, 1e3, Inf, NaN
  kDuration,          // 5m, 1h30m
  kString,            // "a", 'a', `a` (text() includes the quotes)
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kAssign,    // = (label matcher)
  kEqlRegex,  // =~
  kNeqRegex,  // !~
  kAt,        // @
  // Binary operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,   // != (also the label matcher)
  kLss,
  kLte,
  kGtr,
  kGte,
  kAnd,
  kOr,
  kUnless,
  kTrimUpper,  // </ (native histograms)
  kTrimLower,  // >/
  kAtan2,
  // Aggregation operators.
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  kLimitk,
  kLimitRatio,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kFill,
  kFillLeft,
  kFillRight,
  kIgnoring,
  kOffset,
  kSmoothed,
  kAnchored,
  kOn,
  kWithout,
  // Preprocessors (also function names and duration-expression keywords).
  kStart,
  kEnd,
  kStep,
  kRange,
  kMaxOf,
  kMinOf,
};

bool IsBinaryOperatorToken(TokenKind k);
bool IsAggregatorToken(TokenKind k);
bool IsKeywordToken(TokenKind k);
bool IsPreprocessorToken(TokenKind k);

struct Token {
  TokenKind kind = TokenKind::kEof;
  int pos = 0;            // byte offset of the token's start in the input
  std::string_view text;  // view into the input; empty for kError
  std::string error;      // the message of a kError token

  int end() const { return pos + static_cast<int>(text.size()); }
};

// How a token is named in "unexpected ..." errors, exactly as Prometheus does:
// `end of input`, `identifier "foo"`, `<op:+>`, `<aggr:sum>`, `<by>`, `"("`, `number "1"`.
std::string DescribeToken(const Token& token);

// Single-threaded. `input` must outlive the lexer and its tokens.
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  // The next token. After kEof or kError it keeps returning kEof.
  Token Next();

 private:
  enum class State { kStatements, kInsideBraces, kDurationExpr, kDone };

  Token Make(TokenKind kind);
  Token Error(std::string message);
  bool AtEnd() const { return pos_ >= input_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < input_.size() ? input_[pos_ + ahead] : '\0';
  }
  void SkipSpaces();
  Token LexStatement();
  Token LexInsideBraces();
  Token LexDurationExpr();
  Token LexNumberOrDuration();
  Token LexString(char quote);
  Token LexKeywordOrIdentifier();
  Token LexIdentifier();
  Token LexComment();
  // Scans `step`, `range`, `max_of` or `min_of` (case-insensitive) at start_.
  bool ScanDurationKeyword(TokenKind* kind);
  bool ScanNumber();
  bool AcceptRemainingDuration();
  bool FollowedByLeftParen() const;

  std::string_view input_;
  size_t pos_ = 0;
  size_t start_ = 0;
  State state_ = State::kStatements;
  int paren_depth_ = 0;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool got_duration_ = false;
};

}  // namespace osprey::promql
