// Invariant: tokens are produced in order; the lexer stops at the first error, whose token
// carries Go's message ("unclosed action", "unterminated quoted string", ...).
#include "tmpl/internal/lex.h"

#include <cstdio>

namespace osprey::tmpl::internal {
namespace {

constexpr std::string_view kLeft = "{{";
constexpr std::string_view kRight = "}}";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         u >= 0x80;  // Go accepts Unicode letters; we accept any non-ASCII byte
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : in_(text) {}

  std::vector<Token> Run() {
    while (LexText()) {
    }
    return std::move(out_);
  }

 private:
  int LineAt(size_t pos) {
    while (line_pos_ < pos && line_pos_ < in_.size()) {
      if (in_[line_pos_] == '\n') ++line_;
      ++line_pos_;
    }
    return line_;
  }
  void Emit(Tok t, size_t start, size_t end) {
    out_.push_back(Token{t, start, LineAt(start), std::string(in_.substr(start, end - start))});
  }
  bool Error(std::string msg) {
    out_.push_back(Token{Tok::kError, pos_, LineAt(pos_), std::move(msg)});
    return false;
  }
  bool AtRightDelim(bool* trim) const {
    std::string_view rest = in_.substr(pos_);
    if (rest.size() >= 4 && IsSpace(rest[0]) && rest[1] == '-' && rest.substr(2, 2) == kRight) {
      *trim = true;
      return true;
    }
    *trim = false;
    return rest.substr(0, 2) == kRight;
  }

  // Lexes text up to the next action; returns false at EOF or error.
  bool LexText() {
    size_t start = pos_;
    size_t delim = in_.find(kLeft, pos_);
    if (delim == std::string_view::npos) {
      size_t end = in_.size();
      if (trim_next_) {
        while (start < end && IsSpace(in_[start])) ++start;
      }
      if (end > start) Emit(Tok::kText, start, end);
      Emit(Tok::kEOF, end, end);
      return false;
    }
    bool left_trim = delim + 3 < in_.size() && in_[delim + 2] == '-' && IsSpace(in_[delim + 3]);
    size_t text_end = delim;
    if (trim_next_) {
      while (start < text_end && IsSpace(in_[start])) ++start;
    }
    trim_next_ = false;
    if (left_trim) {
      while (text_end > start && IsSpace(in_[text_end - 1])) --text_end;
    }
    if (text_end > start) Emit(Tok::kText, start, text_end);
    pos_ = delim + 2 + (left_trim ? 2 : 0);
    if (in_.substr(pos_, 2) == "/*") return LexComment(delim);
    Emit(Tok::kLeftDelim, delim, delim + 2);
    paren_depth_ = 0;
    return LexInsideAction();
  }

  bool LexComment(size_t delim) {
    size_t end = in_.find("*/", pos_ + 2);
    if (end == std::string_view::npos) return Error("unclosed comment");
    pos_ = end + 2;
    bool trim = false;
    if (!AtRightDelim(&trim)) return Error("comment ends before closing delimiter");
    Emit(Tok::kComment, delim, pos_);
    pos_ += trim ? 4 : 2;
    trim_next_ = trim;
    return true;
  }

