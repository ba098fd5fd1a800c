#include "base/strings.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace osprey {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(std::string& out, unsigned char c) {
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

// The escape for `"`, `\`, newline, carriage return and tab, which JSON and Go share; null for
// any other byte.
const char* CommonEscape(unsigned char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return nullptr;
  }
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t min;
  uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t AppendUtf8SequenceOrReplacement(std::string& out, std::string_view s, size_t i) {
  const size_t len = Utf8SequenceLength(s, i);
  if (len == 0) {
    out += "\xEF\xBF\xBD";  // U+FFFD
    return 1;
  }
  out.append(s.substr(i, len));
  return len;
}

void AppendValidUtf8(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) i += AppendUtf8SequenceOrReplacement(out, s, i);
}

std::string StrJoin(std::span<const std::string> parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string StrReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  size_t start = 0;
  for (size_t pos = text.find(from); pos != std::string_view::npos; pos = text.find(from, start)) {
    out.append(text.substr(start, pos - start)).append(to);
    start = pos + from.size();
  }
  out.append(text.substr(start));
  return out;
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      i += AppendUtf8SequenceOrReplacement(out, s, i);
      continue;
    }
    if (const char* escape = CommonEscape(c)) {
      out += escape;
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20) {
      out += "\\u00";
      AppendHexByte(out, c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

void AppendGoQuoted(std::string& out, std::string_view s, GoQuoteEscapes escapes) {
  const bool readable = escapes == GoQuoteEscapes::kReadable;
  // Invalid UTF-8 is shown byte by byte rather than passed on to a terminal or a log.
  const bool escape_high = readable && !IsValidUtf8(s);
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (const char* escape = CommonEscape(c)) {
      out += escape;
    } else if (readable && (c < 0x20 || c == 0x7f || (escape_high && c >= 0x80))) {
      out += "\\x";
      AppendHexByte(out, c);
    } else {
      out += ch;
    }
  }
  out += '"';
}

std::string FormatRfc3339Millis(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

void AppendQueryEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

std::string QueryEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendQueryEscaped(out, s);
  return out;
}

std::string FormEncode(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    AppendQueryEscaped(out, name);
    out += '=';
    AppendQueryEscaped(out, value);
  }
  return out;
}

}  // namespace osprey
