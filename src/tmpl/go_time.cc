// Go's time.Format (time/format.go semantics), Time.String and Duration.String, plus a small
// TZif reader for tz. Calendar math uses days since 1970-01-01 in the proleptic Gregorian
// calendar (H. Hinnant's civil_from_days), valid for any int64 millisecond instant.
#include "tmpl/go_time.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace osprey::tmpl {
namespace {

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int64_t nanos;
  int weekday;  // 0 = Sunday
  int yday;     // 1..366
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil ToCivil(int64_t unix_ms, int32_t offset_s) {
  // Split first so that adding the offset cannot overflow for extreme instants.
  int64_t secs = FloorDiv(unix_ms, 1000);
  int64_t ms = unix_ms - secs * 1000;
  secs += offset_s;
  int64_t days = FloorDiv(secs, 86400);
  int64_t sod = secs - days * 86400;
  Civil c{};
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  c.nanos = ms * 1'000'000;
  c.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = c.month <= 2 ? y + 1 : y;
  static constexpr int kCum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
  c.yday = kCum[c.month - 1] + c.day + ((leap && c.month > 2) ? 1 : 0);
  return c;
}

constexpr const char* kLongMonths[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

void AppendInt(std::string* out, int64_t v, int width, char pad = '0') {
  std::string d = std::to_string(v < 0 ? -v : v);
  if (v < 0) out->push_back('-');
  if (static_cast<int>(d.size()) < width) out->append(static_cast<size_t>(width) - d.size(), pad);
  out->append(d);
}

bool StartsWithLower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }

void AppendZone(std::string* out, int32_t offset_s, bool colon, bool seconds, bool short_form) {
  int32_t z = offset_s;
  out->push_back(z < 0 ? '-' : '+');
  if (z < 0) z = -z;
  AppendInt(out, z / 3600, 2);
  if (!short_form || (seconds && z % 3600 != 0)) {
    if (colon) out->push_back(':');
    AppendInt(out, z / 60 % 60, 2);
  }
  if (seconds && z % 60 != 0) {
    if (colon) out->push_back(':');
    AppendInt(out, z % 60, 2);
  }
}

}  // namespace

