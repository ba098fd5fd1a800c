// Methods of time and duration values: what Go's time.Time and time.Duration offer to
// templates (.Format, .Unix, .UTC, .Add, .Year, ...; .String, .Seconds, ...).
#include "tmpl/internal/time_methods.h"

#include <cstdint>
#include <string>
#include <utility>

#include "tmpl/go_time.h"
#include "tmpl/internal/go_fmt.h"

namespace osprey::tmpl::internal {
namespace {

// Saturating arithmetic: times and durations from user data must not overflow (UB).
int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? INT64_MAX : INT64_MIN;
}
int64_t SatMul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!__builtin_mul_overflow(a, b, &r)) return r;
  return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
}

// Built-in methods of time values, used when no FuncMap method of the same name exists.
}  // namespace

std::optional<Result<Value>> TimeMethod(const Value& t, std::string_view name,
                                        std::span<const Value> args) {
  int64_t ms = t.AsTimeMs();
  auto want = [&](size_t n) -> std::optional<Result<Value>> {
    if (args.size() == n) return std::nullopt;
    return Result<Value>(InvalidArgumentError(
        std::string("wrong number of args for ") + std::string(name) + std::string(": want ") +
        std::to_string(n) + " got " + std::to_string(args.size())));
  };
  if (name == "Format") {
    if (auto e = want(1)) return e;
    if (args[0].kind() != Value::Kind::kString) {
      return Result<Value>(InvalidArgumentError(
          std::string("wrong type for value; expected string; got ") + GoTypeName(args[0])));
    }
    return Result<Value>(
        Value(FormatGoTime(ms, t.TimeOffsetSeconds(), t.TimeZone(), args[0].AsString())));
  }
  if (name == "Unix" || name == "UnixMilli" || name == "UnixNano") {
    if (auto e = want(0)) return e;
    int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    if (name == "Unix") return Result<Value>(Value(secs));
    if (name == "UnixMilli") return Result<Value>(Value(ms));
    return Result<Value>(Value(SatMul(ms, 1'000'000)));
  }
  if (name == "UTC") {
    if (auto e = want(0)) return e;
    return Result<Value>(Value::Time(ms));
  }
  if (name == "String") {
    if (auto e = want(0)) return e;
    return Result<Value>(Value(GoTimeString(ms, t.TimeOffsetSeconds(), t.TimeZone())));
  }
  if (name == "Year" || name == "Month" || name == "Day" || name == "Hour" || name == "Minute" ||
      name == "Second" || name == "YearDay") {
    if (auto e = want(0)) return e;
    static constexpr std::pair<std::string_view, std::string_view> kLayouts[] = {
        {"Year", "2006"}, {"Month", "1"},  {"Day", "2"},      {"Hour", "15"},
        {"Minute", "4"},  {"Second", "5"}, {"YearDay", "002"}};
    for (const auto& [n, layout] : kLayouts) {
      if (n == name) {
        std::string s = FormatGoTime(ms, t.TimeOffsetSeconds(), t.TimeZone(), layout);
        return Result<Value>(Value(static_cast<int64_t>(std::stoll(s))));
      }
    }
  }
  if (name == "Add") {
    if (auto e = want(1)) return e;
    if (args[0].kind() != Value::Kind::kInt) {
      return Result<Value>(InvalidArgumentError(
          std::string("wrong type for value; expected time.Duration; got ") + GoTypeName(args[0])));
    }
    return Result<Value>(Value::TimeIn(SatAdd(ms, args[0].AsInt() / 1'000'000),
                                       t.TimeOffsetSeconds(), t.TimeZone()));
  }
  return std::nullopt;
}

std::optional<Result<Value>> DurationMethod(const Value& d, std::string_view name,
                                            std::span<const Value> args) {
  if (!args.empty()) return std::nullopt;
  int64_t ns = d.AsInt();
  if (name == "String") return Result<Value>(Value(GoDurationString(ns)));
  if (name == "Seconds") return Result<Value>(Value(static_cast<double>(ns) / 1e9));
  if (name == "Minutes") return Result<Value>(Value(static_cast<double>(ns) / 6e10));
  if (name == "Hours") return Result<Value>(Value(static_cast<double>(ns) / 3.6e12));
  if (name == "Milliseconds") return Result<Value>(Value(ns / 1'000'000));
  return std::nullopt;
}

}  // namespace osprey::tmpl::internal
