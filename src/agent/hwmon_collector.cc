// hwmon temperatures: <sysfs>/class/hwmon/hwmonN/tempM_input (millidegrees) as
// node_hwmon_temp_celsius{chip,sensor}, with node_exporter 1.5's chip naming: from the
// resolved `device` link "<parent dir>_<device dir>" (lower-cased, [^a-z0-9:_] -> '_', trimmed
// of '_'), else the `name` file, else the hwmonN directory name.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <tuple>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

std::string CleanName(std::string_view name) {
  std::string out;
  for (char c : name) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == ':' || l == '_';
    out += ok ? l : '_';
  }
  size_t b = out.find_first_not_of('_');
  if (b == std::string::npos) return "";
  size_t e = out.find_last_not_of('_');
  return out.substr(b, e - b + 1);
}

}  // namespace

Status Collectors::CollectHwmon(TextWriter& w) {
  const std::string dir_path = SysPath("class/hwmon");
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) return ErrnoError(std::string("opendir ").append(dir_path), errno);
  struct Reading {
    std::string chip, sensor;
    double celsius;
  };
  std::vector<Reading> readings;
  std::vector<std::pair<std::string, std::string>> chip_names;
  std::vector<std::string> entries;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') entries.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) {
    const std::string hwmon = dir_path + "/" + entry;
    std::string chip;
    char resolved[PATH_MAX];
    if (::realpath((hwmon + "/device").c_str(), resolved) != nullptr) {
      std::string_view p(resolved);
      size_t slash = p.rfind('/');
      std::string dev_name = CleanName(p.substr(slash + 1));
      std::string_view prefix = p.substr(0, slash);
      std::string dev_type = CleanName(prefix.substr(prefix.rfind('/') + 1));
      chip = !dev_type.empty() && !dev_name.empty() ? dev_type + "_" + dev_name : dev_name;
    }
    std::string human;
    if (Result<std::string_view> name = reader_.Read(hwmon + "/name"); name.ok()) {
      human = std::string(Trim(*name));
    }
    if (chip.empty()) chip = CleanName(human);
    if (chip.empty()) chip = CleanName(entry);
    if (!human.empty()) chip_names.emplace_back(chip, human);
    DIR* sensors = ::opendir(hwmon.c_str());
    if (sensors == nullptr) continue;
    while (dirent* s = ::readdir(sensors)) {
      std::string_view file(s->d_name);
      if (!file.starts_with("temp") || !file.ends_with("_input")) continue;
      Result<std::string_view> body = reader_.Read(hwmon + "/" + std::string(file));
      double milli;
      if (!body.ok() || !ParseDouble(Trim(*body), milli)) continue;  // sensors can fault
      readings.push_back({chip, std::string(file.substr(0, file.size() - 6)), milli / 1000});
    }
    ::closedir(sensors);
  }
  std::sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
    return std::tie(a.chip, a.sensor) < std::tie(b.chip, b.sensor);
  });
  w.Family("node_hwmon_chip_names", "Annotation metric for human-readable chip names", "gauge");
  for (const auto& [chip, human] : chip_names) {
    w.Sample("node_hwmon_chip_names", {{"chip", chip}, {"chip_name", human}}, 1);
  }
  w.Family("node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", "gauge");
  for (const Reading& r : readings) {
    w.Sample("node_hwmon_temp_celsius", {{"chip", r.chip}, {"sensor", r.sensor}}, r.celsius);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
