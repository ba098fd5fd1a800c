// powersupplyclass: node_exporter 1.5's collector over procfs v0.8's PowerSupplyClass.
// Every regular file of each <sysfs>/class/power_supply/<name>/ (a link to the device) is read
// like procfs's SysReadFile (one read of at most 128 bytes, whitespace trimmed); the known
// attributes become node_power_supply_<metric>{power_supply} gauges (units below) and
// node_power_supply_info{power_supply,<non-empty string attributes>} 1.
// Failures as node_exporter 1.5: a missing class/power_supply directory fails the collector
// (node_exporter's ErrNoData: success 0); a file that cannot be opened (other than ENOENT) or
// read (other than ENOENT, EOPNOTSUPP, EINVAL), or a numeric attribute that is not a Go
// integer (strconv.ParseInt base 0), fails it too, even for an ignored supply: the
// `power_supply_ignored` regex (--collector.powersupply.ignored-supplies, default ^$) is
// applied to the names after parsing.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>
#include <tuple>
#include <vector>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

// A numeric attribute: the file, the metric suffix (empty: parsed but not exported) and the
// divisor giving node_exporter's unit.
struct NumericAttribute {
  std::string_view file, metric;
  double divisor;
};

constexpr NumericAttribute kNumeric[] = {
    // As they are.
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"cycle_count", "cyclecount", 1},
    {"online", "online", 1},
    {"present", "present", 1},
    {"time_to_empty_now", "time_to_empty_seconds", 1},
    {"time_to_full_now", "time_to_full_seconds", 1},
    // Micro-amperes, -volts, -watts, -watt-hours and -ampere-hours.
    {"current_boot", "current_boot", 1e6},
    {"current_max", "current_max", 1e6},
    {"current_now", "current_ampere", 1e6},
    {"energy_empty", "energy_empty", 1e6},
    {"energy_empty_design", "energy_empty_design", 1e6},
    {"energy_full", "energy_full", 1e6},
    {"energy_full_design", "energy_full_design", 1e6},
    {"energy_now", "energy_watthour", 1e6},
    {"voltage_boot", "voltage_boot", 1e6},
    {"voltage_max", "voltage_max", 1e6},
    {"voltage_max_design", "voltage_max_design", 1e6},
    {"voltage_min", "voltage_min", 1e6},
    {"voltage_min_design", "voltage_min_design", 1e6},
    {"voltage_now", "voltage_volt", 1e6},
    {"voltage_ocv", "voltage_ocv", 1e6},
    {"charge_control_limit", "charge_control_limit", 1e6},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6},
    {"charge_counter", "charge_counter", 1e6},
    {"charge_empty", "charge_empty", 1e6},
    {"charge_empty_design", "charge_empty_design", 1e6},
    {"charge_full", "charge_full", 1e6},
    {"charge_full_design", "charge_full_design", 1e6},
    {"charge_now", "charge_ampere", 1e6},
    {"charge_term_current", "charge_term_current", 1e6},
    {"constant_charge_current", "constant_charge_current", 1e6},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6},
    {"precharge_current", "precharge_current", 1e6},
    {"input_current_limit", "input_current_limit", 1e6},
    {"power_now", "power_watt", 1e6},
    // Tenths of a degree Celsius.
    {"temp", "temp_celsius", 10},
    {"temp_alert_max", "temp_alert_max_celsius", 10},
    {"temp_alert_min", "temp_alert_min_celsius", 10},
    {"temp_ambient", "temp_ambient_celsius", 10},
    {"temp_ambient_max", "temp_ambient_max_celsius", 10},
    {"temp_ambient_min", "temp_ambient_min_celsius", 10},
    {"temp_max", "temp_max_celsius", 10},
    {"temp_min", "temp_min_celsius", 10},
    // Parsed (a bad value fails the collector) but not exported by node_exporter 1.5.
    {"charge_avg", "", 1},
    {"current_avg", "", 1},
    {"energy_avg", "", 1},
    {"power_avg", "", 1},
    {"time_to_empty_avg", "", 1},
    {"time_to_full_avg", "", 1},
    {"voltage_avg", "", 1},
};

// String attributes, in label-name order (node_power_supply_info's labels, with power_supply
// between model_name and scope).
constexpr std::string_view kStrings[] = {
    "capacity_level", "charge_type", "health",     "manufacturer", "model_name", "scope",
    "serial_number",  "status",      "technology", "type",         "usb_type"};
constexpr size_t kNumStrings = std::size(kStrings);
constexpr size_t kPowerSupplyLabelAt = 5;  // before "scope"

struct Supply {
  std::string name;
  std::vector<std::pair<size_t, double>> values;  // kNumeric index, value in the metric's unit
  std::array<std::string, kNumStrings> strings;
};

