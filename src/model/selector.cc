#include "model/selector.h"

#include <cctype>

#include "model/labels.h"

namespace osprey::model {
namespace {

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<std::vector<Matcher>> Parse() {
    SkipSpace();
    std::vector<Matcher> out;
    if (pos_ < text_.size() && IsNameStart(text_[pos_], /*metric=*/true)) {
      std::string_view name = ReadName(/*metric=*/true);
      out.push_back(
          Matcher::MustCreate(MatchType::kEqual, std::string(kMetricName), std::string(name)));
      SkipSpace();
    }
    if (pos_ < text_.size() && text_[pos_] == '{') {
      ++pos_;
      OSPREY_RETURN_IF_ERROR(ParseMatchers(out));
    }
    SkipSpace();
    if (pos_ < text_.size())
      return Error("unexpected character '" + std::string(1, text_[pos_]) + "'");
    if (out.empty()) return Error("unexpected end of input");
    bool has_non_empty = false;
    for (const Matcher& m : out) has_non_empty = has_non_empty || !m.MatchesEmpty();
    if (!has_non_empty) {
      return InvalidArgumentError(
          "1:1: parse error: vector selector must contain at least one "
          "non-empty matcher");
    }
    return out;
  }

 private:
  static bool IsNameStart(char c, bool metric) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (metric && c == ':');
  }
  static bool IsNameChar(char c, bool metric) {
    return IsNameStart(c, metric) || std::isdigit(static_cast<unsigned char>(c));
  }

  Status Error(std::string what) const {
    return InvalidArgumentError("1:" + std::to_string(pos_ + 1) + ": parse error: " + what);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string_view ReadName(bool metric) {
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_], metric)) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Status ParseMatchers(std::vector<Matcher>& out) {
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end of input inside braces");
      if (text_[pos_] == '}') {
        ++pos_;
        return OkStatus();
      }
      std::string name;
      if (text_[pos_] == '"' || text_[pos_] == '\'' || text_[pos_] == '`') {
        // Quoted label names (UTF-8 names), e.g. {"my.metric"} means __name__.
        OSPREY_ASSIGN_OR_RETURN(std::string quoted, ReadQuoted());
        SkipSpace();
        if (pos_ < text_.size() && (text_[pos_] == ',' || text_[pos_] == '}')) {
          out.push_back(Matcher::MustCreate(MatchType::kEqual, std::string(kMetricName), quoted));
          if (text_[pos_] == ',') ++pos_;
          continue;
        }
        name = std::move(quoted);
      } else if (IsNameStart(text_[pos_], false)) {
        name = std::string(ReadName(false));
      } else {
        return Error("unexpected character inside braces: '" + std::string(1, text_[pos_]) + "'");
      }
      SkipSpace();
      MatchType type;
      if (text_.substr(pos_, 2) == "=~") {
        type = MatchType::kRegexMatch;
        pos_ += 2;
      } else if (text_.substr(pos_, 2) == "!~") {
        type = MatchType::kRegexNoMatch;
        pos_ += 2;
      } else if (text_.substr(pos_, 2) == "!=") {
        type = MatchType::kNotEqual;
        pos_ += 2;
      } else if (text_.substr(pos_, 1) == "=") {
        type = MatchType::kEqual;
        pos_ += 1;
      } else {
        return Error("unexpected character after label name \"" + name +
                     "\", expected a label matching operator");
      }
      SkipSpace();
      if (pos_ >= text_.size() ||
          (text_[pos_] != '"' && text_[pos_] != '\'' && text_[pos_] != '`')) {
        return Error("unexpected character, expected a quoted string");
      }
      OSPREY_ASSIGN_OR_RETURN(std::string value, ReadQuoted());
      OSPREY_ASSIGN_OR_RETURN(Matcher m, Matcher::Create(type, name, std::move(value)));
      out.push_back(std::move(m));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') continue;
      if (pos_ >= text_.size()) return Error("unexpected end of input inside braces");
      return Error("unexpected character, expected ',' or '}'");
    }
  }

  Result<std::string> ReadQuoted() {
    char q = text_[pos_];
    size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != q) {
      if (text_[pos_] == '\\' && q != '`') ++pos_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return Error("unterminated quoted string");
    ++pos_;
    Result<std::string> s = UnquotePromQLString(text_.substr(start, pos_ - start));
    if (!s.ok()) return Error(s.status().message());
    return s;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::vector<Matcher>> ParseSeriesSelector(std::string_view text) {
  return SelectorParser(text).Parse();
}

Result<std::string> UnquotePromQLString(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != quoted.back()) {
    return InvalidArgumentError("invalid quoted string");
  }
  char q = quoted.front();
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  if (q == '`') {
    if (body.find('`') != std::string_view::npos) return InvalidArgumentError("invalid raw string");
    return std::string(body);
  }
  if (q != '"' && q != '\'') return InvalidArgumentError("invalid quoted string");
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == q) return InvalidArgumentError("unescaped quote in string");
    if (c == '\n') return InvalidArgumentError("newline in string");
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) return InvalidArgumentError("unterminated escape sequence");
    char e = body[i];
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
      case '"':
        if (e != q) return InvalidArgumentError(std::string("unknown escape sequence \\") + e);
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (size_t k = 1; k <= n; ++k) {
          if (i + k >= body.size()) return InvalidArgumentError("truncated escape sequence");
          int h = HexValue(body[i + k]);
          if (h < 0) return InvalidArgumentError("invalid hex digit in escape sequence");
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            return InvalidArgumentError("escape sequence is an invalid Unicode code point");
          }
          AppendUtf8(out, v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 >= body.size()) return InvalidArgumentError("truncated octal escape");
          uint32_t v = 0;
          for (size_t k = 0; k < 3; ++k) {
            char d = body[i + k];
            if (d < '0' || d > '7') return InvalidArgumentError("invalid octal escape");
            v = v * 8 + static_cast<uint32_t>(d - '0');
          }
          if (v > 255) return InvalidArgumentError("octal escape value > 255");
          out += static_cast<char>(v);
          i += 2;
          break;
        }
        return InvalidArgumentError(std::string("unknown escape sequence \\") + e);
    }
  }
  return out;
}

}  // namespace osprey::model
