#include "config/time_zone.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "config/config.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

constexpr int64_t kDay = 86400;

// Reads big-endian integers out of a byte string, remembering whether it ran past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  std::string_view Take(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t Uint(size_t n) {
    uint64_t v = 0;
    for (unsigned char c : Take(n)) v = (v << 8) | c;
    return v;
  }
  void Skip(uint64_t n) {
    if (n > data_.size() - pos_) {
      ok_ = false;
      return;
    }
    pos_ += n;
  }
  std::string_view Rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct TzifCounts {
  uint64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

bool ReadHeader(ByteReader& r, char* version, TzifCounts* c) {
  if (r.Take(4) != "TZif") return false;
  const std::string_view v = r.Take(1);
  *version = v.empty() ? '\0' : v[0];
  r.Skip(15);
  c->isutcnt = r.Uint(4);
  c->isstdcnt = r.Uint(4);
  c->leapcnt = r.Uint(4);
  c->timecnt = r.Uint(4);
  c->typecnt = r.Uint(4);
  c->charcnt = r.Uint(4);
  return r.ok();
}

// "hh[:mm[:ss]]" with an optional sign, hours up to 167 (RFC 8536's extension).
bool ParseTzTime(std::string_view& s, int32_t* out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  }
  int32_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    int32_t v = 0;
    int digits = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) && digits < 3) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
      ++digits;
    }
    parts[i] = v;
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool ParseTzName(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    const size_t end = s.find('>');
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool ParseNumber(std::string_view& s, int* out) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  int v = 0;
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    v = v * 10 + (s[0] - '0');
    if (v > 100000) return false;
    s.remove_prefix(1);
  }
  *out = v;
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Status UnknownZone(std::string_view name) {
  return InvalidArgumentError("unknown time zone " + internal::Quote(name));
}

}  // namespace

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

TimeZone TimeZone::Utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  return tz;
}

Result<TimeZone> TimeZone::Load(std::string_view name, std::string_view zoneinfo_dir) {
  if (name.empty() || name == "UTC") return Utc();
  std::string path;
  if (name == "Local") {
    path = "/etc/localtime";
  } else {
    // Go's time.LoadLocation refuses names that could escape the zoneinfo directory.
    if (name.front() == '/' || name.find("..") != std::string_view::npos ||
        name.find('\\') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
      return UnknownZone(name);
    }
    path = std::string(zoneinfo_dir).append("/").append(name);
  }
  Result<std::string> data = ReadConfigFile(path);
  if (!data.ok()) return UnknownZone(name);
  Result<TimeZone> tz = FromTzif(name, *data);
  if (!tz.ok()) {
    return InvalidArgumentError("invalid time zone file " + internal::Quote(path) + ": " +
                                std::string(tz.status().message()));
  }
  return tz;
}

Result<TimeZone> TimeZone::FromTzif(std::string_view name, std::string_view data) {
  ByteReader r(data);
  char version = 0;
  TzifCounts c{};
  if (!ReadHeader(r, &version, &c)) return InvalidArgumentError("not a TZif file");
  int time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one after the second header has the full range.
    r.Skip(c.timecnt * 5 + c.typecnt * 6 + c.charcnt + c.leapcnt * 8 + c.isstdcnt + c.isutcnt);
    if (!ReadHeader(r, &version, &c)) return InvalidArgumentError("truncated TZif file");
    time_size = 8;
  }
  if (c.typecnt == 0 || c.typecnt > 256 || c.timecnt > 100000) {
    return InvalidArgumentError("bad TZif counts");
  }
  TimeZone tz;
  tz.name_ = std::string(name);
  std::vector<int64_t> times(c.timecnt);
  for (int64_t& t : times) {
    const uint64_t v = r.Uint(time_size);
    t = time_size == 4 ? static_cast<int32_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v);
  }
  std::vector<uint8_t> idx(c.timecnt);
  for (uint8_t& i : idx) i = static_cast<uint8_t>(r.Uint(1));
  std::vector<int32_t> offsets(c.typecnt);
  for (int32_t& o : offsets) {
    o = static_cast<int32_t>(static_cast<uint32_t>(r.Uint(4)));
    r.Skip(2);  // isdst, abbreviation index
  }
  r.Skip(c.charcnt + c.leapcnt * (time_size + 4) + c.isstdcnt + c.isutcnt);
  if (!r.ok()) return InvalidArgumentError("truncated TZif file");
  for (uint64_t i = 0; i < c.timecnt; ++i) {
    if (idx[i] >= c.typecnt) return InvalidArgumentError("bad TZif type index");
    if (i > 0 && times[i] <= times[i - 1]) return InvalidArgumentError("unsorted transitions");
    tz.transitions_.push_back(times[i]);
    tz.offsets_after_.push_back(offsets[idx[i]]);
  }
  tz.initial_offset_ = offsets[0];
  if (time_size == 8) {
    std::string_view rest = r.Rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      rest.remove_prefix(1);
      const size_t nl = rest.find('\n');
      if (nl != std::string_view::npos && nl > 0) {
        tz.has_footer_ = ParsePosixTz(rest.substr(0, nl), &tz);
      }
    }
  }
  return tz;
}

