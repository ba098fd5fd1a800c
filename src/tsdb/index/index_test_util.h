// Helpers shared by the index tests and benchmarks. Test-only.
#pragma once

#include <charconv>
#include <cstdint>
#include <roaring/roaring.hh>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/check.h"
#include "model/labels.h"
#include "model/matcher.h"

namespace osprey::tsdb::testing {

// The ids of `r`, ascending.
inline std::vector<uint32_t> Ids(const Roaring& r) {
  std::vector<uint32_t> out(r.cardinality());
  r.toUint32Array(out.data());
  return out;
}

// `prefix` followed by `n` in decimal. (g++ 12 reports a false -Wrestrict on
// `"x" + std::to_string(n)`.)
inline std::string Num(std::string_view prefix, uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  std::string s;
  s.reserve(prefix.size() + static_cast<size_t>(end - buf));
  s.append(prefix);
  s.append(buf, end);
  return s;
}

// Parses "name=value", "name!=value", "name=~value" or "name!~value" (the first operator
// found, in that order of precedence: !~, =~, !=, =).
inline model::Matcher ParseMatcher(std::string_view spec) {
  constexpr std::pair<std::string_view, model::MatchType> kOps[] = {
      {"!~", model::MatchType::kRegexNoMatch},
      {"=~", model::MatchType::kRegexMatch},
      {"!=", model::MatchType::kNotEqual},
      {"=", model::MatchType::kEqual}};
  for (const auto& [op, type] : kOps) {
    size_t at = spec.find(op);
    if (at != std::string_view::npos) {
      return model::Matcher::MustCreate(type, std::string(spec.substr(0, at)),
                                        std::string(spec.substr(at + op.size())));
    }
  }
  OSPREY_CHECK(false) << "bad matcher spec " << spec;
  return model::Matcher::MustCreate(model::MatchType::kEqual, "", "");
}

// Label sets shaped like node_exporter's: per host ~1000 series over ~60 metric names,
// with cpu/mode, device, mountpoint/fstype, interface and collector labels. Series ids are
// dense, host after host, as the head assigns them during a first scrape.
inline std::vector<model::Labels> NodeExporterLikeSeries(size_t num_series) {
  std::vector<model::Labels> out;
  out.reserve(num_series);
  constexpr std::string_view kModes[] = {"idle",    "iowait", "irq",    "nice",
                                         "softirq", "steal",  "system", "user"};
  constexpr std::string_view kMounts[][2] = {{"/", "ext4"},
                                             {"/boot", "ext4"},
                                             {"/run", "tmpfs"},
                                             {"/run/lock", "tmpfs"},
                                             {"/var/lib/docker", "overlay"},
                                             {"/home", "xfs"}};
  constexpr std::string_view kDevices[] = {"sda", "sdb", "nvme0n1", "dm-0"};
  constexpr std::string_view kInterfaces[] = {"eth0", "eth1", "lo", "docker0"};
  size_t host = 0;
  while (out.size() < num_series) {
    std::string instance = Num("10.0.", host / 250);
    instance += '.';
    instance += std::to_string(host % 250 + 1);
    instance += ":9100";
    auto add = [&](std::vector<model::Label> extra, std::string_view name) {
      if (out.size() >= num_series) return;
      extra.push_back({"__name__", std::string(name)});
      extra.push_back({"instance", instance});
      extra.push_back({"job", "node"});
      out.emplace_back(std::move(extra));
    };
    for (int cpu = 0; cpu < 16; ++cpu) {
      for (std::string_view mode : kModes) {
        add({{"cpu", std::to_string(cpu)}, {"mode", std::string(mode)}}, "node_cpu_seconds_total");
      }
      add({{"cpu", std::to_string(cpu)}}, "node_cpu_guest_seconds_total");
    }
    for (const auto& m : kMounts) {
      for (std::string_view metric :
           {"node_filesystem_avail_bytes", "node_filesystem_size_bytes",
            "node_filesystem_free_bytes", "node_filesystem_files", "node_filesystem_files_free",
            "node_filesystem_readonly", "node_filesystem_device_error"}) {
        add({{"device", Num("/dev/sd", host % 3)},
             {"fstype", std::string(m[1])},
             {"mountpoint", std::string(m[0])}},
            metric);
      }
    }
    for (std::string_view dev : kDevices) {
      for (int i = 0; i < 18; ++i) add({{"device", std::string(dev)}}, Num("node_disk_stat_", i));
    }
    for (std::string_view dev : kInterfaces) {
      for (int i = 0; i < 32; ++i) {
        add({{"device", std::string(dev)}}, Num("node_network_stat_", i));
      }
    }
    for (int i = 0; i < 120; ++i) add({}, Num("node_memory_stat_", i));
    for (int i = 0; i < 60; ++i) {
      add({{"collector", Num("collector_", i)}}, "node_scrape_collector_success");
    }
    for (int i = 0; i < 400; ++i) add({}, Num("node_misc_metric_", i % 50 + 1000 * (i / 50)));
    ++host;
  }
  return out;
}

}  // namespace osprey::tsdb::testing
