// Decoding of `time_intervals:` / `mute_time_intervals:` entries, after Alertmanager 0.25's
// timeinterval package: ranges are "begin:end" or a single value, names are lower-cased,
// times are "HH:MM" (or "24:00" as an end).
#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <charconv>
#include <string>

#include "config/alertmanager_config.h"
#include "config/internal/alerting_decode.h"
#include "config/internal/emit.h"
#include "config/internal/validate.h"
#include "config/time_zone.h"

namespace osprey::config {
namespace {

using internal::Quote;

constexpr std::string_view kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};

enum class RangeKind { kWeekday, kDayOfMonth, kMonth, kYear };

bool ParseInt(std::string_view s, int* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end && !s.empty();
}

// One member of a range: a number, or a weekday / month name.
bool ParseMember(RangeKind kind, std::string_view s, int* out, std::string* why) {
  if (kind == RangeKind::kWeekday) {
    for (int i = 0; i < 7; ++i) {
      if (kWeekdays[i] == s) {
        *out = i;
        return true;
      }
    }
    *why = std::string(s).append(" is not a valid weekday");
    return false;
  }
  if (kind == RangeKind::kMonth) {
    for (int i = 0; i < 12; ++i) {
      if (kMonths[i] == s) {
        *out = i + 1;
        return true;
      }
    }
    if (!ParseInt(s, out)) {
      *why = std::string(s).append(" is not a valid month");
      return false;
    }
    return true;
  }
  if (!ParseInt(s, out)) {
    *why = std::string("invalid number ").append(Quote(s));
    return false;
  }
  return true;
}

// Alertmanager's checks for each kind of range; empty when valid.
std::string CheckRange(RangeKind kind, const InclusiveRange& r, std::string_view text) {
  switch (kind) {
    case RangeKind::kWeekday:
      if (r.begin > r.end) return "start day cannot be before end day";
      return "";
    case RangeKind::kDayOfMonth: {
      for (int v : {r.begin, r.end}) {
        if (v == 0 || v < -31 || v > 31) {
          return std::to_string(v).append(" is not a valid day of the month: out of range");
        }
      }
      if (r.begin < 0 && r.end > 0) return "end day must be negative if start day is negative";
      const int b = r.begin < 0 ? 28 + r.begin : r.begin;
      const int e = r.end < 0 ? 28 + r.end : r.end;
      if (b > e) {
        return std::string("end day ")
            .append(std::to_string(r.end))
            .append(" is always before start day ")
            .append(std::to_string(r.begin));
      }
      return "";
    }
    case RangeKind::kMonth:
      for (int v : {r.begin, r.end}) {
        if (v < 1 || v > 12) return std::string(text).append(" is not a valid month: out of range");
      }
      if (r.begin > r.end) {
        return std::string("end month ")
            .append(kMonths[r.end - 1])
            .append(" is before start month ")
            .append(kMonths[r.begin - 1]);
      }
      return "";
    case RangeKind::kYear:
      if (r.begin > r.end) {
        return std::string("end year ")
            .append(std::to_string(r.end))
            .append(" is before start year ")
            .append(std::to_string(r.begin));
      }
      return "";
  }
  return "";
}

Status DecodeRanges(const MappingDecoder& m, std::string_view key, RangeKind kind,
                    std::vector<InclusiveRange>* out) {
  const YamlNode* n = m.Get(key);
  if (n == nullptr) return OkStatus();
  if (!n->IsSequence()) return TypeError(m.doc(), *n, "a list", key);
  for (const YamlNode& item : n->items()) {
    std::string text;
    OSPREY_RETURN_IF_ERROR(DecodeValue(m.doc(), item, key, &text));
    const std::string lower = internal::Lower(text);
    InclusiveRange r;
    std::string why;
    const size_t colon = lower.find(':');
    bool ok = true;
    if (colon == std::string::npos) {
      ok = ParseMember(kind, lower, &r.begin, &why);
      r.end = r.begin;
    } else if (lower.find(':', colon + 1) != std::string::npos) {
      ok = false;
      why = std::string("couldn't parse range ").append(lower).append(", invalid format");
    } else {
      ok = ParseMember(kind, std::string_view(lower).substr(0, colon), &r.begin, &why) &&
           ParseMember(kind, std::string_view(lower).substr(colon + 1), &r.end, &why);
    }
    if (ok) {
      why = CheckRange(kind, r, text);
      ok = why.empty();
    }
    if (!ok) {
      return m.ErrorAt(item.mark(), std::string("invalid range ")
                                        .append(Quote(text))
                                        .append(" in ")
                                        .append(m.ChildPath(key))
                                        .append(": ")
                                        .append(why));
    }
    out->push_back(r);
  }
  return OkStatus();
}

// "HH:MM" from 00:00 to 23:59, or exactly "24:00".
bool ParseClock(std::string_view s, int* minutes) {
  if (s == "24:00") {
    *minutes = 24 * 60;
    return true;
  }
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int mi = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || mi > 59) return false;
  *minutes = h * 60 + mi;
  return true;
}

