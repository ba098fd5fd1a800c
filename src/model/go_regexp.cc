#include "model/go_regexp.h"

#include <cstdint>

namespace osprey::model {
namespace {

constexpr int32_t kRuneError = 0xFFFD;

// The rune at the start of `s` and its width in bytes, as Go's utf8.DecodeRuneInString:
// kRuneError with width 1 for an invalid or truncated sequence. Requires: !s.empty().
int32_t DecodeRune(std::string_view s, size_t* width) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  *width = 1;
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return b0;
  size_t n = 0;
  int32_t rune = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, rune = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, rune = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, rune = b0 & 0x07, min = 0x10000;
  } else {
    return kRuneError;
  }
  if (s.size() < n) return kRuneError;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return kRuneError;
    rune = (rune << 6) | (byte(i) & 0x3F);
  }
  if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune < 0xE000)) return kRuneError;
  *width = n;
  return rune;
}

// Whether a rune may be part of a $name in a template: Go's unicode.IsLetter, IsDigit
// or '_'. Non-ASCII runes are rare there; they go through RE2's Unicode tables.
bool IsNameRune(std::string_view rune_text, int32_t rune) {
  if (rune < 0x80) {
    return (rune >= 'a' && rune <= 'z') || (rune >= 'A' && rune <= 'Z') ||
           (rune >= '0' && rune <= '9') || rune == '_';
  }
  if (rune == kRuneError) return false;  // also what invalid UTF-8 decodes to
  static const RE2 unicode_re(R"([\pL\p{Nd}])");
  return RE2::FullMatch(re2::StringPiece(rune_text.data(), rune_text.size()), unicode_re);
}

}  // namespace

std::string ExpandTemplate(std::string_view tmpl, const RE2& re,
                           std::span<const re2::StringPiece> groups) {
  std::string out;
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    // The name: letters, digits and underscores, optionally in braces.
    std::string_view rest = tmpl;
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t len = 0;
    while (len < rest.size()) {
      size_t width = 0;
      int32_t r = DecodeRune(rest.substr(len), &width);
      if (!IsNameRune(rest.substr(len, width), r)) break;
      len += width;
    }
    bool ok = len > 0 && (!brace || (len < rest.size() && rest[len] == '}'));
    if (!ok) {
      out += '$';
      continue;
    }
    std::string_view name = rest.substr(0, len);
    tmpl = rest.substr(len + (brace ? 1 : 0));
    // A number (no leading zeros, below 1e8) names a group by index, else by name.
    int num = 0;
    for (char ch : name) {
      if (ch < '0' || ch > '9' || num >= 100'000'000) {
        num = -1;
        break;
      }
      num = num * 10 + (ch - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    if (num < 0) {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) num = it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
      out.append(groups[num].data(), groups[num].size());
    }
  }
  out.append(tmpl);
  return out;
}

}  // namespace osprey::model
