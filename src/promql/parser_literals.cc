// Number, duration and string literals, converted the way Prometheus converts them
// (Go's strconv.ParseInt/ParseFloat, model.ParseDuration, strconv.Unquote).
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "model/duration.h"
#include "model/selector.h"
#include "promql/go_quote.h"
#include "promql/internal/parser_impl.h"

namespace osprey::promql::internal {

Result<double> Parser::ParseNumber(const Token& t) {
  std::string s;
  for (char c : t.text) {
    if (c != '_') s += c;
  }
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf") return HUGE_VAL;
  if (lower == "nan") return std::nan("");
  // Go's strconv.ParseInt(s, 0, 64) first: 0x hex, leading-zero octal, decimal.
  int base = 10;
  std::string digits = s;
  if (lower.size() > 2 && lower[0] == '0' && lower[1] == 'x') {
    base = 16;
    digits = s.substr(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    digits = s.substr(1);
  }
  bool all_digits = !digits.empty();
  for (char c : digits) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (base == 16 && std::isxdigit(static_cast<unsigned char>(c)))
                ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                : 99;
    if (d >= base) all_digits = false;
  }
  if (all_digits) {
    errno = 0;
    unsigned long long v = std::strtoull(digits.c_str(), nullptr, base);
    if (errno == 0 && v <= static_cast<unsigned long long>(INT64_MAX)) {
      return static_cast<double>(static_cast<int64_t>(v));
    }
  }
  // Then strconv.ParseFloat, which has no hex integers without a 'p' exponent.
  std::string go_error = "strconv.ParseFloat: parsing " + GoQuote(t.text);
  if (base == 16) return Error(t.pos, "error parsing number: " + go_error + ": invalid syntax");
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    return Error(t.pos, "error parsing number: " + go_error + ": invalid syntax");
  }
  if (errno == ERANGE && std::isinf(v)) {
    return Error(t.pos, "error parsing number: " + go_error + ": value out of range");
  }
  return v;
}

Result<std::unique_ptr<NumberLiteral>> Parser::ParseNumberLiteral() {
  Token t = Consume();
  auto lit = std::make_unique<NumberLiteral>();
  lit->pos = {t.pos, t.end()};
  if (t.kind == TokenKind::kDuration) {
    OSPREY_RETURN_IF_ERROR(CheckDurationUnits(t));
    Result<model::Duration> d = model::ParseDuration(t.text);
    if (!d.ok()) return Error(t.pos, d.status().message());
    lit->value = static_cast<double>(d->ms) / 1000.0;
    lit->is_duration = true;
  } else {
    OSPREY_ASSIGN_OR_RETURN(lit->value, ParseNumber(t));
  }
  return lit;
}

Status Parser::CheckDurationUnits(const Token& t) const {
  std::string_view s = t.text;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view unit = s.substr(start, i - start);
    if (unit.empty()) break;
    if (unit != "y" && unit != "w" && unit != "d" && unit != "h" && unit != "m" && unit != "s" &&
        unit != "ms") {
      return Error(t.pos, "unknown unit " + GoQuote(unit) + " in duration " + GoQuote(s));
    }
  }
  return OkStatus();
}

Result<std::string> Parser::Unquote(const Token& t) {
  Result<std::string> s = model::UnquotePromQLString(t.text);
  if (!s.ok()) {
    return Error(t.pos, "error unquoting string " + GoQuote(t.text) + ": " + s.status().message());
  }
  return s;
}

}  // namespace osprey::promql::internal
