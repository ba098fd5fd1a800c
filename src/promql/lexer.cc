// Invariants: start_ is the offset of the token being scanned; an error token is reported
// at start_, which for some errors is already past a consumed character (Prometheus emits
// the token and then overwrites it with the error, so users see that position).
#include "promql/lexer.h"

#include <cctype>
#include <utility>

#include "promql/go_quote.h"

namespace osprey::promql {
namespace {

struct KeywordEntry {
  std::string_view word;
  TokenKind kind;
};

constexpr KeywordEntry kKeywords[] = {
    {"and", TokenKind::kAnd},
    {"or", TokenKind::kOr},
    {"unless", TokenKind::kUnless},
    {"atan2", TokenKind::kAtan2},
    {"sum", TokenKind::kSum},
    {"avg", TokenKind::kAvg},
    {"count", TokenKind::kCount},
    {"min", TokenKind::kMin},
    {"max", TokenKind::kMax},
    {"group", TokenKind::kGroup},
    {"stddev", TokenKind::kStddev},
    {"stdvar", TokenKind::kStdvar},
    {"topk", TokenKind::kTopk},
    {"bottomk", TokenKind::kBottomk},
    {"count_values", TokenKind::kCountValues},
    {"quantile", TokenKind::kQuantile},
    {"limitk", TokenKind::kLimitk},
    {"limit_ratio", TokenKind::kLimitRatio},
    {"offset", TokenKind::kOffset},
    {"smoothed", TokenKind::kSmoothed},
    {"anchored", TokenKind::kAnchored},
    {"by", TokenKind::kBy},
    {"without", TokenKind::kWithout},
    {"on", TokenKind::kOn},
    {"ignoring", TokenKind::kIgnoring},
    {"group_left", TokenKind::kGroupLeft},
    {"group_right", TokenKind::kGroupRight},
    {"fill", TokenKind::kFill},
    {"fill_left", TokenKind::kFillLeft},
    {"fill_right", TokenKind::kFillRight},
    {"bool", TokenKind::kBool},
    {"start", TokenKind::kStart},
    {"end", TokenKind::kEnd},
    {"step", TokenKind::kStep},
    {"range", TokenKind::kRange},
    {"max_of", TokenKind::kMaxOf},
    {"min_of", TokenKind::kMinOf},
    {"inf", TokenKind::kNumber},
    {"nan", TokenKind::kNumber},
};

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != lower[i]) return false;
  }
  return true;
}

