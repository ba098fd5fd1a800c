// hwmon: <sysfs>/class/hwmon/hwmonN/<type><id>_<element> files, with node_exporter 1.5's chip
// naming (from the resolved `device` link "<parent dir>_<device dir>", lower-cased,
// [^a-z0-9:_] -> '_', trimmed of '_'; else the `name` file; else the hwmonN directory name)
// and its metric names: node_hwmon_<type>[_<element>]_<unit>{chip,sensor} where `input` adds
// no element. Units: temp millidegrees -> _celsius, in/cpu millivolts -> _volts, curr mA ->
// _amps, power uW -> _watt, energy uJ -> _joule_total, fan (input, min, max, target) _rpm;
// `fault` and `alarm` elements as they are; other elements "Hardware monitor <type> element
// <element>". `<sensor>_label` gives node_hwmon_sensor_label{chip,sensor,label}. Unreadable
// or non-numeric files are skipped (sensors fault). Not read: the device/ subdirectory,
// beep_enable, vrm, update_interval, power accuracy and intervals.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
    std::string metric, help, chip, sensor;
    double value;
  };
  std::vector<Reading> readings;
  std::vector<std::array<std::string, 3>> labels;  // chip, sensor, label
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
    int err = 0;
    if (!ListDir(hwmon, /*skip_regular=*/false, dir_entries_, err)) continue;
    for (const std::string& file : dir_entries_) {
      // <type><id>[_<element>], type one of node_exporter's sensor types.
      size_t digits = file.find_first_of("0123456789");
      if (digits == std::string::npos || digits == 0) continue;
      std::string_view type = std::string_view(file).substr(0, digits);
      static constexpr std::string_view kTypes[] = {
          "in", "cpu", "fan", "pwm", "temp", "curr", "power", "energy", "humidity", "intrusion"};
      if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) continue;
      size_t underscore = file.find('_', digits);
      std::string_view id = std::string_view(file).substr(digits, underscore - digits);
      uint64_t ignored;
      if (!ParseUint(id, ignored)) continue;
      std::string sensor = std::string(type).append(id);
      std::string element =
          underscore == std::string::npos ? std::string() : file.substr(underscore + 1);
      Result<std::string_view> body = reader_.Read(hwmon + "/" + file);
      if (!body.ok()) continue;  // sensors can fault
      if (element == "label") {
        std::string label;
        AppendValidUtf8(label, Trim(*body));
        labels.push_back({chip, sensor, label});
        continue;
      }
      double v;
      if (!ParseDouble(Trim(*body), v)) continue;
      std::string metric = std::string("node_hwmon_").append(type);
      if (!element.empty() && element != "input") {
        metric += '_';
        AppendMetricNamePart(metric, element);
      }
      std::string help;
      const std::string el = element.empty() ? "input" : element;
      if (element == "fault" || element == "alarm") {
        help = "Hardware sensor " + element + " status (" + std::string(type) + ")";
      } else if (element == "beep") {
        continue;
      } else if (type == "in" || type == "cpu") {
        metric += "_volts";
        help = "Hardware monitor for voltage (" + element + ")";
        v *= 0.001;
      } else if (type == "temp" && element != "type") {
        metric += "_celsius";
        help = "Hardware monitor for temperature (" + el + ")";
        v *= 0.001;
      } else if (type == "curr") {
        metric += "_amps";
        help = "Hardware monitor for current (" + element + ")";
        v *= 0.001;
      } else if (type == "energy") {
        metric += "_joule_total";
        help = "Hardware monitor for joules used so far (" + element + ")";
        v /= 1e6;
      } else if (type == "power" &&
                 (element == "accuracy" || element.starts_with("average_interval"))) {
        continue;
      } else if (type == "power") {
        metric += "_watt";
        help = "Hardware monitor for power usage in watts (" + element + ")";
        v /= 1e6;
      } else if (type == "fan" && (element == "input" || element == "min" || element == "max" ||
                                   element == "target")) {
        metric += "_rpm";
        help = "Hardware monitor for fan revolutions per minute (" + element + ")";
      } else if (type == "humidity") {
        help =
            "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
            "humidity as a percentage) (" +
            element + ")";
        v /= 1e6;
      } else {
        help = "Hardware monitor " + std::string(type) + " element " + element;
      }
      readings.push_back({std::move(metric), std::move(help), chip, std::move(sensor), v});
    }
  }
  std::sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
    return std::tie(a.metric, a.chip, a.sensor) < std::tie(b.metric, b.chip, b.sensor);
  });
  std::sort(labels.begin(), labels.end());
  w.Family("node_hwmon_chip_names", "Annotation metric for human-readable chip names", "gauge");
  for (const auto& [chip, human] : chip_names) {
    w.Sample("node_hwmon_chip_names", {{"chip", chip}, {"chip_name", human}}, 1);
  }
  if (!labels.empty()) {
    w.Family("node_hwmon_sensor_label", "Label for given chip and sensor", "gauge");
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0 && labels[i][0] == labels[i - 1][0] && labels[i][1] == labels[i - 1][1]) continue;
      w.Sample("node_hwmon_sensor_label",
               {{"chip", labels[i][0]}, {"label", labels[i][2]}, {"sensor", labels[i][1]}}, 1);
    }
  }
  for (size_t i = 0; i < readings.size(); ++i) {
    const Reading& r = readings[i];
    if (i == 0 || r.metric != readings[i - 1].metric) {
      w.Family(r.metric, r.help, r.metric.ends_with("_total") ? "counter" : "gauge");
    } else if (r.chip == readings[i - 1].chip && r.sensor == readings[i - 1].sensor) {
      continue;  // two chips cleaned to one name: node_exporter would fail the scrape
    }
    w.Sample(r.metric, {{"chip", r.chip}, {"sensor", r.sensor}}, r.value);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
