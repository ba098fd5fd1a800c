// BM_HostCollectorCollect: one full collection cycle (all default collectors) on this host.
// BM_NodeExporterScrape: the same work done by the real node_exporter, measured as its own
// CPU time (utime + stime from /proc/<pid>/stat) per /metrics scrape, reported as the counter
// node_exporter_cpu_seconds_per_scrape. Compare it with BM_HostCollectorCollect's CPU time.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <string>

#include "agent/host_collector.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

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
  auto child = testing::ChildProcess::Start(
      {binary, "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      dir.Join("node_exporter.log"));
  if (!child.ok() || !testing::WaitForPort(port)) {
    state.SkipWithError("node_exporter did not start");
    return;
  }
  (void)testing::HttpGet(port, "/metrics");  // warm up
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
}
BENCHMARK(BM_NodeExporterScrape)->Unit(benchmark::kMicrosecond)->Iterations(200);

}  // namespace
}  // namespace osprey::agent
