// Runs the real `promtool check rules` (Prometheus 2.42) on the same files as ParseRuleFile:
// valid files must pass both, invalid ones fail both.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "base/file_system.h"
#include "rules/rule_file.h"
#include "testing/child_process.h"

namespace osprey::rules {
namespace {

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool ParsesHere(const std::string& path) {
  PosixFileSystem fs;
  Result<std::string> text = ReadFileToString(fs, path);
  EXPECT_TRUE(text.ok());
  Result<RuleFile> f = ParseRuleFile(*text, path);
  if (!f.ok()) std::cerr << "  osprey: " << f.status().message() << "\n";
  return f.ok();
}

class PromtoolCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    promtool_ = osprey::testing::FindExecutable({"/usr/bin/promtool"});
    if (promtool_.empty()) {
      if (osprey::testing::RunningUnderCi()) FAIL() << "promtool missing under CI";
      GTEST_SKIP() << "promtool not installed";
    }
  }
  bool PromtoolAccepts(const std::string& path) {
    const std::string cmd = promtool_ + " check rules '" + path + "' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  std::string promtool_;
};

TEST_F(PromtoolCheckTest, ValidFilesPassBoth) {
  for (const std::string& path : FilesIn(std::string(OSPREY_RULES_TESTDATA) + "/valid")) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(PromtoolAccepts(path));
    EXPECT_TRUE(ParsesHere(path));
  }
}

TEST_F(PromtoolCheckTest, InvalidFilesFailBoth) {
  for (const std::string& path : FilesIn(std::string(OSPREY_RULES_TESTDATA) + "/invalid")) {
    SCOPED_TRACE(path);
    EXPECT_FALSE(PromtoolAccepts(path));
    EXPECT_FALSE(ParsesHere(path));
  }
}

}  // namespace
}  // namespace osprey::rules