bool LookupKeyword(std::string_view word, TokenKind* kind) {
  if (word.empty()) return false;
  for (const KeywordEntry& e : kKeywords) {
    if (!e.word.empty() && EqualsLower(word, e.word)) {
      *kind = e.kind;
      return true;
    }
  }
  return false;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlphaNumeric(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsDurationKeywordStart(char c) {
  char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == 's' || l == 'r' || l == 'm';
}
bool In(char c, std::string_view set) { return c != '\0' && set.find(c) != std::string_view::npos; }

}  // namespace

Token Lexer::Make(TokenKind kind) {
  Token t;
  t.kind = kind;
  t.pos = static_cast<int>(start_);
  t.text = input_.substr(start_, pos_ - start_);
  start_ = pos_;
  return t;
}

Token Lexer::Error(std::string message) {
  Token t;
  t.kind = TokenKind::kError;
  t.pos = static_cast<int>(start_);
  t.error = std::move(message);
  state_ = State::kDone;
  return t;
}

Token Lexer::Next() {
  switch (state_) {
    case State::kStatements:
      return LexStatement();
    case State::kInsideBraces:
      return LexInsideBraces();
    case State::kDurationExpr:
      return LexDurationExpr();
    case State::kDone:
      break;
  }
  Token eof;
  eof.pos = static_cast<int>(input_.size());
  return eof;
}

void Lexer::SkipSpaces() {
  while (IsSpace(Peek())) ++pos_;
  start_ = pos_;
}

Token Lexer::LexComment() {
  while (!AtEnd() && input_[pos_] != '\n' && input_[pos_] != '\r') ++pos_;
  return Make(TokenKind::kComment);
}

Token Lexer::LexStatement() {
  SkipSpaces();
  if (Peek() == '#') return LexComment();
  if (AtEnd()) {
    if (paren_depth_ != 0) return Error("unclosed left parenthesis");
    if (bracket_open_) return Error("unclosed left bracket");
    Token t = Make(TokenKind::kEof);
    state_ = State::kDone;
    return t;
  }
  char c = input_[pos_];
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumberOrDuration();
  if (c == '"' || c == '\'' || c == '`') return LexString(c);
  if (IsAlpha(c) || c == ':') {
    if (!bracket_open_) return LexKeywordOrIdentifier();
    if (c == ':') {
      ++pos_;
      if (got_colon_) {
        --pos_;
        return Error("unexpected colon ':'");
      }
      got_colon_ = true;
      return Make(TokenKind::kColon);
    }
    TokenKind kind;
    if (IsDurationKeywordStart(c) && ScanDurationKeyword(&kind)) return Make(kind);
    return Error("unexpected character: " + GoQuoteRune(c) + ", expected ':'");
  }
  ++pos_;
  switch (c) {
    case ',':
      return Make(TokenKind::kComma);
    case '*':
      return Make(TokenKind::kMul);
    case '/':
      return Make(TokenKind::kDiv);
    case '%':
      return Make(TokenKind::kMod);
    case '+':
      return Make(TokenKind::kAdd);
    case '-':
      return Make(TokenKind::kSub);
    case '^':
      return Make(TokenKind::kPow);
    case '@':
      return Make(TokenKind::kAt);
    case '=':
      if (Peek() == '=') {
        ++pos_;
        return Make(TokenKind::kEqlc);
      }
      if (Peek() == '~') return Error("unexpected character after '=': '~'");
      return Make(TokenKind::kAssign);
    case '!': {
      if (Peek() == '=') {
        ++pos_;
        return Make(TokenKind::kNeq);
      }
      int w = 0;
      return Error("unexpected character after '!': " + GoQuoteRune(DecodeRune(input_, pos_, &w)));
    }
    case '<':
      if (Peek() == '=') {
        ++pos_;
        return Make(TokenKind::kLte);
      }
      if (Peek() == '/') {
        ++pos_;
        return Make(TokenKind::kTrimUpper);
      }
      return Make(TokenKind::kLss);
    case '>':
      if (Peek() == '=') {
        ++pos_;
        return Make(TokenKind::kGte);
      }
      if (Peek() == '/') {
        ++pos_;
        return Make(TokenKind::kTrimLower);
      }
      return Make(TokenKind::kGtr);
    case '(':
      ++paren_depth_;
      return Make(TokenKind::kLeftParen);
    case ')':
      if (--paren_depth_ < 0) {
        start_ = pos_;
        return Error("unexpected right parenthesis ')'");
      }
      return Make(TokenKind::kRightParen);
    case '{':
      state_ = State::kInsideBraces;
      return Make(TokenKind::kLeftBrace);
    case '[': {
      if (bracket_open_) {
        --pos_;
        return Error("unexpected left bracket '['");
      }
      got_colon_ = false;
      Token t = Make(TokenKind::kLeftBracket);
      SkipSpaces();
      bracket_open_ = true;
      state_ = State::kDurationExpr;
      return t;
    }
    case ']':
      if (!bracket_open_) {
        --pos_;
        return Error("unexpected right bracket ']'");
      }
      bracket_open_ = false;
      return Make(TokenKind::kRightBracket);
    default:
      break;
  }
  --pos_;
  int w = 0;
  int32_t r = DecodeRune(input_, pos_, &w);
  return Error("unexpected character: " + GoQuoteRune(r));
}

Token Lexer::LexInsideBraces() {
  SkipSpaces();
  if (Peek() == '#') return LexComment();
  if (AtEnd()) return Error("unexpected end of input inside braces");
  char c = input_[pos_];
  if (IsAlpha(c)) return LexIdentifier();
  if (c == '"' || c == '\'' || c == '`') return LexString(c);
  ++pos_;
  switch (c) {
    case ',':
      return Make(TokenKind::kComma);
    case '=':
      if (Peek() == '~') {
        ++pos_;
        return Make(TokenKind::kEqlRegex);
      }
      return Make(TokenKind::kAssign);
    case '!': {
      if (Peek() == '~') {
        ++pos_;
        return Make(TokenKind::kNeqRegex);
      }
      if (Peek() == '=') {
        ++pos_;
        return Make(TokenKind::kNeq);
      }
      int w = 0;
      int32_t r = DecodeRune(input_, pos_, &w);
      return Error("unexpected character after '!' inside braces: " + GoQuoteRune(r));
    }
    case '{':
      --pos_;
      return Error("unexpected left brace '{'");
    case '}':
      state_ = State::kStatements;
      return Make(TokenKind::kRightBrace);
    default:
      break;
  }
  --pos_;
  int w = 0;
  int32_t r = DecodeRune(input_, pos_, &w);
  return Error("unexpected character inside braces: " + GoQuoteRune(r));
}

Token Lexer::LexDurationExpr() {
  SkipSpaces();
  if (AtEnd()) return Error("unexpected end of input in duration expression");
  char c = input_[pos_];
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
    got_duration_ = true;
    state_ = State::kStatements;
    return LexNumberOrDuration();
  }
  if (IsDurationKeywordStart(c)) {
    TokenKind kind;
    if (ScanDurationKeyword(&kind)) return Make(kind);
    return Error("unexpected character in duration expression: " + GoQuoteRune(c));
  }
  ++pos_;
  switch (c) {
    case ']':
      bracket_open_ = false;
      got_colon_ = false;
      state_ = State::kStatements;
      return Make(TokenKind::kRightBracket);
    case ':':
      start_ = pos_;
      if (!got_duration_) return Error("unexpected colon before duration in duration expression");
      if (got_colon_) return Error("unexpected repeated colon in duration expression");
      got_colon_ = true;
      start_ = pos_ - 1;
      return Make(TokenKind::kColon);
    case '(':
      ++paren_depth_;
      return Make(TokenKind::kLeftParen);
    case ')':
      if (--paren_depth_ < 0) {
        start_ = pos_;
        return Error("unexpected right parenthesis ')'");
      }
      return Make(TokenKind::kRightParen);
    case '+':
      return Make(TokenKind::kAdd);
    case '-':
      return Make(TokenKind::kSub);
    case '*':
      return Make(TokenKind::kMul);
    case '/':
      return Make(TokenKind::kDiv);
    case '%':
      return Make(TokenKind::kMod);
    case '^':
      return Make(TokenKind::kPow);
    case ',':
      return Make(TokenKind::kComma);
    default:
      break;
  }
  --pos_;
  int w = 0;
  int32_t r = DecodeRune(input_, pos_, &w);
  return Error("unexpected character in duration expression: " + GoQuoteRune(r));
}

