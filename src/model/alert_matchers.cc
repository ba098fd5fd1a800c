#include "model/alert_matchers.h"

#include <algorithm>

#include "base/strings.h"

namespace osprey::model {
namespace {

// Go's regexp \s: the ASCII whitespace RE2 knows as \s.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

std::string Quoted(std::string_view s) {
  std::string out;
  AppendGoQuoted(out, s, GoQuoteEscapes::kReadable);
  return out;
}

Status BadFormat(std::string_view text) {
  return InvalidArgumentError(std::string("bad matcher format: ").append(Quoted(text)));
}

}  // namespace

// Mirrors Alertmanager's regex ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$
// by hand: the name, the operator (=~ before =), then the rest trimmed of whitespace.
Result<Matcher> ParseAlertMatcher(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  const size_t name_begin = i;
  if (i >= text.size() || !IsNameStart(text[i])) return BadFormat(text);
  while (i < text.size() && IsNameChar(text[i])) ++i;
  const std::string_view name = text.substr(name_begin, i - name_begin);
  while (i < text.size() && IsSpace(text[i])) ++i;
  MatchType type;
  const std::string_view rest = text.substr(i);
  if (rest.starts_with("=~")) {
    type = MatchType::kRegexMatch;
    i += 2;
  } else if (rest.starts_with("=")) {
    type = MatchType::kEqual;
    i += 1;
  } else if (rest.starts_with("!=")) {
    type = MatchType::kNotEqual;
    i += 2;
  } else if (rest.starts_with("!~")) {
    type = MatchType::kRegexNoMatch;
    i += 2;
  } else {
    return BadFormat(text);
  }
  const std::string_view raw_full = TrimSpace(text.substr(i));
  std::string_view raw = raw_full;
  bool expect_trailing_quote = false;
  if (raw.starts_with('"')) {
    raw.remove_prefix(1);
    expect_trailing_quote = true;
  }
  if (!IsValidUtf8(raw)) {
    return InvalidArgumentError(
        std::string("matcher value not valid UTF-8: ").append(Quoted(raw_full)));
  }
  std::string value;
  value.reserve(raw.size());
  bool escaped = false;
  for (size_t j = 0; j < raw.size(); ++j) {
    const char c = raw[j];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {
        // A spurious escape: the backslash is literal.
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (j + 1 < raw.size()) {
        escaped = true;
      } else {
        value += '\\';  // A trailing backslash is literal.
      }
    } else if (c == '"') {
      if (!expect_trailing_quote || j + 1 < raw.size()) {
        return InvalidArgumentError(std::string("matcher value contains unescaped double quote: ")
                                        .append(Quoted(raw_full)));
      }
      expect_trailing_quote = false;
    } else {
      value += c;
    }
  }
  if (expect_trailing_quote) {
    return InvalidArgumentError(
        std::string("matcher value contains unescaped double quote: ").append(Quoted(raw_full)));
  }
  // Create's error names the regex and the label.
  return Matcher::Create(type, std::string(name), std::move(value));
}

Result<std::vector<Matcher>> ParseAlertMatchers(std::string_view text) {
  if (text.starts_with('{')) text.remove_prefix(1);
  if (text.ends_with('}')) text.remove_suffix(1);
  // Split at commas outside quotes; a quote preceded by an odd run of backslashes does not
  // open or close a quoted part.
  std::vector<std::string_view> tokens;
  bool inside_quotes = false;
  bool escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ',') {
      if (!inside_quotes) {
        tokens.push_back(text.substr(start, i - start));
        start = i + 1;
      }
      // Inside quotes a comma leaves the escape state alone, as in Alertmanager.
    } else if (c == '"') {
      if (!escaped) {
        inside_quotes = !inside_quotes;
      } else {
        escaped = false;
      }
    } else if (c == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
  }
  const std::string_view last = TrimSpace(text.substr(start));
  if (!last.empty()) tokens.push_back(last);
  std::vector<Matcher> out;
  out.reserve(tokens.size());
  for (std::string_view t : tokens) {
    OSPREY_ASSIGN_OR_RETURN(Matcher m, ParseAlertMatcher(t));
    out.push_back(std::move(m));
  }
  return out;
}

std::string FormatAlertMatcher(const Matcher& m) {
  std::string out = m.name();
  out += MatchTypeString(m.type());
  out += '"';
  for (char c : m.value()) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string FormatAlertMatchers(std::span<const Matcher> ms) {
  std::string out = "{";
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) out += ", ";
    out += FormatAlertMatcher(ms[i]);
  }
  out += '}';
  return out;
}

void SortAlertMatchers(std::vector<Matcher>* ms) {
  std::stable_sort(ms->begin(), ms->end(), [](const Matcher& a, const Matcher& b) {
    if (a.name() != b.name()) return a.name() < b.name();
    if (a.value() != b.value()) return a.value() < b.value();
    return static_cast<int>(a.type()) < static_cast<int>(b.type());
  });
}

bool SameMatcher(const Matcher& a, const Matcher& b) {
  return a.type() == b.type() && a.name() == b.name() && a.value() == b.value();
}

bool SameMatchers(std::span<const Matcher> a, std::span<const Matcher> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), SameMatcher);
}

}  // namespace osprey::model
