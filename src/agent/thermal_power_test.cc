// Fixture tests for the thermal_zone and powersupplyclass collectors: exact exposition for
// src/agent/testdata/sysfs/class/{thermal,power_supply}, failures, and the real node_exporter
// 1.5 pointed at the same fixture tree (--path.sysfs) exposing the same series.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/host_collector.h"
#include "agent/internal/collectors.h"
#include "agent/internal/exposition_test_util.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

const std::string kSysfs = std::string(OSPREY_AGENT_TESTDATA) + "/sysfs";

struct Collected {
  std::string families;  // without the node_scrape_collector_* trailer
  internal::ParsedExposition parsed;
  bool ok = false;
};

Collected Collect(const std::string& name, const std::string& sysfs,
                  std::string ignored_supplies = "^$") {
  HostCollector collector(HostCollectorOptions{
      .sysfs = sysfs, .collectors = {name}, .powersupply_ignored_supplies = ignored_supplies});
  std::string body;
  collector.Collect(body);
  Collected run;
  Status status = internal::ParseExposition(body, run.parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << body;
  run.ok =
      run.parsed.samples.at(
          std::string("node_scrape_collector_success{collector=\"").append(name).append("\"}")) ==
      1;
  run.families = body.substr(0, body.find("# HELP node_scrape_collector_duration_seconds"));
  return run;
}

// The error the collector reported (node_scrape_collector_error_info's label), or "".
std::string ErrorOf(const Collected& run) {
  for (const auto& [key, value] : run.parsed.Family("node_scrape_collector_error_info")) {
    return key;
  }
  return "";
}

TEST(ThermalPowerTest, ThermalZoneFixture) {
  Collected run = Collect("thermal_zone", kSysfs);
  EXPECT_TRUE(run.ok);
  EXPECT_EQ(run.families,
            R"(# HELP node_cooling_device_cur_state Current throttle state of the cooling device
# TYPE node_cooling_device_cur_state gauge
node_cooling_device_cur_state{name="0",type="Processor"} 0
node_cooling_device_cur_state{name="1",type="intel_powerclamp"} -1
node_cooling_device_cur_state{name="2",type="Fan"} 2
# HELP node_cooling_device_max_state Maximum throttle state of the cooling device
# TYPE node_cooling_device_max_state gauge
node_cooling_device_max_state{name="0",type="Processor"} 3
node_cooling_device_max_state{name="1",type="intel_powerclamp"} 50
node_cooling_device_max_state{name="2",type="Fan"} 4
# HELP node_thermal_zone_temp Zone temperature in Celsius
# TYPE node_thermal_zone_temp gauge
node_thermal_zone_temp{type="acpitz",zone="0"} 27.8
node_thermal_zone_temp{type="x86_pkg_temp",zone="1"} 45
node_thermal_zone_temp{type="iwlwifi_1",zone="10"} -5.5
)");
}

TEST(ThermalPowerTest, PowerSupplyFixture) {
  Collected run = Collect("powersupplyclass", kSysfs);
  EXPECT_TRUE(run.ok);
  const std::string help = " value of /sys/class/power_supply/<power_supply>.\n";
  auto family = [&](const std::string& name) {
    return "# HELP node_power_supply_" + name + " " + name + help + "# TYPE node_power_supply_" +
           name + " gauge\n";
  };
  EXPECT_EQ(
      run.families,
      family("capacity") + "node_power_supply_capacity{power_supply=\"BAT0\"} 81\n" +
          family("current_ampere") +
          // 5e-04: node_exporter prints 0.0005, the same float.
          "node_power_supply_current_ampere{power_supply=\"hidpp_battery_0\"} 5e-04\n"
          "node_power_supply_current_ampere{power_supply=\"ucsi-source-psy-USBC000:001\"} 0\n" +
          family("current_max") +
          "node_power_supply_current_max{power_supply=\"ucsi-source-psy-USBC000:001\"} 3\n" +
          family("cyclecount") + "node_power_supply_cyclecount{power_supply=\"BAT0\"} 113\n" +
          family("energy_full") + "node_power_supply_energy_full{power_supply=\"BAT0\"} 49.95\n" +
          family("energy_full_design") +
          "node_power_supply_energy_full_design{power_supply=\"BAT0\"} 51\n" +
          family("energy_watthour") +
          "node_power_supply_energy_watthour{power_supply=\"BAT0\"} 40.46\n"
          "# HELP node_power_supply_info info of /sys/class/power_supply/<power_supply>.\n"
          "# TYPE node_power_supply_info gauge\n"
          "node_power_supply_info{power_supply=\"AC\",type=\"Mains\"} 1\n"
          "node_power_supply_info{capacity_level=\"Normal\",manufacturer=\"SMP\",model_name="
          "\"5B10W13930\",power_supply=\"BAT0\",serial_number=\"1234\",status=\"Discharging\","
          "technology=\"Li-ion\",type=\"Battery\"} 1\n"
          "node_power_supply_info{capacity_level=\"Normal\",charge_type=\"Fast\",manufacturer="
          "\"Logitech\",model_name=\"MX Master 3\",power_supply=\"hidpp_battery_0\",scope="
          "\"Device\",serial_number=\"4a-1b-2c\",status=\"Charging\",type=\"Battery\"} 1\n"
          "node_power_supply_info{power_supply=\"ucsi-source-psy-USBC000:001\",scope=\"System\","
          "type=\"USB\",usb_type=\"[C] PD PD_PPS\"} 1\n" +
          family("online") +
          "node_power_supply_online{power_supply=\"AC\"} 1\n"
          "node_power_supply_online{power_supply=\"hidpp_battery_0\"} 1\n"
          "node_power_supply_online{power_supply=\"ucsi-source-psy-USBC000:001\"} 0\n" +
          family("power_watt") + "node_power_supply_power_watt{power_supply=\"BAT0\"} 7.852\n" +
          family("present") + "node_power_supply_present{power_supply=\"BAT0\"} 1\n" +
          family("temp_celsius") + "node_power_supply_temp_celsius{power_supply=\"BAT0\"} 31.2\n" +
          family("voltage_max") +
          "node_power_supply_voltage_max{power_supply=\"ucsi-source-psy-USBC000:001\"} 20\n" +
          family("voltage_min") +
          "node_power_supply_voltage_min{power_supply=\"ucsi-source-psy-USBC000:001\"} 5\n" +
          family("voltage_min_design") +
          "node_power_supply_voltage_min_design{power_supply=\"BAT0\"} 11.52\n" +
          family("voltage_volt") +
          "node_power_supply_voltage_volt{power_supply=\"BAT0\"} 12.136\n"
          "node_power_supply_voltage_volt{power_supply=\"hidpp_battery_0\"} 3.916\n"
          "node_power_supply_voltage_volt{power_supply=\"ucsi-source-psy-USBC000:001\"} 5\n");
}

TEST(ThermalPowerTest, IgnoredSuppliesAreDroppedAfterParsing) {
  Collected run = Collect("powersupplyclass", kSysfs, "^(BAT|hidpp)");
  EXPECT_TRUE(run.ok);
  EXPECT_EQ(run.parsed.Family("node_power_supply_info").size(), 2u);
  EXPECT_TRUE(run.parsed.Family("node_power_supply_capacity").empty());
  EXPECT_EQ(run.parsed.Family("node_power_supply_online").size(), 2u);

  // An ignored supply is still parsed: a bad value in it fails the collector, as there.
  testing::TempDir dir;
  dir.WriteFile("class/power_supply/BAT1/capacity", "full\n");
  dir.WriteFile("class/power_supply/AC/online", "1\n");
  Collected bad = Collect("powersupplyclass", dir.path(), "^BAT");
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(ErrorOf(bad).find("BAT1/capacity: not an integer: \"full\""), std::string::npos)
      << ErrorOf(bad);
  EXPECT_EQ(bad.families, "");
}

TEST(ThermalPowerTest, AbsentDirectories) {
  testing::TempDir dir;
  // As node_exporter 1.5: no class/thermal is no data; no class/power_supply is ErrNoData,
  // a failed collection.
  Collected thermal = Collect("thermal_zone", dir.path());
  EXPECT_TRUE(thermal.ok);
  EXPECT_EQ(thermal.families, "");
  Collected power = Collect("powersupplyclass", dir.path());
  EXPECT_FALSE(power.ok);
  EXPECT_NE(ErrorOf(power).find("class/power_supply: No such file or directory"), std::string::npos)
      << ErrorOf(power);
  // Present but empty (this machine): success, nothing written.
  dir.WriteFile("class/power_supply/.keep", "");
  dir.WriteFile("class/thermal/.keep", "");
  power = Collect("powersupplyclass", dir.path());
  EXPECT_TRUE(power.ok);
  EXPECT_EQ(power.families, "");
}

TEST(ThermalPowerTest, MalformedThermalFilesFailTheCollector) {
  struct Case {
    std::string file, contents, error;
  };
  const std::vector<Case> cases = {
      {"thermal_zone0/temp", "hot\n", "thermal_zone0/temp: not an integer: \"hot\""},
      {"thermal_zone0/temp", "0x10\n", "not an integer: \"0x10\""},
      {"thermal_zone0/passive", "-1\n", "thermal_zone0/passive: not an integer"},
      {"thermal_zone0/policy", "", ""},  // removed below: a required attribute
      {"cooling_device0/cur_state", "\n", "cooling_device0/cur_state: not an integer"},
      {"cooling_device0/max_state", "99999999999999999999", "not an integer"},
  };
  for (const Case& c : cases) {
    testing::TempDir dir;
    dir.WriteFile("class/thermal/thermal_zone0/type", "acpitz\n");
    dir.WriteFile("class/thermal/thermal_zone0/temp", "30000\n");
    dir.WriteFile("class/thermal/cooling_device0/type", "Fan\n");
    dir.WriteFile("class/thermal/cooling_device0/cur_state", "1\n");
    dir.WriteFile("class/thermal/cooling_device0/max_state", "2\n");
    std::string error = c.error;
    if (c.file.ends_with("policy")) {
      error = "thermal_zone0/policy: No such file or directory";
    } else {
      dir.WriteFile("class/thermal/thermal_zone0/policy", "step_wise\n");
      dir.WriteFile("class/thermal/" + c.file, c.contents);
    }
    Collected run = Collect("thermal_zone", dir.path());
    EXPECT_FALSE(run.ok) << c.file;
    EXPECT_EQ(run.families, "") << c.file;
    EXPECT_NE(ErrorOf(run).find(error), std::string::npos) << c.file << ": " << ErrorOf(run);
  }
}

TEST(ThermalPowerTest, GoIntegerSyntax) {
  int64_t v = 0;
  EXPECT_TRUE(internal::ParseGoInt10("+42", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(internal::ParseGoInt10("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(internal::ParseGoInt10("9223372036854775808", v));
  EXPECT_FALSE(internal::ParseGoInt10("0x1f", v));
  EXPECT_FALSE(internal::ParseGoInt10("", v));
  EXPECT_FALSE(internal::ParseGoInt10("-", v));
  EXPECT_FALSE(internal::ParseGoInt10("+-1", v));
  EXPECT_FALSE(internal::ParseGoInt10("1 ", v));
}

TEST(ThermalPowerTest, ValidateOptionsRejectsBadIgnoredSuppliesRegex) {
  Status status = HostCollector::ValidateOptions(HostCollectorOptions{
      .collectors = {"powersupplyclass"}, .powersupply_ignored_supplies = "("});
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.ToString().find("powersupply_ignored_supplies"), std::string::npos)
      << status.ToString();
}

// node_exporter 1.5 over `sysfs`: its samples (without its own metrics), types and HELP.
struct Theirs {
  internal::ParsedExposition parsed;
  std::map<std::string, double> samples;
};

Theirs RunNodeExporter(const std::string& binary, const std::string& sysfs) {
  Theirs out;
  testing::TempDir dir;
  int port = testing::FreeLocalPort();
  auto node_exporter = testing::ChildProcess::Start(
      {binary, "--collector.disable-defaults", "--collector.thermal_zone",
       "--collector.powersupplyclass", "--path.sysfs=" + sysfs,
       "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      dir.Join("node_exporter.log"));
  EXPECT_TRUE(node_exporter.ok()) << node_exporter.status().ToString();
  if (!node_exporter.ok()) return out;
  EXPECT_TRUE(testing::WaitForPort(port)) << (*node_exporter)->Log();
  auto response = testing::HttpGet(port, "/metrics");
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  if (!response.ok()) return out;
  EXPECT_TRUE(internal::ParseExposition(response->body, out.parsed).ok());
  return out;
}

std::map<std::string, double> NodeSeries(const internal::ParsedExposition& p) {
  std::map<std::string, double> out;
  for (const auto& [key, value] : p.samples) {
    if (key.starts_with("node_") && !key.starts_with("node_scrape_collector_duration") &&
        !key.starts_with("node_exporter_")) {
      out.emplace(key, value);
    }
  }
  return out;
}

TEST(ThermalPowerTest, SameAsNodeExporterOnFixturesAndEmptyTrees) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "prometheus-node-exporter is not installed";
    GTEST_SKIP() << "prometheus-node-exporter is not installed";
  }
  testing::TempDir empty, bad;
  bad.WriteFile("class/thermal/thermal_zone3/type", "acpitz\n");
  bad.WriteFile("class/thermal/thermal_zone3/policy", "step_wise\n");
  bad.WriteFile("class/thermal/thermal_zone3/temp", "n/a\n");
  bad.WriteFile("class/power_supply/AC/online", "yes\n");
  for (const std::string& sysfs : {kSysfs, empty.path(), bad.path()}) {
    SCOPED_TRACE(sysfs);
    Theirs theirs = RunNodeExporter(binary, sysfs);
    HostCollector collector(
        HostCollectorOptions{.sysfs = sysfs, .collectors = {"thermal_zone", "powersupplyclass"}});
    std::string body;
    collector.Collect(body);
    internal::ParsedExposition ours;
    ASSERT_TRUE(internal::ParseExposition(body, ours).ok()) << body;
    std::map<std::string, double> our_series = NodeSeries(ours);
    std::erase_if(our_series, [](const auto& kv) {
      return kv.first.starts_with("node_scrape_collector_error_info");
    });
    EXPECT_EQ(our_series, NodeSeries(theirs.parsed)) << body;
    for (const auto& [name, type] : ours.types) {
      if (name.starts_with("node_scrape_collector_")) continue;
      ASSERT_EQ(theirs.parsed.types.count(name), 1u) << name;
      EXPECT_EQ(type, theirs.parsed.types.at(name)) << name;
      EXPECT_EQ(ours.help.at(name), theirs.parsed.help.at(name)) << name;
    }
  }
}

}  // namespace
}  // namespace osprey::agent
