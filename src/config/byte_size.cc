#include "config/byte_size.h"

#include <array>
#include <cstdint>
#include <string>

#include "config/internal/validate.h"

namespace osprey::config {
namespace {

constexpr std::array<std::string_view, 6> kPrefixes = {"K", "M", "G", "T", "P", "E"};

// The multiplier for `unit` with the given suffix ("B" for KB, "iB" for KiB), or 0.
uint64_t UnitScale(std::string_view unit, std::string_view suffix) {
  if (unit == "B") return 1;
  uint64_t scale = 1;
  for (std::string_view prefix : kPrefixes) {
    scale *= 1024;
    if (unit.size() == prefix.size() + suffix.size() && unit.starts_with(prefix) &&
        unit.ends_with(suffix)) {
      return scale;
    }
  }
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr uint64_t kLimit = uint64_t{1} << 63;  // Sizes must stay below this.

enum class Outcome { kOk, kSyntax, kRange };

// Parses with one unit family. Integer parts are exact; a fraction adds floor(fraction * unit).
Outcome ParseWithUnits(std::string_view s, std::string_view suffix, uint64_t* total) {
  uint64_t sum = 0;
  bool overflow = false;
  while (!s.empty()) {
    uint64_t whole = 0;
    bool whole_overflow = false;
    bool any_digit = false;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      any_digit = true;
      if (whole > (kLimit - static_cast<uint64_t>(s[i] - '0')) / 10) whole_overflow = true;
      if (!whole_overflow) whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    double fraction = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      double place = 1;
      for (; i < s.size() && IsDigit(s[i]); ++i) {
        place /= 10;
        fraction += (s[i] - '0') * place;
        any_digit = true;
      }
    }
    if (!any_digit) return Outcome::kSyntax;
    size_t unit_end = i;
    while (unit_end < s.size() && !IsDigit(s[unit_end]) && s[unit_end] != '.') ++unit_end;
    const uint64_t scale = UnitScale(s.substr(i, unit_end - i), suffix);
    if (scale == 0) return Outcome::kSyntax;
    s.remove_prefix(unit_end);
    if (whole_overflow || whole > kLimit / scale) {
      overflow = true;
      continue;
    }
    const uint64_t part =
        whole * scale + static_cast<uint64_t>(fraction * static_cast<double>(scale));
    if (part >= kLimit - sum) {
      overflow = true;
      continue;
    }
    sum += part;
  }
  if (overflow) return Outcome::kRange;
  *total = sum;
  return Outcome::kOk;
}

}  // namespace

Result<int64_t> ParseByteSize(std::string_view s) {
  if (s == "0") return int64_t{0};
  uint64_t total = 0;
  Outcome outcome = Outcome::kSyntax;
  if (!s.empty()) {
    outcome = ParseWithUnits(s, "iB", &total);
    if (outcome == Outcome::kSyntax) outcome = ParseWithUnits(s, "B", &total);
  }
  if (outcome == Outcome::kSyntax)
    return InvalidArgumentError("not a valid size string: " + internal::Quote(s));
  if (outcome == Outcome::kRange) {
    return InvalidArgumentError("size out of range");
  }
  return static_cast<int64_t>(total);
}

std::string FormatByteSize(int64_t bytes) {
  if (bytes <= 0) return std::to_string(bytes) + "B";
  std::string out;
  // Remainders from the smallest unit up, prepended so the largest comes first.
  uint64_t n = static_cast<uint64_t>(bytes);
  for (size_t i = 0; n > 0; ++i) {
    const uint64_t part = n % 1024;
    n /= 1024;
    if (part == 0) continue;
    std::string piece = std::to_string(part);
    if (i == 0) {
      piece += "B";
    } else {
      piece += kPrefixes[i - 1];
      piece += "iB";
    }
    out.insert(0, piece);
  }
  return out;
}

}  // namespace osprey::config
