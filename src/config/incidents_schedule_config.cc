// Decoding of `incidents.schedules` entries: rotations, overrides and the local date-times
// they are written in.
#include <charconv>
#include <cstdio>
#include <string>
#include <tuple>

#include "config/alertmanager_config.h"
#include "config/internal/incidents_decode.h"
#include "config/time_zone.h"

namespace osprey::config::internal {
namespace {

using Known = IncidentNames;

// Custom hand-offs shorter than this would make schedule analysis walk millions of shifts.
constexpr model::Duration kMinHandOff = model::Duration::Minutes(1);

bool ParseFixed(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data() + pos, s.data() + pos + len, *out);
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DDTHH:MM", every field in range.
bool ParseLocalDateTime(std::string_view s, LocalDateTime* out) {
  if (s.size() != 16 && s.size() != 19) return false;
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':') return false;
  LocalDateTime t;
  if (!ParseFixed(s, 0, 4, &t.year) || !ParseFixed(s, 5, 2, &t.month) ||
      !ParseFixed(s, 8, 2, &t.day) || !ParseFixed(s, 11, 2, &t.hour) ||
      !ParseFixed(s, 14, 2, &t.minute)) {
    return false;
  }
  if (s.size() == 19 && (s[16] != ':' || !ParseFixed(s, 17, 2, &t.second))) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (t.year < 1970 || t.month < 1 || t.month > 12 || t.day < 1) return false;
  const int days = kDays[t.month - 1] + (t.month == 2 && IsLeapYear(t.year) ? 1 : 0);
  if (t.day > days || t.hour > 23 || t.minute > 59 || t.second > 59) return false;
  *out = t;
  return true;
}

}  // namespace

std::string FormatLocalDateTime(const LocalDateTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

namespace {

Status DecodeLocal(const MappingDecoder& m, std::string_view key, bool required, LocalDateTime* out,
                   bool* present = nullptr) {
  std::string text;
  if (required) {
    OSPREY_RETURN_IF_ERROR(InPath(m.Required(key, &text), m.path()));
  } else {
    OSPREY_RETURN_IF_ERROR(InPath(m.Optional(key, &text), m.path()));
    if (!m.Has(key)) return OkStatus();
  }
  if (!ParseLocalDateTime(text, out)) {
    return ErrorIn(m, m.ValueMark(key),
                   std::string("invalid time ")
                       .append(Quote(text))
                       .append(" for ")
                       .append(key)
                       .append(": want YYYY-MM-DDTHH:MM[:SS], a local time in the time_zone"),
                   m.path());
  }
  if (present != nullptr) *present = true;
  return OkStatus();
}

bool operator<(const LocalDateTime& a, const LocalDateTime& b) {
  return std::tie(a.year, a.month, a.day, a.hour, a.minute, a.second) <
         std::tie(b.year, b.month, b.day, b.hour, b.minute, b.second);
}

Result<TimeIntervalSpec> DecodeRestriction(const YamlDocument& doc, const YamlNode& node,
                                           const std::string& path, const std::string& zone) {
  OSPREY_ASSIGN_OR_RETURN(TimeIntervalSpec s, DecodeTimeIntervalSpec(doc, node, path));
  const YamlEntry* location = node.Find("location");
  if (location != nullptr && location->value.IsScalar() && !location->value.scalar().empty() &&
      location->value.scalar() != zone) {
    return doc.Error(location->value.mark(),
                     std::string("location ")
                         .append(Quote(location->value.scalar()))
                         .append(" differs from the schedule's time_zone ")
                         .append(Quote(zone))
                         .append(": restrictions use the schedule's time_zone in ")
                         .append(path));
  }
  s.location = zone;
  return s;
}

Result<RotationConfig> DecodeRotation(const YamlDocument& doc, const YamlNode& node,
                                      const std::string& path, const Known& known,
                                      const std::string& zone) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, OpenMapping(doc, node, path,
                                                        {"name", "start", "end", "hand_off",
                                                         "participants", "restrictions"}));
  RotationConfig r;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &r.name));
  OSPREY_RETURN_IF_ERROR(DecodeLocal(m, "start", /*required=*/true, &r.start));
  LocalDateTime end;
  bool has_end = false;
  OSPREY_RETURN_IF_ERROR(DecodeLocal(m, "end", /*required=*/false, &end, &has_end));
  if (has_end) {
    if (!(r.start < end)) {
      return ErrorIn(
          m, m.ValueMark("end"),
          "end " + FormatLocalDateTime(end) + " is not after start " + FormatLocalDateTime(r.start),
          path);
    }
    r.end = end;
  }
  std::string hand_off = "weekly";
  OSPREY_RETURN_IF_ERROR(m.Optional("hand_off", &hand_off));
  if (hand_off == "daily") {
    r.hand_off = RotationConfig::HandOff::kDaily;
    r.shift_length = model::Duration::Hours(24);
  } else if (hand_off == "weekly") {
    r.hand_off = RotationConfig::HandOff::kWeekly;
    r.shift_length = model::Duration::Hours(24 * 7);
  } else {
    Result<model::Duration> d = model::ParseDuration(hand_off);
    if (!d.ok() || *d < kMinHandOff) {
      return ErrorIn(m, m.ValueMark("hand_off"),
                     "invalid hand_off " + Quote(hand_off) +
                         ": must be daily, weekly or a duration of at least 1m",
                     path);
    }
    r.hand_off = RotationConfig::HandOff::kCustom;
    r.shift_length = *d;
  }
  if (!m.Has("participants")) return m.MissingError("participants");
  OSPREY_RETURN_IF_ERROR(DecodeRefs(m, "participants", known.people, "person", &r.participants));
  if (r.participants.empty()) {
    return ErrorIn(m, m.ValueMark("participants"), "participants must not be empty", path);
  }
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "restrictions", &r.restrictions, nullptr,
      [&](const YamlNode& n, const std::string& p) { return DecodeRestriction(doc, n, p, zone); }));
  return r;
}

