#include "ingest/internal/test_requests.h"

#include <array>
#include <vector>

#include "ingest/remote_write_encoder.h"

namespace osprey::ingest::internal {
namespace {

constexpr std::array<const char*, 8> kNames = {
    "node_cpu_seconds_total",           "node_memory_MemAvailable_bytes",
    "node_network_receive_bytes_total", "node_disk_io_time_seconds_total",
    "node_filesystem_avail_bytes",      "node_load1",
    "node_context_switches_total",      "node_network_transmit_packets_total"};
constexpr std::array<const char*, 4> kModes = {"idle", "user", "system", "iowait"};

}  // namespace

model::Labels NodeExporterSeries(int i) {
  const std::string device = "dev" + std::to_string((i / 8) % 16);
  const std::string instance = "host-" + std::to_string(i / 128) + ".example.internal:9100";
  return model::Labels::FromStrings(
      {"__name__",          kNames[i % 8], "az",        "eu-west-1b",    "cluster",
       "production-main",   "device",      device,      "env",           "prod",
       "instance",          instance,      "job",       "node_exporter", "mode",
       kModes[(i / 8) % 4], "region",      "eu-west-1", "team",          "infrastructure"});
}

std::string BuildNodeExporterWriteRequest(int series, int samples_per_series, int64_t t0_ms) {
  WriteRequestEncoder enc;
  std::vector<model::Sample> samples(samples_per_series);
  for (int i = 0; i < series; ++i) {
    for (int j = 0; j < samples_per_series; ++j) {
      samples[j] = {.t = t0_ms + int64_t{j} * 15000, .v = i * 1.5 + j * 0.01};
    }
    enc.AddSeries(NodeExporterSeries(i), samples);
  }
  return enc.Release();
}

std::string BuildNodeExporterText(int series, int64_t t_ms) {
  std::string out;
  for (int i = 0; i < series; ++i) {
    const model::Labels labels = NodeExporterSeries(i);
    const std::string_view name = labels.MetricName();
    if (i < 8) {
      out += "# HELP " + std::string(name) + " A node_exporter metric.\n";
      out += "# TYPE " + std::string(name) + " gauge\n";
    }
    out += name;
    out += '{';
    bool first = true;
    for (const model::Label& l : labels) {
      if (l.name == model::kMetricName) continue;
      if (!first) out += ',';
      first = false;
      out += l.name + "=\"" + l.value + "\"";
    }
    out += "} " + std::to_string(i * 1.5) + " " + std::to_string(t_ms) + "\n";
  }
  return out;
}

}  // namespace osprey::ingest::internal