std::string FormatGoTime(int64_t unix_ms, int32_t utc_offset_s, std::string_view zone,
                         std::string_view layout) {
  Civil c = ToCivil(unix_ms, utc_offset_s);
  std::string out;
  size_t i = 0;
  auto has = [&](std::string_view tok) { return layout.substr(i, tok.size()) == tok; };
  while (i < layout.size()) {
    char ch = layout[i];
    switch (ch) {
      case 'J':
        if (has("January")) {
          out += kLongMonths[c.month - 1];
          i += 7;
          continue;
        }
        if (has("Jan") && !StartsWithLower(layout.substr(i + 3))) {
          out.append(kLongMonths[c.month - 1], 3);
          i += 3;
          continue;
        }
        break;
      case 'M':
        if (has("Monday")) {
          out += kLongDays[c.weekday];
          i += 6;
          continue;
        }
        if (has("Mon") && !StartsWithLower(layout.substr(i + 3))) {
          out.append(kLongDays[c.weekday], 3);
          i += 3;
          continue;
        }
        if (has("MST")) {
          if (!zone.empty()) {
            out += zone;
          } else {
            AppendZone(&out, utc_offset_s, false, false, false);
          }
          i += 3;
          continue;
        }
        break;
      case '0':
        if (has("002")) {
          AppendInt(&out, c.yday, 3);
          i += 3;
          continue;
        }
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          switch (layout[i + 1]) {
            case '1':
              AppendInt(&out, c.month, 2);
              break;
            case '2':
              AppendInt(&out, c.day, 2);
              break;
            case '3':
              AppendInt(&out, c.hour % 12 == 0 ? 12 : c.hour % 12, 2);
              break;
            case '4':
              AppendInt(&out, c.minute, 2);
              break;
            case '5':
              AppendInt(&out, c.second, 2);
              break;
            case '6':
              AppendInt(&out, ((c.year % 100) + 100) % 100, 2);
              break;
          }
          i += 2;
          continue;
        }
        break;
      case '1':
        if (has("15")) {
          AppendInt(&out, c.hour, 2);
          i += 2;
        } else {
          AppendInt(&out, c.month, 0);
          i += 1;
        }
        continue;
      case '2':
        if (has("2006")) {
          AppendInt(&out, c.year, 4);
          i += 4;
        } else {
          AppendInt(&out, c.day, 0);
          i += 1;
        }
        continue;
      case '_':
        if (has("_2006")) {
          out += '_';
          i += 1;
          continue;
        }
        if (has("__2")) {
          AppendInt(&out, c.yday, 3, ' ');
          i += 3;
          continue;
        }
        if (has("_2")) {
          AppendInt(&out, c.day, 2, ' ');
          i += 2;
          continue;
        }
        break;
      case '3':
        AppendInt(&out, c.hour % 12 == 0 ? 12 : c.hour % 12, 0);
        i += 1;
        continue;
      case '4':
        AppendInt(&out, c.minute, 0);
        i += 1;
        continue;
      case '5':
        AppendInt(&out, c.second, 0);
        i += 1;
        continue;
      case 'P':
        if (has("PM")) {
          out += c.hour >= 12 ? "PM" : "AM";
          i += 2;
          continue;
        }
        break;
      case 'p':
        if (has("pm")) {
          out += c.hour >= 12 ? "pm" : "am";
          i += 2;
          continue;
        }
        break;
      case '-':
      case 'Z': {
        std::string_view rest = layout.substr(i + 1);
        struct Form {
          std::string_view tok;
          bool colon, seconds, short_form;
        };
        static constexpr Form kForms[] = {{"07:00:00", true, true, false},
                                          {"070000", false, true, false},
                                          {"07:00", true, false, false},
                                          {"0700", false, false, false},
                                          {"07", false, false, true}};
        bool done = false;
        for (const Form& f : kForms) {
          if (rest.substr(0, f.tok.size()) == f.tok) {
            if (ch == 'Z' && utc_offset_s == 0) {
              out += 'Z';
            } else {
              AppendZone(&out, utc_offset_s, f.colon, f.seconds, f.short_form);
            }
            i += 1 + f.tok.size();
            done = true;
            break;
          }
        }
        if (done) continue;
        break;
      }
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char d = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == d) ++j;
          if (j >= layout.size() || layout[j] < '0' || layout[j] > '9') {
            size_t n = std::min<size_t>(j - i - 1, 9);
            char buf[16];
            std::snprintf(buf, sizeof(buf), "%09lld", static_cast<long long>(c.nanos));
            std::string frac(buf, n);
            if (d == '9') {
              while (!frac.empty() && frac.back() == '0') frac.pop_back();
              if (!frac.empty()) out.append(1, ch).append(frac);
            } else {
              out.append(1, ch).append(frac);
            }
            i = j;
            continue;
          }
        }
        break;
      default:
        break;
    }
    out.push_back(ch);
    ++i;
  }
  return out;
}

std::string GoTimeString(int64_t unix_ms, int32_t utc_offset_s, std::string_view zone) {
  return FormatGoTime(unix_ms, utc_offset_s, zone, "2006-01-02 15:04:05.999999999 -0700 MST");
}

std::string GoDurationString(int64_t ns) {
  if (ns == 0) return "0s";
  bool neg = ns < 0;
  uint64_t u = neg ? ~static_cast<uint64_t>(ns) + 1 : static_cast<uint64_t>(ns);
  std::string out;
  auto frac = [](uint64_t v, int digits) {
    // v has `digits` fractional digits; returns ".ddd" without trailing zeros, or "".
    std::string f;
    for (int k = 0; k < digits; ++k) {
      f.insert(f.begin(), static_cast<char>('0' + v % 10));
      v /= 10;
    }
    while (!f.empty() && f.back() == '0') f.pop_back();
    return f.empty() ? f : std::string(".") + f;
  };
  if (u < 1'000'000'000ULL) {
    if (u < 1000) {
      out = std::to_string(u) + "ns";
    } else if (u < 1'000'000) {
      out = std::to_string(u / 1000) + frac(u % 1000, 3) + "\u00b5s";
    } else {
      out = std::to_string(u / 1'000'000) + frac(u % 1'000'000, 6) + "ms";
    }
  } else {
    uint64_t secs = u / 1'000'000'000ULL;
    std::string s = std::to_string(secs % 60) + frac(u % 1'000'000'000ULL, 9) + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      s = std::to_string(mins % 60) + "m" + s;
      uint64_t hours = mins / 60;
      if (hours > 0) s = std::to_string(hours) + "h" + s;
    }
    out = s;
  }
  return neg ? std::string("-") + out : out;
}

