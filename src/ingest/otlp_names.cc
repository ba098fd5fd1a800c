#include "ingest/otlp_names.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "base/strings.h"

namespace osprey::ingest {
namespace {

struct UnitName {
  std::string_view otel;
  std::string_view prometheus;
};

// otlptranslator's unitMap and perUnitMap.
constexpr UnitName kUnits[] = {
    {"d", "days"},
    {"h", "hours"},
    {"min", "minutes"},
    {"s", "seconds"},
    {"ms", "milliseconds"},
    {"us", "microseconds"},
    {"ns", "nanoseconds"},
    {"By", "bytes"},
    {"KiBy", "kibibytes"},
    {"MiBy", "mebibytes"},
    {"GiBy", "gibibytes"},
    {"TiBy", "tibibytes"},
    {"KBy", "kilobytes"},
    {"MBy", "megabytes"},
    {"GBy", "gigabytes"},
    {"TBy", "terabytes"},
    {"m", "meters"},
    {"V", "volts"},
    {"A", "amperes"},
    {"J", "joules"},
    {"W", "watts"},
    {"g", "grams"},
    {"Cel", "celsius"},
    {"Hz", "hertz"},
    {"1", ""},
    {"%", "percent"},
};
constexpr UnitName kPerUnits[] = {
    {"s", "second"}, {"m", "minute"}, {"h", "hour"}, {"d", "day"},
    {"w", "week"},   {"mo", "month"}, {"y", "year"},
};

template <size_t N>
std::string_view Lookup(const UnitName (&table)[N], std::string_view unit) {
  for (const UnitName& u : table) {
    if (u.otel == unit) return u.prometheus;
  }
  return unit;
}

bool IsMetricChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':';
}
bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// `s` = `prefix` + `s`. (std::string::insert at 0 trips g++ 12's false -Wrestrict.)
void Prepend(std::string& s, std::string_view prefix) {
  std::string out;
  out.reserve(prefix.size() + s.size());
  out.append(prefix);
  out.append(s);
  s.swap(out);
}

bool OnlyUnderscores(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '_'; });
}

// Go's buildUnitSuffixes: the main unit and the "per_" unit, before clean-up.
void UnitSuffixes(std::string_view unit, std::string* main, std::string* per) {
  main->clear();
  per->clear();
  const size_t slash = unit.find('/');
  const std::string_view main_otel = TrimSpace(unit.substr(0, slash));
  if (!main_otel.empty() && main_otel.find_first_of("{}") == std::string_view::npos) {
    *main = Lookup(kUnits, main_otel);
  }
  if (slash != std::string_view::npos && slash + 1 < unit.size()) {
    const std::string_view per_otel = TrimSpace(unit.substr(slash + 1));
    if (!per_otel.empty() && per_otel.find_first_of("{}") == std::string_view::npos) {
      *per = Lookup(kPerUnits, per_otel);
    }
    if (!per->empty()) Prepend(*per, "per_");
  }
}

// Invalid characters to "_", runs of "_" collapsed, a leading "_" dropped. Byte-wise equals
// Go's rune-wise version: a multi-byte rune maps to one "_" there and to a run of "_" here,
// which the collapsing merges.
std::string CleanUpUnit(std::string_view unit) {
  std::string out;
  for (char c : unit) {
    const char m = IsMetricChar(c) ? c : '_';
    if (m == '_' && (out.empty() ? false : out.back() == '_')) continue;
    out += m;
  }
  if (!out.empty() && out.front() == '_') out = out.substr(1);
  return out;
}

void RemoveToken(std::vector<std::string_view>& tokens, std::string_view token) {
  tokens.erase(std::remove(tokens.begin(), tokens.end(), token), tokens.end());
}

bool Contains(const std::vector<std::string_view>& tokens, std::string_view token) {
  return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

}  // namespace

Result<std::string> OtlpMetricName(std::string_view name, std::string_view unit,
                                   OtlpNameType type) {
  std::vector<std::string_view> tokens;
  for (size_t i = 0; i < name.size();) {
    if (!IsMetricChar(name[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < name.size() && IsMetricChar(name[j])) ++j;
    tokens.push_back(name.substr(i, j - i));
    i = j;
  }

  std::string main_raw, per_raw;
  UnitSuffixes(unit, &main_raw, &per_raw);
  std::string main = CleanUpUnit(main_raw);
  std::string per = CleanUpUnit(per_raw);
  if (Contains(tokens, main)) main.clear();
  if (per == "per_") {
    per.clear();
  } else {
    if (!per.empty() && per.back() == '_') per.pop_back();
    if (Contains(tokens, per)) per.clear();
  }
  if (!per.empty() && !main.empty() && main.back() == '_') main.pop_back();
  if (!main.empty()) tokens.push_back(main);
  if (!per.empty()) tokens.push_back(per);

  if (type == OtlpNameType::kMonotonicCounter) {
    RemoveToken(tokens, "total");
    tokens.push_back("total");
  }
  if (unit == "1" && type == OtlpNameType::kGauge) {
    RemoveToken(tokens, "ratio");
    tokens.push_back("ratio");
  }

  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += '_';
    out += tokens[i];
  }
  if (!out.empty() && IsDigit(out[0])) Prepend(out, "_");

  if (out.empty() || (out != name && OnlyUnderscores(out))) {
    std::string msg = "normalization for metric ";
    AppendGoQuoted(msg, name, GoQuoteEscapes::kReadable);
    msg += out.empty() ? " resulted in an empty name" : " resulted in an invalid name";
    return InvalidArgumentError(std::move(msg));
  }
  return out;
}

Result<std::string> OtlpLabelName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("label name is empty");
  // Fast path: already a valid name that needs no prefix.
  bool fast = !IsDigit(name[0]) && !(name[0] == '_' && (name.size() < 2 || name[1] != '_'));
  bool non_underscore = false;
  for (size_t i = 0; fast && i < name.size(); ++i) {
    if (name[i] == '_') continue;
    if (!IsLabelChar(name[i])) fast = false;
    non_underscore = true;
  }
  if (fast && non_underscore) return std::string(name);

  std::string out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size();) {
    if (IsLabelChar(name[i])) {
      out += name[i++];
      continue;
    }
    // One "_" per UTF-8 sequence (a rune in Go) or per invalid byte (a RuneError).
    const size_t len = static_cast<unsigned char>(name[i]) < 0x80 ? 1 : Utf8SequenceLength(name, i);
    out += '_';
    i += len == 0 ? 1 : len;
  }
  if (IsDigit(out[0])) {
    Prepend(out, "key_");
  } else if (out[0] == '_' && (out.size() < 2 || out[1] != '_')) {
    Prepend(out, "key");
  }
  if (OnlyUnderscores(out)) {
    std::string msg = "normalization for label name ";
    AppendGoQuoted(msg, name, GoQuoteEscapes::kReadable);
    msg += " resulted in invalid name \"";
    msg += out;
    msg += '"';
    return InvalidArgumentError(std::move(msg));
  }
  return out;
}

std::string FormatOtlpFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];  // the longest fixed form of a double is about 330 characters
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

}  // namespace osprey::ingest
