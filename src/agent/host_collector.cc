#include "agent/host_collector.h"

#include <algorithm>
#include <chrono>

#include "agent/internal/collectors.h"
#include "agent/internal/text_writer.h"

namespace osprey::agent {
namespace {

// textfile last: it rejects families that built-in collectors wrote in the same collection.
std::vector<std::string> EnabledCollectors(const HostCollectorOptions& options) {
  std::vector<std::string> names =
      options.collectors.empty() ? HostCollector::DefaultCollectors() : options.collectors;
  std::stable_partition(names.begin(), names.end(),
                        [](const std::string& n) { return n != "textfile"; });
  return names;
}

}  // namespace

HostCollector::HostCollector(HostCollectorOptions options)
    : enabled_(EnabledCollectors(options)),
      collectors_(std::make_unique<internal::Collectors>(std::move(options))) {}

HostCollector::~HostCollector() = default;

std::vector<std::string> HostCollector::DefaultCollectors() {
  return {"arp",
          "conntrack",
          "cpu",
          "cpufreq",
          "diskstats",
          "entropy",
          "filefd",
          "filesystem",
          "hwmon",
          "interrupts",
          "loadavg",
          "meminfo",
          "namedprocess",
          "netclass",
          "netdev",
          "netstat",
          "powersupplyclass",
          "pressure",
          "schedstat",
          "sockstat",
          "softnet",
          "stat",
          "tcpstat",
          "textfile",
          "thermal_zone",
          "time",
          "timex",
          "udp_queues",
          "uname",
          "vmstat"};
}

Status HostCollector::ValidateOptions(const HostCollectorOptions& options) {
  for (const std::string& name : options.collectors) {
    if (internal::Collectors::Find(name) == nullptr) {
      return InvalidArgumentError(std::string("agent: unknown host collector \"")
                                      .append(name)
                                      .append("\"; known: arp, conntrack, cpu, cpufreq, "
                                              "diskstats, entropy, filefd, filesystem, hwmon, "
                                              "interrupts, loadavg, meminfo, namedprocess, "
                                              "netclass, netdev, netstat, powersupplyclass, "
                                              "pressure, processes, schedstat, sockstat, "
                                              "softnet, stat, tcpstat, textfile, thermal_zone, "
                                              "time, timex, udp_queues, uname, vmstat"));
    }
  }
  const std::pair<const char*, const std::string*> regexes[] = {
      {"filesystem_mount_points_exclude", &options.filesystem_mount_points_exclude},
      {"filesystem_fs_types_exclude", &options.filesystem_fs_types_exclude},
      {"netdev_device_exclude", &options.netdev_device_exclude},
      {"diskstats_device_exclude", &options.diskstats_device_exclude},
      {"netstat_fields", &options.netstat_fields},
      {"powersupply_ignored_supplies", &options.powersupply_ignored_supplies},
  };
  for (const auto& entry : regexes) {
    internal::CachedRegex re(*entry.second);
    if (!re.status().ok()) return re.status().Annotate(std::string("agent: ").append(entry.first));
  }
  if (options.process_top_n < 1) {
    return InvalidArgumentError("agent: process_top_n must be at least 1");
  }
  return OkStatus();
}

void HostCollector::Collect(std::string& out) {
  struct Outcome {
    double seconds = 0;
    Status status;
  };
  std::vector<Outcome> outcomes(enabled_.size());
  internal::TextWriter writer(out);
  collectors_->BeginCollection(out.size());
  for (size_t i = 0; i < enabled_.size(); ++i) {
    auto start = std::chrono::steady_clock::now();
    size_t mark = out.size();
    internal::Collectors::Method method = internal::Collectors::Find(enabled_[i]);
    Status status = method == nullptr
                        ? NotFoundError(std::string("unknown collector ").append(enabled_[i]))
                        : (collectors_.get()->*method)(writer);
    // A failed collector contributes no samples: half a family would mislead more than none.
    if (!status.ok()) out.resize(mark);
    outcomes[i].status = std::move(status);
    outcomes[i].seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  writer.Family("node_scrape_collector_duration_seconds",
                "node_exporter: Duration of a collector scrape.", "gauge");
  for (size_t i = 0; i < enabled_.size(); ++i) {
    writer.Sample("node_scrape_collector_duration_seconds", {{"collector", enabled_[i]}},
                  outcomes[i].seconds);
  }
  writer.Family("node_scrape_collector_success", "node_exporter: Whether a collector succeeded.",
                "gauge");
  for (size_t i = 0; i < enabled_.size(); ++i) {
    writer.Sample("node_scrape_collector_success", {{"collector", enabled_[i]}},
                  outcomes[i].status.ok() ? 1 : 0);
  }
  bool any_error = false;
  for (const Outcome& o : outcomes) any_error |= !o.status.ok();
  if (any_error) {
    writer.Family("node_scrape_collector_error_info",
                  "osprey: Why a collector failed in the last collection (always 1).", "gauge");
    for (size_t i = 0; i < enabled_.size(); ++i) {
      if (outcomes[i].status.ok()) continue;
      writer.Sample("node_scrape_collector_error_info",
                    {{"collector", enabled_[i]}, {"error", outcomes[i].status.ToString()}}, 1);
    }
  }
}

}  // namespace osprey::agent