bool Lexer::ScanDurationKeyword(TokenKind* kind) {
  size_t end = pos_;
  while (end < input_.size() && IsAlpha(input_[end])) ++end;
  std::string_view word = input_.substr(pos_, end - pos_);
  for (auto [name, k] :
       {std::pair{"step", TokenKind::kStep}, std::pair{"range", TokenKind::kRange},
        std::pair{"max_of", TokenKind::kMaxOf}, std::pair{"min_of", TokenKind::kMinOf}}) {
    if (EqualsLower(word, name)) {
      pos_ = end;
      *kind = k;
      return true;
    }
  }
  return false;
}

// Mirrors Prometheus's number scanner: the scanned text is not necessarily a valid
// number; the parser reports that.
bool Lexer::ScanNumber() {
  size_t initial = pos_;
  std::string_view digits = "0123456789";
  if (Peek() == '0') {
    ++pos_;
    if (Peek() == 'x' || Peek() == 'X') {
      ++pos_;
      if (Peek() == '_') ++pos_;
      digits = "0123456789abcdefABCDEF";
    }
  }
  bool hex = digits.size() > 10;
  if (Peek() == '.') ++pos_;
  if (In(Peek(), digits)) ++pos_;
  bool dot_consumed = false;
  bool exponent_consumed = false;
  while (In(Peek(), digits) || In(Peek(), "._eE")) {
    char c = Peek();
    if (c == '.' && dot_consumed) {
      ++pos_;
      return false;
    }
    if ((c == 'e' || c == 'E') && exponent_consumed) {
      ++pos_;
      return false;
    }
    if (c == '.') {
      ++pos_;
      dot_consumed = true;
      if (In(Peek(), "_.")) {
        ++pos_;
        return false;
      }
      if (hex) return false;
      continue;
    }
    if (c == 'e' || c == 'E') {
      ++pos_;
      exponent_consumed = true;
      if (In(Peek(), "+-")) ++pos_;
      if (In(Peek(), "._eE")) {
        ++pos_;
        return false;
      }
      if (AtEnd()) return false;
      continue;
    }
    if (c == '_') {
      ++pos_;
      if (In(Peek(), "._eE")) {
        ++pos_;
        return false;
      }
      if (AtEnd()) return false;
      continue;
    }
    while (In(Peek(), digits)) ++pos_;
  }
  if (pos_ == initial) return false;
  return !IsAlphaNumeric(Peek());
}