bool TimeZone::ParsePosixTz(std::string_view s, TimeZone* tz) {
  if (!ParseTzName(s)) return false;
  int32_t std_west = 0;
  if (!ParseTzTime(s, &std_west)) return false;
  tz->std_offset_ = -std_west;
  if (s.empty()) return true;
  if (!ParseTzName(s)) return false;
  tz->dst_offset_ = tz->std_offset_ + 3600;
  if (!s.empty() && s[0] != ',') {
    int32_t dst_west = 0;
    if (!ParseTzTime(s, &dst_west)) return false;
    tz->dst_offset_ = -dst_west;
  }
  auto parse_rule = [&s](PosixRule* rule) {
    if (s.empty() || s[0] != ',') return false;
    s.remove_prefix(1);
    if (!s.empty() && s[0] == 'M') {
      s.remove_prefix(1);
      rule->kind = 'M';
      if (!ParseNumber(s, &rule->month) || s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
      if (!ParseNumber(s, &rule->week) || s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
      if (!ParseNumber(s, &rule->weekday)) return false;
      if (rule->month < 1 || rule->month > 12 || rule->week < 1 || rule->week > 5 ||
          rule->weekday > 6) {
        return false;
      }
    } else if (!s.empty() && s[0] == 'J') {
      s.remove_prefix(1);
      rule->kind = 'J';
      if (!ParseNumber(s, &rule->day) || rule->day < 1 || rule->day > 365) return false;
    } else {
      rule->kind = 'N';
      if (!ParseNumber(s, &rule->day) || rule->day > 365) return false;
    }
    rule->time = 7200;
    if (!s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      if (!ParseTzTime(s, &rule->time)) return false;
    }
    return true;
  };
  if (!parse_rule(&tz->dst_start_) || !parse_rule(&tz->dst_end_) || !s.empty()) return false;
  tz->footer_has_dst_ = true;
  return true;
}

int64_t TimeZone::RuleLocalSeconds(const PosixRule& r, int64_t year) {
  int64_t days = 0;
  if (r.kind == 'M') {
    const int64_t first = DaysFromCivil(year, r.month, 1);
    const int first_weekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 1970-01-01: Thu.
    int day = 1 + (r.weekday - first_weekday + 7) % 7 + (r.week - 1) * 7;
    while (day > DaysInMonth(year, r.month)) day -= 7;
    days = first + day - 1;
  } else if (r.kind == 'J') {
    days = DaysFromCivil(year, 1, 1) + r.day - 1 + (IsLeap(year) && r.day >= 60 ? 1 : 0);
  } else {
    days = DaysFromCivil(year, 1, 1) + r.day;
  }
  return days * kDay + r.time;
}

int32_t TimeZone::FooterOffsetAt(int64_t t) const {
  if (!footer_has_dst_) return std_offset_;
  int64_t year = 0;
  int month = 0, day = 0;
  CivilFromDays(FloorDiv(t + std_offset_, kDay), &year, &month, &day);
  const int64_t start = RuleLocalSeconds(dst_start_, year) - std_offset_;
  const int64_t end = RuleLocalSeconds(dst_end_, year) - dst_offset_;
  const bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return in_dst ? dst_offset_ : std_offset_;
}

int32_t TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty()) return has_footer_ ? FooterOffsetAt(t) : initial_offset_;
  if (t < transitions_.front()) return initial_offset_;
  if (t >= transitions_.back() && has_footer_) return FooterOffsetAt(t);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_after_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

}  // namespace osprey::config
