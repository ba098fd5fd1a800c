#include "metrics/process_collector.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "metrics/registry.h"

namespace osprey::metrics {
namespace {

// A fresh directory under TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "osprey_metrics_XXXXXX");
    OSPREY_CHECK(mkdtemp(pattern.data()) != nullptr) << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

// Sample lines of an exposition, by series (the text before the value).
std::map<std::string, std::string> Samples(const std::string& text) {
  std::map<std::string, std::string> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = line.substr(space + 1);
  }
  return samples;
}

constexpr std::string_view kLimits =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max open files            1024                 524288               files     \n"
    "Max address space         unlimited            unlimited            bytes     \n";

void WriteFixture(const std::filesystem::path& root) {
  // Fields after the command: state(3) ... utime(14)=250 stime(15)=150 ... num_threads(20)=7
  // ... starttime(22)=5000 vsize(23)=123456789 rss(24)=1000. The command holds ") " to check
  // that parsing starts after the last ')'.
  WriteFile(root / "self/stat",
            "4242 (my) proc) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 7 0 5000 "
            "123456789 1000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  WriteFile(root / "stat",
            "cpu  1 2 3 4 5 6 7 0 0 0\nintr 12345\nctxt 99\nbtime 1700000000\nprocesses 10\n");
  WriteFile(root / "self/limits", kLimits);
  WriteFile(root / "self/status",
            "Name:\tmy proc\nState:\tS (sleeping)\nThreads:\t7\nVmRSS:\t4 kB\n");
  for (const char* fd : {"0", "1", "2", "5"}) {
    WriteFile(root / "self/fd" / fd, "");
  }
}

TEST(ProcessCollectorTest, ReadsEveryMetricFromFixtureFiles) {
  TempDir dir;
  WriteFixture(dir.path());
  Registry registry;
  AddProcessCollector(registry, dir.path().string());
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

  std::map<std::string, std::string> samples = Samples(registry.ExpositionText());
  EXPECT_EQ(samples, (std::map<std::string, std::string>{
                         {"process_cpu_seconds_total", FormatValue(400 / ticks)},
                         {"process_max_fds", "1024"},
                         {"process_open_fds", "4"},
                         {"process_resident_memory_bytes", FormatValue(1000 * page)},
                         {"process_start_time_seconds", FormatValue(1700000000 + 5000 / ticks)},
                         {"process_threads", "7"},
                         {"process_virtual_memory_bytes", "123456789"},
                         {"process_virtual_memory_max_bytes", "1.8446744073709552e+19"},
                     }));
}

TEST(ProcessCollectorTest, WritesGoClientHelpAndTypes) {
  TempDir dir;
  WriteFixture(dir.path());
  Registry registry;
  AddProcessCollector(registry, dir.path().string());
  const std::string text = registry.ExpositionText();
  for (const char* header : {
           "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
           "# TYPE process_cpu_seconds_total counter\n",
           "# HELP process_max_fds Maximum number of open file descriptors.\n"
           "# TYPE process_max_fds gauge\n",
           "# HELP process_open_fds Number of open file descriptors.\n"
           "# TYPE process_open_fds gauge\n",
           "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
           "# TYPE process_resident_memory_bytes gauge\n",
           "# HELP process_start_time_seconds Start time of the process since unix epoch in "
           "seconds.\n# TYPE process_start_time_seconds gauge\n",
           "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
           "# TYPE process_virtual_memory_bytes gauge\n",
           "# HELP process_virtual_memory_max_bytes Maximum amount of virtual memory available "
           "in bytes.\n# TYPE process_virtual_memory_max_bytes gauge\n",
           "# HELP process_threads Number of OS threads in the process.\n"
           "# TYPE process_threads gauge\n",
       }) {
    EXPECT_NE(text.find(header), std::string::npos) << header;
  }
}

TEST(ProcessCollectorTest, ReadsFilesAgainOnEachScrape) {
  TempDir dir;
  WriteFixture(dir.path());
  Registry registry;
  AddProcessCollector(registry, dir.path().string());
  EXPECT_EQ(Samples(registry.ExpositionText())["process_threads"], "7");
  WriteFile(dir.path() / "self/status", "Threads:\t12\n");
  WriteFile(dir.path() / "self/fd/9", "");
  std::map<std::string, std::string> samples = Samples(registry.ExpositionText());
  EXPECT_EQ(samples["process_threads"], "12");
  EXPECT_EQ(samples["process_open_fds"], "5");
}

TEST(ProcessCollectorTest, LeavesOutMetricsWhoseFilesAreMissingOrMalformed) {
  TempDir dir;
  WriteFile(dir.path() / "self/stat", "4242 (truncated) S 1 2\n");
  WriteFile(dir.path() / "self/limits", "Max open files            lots       lots      files\n");
  WriteFile(dir.path() / "self/status", "Threads:\tmany\n");
  Registry registry;
  AddProcessCollector(registry, dir.path().string());
  EXPECT_EQ(registry.ExpositionText(), "");
}

TEST(ProcessCollectorTest, ReportsPlausibleValuesForThisProcess) {
  Registry registry;
  AddProcessCollector(registry);
  std::map<std::string, std::string> samples = Samples(registry.ExpositionText());
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes",
        "process_virtual_memory_bytes", "process_virtual_memory_max_bytes",
        "process_start_time_seconds", "process_open_fds", "process_max_fds", "process_threads"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(samples.contains(name));
    // CPU time may be 0 ticks in a process this young; the rest must be positive.
    if (std::string_view(name) == "process_cpu_seconds_total") {
      EXPECT_GE(std::stod(samples[name]), 0);
    } else {
      EXPECT_GT(std::stod(samples[name]), 0);
    }
  }
  // Started after 2020-01-01 and not in the future by more than a day.
  const double start = std::stod(samples["process_start_time_seconds"]);
  EXPECT_GT(start, 1577836800);
  EXPECT_LT(start, static_cast<double>(time(nullptr)) + 86400);
  // stdin/stdout/stderr, at least.
  EXPECT_GE(std::stod(samples["process_open_fds"]), 3);
  EXPECT_GE(std::stod(samples["process_resident_memory_bytes"]), 1 << 20);
}

}  // namespace
}  // namespace osprey::metrics