bool Lexer::AcceptRemainingDuration() {
  if (!In(Peek(), "smhdwy")) return false;
  ++pos_;
  if (Peek() == 's') ++pos_;
  while (IsDigit(Peek())) {
    while (IsDigit(Peek())) ++pos_;
    if (!In(Peek(), "smhdw")) return false;
    ++pos_;
    if (Peek() == 's') ++pos_;
  }
  if (IsAlphaNumeric(Peek())) {
    ++pos_;
    return false;
  }
  return true;
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Make(TokenKind::kNumber);
  if (AcceptRemainingDuration()) return Make(TokenKind::kDuration);
  return Error("bad number or duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
}

Token Lexer::LexString(char quote) {
  ++pos_;
  if (quote == '`') {
    while (true) {
      if (AtEnd()) return Error("unterminated raw string");
      int w = 0;
      int32_t r = DecodeRune(input_, pos_, &w);
      if (r == 0xFFFD) return Error("invalid UTF-8 rune");
      pos_ += static_cast<size_t>(w);
      if (r == '`') return Make(TokenKind::kString);
    }
  }
  while (true) {
    if (AtEnd()) return Error("unterminated quoted string");
    int w = 0;
    int32_t r = DecodeRune(input_, pos_, &w);
    pos_ += static_cast<size_t>(w);
    if (r == 0xFFFD) return Error("invalid UTF-8 rune");
    if (r == '\n') return Error("unterminated quoted string");
    if (r == quote) return Make(TokenKind::kString);
    if (r != '\\') continue;
    // Escape sequence, as Go's scanner validates it.
    int32_t ch = DecodeRune(input_, pos_, &w);
    pos_ += static_cast<size_t>(w);
    int n = 0;
    uint32_t base = 0, max = 0;
    switch (ch) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
        continue;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        n = 3, base = 8, max = 255;
        break;
      case 'x':
        n = 2, base = 16, max = 255;
        ch = DecodeRune(input_, pos_, &w), pos_ += static_cast<size_t>(w);
        break;
      case 'u':
        n = 4, base = 16, max = 0x10FFFF;
        ch = DecodeRune(input_, pos_, &w), pos_ += static_cast<size_t>(w);
        break;
      case 'U':
        n = 8, base = 16, max = 0x10FFFF;
        ch = DecodeRune(input_, pos_, &w), pos_ += static_cast<size_t>(w);
        break;
      case -1:
        return Error("escape sequence not terminated");
      default:
        if (ch == quote) continue;
        return Error("unknown escape sequence " + GoUnicodeFormat(ch));
    }
    uint32_t x = 0;
    while (n > 0) {
      uint32_t d = 16;
      if (ch >= '0' && ch <= '9') d = static_cast<uint32_t>(ch - '0');
      if (ch >= 'a' && ch <= 'f') d = static_cast<uint32_t>(ch - 'a' + 10);
      if (ch >= 'A' && ch <= 'F') d = static_cast<uint32_t>(ch - 'A' + 10);
      if (d >= base) {
        if (ch == -1) return Error("escape sequence not terminated");
        return Error("illegal character " + GoUnicodeFormat(ch) + " in escape sequence");
      }
      x = x * base + d;
      if (--n > 0) ch = DecodeRune(input_, pos_, &w), pos_ += static_cast<size_t>(w);
    }
    if (x > max || (x >= 0xD800 && x < 0xE000)) {
      return Error("escape sequence is an invalid Unicode code point");
    }
  }
}

Token Lexer::LexIdentifier() {
  while (IsAlphaNumeric(Peek())) ++pos_;
  return Make(TokenKind::kIdentifier);
}

bool Lexer::FollowedByLeftParen() const {
  size_t p = pos_;
  while (p < input_.size() && IsSpace(input_[p])) ++p;
  return p < input_.size() && input_[p] == '(';
}

Token Lexer::LexKeywordOrIdentifier() {
  while (IsAlphaNumeric(Peek()) || Peek() == ':') ++pos_;
  std::string_view word = input_.substr(start_, pos_ - start_);
  TokenKind kind;
  if (LookupKeyword(word, &kind)) {
    bool fill =
        kind == TokenKind::kFill || kind == TokenKind::kFillLeft || kind == TokenKind::kFillRight;
    // fill modifiers are keywords only before "(", so existing metrics named fill work.
    if (fill && !FollowedByLeftParen()) return Make(TokenKind::kIdentifier);
    return Make(kind);
  }
  if (word.find(':') != std::string_view::npos) return Make(TokenKind::kMetricIdentifier);
  return Make(TokenKind::kIdentifier);
}

}  // namespace osprey::promql
