// Go-compatible text, so that messages and printed queries match Prometheus byte for
// byte: strconv.Quote for strings, strconv.QuoteRune / %#U for single characters, and
// regexp/syntax's wording of regex errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osprey::promql {

// Decodes one UTF-8 rune at `s[pos]`. Returns the code point and sets *width (>= 1 when
// pos < s.size()). Invalid or truncated sequences give 0xFFFD with width 1, as Go does.
// At the end of `s` returns -1 with width 0.
int32_t DecodeRune(std::string_view s, size_t pos, int* width);

// strconv.Quote: "a\"b\n" with \xNN for invalid bytes and \u/\U for unprintable runes.
std::string GoQuote(std::string_view s);
// strconv.QuoteRune: 'a', '\n', '\x00'; -1 (end of input) prints as the replacement char.
std::string GoQuoteRune(int32_t r);
// fmt's %#U: U+0063 'c' (the quoted char is omitted when unprintable).
std::string GoUnicodeFormat(int32_t r);

// Rewrites model::Matcher's regex error (RE2's wording, about the anchored pattern) the
// way Go's regexp/syntax words it, as Prometheus reports it:
//   error parsing regexp: missing closing ): `(a`
// Returns `message` unchanged when it is not a regex error for that label and pattern.
std::string GoRegexpError(std::string_view message, std::string_view label,
                          std::string_view pattern);

}  // namespace osprey::promql
