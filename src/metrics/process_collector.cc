// Parsing of the procfs files documented in proc(5). Field numbers below are proc(5)'s
// 1-based numbers for /proc/<pid>/stat.
#include "metrics/process_collector.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace osprey::metrics {
namespace {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  // procfs files report size 0, so read through the stream buffer rather than by size.
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(contents).str();
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(" \t\n", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\n", start);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(start, end - start));
    pos = end;
  }
  return fields;
}

// The value after `key` on the line starting with `key` (e.g. "btime", "Threads:").
std::optional<std::string_view> FindKeyedValue(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.starts_with(key)) {
      std::vector<std::string_view> fields = SplitFields(line.substr(key.size()));
      if (fields.empty()) return std::nullopt;
      return fields[0];
    }
    pos = end + 1;
  }
  return std::nullopt;
}

// The soft limit of the /proc/<pid>/limits row named `row`; "unlimited" is 2^64-1, as the Go
// client reports it.
std::optional<double> SoftLimit(std::string_view limits, std::string_view row) {
  std::optional<std::string_view> soft = FindKeyedValue(limits, row);
  if (!soft.has_value()) return std::nullopt;
  if (*soft == "unlimited") return 18446744073709551615.0;
  std::optional<uint64_t> value = ParseNumber<uint64_t>(*soft);
  if (!value.has_value()) return std::nullopt;
  return static_cast<double>(*value);
}

struct SystemConstants {
  double clock_ticks_per_second;
  double page_size_bytes;
};

class ProcessCollector {
 public:
  ProcessCollector(std::string proc_root, SystemConstants constants)
      : proc_root_(std::move(proc_root)), constants_(constants) {}

  void Collect(MetricWriter& writer) const {
    CollectStat(writer);
    CollectFds(writer);
    CollectLimits(writer);
    if (auto status = ReadWholeFile(proc_root_ + "/self/status")) {
      std::optional<std::string_view> threads = FindKeyedValue(*status, "Threads:");
      std::optional<uint64_t> count;
      if (threads.has_value()) count = ParseNumber<uint64_t>(*threads);
      if (count.has_value()) {
        writer.Write("process_threads", "Number of OS threads in the process.", "gauge", {},
                     static_cast<double>(*count));
      }
    }
  }

 private:
  void CollectStat(MetricWriter& writer) const {
    std::optional<std::string> stat = ReadWholeFile(proc_root_ + "/self/stat");
    if (!stat.has_value()) return;
    // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
    size_t comm_end = stat->rfind(')');
    if (comm_end == std::string::npos) return;
    std::vector<std::string_view> fields =
        SplitFields(std::string_view(*stat).substr(comm_end + 1));
    // fields[0] is field 3 (state).
    auto field = [&](size_t number) -> std::optional<uint64_t> {
      if (number - 3 >= fields.size()) return std::nullopt;
      return ParseNumber<uint64_t>(fields[number - 3]);
    };
    const double ticks = constants_.clock_ticks_per_second;
    std::optional<uint64_t> utime = field(14), stime = field(15);
    if (utime.has_value() && stime.has_value()) {
      writer.Write("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   "counter", {}, static_cast<double>(*utime + *stime) / ticks);
    }
    if (std::optional<uint64_t> vsize = field(23)) {
      writer.Write("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", {},
                   static_cast<double>(*vsize));
    }
    if (std::optional<uint64_t> rss = field(24)) {
      writer.Write("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", {},
                   static_cast<double>(*rss) * constants_.page_size_bytes);
    }
    std::optional<uint64_t> start_ticks = field(22);
    std::optional<std::string> system_stat = ReadWholeFile(proc_root_ + "/stat");
    if (start_ticks.has_value() && system_stat.has_value()) {
      std::optional<std::string_view> btime = FindKeyedValue(*system_stat, "btime");
      std::optional<uint64_t> boot_seconds;
      if (btime.has_value()) boot_seconds = ParseNumber<uint64_t>(*btime);
      if (boot_seconds.has_value()) {
        writer.Write(
            "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            "gauge", {},
            static_cast<double>(*boot_seconds) + static_cast<double>(*start_ticks) / ticks);
      }
    }
  }

  void CollectFds(MetricWriter& writer) const {
    std::error_code error;
    std::filesystem::directory_iterator it(proc_root_ + "/self/fd", error);
    if (error) return;
    uint64_t open_fds = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
      if (error) return;
      ++open_fds;
    }
    if (error) return;
    writer.Write("process_open_fds", "Number of open file descriptors.", "gauge", {},
                 static_cast<double>(open_fds));
  }

  void CollectLimits(MetricWriter& writer) const {
    std::optional<std::string> limits = ReadWholeFile(proc_root_ + "/self/limits");
    if (!limits.has_value()) return;
    if (std::optional<double> max_fds = SoftLimit(*limits, "Max open files")) {
      writer.Write("process_max_fds", "Maximum number of open file descriptors.", "gauge", {},
                   *max_fds);
    }
    if (std::optional<double> max_vm = SoftLimit(*limits, "Max address space")) {
      writer.Write("process_virtual_memory_max_bytes",
                   "Maximum amount of virtual memory available in bytes.", "gauge", {}, *max_vm);
    }
  }

  const std::string proc_root_;
  const SystemConstants constants_;
};

}  // namespace

void AddProcessCollector(Registry& registry, std::string proc_root) {
  const SystemConstants constants{
      .clock_ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK)),
      .page_size_bytes = static_cast<double>(sysconf(_SC_PAGESIZE)),
  };
  OSPREY_CHECK(constants.clock_ticks_per_second > 0 && constants.page_size_bytes > 0)
      << "sysconf failed";
  // The collector is immutable, so sharing it between concurrent expositions is safe;
  // std::function needs it copyable, hence shared_ptr.
  auto collector = std::make_shared<const ProcessCollector>(std::move(proc_root), constants);
  registry.AddCollector([collector](MetricWriter& writer) { collector->Collect(writer); });
}

}  // namespace osprey::metrics
