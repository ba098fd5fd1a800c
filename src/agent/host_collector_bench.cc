// BM_HostCollectorCollect: one full collection cycle (all default collectors) on this host,
// with this process's VmRSS as a counter.
// BM_NodeExporterScrape: the same work done by the real node_exporter run with the same
// collectors (all of ours but namedprocess, which it lacks), measured as its own CPU time
// (utime + stime from /proc/<pid>/stat) per /metrics scrape, reported as the counter
// node_exporter_cpu_seconds_per_scrape, with its VmRSS after the scrapes. Compare it with
// BM_HostCollectorCollect's CPU time. BM_OneCollector/N: the collectors added last, alone.
// bench/agent/host_collection.sh runs these and prints the figures of docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent/host_collector.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

// Sample lines of an exposition body.
double SeriesCount(std::string_view body) {
  double n = 0;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    if (end > start && body[start] != '#') ++n;
    start = end + 1;
  }
  return n;
}

// VmRSS of `pid` in bytes, or -1.
double VmRssBytes(pid_t pid) {
  std::string status = testing::ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/status");
  size_t at = status.find("VmRSS:");
  if (at == std::string::npos) return -1;
  return std::stod(status.substr(at + 6)) * 1024;
}

void BM_HostCollectorCollect(benchmark::State& state) {
  HostCollector collector(HostCollectorOptions{});
  std::string out;
  collector.Collect(out);  // warm caches and the process table
  for (auto _ : state) {
    out.clear();
    collector.Collect(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_collection"] = static_cast<double>(out.size());
  state.counters["rss_bytes"] = VmRssBytes(::getpid());
  state.counters["series"] = SeriesCount(out);
}
BENCHMARK(BM_HostCollectorCollect)->Unit(benchmark::kMicrosecond);

// Only the collectors added for Grafana's "Node Exporter Full" dashboard (the difference
// between BM_HostCollectorCollect before and after they became defaults).
void BM_HostCollectorAddedCollectors(benchmark::State& state) {
  HostCollector collector(
      HostCollectorOptions{.collectors = {"arp", "conntrack", "cpufreq", "netclass", "schedstat",
                                          "sockstat", "softnet", "timex"}});
  std::string out;
  collector.Collect(out);
  for (auto _ : state) {
    out.clear();
    collector.Collect(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_collection"] = static_cast<double>(out.size());
}
BENCHMARK(BM_HostCollectorAddedCollectors)->Unit(benchmark::kMicrosecond);

const char* const kLastAdded[] = {"interrupts", "processes",    "tcpstat",         "udp_queues",
                                  "textfile",   "thermal_zone", "powersupplyclass"};

void BM_OneCollector(benchmark::State& state) {
  const char* name = kLastAdded[state.range(0)];
  state.SetLabel(name);
  HostCollector collector(HostCollectorOptions{.collectors = {name}});
  std::string out;
  collector.Collect(out);
  for (auto _ : state) {
    out.clear();
    collector.Collect(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_collection"] = static_cast<double>(out.size());
}
BENCHMARK(BM_OneCollector)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);

#ifdef OSPREY_AGENT_TESTDATA
// thermal_zone and powersupplyclass over the fixture tree (3 zones, 3 cooling devices, 4
// supplies): the dev VM has none of that hardware.
void BM_ThermalPowerFixture(benchmark::State& state) {
  HostCollector collector(
      HostCollectorOptions{.sysfs = std::string(OSPREY_AGENT_TESTDATA) + "/sysfs",
                           .collectors = {"thermal_zone", "powersupplyclass"}});
  std::string out;
  collector.Collect(out);
  for (auto _ : state) {
    out.clear();
    collector.Collect(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["series"] = SeriesCount(out);
}
BENCHMARK(BM_ThermalPowerFixture)->Unit(benchmark::kMicrosecond);
#endif

double ProcessCpuSeconds(pid_t pid) {
  std::string stat = testing::ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  // Fields after the comm: state is field 3; utime and stime are fields 14 and 15.
  std::string_view rest = std::string_view(stat).substr(close + 2);
  double values[2] = {};
  for (int field = 3, got = 0; field <= 15 && got < 2; ++field) {
    size_t space = rest.find(' ');
    if (field >= 14) values[got++] = std::stod(std::string(rest.substr(0, space)));
    rest.remove_prefix(space + 1);
  }
  return (values[0] + values[1]) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void BM_NodeExporterScrape(benchmark::State& state) {
  std::string binary = testing::FindExecutable({"/usr/bin/prometheus-node-exporter"});
  if (binary.empty()) {
    state.SkipWithError("prometheus-node-exporter is not installed");
    return;
  }
  testing::TempDir dir;
  int port = testing::FreeLocalPort();
  std::vector<std::string> argv = {binary, "--collector.disable-defaults",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port)};
  for (const std::string& c : HostCollector::DefaultCollectors()) {
    if (c != "namedprocess") argv.push_back("--collector." + c);
  }
  auto child = testing::ChildProcess::Start(argv, dir.Join("node_exporter.log"));
  if (!child.ok() || !testing::WaitForPort(port)) {
    state.SkipWithError("node_exporter did not start");
    return;
  }
  auto warm_up = testing::HttpGet(port, "/metrics");
  double before = ProcessCpuSeconds((*child)->pid());
  int64_t scrapes = 0;
  for (auto _ : state) {
    auto response = testing::HttpGet(port, "/metrics");
    benchmark::DoNotOptimize(response);
    ++scrapes;
  }
  double after = ProcessCpuSeconds((*child)->pid());
  state.counters["node_exporter_cpu_seconds_per_scrape"] =
      scrapes > 0 ? (after - before) / static_cast<double>(scrapes) : 0;
  state.counters["node_exporter_rss_bytes"] = VmRssBytes((*child)->pid());
  state.counters["series"] = warm_up.ok() ? SeriesCount(warm_up->body) : -1;
}
BENCHMARK(BM_NodeExporterScrape)->Unit(benchmark::kMicrosecond)->Iterations(200);

}  // namespace
}  // namespace osprey::agent