  bool LexInsideAction() {
    while (true) {
      bool trim = false;
      if (AtRightDelim(&trim)) {
        if (paren_depth_ != 0) return Error("unclosed left paren");
        if (trim) pos_ += 2;  // " -"
        Emit(Tok::kRightDelim, pos_, pos_ + 2);
        pos_ += 2;
        trim_next_ = trim;
        return true;
      }
      if (pos_ >= in_.size()) return Error("unclosed action");
      char c = in_[pos_];
      size_t start = pos_;
      if (IsSpace(c)) {
        // Stop before " -}}" so the trim marker is seen.
        while (pos_ < in_.size() && IsSpace(in_[pos_])) {
          bool t2 = false;
          if (AtRightDelim(&t2) && t2) break;
          ++pos_;
        }
        if (pos_ == start) {
          // Only the trim marker's space is left; it belongs to the right delimiter.
          continue;
        }
        Emit(Tok::kSpace, start, pos_);
        continue;
      }
      switch (c) {
        case '=':
          ++pos_;
          Emit(Tok::kAssign, start, pos_);
          continue;
        case ':':
          if (in_.substr(pos_, 2) != ":=") return Error("expected :=");
          pos_ += 2;
          Emit(Tok::kDeclare, start, pos_);
          continue;
        case '|':
          ++pos_;
          Emit(Tok::kPipe, start, pos_);
          continue;
        case '"':
          if (!LexQuote()) return false;
          continue;
        case '`': {
          size_t end = in_.find('`', pos_ + 1);
          if (end == std::string_view::npos) return Error("unterminated raw quoted string");
          pos_ = end + 1;
          Emit(Tok::kRawString, start, pos_);
          continue;
        }
        case '\'':
          if (!LexChar()) return false;
          continue;
        case '$':
          ++pos_;
          while (pos_ < in_.size() && IsAlnum(in_[pos_])) ++pos_;
          if (!CheckTerminator()) return false;
          Emit(Tok::kVariable, start, pos_);
          continue;
        case '.':
          if (pos_ + 1 < in_.size() && in_[pos_ + 1] >= '0' && in_[pos_ + 1] <= '9') {
            if (!LexNumber()) return false;
            continue;
          }
          ++pos_;
          while (pos_ < in_.size() && IsAlnum(in_[pos_])) ++pos_;
          if (pos_ == start + 1) {
            Emit(Tok::kDot, start, pos_);
            continue;
          }
          if (!CheckTerminator()) return false;
          Emit(Tok::kField, start, pos_);
          continue;
        case '(':
          ++pos_;
          ++paren_depth_;
          Emit(Tok::kLeftParen, start, pos_);
          continue;
        case ')':
          ++pos_;
          if (--paren_depth_ < 0) return Error("unexpected right paren");
          Emit(Tok::kRightParen, start, pos_);
          continue;
        default:
          break;
      }
      if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        if (!LexNumber()) return false;
        continue;
      }
      if (IsAlnum(c)) {
        while (pos_ < in_.size() && IsAlnum(in_[pos_])) ++pos_;
        if (!CheckTerminator()) return false;
        std::string_view word = in_.substr(start, pos_ - start);
        Emit(KeywordType(word), start, pos_);
        continue;
      }
      if (c > 0x20 && c < 0x7F) {
        ++pos_;
        Emit(Tok::kCharOther, start, pos_);
        continue;
      }
      char buf[64];
      std::snprintf(buf, sizeof(buf), "unrecognized character in action: U+%04X",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      return Error(buf);
    }
  }

  static Tok KeywordType(std::string_view w) {
    if (w == "true" || w == "false") return Tok::kBool;
    if (w == "nil") return Tok::kNil;
    if (w == "block") return Tok::kBlock;
    if (w == "break") return Tok::kBreak;
    if (w == "continue") return Tok::kContinue;
    if (w == "define") return Tok::kDefine;
    if (w == "else") return Tok::kElse;
    if (w == "end") return Tok::kEnd;
    if (w == "if") return Tok::kIf;
    if (w == "range") return Tok::kRange;
    if (w == "template") return Tok::kTemplate;
    if (w == "with") return Tok::kWith;
    return Tok::kIdent;
  }

  bool CheckTerminator() {
    if (pos_ >= in_.size()) return true;
    char c = in_[pos_];
    if (IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(' ||
        c == '=') {
      return true;
    }
    if (in_.substr(pos_, 2) == kRight) return true;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "bad character U+%04X",
                  static_cast<unsigned>(static_cast<unsigned char>(c)));
    return Error(buf);
  }

  bool LexQuote() {
    size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n') return Error("unterminated quoted string");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n') return Error("unterminated quoted string");
        ++pos_;
      } else if (c == '"') {
        break;
      }
    }
    Emit(Tok::kString, start, pos_);
    return true;
  }

  bool LexChar() {
    size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n') return Error("unterminated character constant");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n') {
          return Error("unterminated character constant");
        }
        ++pos_;
      } else if (c == '\'') {
        break;
      }
    }
    Emit(Tok::kChar, start, pos_);
    return true;
  }

  bool LexNumber() {
    size_t start = pos_;
    auto accept = [&](std::string_view valid) {
      if (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) {
        ++pos_;
        return true;
      }
      return false;
    };
    auto accept_run = [&](std::string_view valid) {
      while (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) ++pos_;
    };
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (pos_ < in_.size() && IsAlnum(in_[pos_])) {
      ++pos_;
      return Error(std::string("bad number syntax: \"") +
                   std::string(in_.substr(start, pos_ - start)) + "\"");
    }
    if (pos_ == start + 1 && (in_[start] == '+' || in_[start] == '-')) {
      return Error(std::string("bad number syntax: \"") + std::string(in_.substr(start, 1)) + "\"");
    }
    Emit(Tok::kNumber, start, pos_);
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
  bool trim_next_ = false;
  std::vector<Token> out_;
  size_t line_pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace osprey::tmpl::internal