bool IsRegular(int dir_fd, const dirent* e) {
  if (e->d_type != DT_UNKNOWN) return e->d_type == DT_REG;
  struct stat st;
  return ::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

// Reads one supply directory into `s`.
Status ReadSupply(const std::string& dir_path, Supply& s) {
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr)
    return ErrnoError(std::string("powersupplyclass: open ").append(dir_path), errno);
  std::vector<std::string> files;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) {
      continue;
    }
    if (IsRegular(::dirfd(dir), e)) files.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(files.begin(), files.end());
  std::string path, value;
  for (const std::string& file : files) {
    int err = 0;
    bool open_failed = false;
    path.assign(dir_path).append("/").append(file);
    if (!ReadSysFile(path, value, err, open_failed)) {
      // procfs compares the read error's text: open errors other than ENOENT are fatal.
      if (err == ENOENT || (!open_failed && (err == EOPNOTSUPP || err == EINVAL))) continue;
      return ErrnoError(std::string("powersupplyclass: read ").append(path), err);
    }
    auto num = std::find_if(std::begin(kNumeric), std::end(kNumeric),
                            [&](const NumericAttribute& a) { return a.file == file; });
    if (num != std::end(kNumeric)) {
      int64_t v;
      if (!ParseGoInt(value, v)) {
        std::string msg =
            std::string("powersupplyclass: ").append(path).append(": not an integer: \"");
        AppendValidUtf8(msg, std::string_view(value).substr(0, 64));
        return InvalidArgumentError(msg.append("\""));
      }
      if (!num->metric.empty()) {
        s.values.emplace_back(static_cast<size_t>(num - std::begin(kNumeric)),
                              static_cast<double>(v) / num->divisor);
      }
      continue;
    }
    auto str = std::find(std::begin(kStrings), std::end(kStrings), file);
    if (str != std::end(kStrings))
      s.strings[static_cast<size_t>(str - std::begin(kStrings))] = value;
  }
  return OkStatus();
}

}  // namespace

Status Collectors::CollectPowerSupplyClass(TextWriter& w) {
  OSPREY_RETURN_IF_ERROR(power_supply_ignored_.status());
  const std::string base = SysPath("class/power_supply");
  std::vector<std::string> names;
  int err = 0;
  if (!ListDir(base, /*skip_regular=*/false, names, err)) {
    return ErrnoError(std::string("powersupplyclass: open ").append(base), err);
  }
  std::vector<Supply> supplies;
  for (const std::string& name : names) {
    Supply s;
    s.name = name;
    OSPREY_RETURN_IF_ERROR(ReadSupply(std::string(base).append("/").append(name), s));
    supplies.push_back(std::move(s));
  }
  // Ignored supplies go after parsing, as there; names that collide once written as UTF-8
  // would be duplicate series and are written once.
  ResetSeen();
  std::erase_if(supplies, [this](const Supply& s) {
    return power_supply_ignored_.Matches(s.name) || !FirstSeen(s.name);
  });

  struct Entry {
    std::string_view metric;  // suffix
    size_t supply;
    double value;
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < supplies.size(); ++i) {
    for (const auto& [index, value] : supplies[i].values) {
      entries.push_back({kNumeric[index].metric, i, value});
    }
    entries.push_back({"info", i, 1});
  }
  // Families in name order, supplies in name order within each.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.metric, a.supply) < std::tie(b.metric, b.supply);
  });
  std::string name, help;
  std::string& out = w.out();
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    name.assign("node_power_supply_").append(e.metric);
    if (i == 0 || e.metric != entries[i - 1].metric) {
      if (e.metric == "info") {
        help = "info of /sys/class/power_supply/<power_supply>.";
      } else {
        help.assign(e.metric).append(" value of /sys/class/power_supply/<power_supply>.");
      }
      w.Family(name, help, "gauge");
    }
    const Supply& s = supplies[e.supply];
    if (e.metric != "info") {
      w.Sample(name, {{"power_supply", s.name}}, e.value);
      continue;
    }
    // A label per non-empty string attribute: written by hand (TextWriter takes fixed lists).
    out.append(name).append("{");
    bool first = true;
    auto label = [&](std::string_view key, std::string_view v) {
      if (v.empty()) return;
      if (!first) out += ',';
      first = false;
      out.append(key).append("=\"");
      AppendLabelValue(out, v);
      out += '"';
    };
    for (size_t k = 0; k < kNumStrings; ++k) {
      if (k == kPowerSupplyLabelAt) label("power_supply", s.name);
      label(kStrings[k], s.strings[k]);
    }
    out.append("} 1\n");
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
