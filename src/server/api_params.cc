#include "server/api_params.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>

#include "model/selector.h"

namespace osprey::server {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)
bool ParseRfc3339(std::string_view s, model::Timestamp* out) {
  int year, mon, day, hour, min, sec;
  if (!ParseDigits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !ParseDigits(s, 5, 2, &mon) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !ParseDigits(s, 11, 2, &hour) || s[13] != ':' || !ParseDigits(s, 14, 2, &min) ||
      s[16] != ':' || !ParseDigits(s, 17, 2, &sec)) {
    return false;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ParseDigits(s, pos + 4, 2, &om)) {
      return false;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size() || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
      sec > 60) {
    return false;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  int64_t secs = timegm(&tm) - offset_s;
  *out = secs * 1000 + millis;
  return true;
}

}  // namespace

Result<model::Timestamp> ParseTime(std::string_view text) {
  // Unix seconds, possibly fractional.
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(v)) {
    // Round to milliseconds as Prometheus does (float seconds to ms).
    double ms = std::round(v * 1000.0);
    if (ms >= static_cast<double>(kApiMinTime) * 1.0 && ms <= static_cast<double>(kApiMaxTime)) {
      return static_cast<model::Timestamp>(ms);
    }
  }
  model::Timestamp t;
  if (ParseRfc3339(text, &t)) return t;
  return InvalidArgumentError("cannot parse \"" + std::string(text) + "\" to a valid timestamp");
}

Result<model::Timestamp> ParseTimeParam(const http::Request& req, std::string_view name,
                                        model::Timestamp fallback) {
  std::optional<std::string_view> v = req.Param(name);
  if (!v || v->empty()) return fallback;
  Result<model::Timestamp> t = ParseTime(*v);
  if (!t.ok()) {
    return InvalidArgumentError("invalid parameter \"" + std::string(name) +
                                "\": " + t.status().message());
  }
  return t;
}

Result<std::vector<std::vector<model::Matcher>>> ParseMatchParams(const http::Request& req) {
  std::vector<std::vector<model::Matcher>> out;
  for (std::string_view m : req.Params("match[]")) {
    Result<std::vector<model::Matcher>> ms = model::ParseSeriesSelector(m);
    if (!ms.ok()) {
      return InvalidArgumentError("invalid parameter \"match[]\": " + ms.status().message());
    }
    out.push_back(std::move(ms).value());
  }
  return out;
}

}  // namespace osprey::server