namespace {

struct TzifData {
  std::vector<int64_t> times;
  std::vector<uint8_t> idx;
  std::vector<ZoneAt> types;
  std::vector<bool> is_dst;
};

uint64_t ReadBE(const std::string& b, size_t pos, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k)
    v = (v << 8) | static_cast<unsigned char>(b[pos + static_cast<size_t>(k)]);
  return v;
}

bool ParseTzif(const std::string& b, TzifData* out) {
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) return false;
  size_t pos = 0;
  int time_size = 4;
  for (int pass = 0; pass < 2; ++pass) {
    if (b.size() < pos + 44 || b.compare(pos, 4, "TZif") != 0) return false;
    char version = b[pos + 4];
    uint64_t isut = ReadBE(b, pos + 20, 4), isstd = ReadBE(b, pos + 24, 4),
             leap = ReadBE(b, pos + 28, 4), timecnt = ReadBE(b, pos + 32, 4),
             typecnt = ReadBE(b, pos + 36, 4), charcnt = ReadBE(b, pos + 40, 4);
    if (timecnt > 100000 || typecnt > 256 || charcnt > 4096 || leap > 10000 || isut > 256 ||
        isstd > 256 || typecnt == 0) {
      return false;
    }
    pos += 44;
    size_t need = timecnt * static_cast<uint64_t>(time_size) + timecnt + typecnt * 6 + charcnt +
                  leap * static_cast<uint64_t>(time_size + 4) + isstd + isut;
    if (b.size() < pos + need) return false;
    if (pass == 0 && version >= '2') {
      pos += need;
      time_size = 8;
      continue;
    }
    out->times.clear();
    for (uint64_t k = 0; k < timecnt; ++k) {
      uint64_t raw = ReadBE(b, pos + k * static_cast<uint64_t>(time_size), time_size);
      out->times.push_back(time_size == 4 ? static_cast<int32_t>(raw) : static_cast<int64_t>(raw));
    }
    pos += timecnt * static_cast<uint64_t>(time_size);
    for (uint64_t k = 0; k < timecnt; ++k) {
      uint8_t t = static_cast<uint8_t>(b[pos + k]);
      if (t >= typecnt) return false;
      out->idx.push_back(t);
    }
    pos += timecnt;
    size_t types_pos = pos;
    size_t chars_pos = pos + typecnt * 6;
    std::string chars = b.substr(chars_pos, charcnt);
    for (uint64_t k = 0; k < typecnt; ++k) {
      size_t p = types_pos + k * 6;
      ZoneAt z;
      z.utc_offset_s = static_cast<int32_t>(ReadBE(b, p, 4));
      out->is_dst.push_back(b[p + 4] != 0);
      size_t ai = static_cast<unsigned char>(b[p + 5]);
      if (ai < chars.size()) z.abbrev = std::string(chars.c_str() + ai);
      out->types.push_back(std::move(z));
    }
    return true;
  }
  return false;
}

}  // namespace

Result<ZoneAt> LookupZone(std::string_view name, int64_t unix_ms) {
  if (name.empty() || name == "UTC") return ZoneAt{0, "UTC"};
  std::string path;
  if (name == "Local") {
    path = "/etc/localtime";
  } else {
    bool ok = name.size() < 256 && name.front() != '/' && name.find("..") == std::string_view::npos;
    for (char c : name) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
                  c == '+');
    }
    if (!ok) return InvalidArgumentError(std::string("unknown time zone ").append(name));
    path = std::string("/usr/share/zoneinfo/").append(name);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (name == "Local") return ZoneAt{0, "UTC"};
    return InvalidArgumentError(std::string("unknown time zone ").append(name));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  TzifData tz;
  if (!ParseTzif(ss.str(), &tz)) {
    return InvalidArgumentError(std::string("unknown time zone ").append(name));
  }
  int64_t secs = FloorDiv(unix_ms, 1000);
  auto it = std::upper_bound(tz.times.begin(), tz.times.end(), secs);
  if (it == tz.times.begin()) {
    // Before the first transition: the first standard-time type, as Go's lookupFirstZone.
    for (size_t k = 0; k < tz.types.size(); ++k) {
      if (!tz.is_dst[k]) return tz.types[k];
    }
    return tz.types[0];
  }
  // After the last transition the last type stays in force (the TZif footer's recurring
  // rule is not applied; fat tz databases list transitions up to 2037).
  return tz.types[tz.idx[static_cast<size_t>(it - tz.times.begin()) - 1]];
}

}  // namespace osprey::tmpl
