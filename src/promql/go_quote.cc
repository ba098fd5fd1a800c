#include "promql/go_quote.h"

#include <cstdio>

namespace osprey::promql {
namespace {

void AppendUtf8(std::string& out, int32_t cp) {
  auto c = static_cast<uint32_t>(cp);
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// An approximation of unicode.IsPrint good enough for the characters that appear in
// queries: controls, DEL, C1 controls, surrogates and non-characters are unprintable.
bool IsPrintable(int32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r >= 0x80 && r < 0xA0) return false;
  if (r == 0xAD) return false;
  if (r >= 0xD800 && r < 0xE000) return false;
  if (r == 0xFFFE || r == 0xFFFF || r > 0x10FFFF) return false;
  return true;
}

void AppendHex(std::string& out, const char* prefix, uint32_t v, int digits, bool upper = false) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), upper ? "%s%0*X" : "%s%0*x", prefix, digits, v);
  out += buf;
}

// Appends rune r escaped for a literal delimited by `quote`.
void AppendEscapedRune(std::string& out, int32_t r, char quote) {
  if (r == quote || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (IsPrintable(r)) {
    AppendUtf8(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    AppendHex(out, "\\x", static_cast<uint32_t>(r), 2);
  } else if (r < 0x10000) {
    AppendHex(out, "\\u", static_cast<uint32_t>(r), 4);
  } else {
    AppendHex(out, "\\U", static_cast<uint32_t>(r), 8);
  }
}

}  // namespace

int32_t DecodeRune(std::string_view s, size_t pos, int* width) {
  if (pos >= s.size()) {
    *width = 0;
    return -1;
  }
  auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    *width = 1;
    return b0;
  }
  int n = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    *width = 1;
    return 0xFFFD;
  }
  if (pos + n > s.size()) {
    *width = 1;
    return 0xFFFD;
  }
  for (int i = 1; i < n; ++i) {
    auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {
      *width = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
    *width = 1;
    return 0xFFFD;
  }
  *width = n;
  return cp;
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    int w = 0;
    int32_t r = DecodeRune(s, i, &w);
    if (r == 0xFFFD && w == 1 && static_cast<unsigned char>(s[i]) >= 0x80) {
      // An invalid byte (a real U+FFFD is three bytes wide).
      AppendHex(out, "\\x", static_cast<unsigned char>(s[i]), 2);
    } else {
      AppendEscapedRune(out, r, '"');
    }
    i += static_cast<size_t>(w);
  }
  out += '"';
  return out;
}

std::string GoQuoteRune(int32_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = 0xFFFD;
  std::string out = "'";
  AppendEscapedRune(out, r, '\'');
  out += '\'';
  return out;
}

std::string GoUnicodeFormat(int32_t r) {
  std::string out;
  AppendHex(out, "U+", static_cast<uint32_t>(r < 0 ? 0xFFFD : r), 4, /*upper=*/true);
  if (r >= 0 && IsPrintable(r)) {
    out += " '";
    AppendUtf8(out, r);
    out += '\'';
  }
  return out;
}

std::string GoRegexpError(std::string_view message, std::string_view label,
                          std::string_view pattern) {
  struct Code {
    std::string_view re2;
    std::string_view go;
    bool whole_pattern;
  };
  static constexpr Code kCodes[] = {
      {"missing ]", "missing closing ]", false},
      {"missing )", "missing closing )", true},
      {"unexpected )", "unexpected )", true},
      {"trailing \\", "trailing backslash at end of expression", false},
      {"no argument for repetition operator", "missing argument to repetition operator", false},
      {"invalid repetition size", "invalid repeat count", false},
      {"bad repetition operator", "invalid nested repetition operator", false},
      {"invalid perl operator", "invalid or unsupported Perl syntax", false},
      {"invalid named capture group", "invalid named capture", false},
      {"invalid character class range", "invalid character class range", false},
      {"invalid character class", "invalid character class", false},
      {"invalid escape sequence", "invalid escape sequence", false},
      {"invalid UTF-8", "invalid UTF-8", false},
  };
  std::string prefix = "invalid regular expression \"" + std::string(pattern) + "\" for label " +
                       std::string(label) + ": ";
  if (!message.starts_with(prefix)) return std::string(message);
  std::string_view re2 = message.substr(prefix.size());
  for (const Code& c : kCodes) {
    if (!re2.starts_with(c.re2)) continue;
    std::string_view arg;
    if (c.whole_pattern) {
      arg = pattern;
    } else if (re2.size() > c.re2.size() + 2) {
      arg = re2.substr(c.re2.size() + 2);
      // Undo the anchoring "^(?:...)$" added when compiling.
      if (arg.starts_with("^(?:")) arg.remove_prefix(4);
      if (arg.ends_with(")$")) arg.remove_suffix(2);
    }
    if (c.re2.starts_with("trailing")) arg = "";
    return "error parsing regexp: " + std::string(c.go) + ": `" + std::string(arg) + "`";
  }
  return std::string(message);
}

}  // namespace osprey::promql
