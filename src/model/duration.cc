#include "model/duration.h"

#include <array>
#include <cstdint>
#include <string>

namespace osprey::model {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kYear = 365 * kDay;

// Largest first: the order in which units must appear.
constexpr std::array<Unit, 7> kUnits = {{
    {"y", kYear},
    {"w", kWeek},
    {"d", kDay},
    {"h", kHour},
    {"m", kMinute},
    {"s", kSecond},
    {"ms", 1},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status NotValid(std::string_view s) {
  std::string m = "not a valid duration string: \"";
  m += s;
  m += '"';
  return InvalidArgumentError(std::move(m));
}

}  // namespace

Result<Duration> ParseDuration(std::string_view s) {
  if (s.empty()) return InvalidArgumentError("empty duration string");
  if (s == "0") return Duration{0};

  std::string_view rest = s;
  size_t next_unit = 0;  // Index in kUnits of the smallest-allowed-so-far unit.
  int64_t total = 0;
  bool out_of_range = false;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
    if (digits == 0) return NotValid(s);
    size_t letters = digits;
    while (letters < rest.size() && !IsDigit(rest[letters])) ++letters;
    std::string_view number = rest.substr(0, digits);
    std::string_view unit_name = rest.substr(digits, letters - digits);
    rest.remove_prefix(letters);

    size_t u = next_unit;
    while (u < kUnits.size() && kUnits[u].name != unit_name) ++u;
    if (u == kUnits.size()) return NotValid(s);  // Unknown unit, or out of order, or repeated.
    next_unit = u + 1;

    // Accumulate in a saturating way: keep checking syntax after an overflow so that a
    // malformed string reports the syntax error, as Prometheus's regex-first parser does.
    int64_t value = 0;
    for (char c : number) {
      if (value > (kMaxDurationMillis - (c - '0')) / 10) {
        out_of_range = true;
        break;
      }
      value = value * 10 + (c - '0');
    }
    if (out_of_range) continue;
    if (value > (kMaxDurationMillis - total) / kUnits[u].ms) {
      out_of_range = true;
      continue;
    }
    total += value * kUnits[u].ms;
  }
  if (out_of_range) return InvalidArgumentError("duration out of range");
  return Duration{total};
}

std::string FormatDuration(Duration d) {
  if (d.ms == 0) return "0s";
  std::string out;
  uint64_t ms = static_cast<uint64_t>(d.ms);
  if (d.ms < 0) {
    out += '-';
    ms = ~ms + 1;  // Magnitude, well defined even for INT64_MIN.
  }
  for (size_t i = 0; i < kUnits.size(); ++i) {
    const uint64_t mult = static_cast<uint64_t>(kUnits[i].ms);
    // Years and weeks only when exact: "90d" reads better than "12w6d".
    const bool exact_only = i < 2;
    if (exact_only && ms % mult != 0) continue;
    const uint64_t v = ms / mult;
    if (v == 0) continue;
    out += std::to_string(v);
    out += kUnits[i].name;
    ms -= v * mult;
  }
  return out;
}

}  // namespace osprey::model
