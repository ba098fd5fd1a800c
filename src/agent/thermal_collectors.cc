// thermal_zone: node_exporter 1.5's thermal_zone collector over the procfs v0.8 sysfs layout.
//   <sysfs>/class/thermal/thermal_zone[0-9]*/{type,policy,temp}  (temp: millidegrees Celsius)
//     -> node_thermal_zone_temp{type,zone} (zone: the directory name without "thermal_zone")
//   <sysfs>/class/thermal/cooling_device[0-9]*/{type,max_state,cur_state}
//     -> node_cooling_device_{cur,max}_state{name,type} (cur_state can be -1: intel_powerclamp)
// No class/thermal directory (or no match) is no samples and success. Failures as there: a
// zone whose attribute reads fail with ENODATA is skipped; a missing required attribute, a
// non-integer temp or state, or an unreadable optional `mode`/`passive` (other than
// ENOENT/EACCES/EPERM; `passive` must be an unsigned integer) fails the collector.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <string>
#include <vector>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view TrimSpace(std::string_view v) {
  while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
  return v;
}

// os.ReadFile (bounded: a sysfs attribute is at most a page), whitespace trimmed.
bool ReadWholeFile(const std::string& path, std::string& value, int& err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    return false;
  }
  constexpr size_t kMax = 64 * 1024;
  value.clear();
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      ::close(fd);
      return false;
    }
    if (n == 0 || value.size() > kMax) break;
    value.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  value.assign(TrimSpace(value));
  return true;
}

// One thermal zone as parsed; `skip` for ENODATA.
struct Zone {
  std::string zone, type;
  int64_t temp = 0;
};

// The sorted `names` that are `prefix` followed by a digit, then anything (Go's
// filepath.Glob("<prefix>[0-9]*") over the listing).
std::vector<std::string> GlobDigits(const std::vector<std::string>& names,
                                    std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (n.size() > prefix.size() && n.starts_with(prefix) && n[prefix.size()] >= '0' &&
        n[prefix.size()] <= '9') {
      out.push_back(n);
    }
  }
  return out;
}

Status IntError(const std::string& path, std::string_view value) {
  std::string msg = std::string("thermal_zone: ").append(path).append(": not an integer: \"");
  AppendValidUtf8(msg, value.substr(0, 64));
  return InvalidArgumentError(msg.append("\""));
}

}  // namespace

bool ReadSysFile(const std::string& path, std::string& value, int& err, bool& open_failed) {
  return ReadSysValueAt(AT_FDCWD, path.c_str(), value, err, 128, &open_failed);
}

bool ParseGoInt10(std::string_view s, int64_t& value) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  uint64_t magnitude;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (magnitude > kMax + (negative ? 1 : 0)) return false;
  value = negative ? (magnitude == kMax + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude))
                   : static_cast<int64_t>(magnitude);
  return true;
}

Status Collectors::CollectThermalZone(TextWriter& w) {
  const std::string dir = SysPath("class/thermal");
  std::vector<Zone> zones;
  std::string path, value;
  int err = 0;
  bool open_failed = false;
  // One listing for both globs; a directory that cannot be read matches nothing.
  std::vector<std::string> listing;
  if (!ListDir(dir, /*skip_regular=*/false, listing, err)) listing.clear();
  for (const std::string& name : GlobDigits(listing, "thermal_zone")) {
    const std::string base = std::string(dir).append("/").append(name).append("/");
    Zone z;
    z.zone = name.substr(std::string_view("thermal_zone").size());
    bool skip = false;
    // Required: type, policy, temp. ENODATA skips the zone; anything else fails.
    auto fail = [&](const std::string& p, int e) -> Status {
      if (e == ENODATA) {
        skip = true;
        return OkStatus();
      }
      return ErrnoError(std::string("thermal_zone: read ").append(p), e);
    };
    if (!ReadSysFile(path.assign(base).append("type"), z.type, err, open_failed)) {
      OSPREY_RETURN_IF_ERROR(fail(path, err));
      continue;
    }
    if (!ReadSysFile(path.assign(base).append("policy"), value, err, open_failed)) {
      OSPREY_RETURN_IF_ERROR(fail(path, err));
      continue;
    }
    if (!ReadWholeFile(path.assign(base).append("temp"), value, err)) {
      OSPREY_RETURN_IF_ERROR(fail(path, err));
      continue;
    }
    if (!ParseGoInt10(value, z.temp)) return IntError(path, value);
    // Optional: mode, passive (read for their failures only, as node_exporter does).
    if (!ReadSysFile(path.assign(base).append("mode"), value, err, open_failed) && err != ENOENT &&
        err != EACCES && err != EPERM) {
      OSPREY_RETURN_IF_ERROR(fail(path, err));
      continue;
    }
    if (!ReadWholeFile(path.assign(base).append("passive"), value, err)) {
      if (err != ENOENT && err != EACCES && err != EPERM) {
        OSPREY_RETURN_IF_ERROR(fail(path, err));
        continue;
      }
    } else if (uint64_t passive; !ParseUint(value, passive)) {
      return IntError(path, value);
    }
    if (!skip) zones.push_back(std::move(z));
  }

  struct Device {
    std::string name, type;
    int64_t cur = 0, max = 0;
  };
  std::vector<Device> devices;
  for (const std::string& name : GlobDigits(listing, "cooling_device")) {
    const std::string base = std::string(dir).append("/").append(name).append("/");
    Device d;
    d.name = name.substr(std::string_view("cooling_device").size());
    if (!ReadSysFile(path.assign(base).append("type"), d.type, err, open_failed)) {
      return ErrnoError(std::string("thermal_zone: read ").append(path), err);
    }
    for (auto [file, out] : {std::pair{"max_state", &d.max}, std::pair{"cur_state", &d.cur}}) {
      if (!ReadSysFile(path.assign(base).append(file), value, err, open_failed)) {
        return ErrnoError(std::string("thermal_zone: read ").append(path), err);
      }
      if (!ParseGoInt10(value, *out)) return IntError(path, value);
    }
    devices.push_back(std::move(d));
  }

  // Families in name order, as node_exporter prints them. Names equal once written as UTF-8
  // would be duplicate series: written once.
  ResetSeen();
  std::vector<const Device*> unique_devices;
  for (const Device& d : devices) {
    if (FirstSeen(d.name)) unique_devices.push_back(&d);
  }
  if (!unique_devices.empty()) {
    w.Family("node_cooling_device_cur_state", "Current throttle state of the cooling device",
             "gauge");
    for (const Device* d : unique_devices) {
      w.Sample("node_cooling_device_cur_state", {{"name", d->name}, {"type", d->type}},
               static_cast<double>(d->cur));
    }
    w.Family("node_cooling_device_max_state", "Maximum throttle state of the cooling device",
             "gauge");
    for (const Device* d : unique_devices) {
      w.Sample("node_cooling_device_max_state", {{"name", d->name}, {"type", d->type}},
               static_cast<double>(d->max));
    }
  }
  ResetSeen();
  bool family = false;
  for (const Zone& z : zones) {
    if (!FirstSeen(z.zone)) continue;
    if (!family) w.Family("node_thermal_zone_temp", "Zone temperature in Celsius", "gauge");
    family = true;
    w.Sample("node_thermal_zone_temp", {{"type", z.type}, {"zone", z.zone}},
             static_cast<double>(z.temp) / 1000.0);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
