// Runs Prometheus's PromQL test scripts (../shared/conformance/promql/v3.14.0, or
// $OSPREY_PROMQL_CONFORMANCE_DIR/v3.14.0) and Osprey's own (src/promql/testdata/*.test):
// one test per file, failing on any case that fails and is not in skips.tsv. Without the
// upstream scripts the upstream part is skipped with a message, or fails when CI=true.
//
// Environment:
//   OSPREY_PROMQL_REPORT=<path>     the Report test writes docs/promql-compatibility.md there
//   OSPREY_PROMQL_RESULTS=<path>    ...and a TSV of every case's outcome there (file, line,
//                                   outcome, skip reason, selects native histograms, skipped
//                                   but would pass, query), to review skips.tsv
//   OSPREY_PROMQL_RUN_SKIPPED=1     also runs skipped cases and lists those that would pass
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "promql/promqltest/report.h"
#include "promql/promqltest/runner.h"
#include "promql/promqltest/skip_list.h"
#include "promql/promqltest/str_cat.h"

#ifndef OSPREY_PROMQL_CONFORMANCE_DIR
#define OSPREY_PROMQL_CONFORMANCE_DIR ""
#endif

namespace osprey::promql::promqltest {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSet = "v3.14.0";
constexpr std::string_view kNativeHistograms = "native histograms";

bool EnvIs(const char* name, std::string_view value) {
  const char* v = std::getenv(name);
  return v != nullptr && value == v;
}

fs::path UpstreamDir() {
  const char* env = std::getenv("OSPREY_PROMQL_CONFORMANCE_DIR");
  fs::path root = env != nullptr ? env : OSPREY_PROMQL_CONFORMANCE_DIR;
  return root.empty() ? fs::path() : root / kSet;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ScriptFile {
  std::string name;  // file name, as the skip list names it
  fs::path path;     // empty: the upstream scripts were not found
  bool upstream = false;
};

// Names the parameter in gtest's messages.
void PrintTo(const ScriptFile& f, std::ostream* os) { *os << f.name; }

std::vector<ScriptFile> ListDir(const fs::path& dir, bool upstream) {
  std::vector<ScriptFile> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".test") {
      out.push_back({entry.path().filename().string(), entry.path(), upstream});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ScriptFile& a, const ScriptFile& b) { return a.name < b.name; });
  return out;
}

std::vector<ScriptFile> AllScripts() {
  std::vector<ScriptFile> out = ListDir(OSPREY_PROMQL_TESTDATA_DIR, false);
  fs::path up = UpstreamDir();
  std::vector<ScriptFile> upstream = up.empty() ? std::vector<ScriptFile>{} : ListDir(up, true);
  if (upstream.empty()) upstream.push_back({"scripts_missing", {}, true});
  out.insert(out.end(), upstream.begin(), upstream.end());
  return out;
}

SkipList LoadSkips() {
  Result<SkipList> skips = SkipList::Parse(ReadFile(OSPREY_PROMQL_SKIPS_FILE));
  OSPREY_CHECK(skips.ok()) << skips.status().ToString();
  return *std::move(skips);
}

// Runs one script; problems that are not case failures (a stale skip entry) go to
// `problems`.
FileResult RunScript(const ScriptFile& f, const SkipList& skips, bool run_skipped,
                     std::vector<std::string>& problems) {
  std::string text = ReadFile(f.path);
  if (f.upstream) {
    Result<Script> script = ParseScript(text);
    if (script.ok()) {
      for (std::string& p : skips.Validate(f.name, *script)) problems.push_back(std::move(p));
    }
  }
  RunnerOptions options;
  if (f.upstream) {
    options.skip = [&skips, &f](int line) { return skips.Reason(f.name, line); };
  }
  options.run_skipped = run_skipped;
  FileResult r = Runner(std::move(options)).Run(f.name, text);
  for (const CaseResult& c : r.cases) {
    if (c.outcome == Outcome::kSkipped && c.message == kNativeHistograms &&
        !c.needs_native_histograms) {
      problems.push_back(Cat(f.name, ":", std::to_string(c.line), ": skipped for ",
                             kNativeHistograms, " but selects none: ", c.query));
    }
  }
  return r;
}

class ConformanceTest : public ::testing::TestWithParam<ScriptFile> {};

