// The textfile collector over src/agent/testdata/textfile, copied to a temporary directory
// with fixed mtimes: exact exposition, rejected files and collisions logged by name and line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent/host_collector.h"
#include "agent/internal/exposition_test_util.h"
#include "base/logger.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

const std::string kTestdata = OSPREY_AGENT_TESTDATA;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(kTestdata + "/textfile/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Copies the fixtures into `dir` with mtime 1700000000 + index.
void CopyFixtures(const testing::TempDir& dir, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    std::string path = dir.WriteFile(names[i], ReadFixture(names[i]));
    struct timespec times[2] = {{static_cast<time_t>(1700000000 + i), 0},
                                {static_cast<time_t>(1700000000 + i), 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
  }
}

struct TextfileRun {
  std::string body;  // without the node_scrape_collector_* trailer
  std::vector<std::string> log;
};

TextfileRun Collect(const std::string& directory, std::vector<std::string> collectors) {
  TextfileRun run;
  auto* log = &run.log;
  HostCollector collector(HostCollectorOptions{
      .procfs = kTestdata + "/procfs",
      .sysfs = kTestdata + "/sysfs",
      .collectors = std::move(collectors),
      .textfile_directory = directory,
      .logger = Logger(LogLevel::kInfo, LogFormat::kLogfmt,
                       [log](std::string_view line) { log->emplace_back(line); })});
  std::string body;
  collector.Collect(body);
  internal::ParsedExposition parsed;
  Status status = internal::ParseExposition(body, parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << body;
  EXPECT_EQ(parsed.samples.at("node_scrape_collector_success{collector=\"textfile\"}"), 1);
  run.body = body.substr(0, body.find("# HELP node_scrape_collector_duration_seconds"));
  return run;
}

TEST(TextfileCollectorTest, MergesFilesAndRejectsBadOnesAndCollisions) {
  testing::TempDir dir;
  CopyFixtures(dir, {"a.prom", "b.prom", "c_bad.prom", "d_timestamp.prom", "e.txt"});
  const std::string d = dir.path();
  // textfile is listed first but runs last, after loadavg wrote node_load1.
  TextfileRun run = Collect(d, {"textfile", "loadavg"});
  EXPECT_EQ(run.body, R"(# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.08
# HELP node_load5 5m load average.
# TYPE node_load5 gauge
node_load5 0.29
# HELP node_load15 15m load average.
# TYPE node_load15 gauge
node_load15 1.21
# HELP apt_upgrades_pending Metric read from )" +
                          d + R"(/a.prom
# TYPE apt_upgrades_pending counter
apt_upgrades_pending{arch="amd64"} 3
# HELP backup_last_success_timestamp_seconds When the last backup succeeded.
# TYPE backup_last_success_timestamp_seconds gauge
backup_last_success_timestamp_seconds{job="db",site=""} 1.7e+09
backup_last_success_timestamp_seconds{job="files",site="b"} 1.6e+09
# HELP job_duration_seconds Job durations.
# TYPE job_duration_seconds histogram
job_duration_seconds_bucket{le="1"} 2
job_duration_seconds_bucket{le="+Inf"} 3
job_duration_seconds_sum 4.5
job_duration_seconds_count 3
# HELP raid_degraded Metric read from )" +
                          d + "/a.prom, " + d + R"(/b.prom
# TYPE raid_degraded untyped
raid_degraded{md=""} 0
raid_degraded{md="md1"} 1
# HELP node_textfile_mtime_seconds Unixtime mtime of textfiles successfully read.
# TYPE node_textfile_mtime_seconds gauge
node_textfile_mtime_seconds{file=")" +
                          d + R"(/a.prom"} 1.7e+09
node_textfile_mtime_seconds{file=")" +
                          d + R"(/b.prom"} 1700000001
# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise
# TYPE node_textfile_scrape_error gauge
node_textfile_scrape_error 1
)");
  ASSERT_EQ(run.log.size(), 3u);
  EXPECT_NE(run.log[0].find("textfile metric collides with a built-in metric"), std::string::npos)
      << run.log[0];
  EXPECT_NE(run.log[0].find("file=" + d + "/b.prom"), std::string::npos) << run.log[0];
  EXPECT_NE(run.log[0].find("node_load1"), std::string::npos) << run.log[0];
  EXPECT_NE(run.log[1].find("failed to parse textfile data"), std::string::npos) << run.log[1];
  EXPECT_NE(run.log[1].find("file=" + d + "/c_bad.prom"), std::string::npos) << run.log[1];
  EXPECT_NE(run.log[1].find("line 3"), std::string::npos) << run.log[1];
  EXPECT_NE(run.log[2].find("file=" + d + "/d_timestamp.prom"), std::string::npos) << run.log[2];
  EXPECT_NE(run.log[2].find("line 1: client-side timestamps"), std::string::npos) << run.log[2];
}

TEST(TextfileCollectorTest, WithoutDirectoryWritesOnlyTheErrorGauge) {
  TextfileRun run = Collect("", {"textfile"});
  EXPECT_EQ(run.body,
            "# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, "
            "0 otherwise\n# TYPE node_textfile_scrape_error gauge\nnode_textfile_scrape_error 0\n");
  EXPECT_TRUE(run.log.empty());
}

TEST(TextfileCollectorTest, MissingDirectoryIsAnErrorNamingIt) {
  testing::TempDir dir;
  TextfileRun run = Collect(dir.Join("absent"), {"textfile"});
  EXPECT_NE(run.body.find("node_textfile_scrape_error 1\n"), std::string::npos) << run.body;
  ASSERT_EQ(run.log.size(), 1u);
  EXPECT_NE(run.log[0].find(dir.Join("absent")), std::string::npos) << run.log[0];
}

TEST(TextfileCollectorTest, GlobOfDirectoriesAndSeriesClashesBetweenFiles) {
  testing::TempDir dir;
  dir.WriteFile("x/one.prom", "# TYPE jobs gauge\njobs{q=\"a\"} 1\nother 2\n");
  dir.WriteFile("y/two.prom", "# TYPE jobs gauge\njobs{q=\"a\"} 5\njobs{q=\"b\"} 6\n");
  dir.WriteFile("y/three.prom", "# TYPE other counter\nother 3\n");
  TextfileRun run = Collect(dir.Join("*"), {"textfile"});
  std::string body = run.body.substr(0, run.body.find("# HELP node_textfile_mtime_seconds"));
  EXPECT_EQ(body, "# HELP jobs Metric read from " + dir.Join("x/one.prom") + ", " +
                      dir.Join("y/two.prom") +
                      "\n# TYPE jobs gauge\njobs{q=\"a\"} 1\njobs{q=\"b\"} 6\n"
                      "# HELP other Metric read from " +
                      dir.Join("x/one.prom") + "\n# TYPE other untyped\nother 2\n");
  EXPECT_NE(run.body.find("node_textfile_scrape_error 1\n"), std::string::npos);
  ASSERT_EQ(run.log.size(), 2u);  // y/three.prom's counter, y/two.prom's jobs{q="a"}
}

TEST(TextfileCollectorTest, RejectsDuplicateSeriesAndLateTypeInOneFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"a 1\na 2\n", "line 2: duplicate series"},
      {"a 1\n# TYPE a gauge\n", "TYPE line for metric name a after its samples"},
      {"# HELP a x\n# HELP a y\na 1\n", "second HELP line for metric name a"},
      {"# TYPE h histogram\nh 1\n", "line 2: histogram sample without"},
      {"{\"a.b\"} 1\n", "line 1: metric name is not valid"},
  };
  for (const auto& [text, error] : cases) {
    SCOPED_TRACE(text);
    testing::TempDir dir;
    dir.WriteFile("f.prom", text);
    TextfileRun run = Collect(dir.path(), {"textfile"});
    EXPECT_EQ(run.body.find("# HELP node_textfile_mtime_seconds"), std::string::npos);
    EXPECT_NE(run.body.find("node_textfile_scrape_error 1\n"), std::string::npos);
    ASSERT_EQ(run.log.size(), 1u);
    EXPECT_NE(run.log[0].find(error), std::string::npos) << run.log[0];
  }
}

}  // namespace
}  // namespace osprey::agent
