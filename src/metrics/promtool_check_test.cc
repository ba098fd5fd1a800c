// Checks the exposition text with Prometheus's own linter, `promtool check metrics`.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "metrics/build_info.h"
#include "metrics/process_collector.h"
#include "metrics/registry.h"

namespace osprey::metrics {
namespace {

std::string FindOnPath(std::string_view program) {
  const char* path = getenv("PATH");
  if (path == nullptr) return "";
  std::string_view dirs(path);
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::filesystem::path candidate = std::filesystem::path(dirs.substr(0, colon)) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return "";
}

bool RunningInCi() {
  const char* ci = getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// Removes the file on destruction.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "osprey_exposition_XXXXXX");
    int fd = mkstemp(pattern.data());
    OSPREY_CHECK(fd >= 0) << "mkstemp failed";
    close(fd);
    path_ = pattern;
  }
  ~TempFile() { unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(PromtoolCheckTest, ExpositionOfEveryMetricTypePassesPromtoolLint) {
  const std::string promtool = FindOnPath("promtool");
  if (promtool.empty()) {
    if (RunningInCi()) FAIL() << "promtool not found on PATH, and CI=true";
    GTEST_SKIP() << "promtool not found on PATH";
  }

  Registry registry;
  registry.NewCounter("osprey_test_events_total", "Events seen.").Inc(3);
  registry.NewGauge("osprey_test_queue_length", "Items waiting.").Set(-2.5);
  registry
      .NewHistogram("osprey_test_request_duration_seconds", "Request latency.", DefaultBuckets())
      .Observe(0.3);
  auto& responses = registry.NewCounterFamily("osprey_test_responses_total", "Responses by code.",
                                              {"code", "path"});
  responses.WithLabels({"200", "/api/v1/query"}).Inc();
  responses.WithLabels({"500", "C:\\odd \"path\"\nline"}).Inc(2);
  registry.NewGaugeFamily("osprey_test_temperature_celsius", "Temperature.", {"room"})
      .WithLabels({"attic"})
      .Set(std::numeric_limits<double>::quiet_NaN());
  auto& sizes = registry.NewHistogramFamily("osprey_test_payload_bytes", "Payload sizes.", {"kind"},
                                            ExponentialBuckets(64, 4, 6));
  sizes.WithLabels({"write"}).Observe(1000);
  sizes.WithLabels({"read"}).Observe(1e9);
  registry.AddCollector([](MetricWriter& writer) {
    writer.Write("osprey_test_collected_items", "Items by queue.", "gauge", {{"queue", "a"}}, 4);
    writer.Write("osprey_test_collected_items", "Items by queue.", "gauge", {{"queue", "b"}}, 5);
  });
  AddProcessCollector(registry);
  AddBuildInfo(registry, "0.1.0", "deadbeef", "main", "g++ 12");

  TempFile file;
  {
    std::ofstream out(file.path());
    out << registry.ExpositionText();
    ASSERT_TRUE(out.good());
  }
  // 2>&1 so that both lint findings and errors land in `output`.
  const std::string command = promtool + " check metrics < " + file.path() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << command;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output, "");
}

}  // namespace
}  // namespace osprey::metrics
