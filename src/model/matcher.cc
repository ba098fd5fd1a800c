#include "model/matcher.h"

#include <re2/re2.h>

#include <algorithm>

#include "base/check.h"

namespace osprey::model {
namespace {

bool IsMeta(char c) {
  switch (c) {
    case '.':
    case '+':
    case '*':
    case '?':
    case '(':
    case ')':
    case '|':
    case '[':
    case ']':
    case '{':
    case '}':
    case '^':
    case '$':
    case '\\':
      return true;
    default:
      return false;
  }
}

// Unescapes `s` if it is a plain literal (escaped punctuation allowed); false otherwise.
bool ParseLiteral(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= s.size()) return false;
      char n = s[i + 1];
      // Only escaped punctuation is a literal; \d, \w, \s, ... are classes.
      if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9')) return false;
      out += n;
      ++i;
      continue;
    }
    if (IsMeta(c)) return false;
    out += c;
  }
  return true;
}

// Splits on top-level '|' when the regex is an alternation of literals.
bool ParseLiteralSet(std::string_view s, std::vector<std::string>& out) {
  out.clear();
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '\\') {
      ++i;
      continue;
    }
    if (i == s.size() || s[i] == '|') {
      std::string lit;
      if (!ParseLiteral(s.substr(start, i - start), lit)) return false;
      out.push_back(std::move(lit));
      start = i + 1;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return true;
}

// The literal characters every match must start with. Stops at the first meta
// character, and drops the last literal when a quantifier makes it optional.
std::string LiteralPrefixOf(std::string_view s) {
  // A top-level alternation means no common prefix is guaranteed.
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == '|' && depth == 0) return "";
    if (s[i] == '[') {  // skip a class, which may hold '|' or ')'
      while (i < s.size() && s[i] != ']') ++i;
    }
  }
  std::string prefix;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '\\') {
      if (i + 1 >= s.size()) break;
      char n = s[i + 1];
      if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9')) break;
      char after = i + 2 < s.size() ? s[i + 2] : '\0';
      if (after == '?' || after == '*' || after == '{') break;
      prefix += n;
      ++i;
      continue;
    }
    if (IsMeta(c)) break;
    if (next == '?' || next == '*' || next == '{') break;
    prefix += c;
  }
  return prefix;
}

}  // namespace

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "=";
}

Result<Matcher> Matcher::Create(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (m.IsRegex()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(true);
    auto re = std::make_shared<const RE2>("^(?:" + m.value_ + ")$", opts);
    if (!re->ok()) {
      return InvalidArgumentError("invalid regular expression \"" + m.value_ + "\" for label " +
                                  m.name_ + ": " + re->error());
    }
    m.re_ = std::move(re);
    std::string literal;
    if (ParseLiteralSet(m.value_, m.set_matches_)) {
      // a set of literals: lookups instead of regex evaluation
    } else {
      m.set_matches_.clear();
      m.prefix_ = LiteralPrefixOf(m.value_);
      std::string_view v = m.value_;
      if (v.size() >= 2 && v.substr(v.size() - 2) == ".*" &&
          ParseLiteral(v.substr(0, v.size() - 2), literal)) {
        m.prefix_ = literal;
        m.prefix_then_any_ = true;
      }
    }
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

Matcher Matcher::MustCreate(MatchType type, std::string name, std::string value) {
  Result<Matcher> m = Create(type, std::move(name), std::move(value));
  OSPREY_CHECK(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

bool Matcher::RegexMatches(std::string_view v) const {
  if (!set_matches_.empty()) {
    return std::binary_search(set_matches_.begin(), set_matches_.end(), v);
  }
  if (!prefix_.empty() && v.substr(0, prefix_.size()) != prefix_) return false;
  if (prefix_then_any_) return true;
  return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexMatch:
      return RegexMatches(v);
    case MatchType::kRegexNoMatch:
      return !RegexMatches(v);
  }
  return false;
}

std::string Matcher::ToString() const {
  std::string out = name_;
  out += MatchTypeString(type_);
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace osprey::model
