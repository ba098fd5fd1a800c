// Go's fmt package, as far as templates need it: %v printing of tmpl::Value, Sprint,
// Sprintln and Sprintf with the common verbs, flags and widths.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tmpl/template.h"

namespace osprey::tmpl::internal {

// fmt's %v for float64 (strconv.FormatFloat(v, 'g', -1, 64)): shortest round-trip digits,
// exponent form when the decimal exponent is < -4 or >= 6: 3 -> "3", 0.1 -> "0.1",
// 100000 -> "100000", 1e6 -> "1e+06", 1e21 -> "1e+21"; "+Inf", "-Inf", "NaN".
std::string FormatFloatV(double v);
// The Go type name used in "%!d(string=x)": int, float64, string, bool, []interface {}, ...
std::string GoTypeName(const Value& v);
// strconv.Quote.
std::string GoQuote(std::string_view s);
// fmt.Sprint / fmt.Sprintln / fmt.Sprintf.
std::string Sprint(std::span<const Value> args);
std::string Sprintln(std::span<const Value> args);
std::string Sprintf(std::string_view format, std::span<const Value> args);
// Number of UTF-8 code points in s (Go widths count runes).
size_t RuneCount(std::string_view s);
// Appends the UTF-8 encoding of rune r (invalid runes become U+FFFD).
void AppendRune(std::string* out, int64_t r);

}  // namespace osprey::tmpl::internal