Result<ScheduleOverrideConfig> DecodeOverride(const YamlDocument& doc, const YamlNode& node,
                                              const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          OpenMapping(doc, node, path, {"person", "start", "end", "replaces"}));
  ScheduleOverrideConfig o;
  OSPREY_RETURN_IF_ERROR(m.Required("person", &o.person));
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "person", known.people, "person", &o.person));
  OSPREY_RETURN_IF_ERROR(DecodeLocal(m, "start", /*required=*/true, &o.start));
  OSPREY_RETURN_IF_ERROR(DecodeLocal(m, "end", /*required=*/true, &o.end));
  if (!(o.start < o.end)) {
    return ErrorIn(m, m.ValueMark("end"),
                   "override end " + FormatLocalDateTime(o.end) + " is not after start " +
                       FormatLocalDateTime(o.start),
                   path);
  }
  OSPREY_RETURN_IF_ERROR(DecodeRef(m, "replaces", known.people, "person", &o.replaces));
  return o;
}

}  // namespace

Result<ScheduleConfig> DecodeIncidentSchedule(const YamlDocument& doc, const YamlNode& node,
                                              const std::string& path, const Known& known) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      OpenMapping(doc, node, path, {"name", "time_zone", "rotations", "overrides"}));
  ScheduleConfig s;
  OSPREY_RETURN_IF_ERROR(m.Required("name", &s.name));
  OSPREY_RETURN_IF_ERROR(m.Optional("time_zone", &s.time_zone));
  if (s.time_zone.empty()) s.time_zone = "UTC";
  if (Result<TimeZone> tz = TimeZone::Load(s.time_zone); !tz.ok()) {
    return ErrorIn(m, m.ValueMark("time_zone"),
                   std::string("invalid time_zone: ").append(tz.status().message()), path);
  }
  if (!m.Has("rotations")) return m.MissingError("rotations");
  NameSet rotation_names;
  OSPREY_RETURN_IF_ERROR(DecodeItems(m, "rotations", &s.rotations, &rotation_names,
                                     [&](const YamlNode& n, const std::string& p) {
                                       return DecodeRotation(doc, n, p, known, s.time_zone);
                                     }));
  if (s.rotations.empty()) {
    return ErrorIn(m, m.ValueMark("rotations"), "rotations must not be empty", path);
  }
  OSPREY_RETURN_IF_ERROR(DecodeItems(
      m, "overrides", &s.overrides, nullptr,
      [&](const YamlNode& n, const std::string& p) { return DecodeOverride(doc, n, p, known); }));
  return s;
}

}  // namespace osprey::config::internal
