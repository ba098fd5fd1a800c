// Text helpers shared by every module: UTF-8 validation, JSON string escaping and Go-style
// quoting. Pure functions on bytes; thread-safe.
//
//   std::string json = R"({"msg":")";
//   AppendJsonEscaped(json, "a\"b\n");  // json == R"({"msg":"a\"b\n)"
//   std::string go;
//   AppendGoQuoted(go, "x\ty");          // go == R"("x\ty")"
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace osprey {

// The length (1 to 4) of the valid UTF-8 sequence starting at s[i], or 0 when s[i] does not start
// one: a stray continuation byte, a truncated sequence, an overlong form, a surrogate or a code
// point past U+10FFFF. Requires: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// True when all of `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

// Appends `s` with each byte that is not part of valid UTF-8 replaced by U+FFFD.
void AppendValidUtf8(std::string& out, std::string_view s);
// One step of AppendValidUtf8: appends the valid UTF-8 sequence starting at s[i], or U+FFFD when
// none does, and returns how many bytes of `s` that used (at least 1). Requires: i < s.size().
size_t AppendUtf8SequenceOrReplacement(std::string& out, std::string_view s, size_t i);

// `parts` with `separator` between each two: StrJoin({"a", "b"}, ", ") == "a, b".
std::string StrJoin(std::span<const std::string> parts, std::string_view separator);

// `text` with every occurrence of `from` replaced by `to`, left to right, without rescanning
// what was inserted. An empty `from` replaces nothing.
std::string StrReplaceAll(std::string_view text, std::string_view from, std::string_view to);

// "2026-11-21T14:46:10.123Z" for milliseconds since the Unix epoch (UTC). Requires: ms >= 0.
std::string FormatRfc3339Millis(int64_t ms);

// Appends `s` escaped for the inside of a JSON string literal (no quotes added): `"` and `\`
// are backslash-escaped, \b \f \n \r \t get their short forms, other control characters become
// \u00XX, valid UTF-8 is copied and each byte that is not part of valid UTF-8 becomes U+FFFD, so
// the result is always valid JSON.
void AppendJsonEscaped(std::string& out, std::string_view s);

// Which characters AppendGoQuoted escapes besides `"`, `\`, newline, carriage return and tab.
enum class GoQuoteEscapes {
  // Nothing else: every other byte is copied. How Labels::ToString prints label values.
  kBasic,
  // Also the other control characters and DEL as \xNN and, when `s` is not valid UTF-8, every
  // byte >= 0x80 as \xNN, as Go's %q does, so that odd input stays readable in one-line messages.
  kReadable,
};

// Appends `s` in double quotes with Go's backslash escapes (\" \\ \n \r \t, and \xNN for the
// bytes `escapes` selects).
void AppendGoQuoted(std::string& out, std::string_view s,
                    GoQuoteEscapes escapes = GoQuoteEscapes::kBasic);

// Go's url.QueryEscape: unreserved bytes (A-Z a-z 0-9 - _ . ~) as they are, space as "+",
// every other byte as %XX (upper-case hex). For query strings and form bodies.
void AppendQueryEscaped(std::string& out, std::string_view s);
std::string QueryEscape(std::string_view s);
// An application/x-www-form-urlencoded body (Go's url.Values.Encode): "a=1&b=x+y", keys in
// the map's (sorted) order, each key and value QueryEscape'd.
std::string FormEncode(const std::map<std::string, std::string>& params);

}  // namespace osprey