TEST_P(ConformanceTest, Script) {
  const ScriptFile& f = GetParam();
  if (f.path.empty()) {
    std::string msg = Cat("PromQL conformance scripts not found at ", UpstreamDir().string(),
                          " (set OSPREY_PROMQL_CONFORMANCE_DIR)");
    if (EnvIs("CI", "true")) FAIL() << msg;
    GTEST_SKIP() << msg;
  }
  SkipList skips = LoadSkips();
  std::vector<std::string> problems;
  const bool run_skipped = EnvIs("OSPREY_PROMQL_RUN_SKIPPED", "1");
  FileResult r = RunScript(f, skips, run_skipped, problems);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::cout << f.name << ": " << r.Count(Outcome::kPassed) << " passed, "
            << r.Count(Outcome::kFailed) << " failed, " << r.Count(Outcome::kSkipped)
            << " skipped\n";
  for (const std::string& p : problems) ADD_FAILURE() << p;
  for (const CaseResult& c : r.cases) {
    if (c.outcome == Outcome::kFailed) {
      ADD_FAILURE() << f.name << ":" << c.line << ": " << c.query
                    << (c.needs_native_histograms ? " (selects native histograms)" : "") << "\n  "
                    << c.message;
    } else if (run_skipped && c.outcome == Outcome::kSkipped && c.would_pass) {
      std::cout << "  skipped but passes: " << f.name << ":" << c.line << " (" << c.message
                << "): " << c.query << "\n";
    }
  }
  RecordProperty("passed", r.Count(Outcome::kPassed));
  RecordProperty("failed", r.Count(Outcome::kFailed));
  RecordProperty("skipped", r.Count(Outcome::kSkipped));
}

std::string TestName(const ::testing::TestParamInfo<ScriptFile>& info) {
  std::string name =
      Cat(info.param.upstream ? "upstream_" : "osprey_", fs::path(info.param.name).stem().string());
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scripts, ConformanceTest, ::testing::ValuesIn(AllScripts()), TestName);

TEST(ConformanceSkipListTest, EveryEntryNamesAnUpstreamScript) {
  fs::path dir = UpstreamDir();
  if (dir.empty() || !fs::is_directory(dir)) GTEST_SKIP() << "no upstream scripts at " << dir;
  SkipList skips = LoadSkips();
  for (const SkipList::Entry& e : skips.entries()) {
    EXPECT_TRUE(fs::exists(dir / e.file)) << "skips.tsv names a missing file: " << e.file;
  }
}

// Writes docs/promql-compatibility.md when OSPREY_PROMQL_REPORT names a path.
TEST(ConformanceReportTest, WritesCompatibilityDoc) {
  const char* out_path = std::getenv("OSPREY_PROMQL_REPORT");
  if (out_path == nullptr || *out_path == '\0') {
    GTEST_SKIP() << "set OSPREY_PROMQL_REPORT=<path> to write docs/promql-compatibility.md";
  }
  SkipList skips = LoadSkips();
  ReportInput in{.set_name = kSet, .skips = &skips};
  std::vector<std::string> problems;
  const char* results_path = std::getenv("OSPREY_PROMQL_RESULTS");
  std::ofstream results;
  if (results_path != nullptr) results.open(results_path);
  for (const ScriptFile& f : AllScripts()) {
    ASSERT_FALSE(f.path.empty()) << "the upstream scripts are needed for the report";
    FileResult r = RunScript(f, skips, results.is_open(), problems);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    for (const CaseResult& c : r.cases) {
      if (!results.is_open() || !f.upstream) continue;
      static constexpr const char* kOutcome[] = {"passed", "failed", "skipped"};
      results << f.name << '\t' << c.line << '\t' << kOutcome[static_cast<int>(c.outcome)] << '\t'
              << (c.outcome == Outcome::kSkipped ? c.message : "") << '\t'
              << c.needs_native_histograms << '\t' << c.would_pass << '\t' << c.query << '\n';
    }
    (f.upstream ? in.upstream : in.own).push_back(std::move(r));
  }
  std::ofstream(out_path) << RenderCompatibilityReport(in);
  std::cout << "wrote " << out_path << "\n";
}

}  // namespace
}  // namespace osprey::promql::promqltest