Result<TimeOfDayRange> DecodeTimeRange(const YamlDocument& doc, const YamlNode& node,
                                       const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"start_time", "end_time"}));
  std::string start, end;
  OSPREY_RETURN_IF_ERROR(m.Optional("start_time", &start));
  OSPREY_RETURN_IF_ERROR(m.Optional("end_time", &end));
  if (start.empty() || end.empty()) {
    return m.ErrorAt(node.mark(), "both start and end times must be provided in " + path);
  }
  TimeOfDayRange r;
  for (const char* key : {"start_time", "end_time"}) {
    const std::string& text = std::string_view(key) == "start_time" ? start : end;
    int* minute = std::string_view(key) == "start_time" ? &r.start_minute : &r.end_minute;
    if (!ParseClock(text, minute)) {
      return m.ErrorAt(m.ValueMark(key), std::string("couldn't parse timestamp ")
                                             .append(Quote(text))
                                             .append(" for ")
                                             .append(key)
                                             .append(", invalid format (want HH:MM)"));
    }
  }
  if (r.start_minute >= r.end_minute) {
    return m.ErrorAt(m.ValueMark("end_time"),
                     "start time cannot be equal or greater than end time in " + path);
  }
  return r;
}

}  // namespace

Result<TimeIntervalSpec> DecodeTimeIntervalSpec(const YamlDocument& doc, const YamlNode& node,
                                                const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path,
                           {"times", "weekdays", "days_of_month", "months", "years", "location"}));
  TimeIntervalSpec s;
  OSPREY_RETURN_IF_ERROR(m.DecodeList(
      "times", &s.times,
      [&doc](const YamlNode& n, const std::string& p) { return DecodeTimeRange(doc, n, p); }));
  OSPREY_RETURN_IF_ERROR(DecodeRanges(m, "weekdays", RangeKind::kWeekday, &s.weekdays));
  OSPREY_RETURN_IF_ERROR(
      DecodeRanges(m, "days_of_month", RangeKind::kDayOfMonth, &s.days_of_month));
  OSPREY_RETURN_IF_ERROR(DecodeRanges(m, "months", RangeKind::kMonth, &s.months));
  OSPREY_RETURN_IF_ERROR(DecodeRanges(m, "years", RangeKind::kYear, &s.years));
  if (m.Has("location")) {
    OSPREY_RETURN_IF_ERROR(m.Optional("location", &s.location));
    if (s.location.empty()) s.location = "UTC";
    Result<TimeZone> tz = TimeZone::Load(s.location);
    if (!tz.ok()) {
      return m.ErrorAt(m.ValueMark("location"), std::string("invalid location in ")
                                                    .append(path)
                                                    .append(": ")
                                                    .append(tz.status().message()));
    }
  }
  return s;
}

namespace {

void EmitRanges(YAML::Emitter& out, const char* key, const std::vector<InclusiveRange>& ranges,
                RangeKind kind) {
  if (ranges.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const InclusiveRange& r : ranges) {
    auto member = [kind](int v) {
      if (kind == RangeKind::kWeekday && v >= 0 && v <= 6) return std::string(kWeekdays[v]);
      if (kind == RangeKind::kMonth && v >= 1 && v <= 12) return std::string(kMonths[v - 1]);
      return std::to_string(v);
    };
    std::string text = member(r.begin);
    if (r.end != r.begin) text.append(":").append(member(r.end));
    internal::WriteString(out, text);
  }
  out << YAML::EndSeq;
}

}  // namespace

std::string FormatMinuteOfDay(int minute) {
  char buf[8];
  const int h = minute / 60, m = minute % 60;
  buf[0] = static_cast<char>('0' + h / 10 % 10);
  buf[1] = static_cast<char>('0' + h % 10);
  buf[2] = ':';
  buf[3] = static_cast<char>('0' + m / 10);
  buf[4] = static_cast<char>('0' + m % 10);
  return std::string(buf, 5);
}

Result<TimeIntervalConfig> DecodeTimeInterval(const YamlDocument& doc, const YamlNode& node,
                                              const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path, {"name", "time_intervals"}));
  TimeIntervalConfig t;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &t.name));
  if (t.name.empty()) return m.ErrorAt(m.ValueMark("name"), "empty name in " + path);
  OSPREY_RETURN_IF_ERROR(m.DecodeList("time_intervals", &t.time_intervals,
                                      [&doc](const YamlNode& n, const std::string& p) {
                                        return DecodeTimeIntervalSpec(doc, n, p);
                                      }));
  return t;
}

void EmitTimeIntervalSpec(const TimeIntervalSpec& s, YAML::Emitter& out) {
  out << YAML::BeginMap;
  if (!s.times.empty()) {
    out << YAML::Key << "times" << YAML::Value << YAML::BeginSeq;
    for (const TimeOfDayRange& r : s.times) {
      out << YAML::BeginMap;
      internal::WriteStringEntry(out, "start_time", FormatMinuteOfDay(r.start_minute));
      internal::WriteStringEntry(out, "end_time", FormatMinuteOfDay(r.end_minute));
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  EmitRanges(out, "weekdays", s.weekdays, RangeKind::kWeekday);
  EmitRanges(out, "days_of_month", s.days_of_month, RangeKind::kDayOfMonth);
  EmitRanges(out, "months", s.months, RangeKind::kMonth);
  EmitRanges(out, "years", s.years, RangeKind::kYear);
  internal::WriteStringEntry(out, "location", s.location);
  out << YAML::EndMap;
}

void EmitTimeInterval(const TimeIntervalConfig& t, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::WriteStringEntry(out, "name", t.name);
  out << YAML::Key << "time_intervals" << YAML::Value << YAML::BeginSeq;
  for (const TimeIntervalSpec& s : t.time_intervals) EmitTimeIntervalSpec(s, out);
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

}  // namespace osprey::config
