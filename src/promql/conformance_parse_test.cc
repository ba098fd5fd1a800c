// Parses every `eval` expression of Prometheus's own PromQL test scripts
// (conformance/promql/v3.14.0/*.test, see its README): each one not expected to fail
// must parse, and an expected failure whose message is a parse error must give that
// message. Skipped when the scripts are absent, unless CI=true.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "promql/parser.h"

#ifndef OSPREY_PROMQL_CONFORMANCE_DIR
#define OSPREY_PROMQL_CONFORMANCE_DIR ""
#endif

namespace osprey::promql {
namespace {

struct EvalCase {
  std::string file;
  int line = 0;
  std::string query;
  bool expect_fail = false;
  std::string fail_message;  // empty: any failure
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<EvalCase> ReadCases(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(Trim(l));
  static const std::regex kEval(
      R"(^(eval(?:_fail|_ordered|_warn|_info)?)\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$)");
  std::vector<EvalCase> cases;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, kEval)) continue;
    EvalCase c{file.filename().string(), static_cast<int>(i + 1), m[2].str(),
               m[1].str() == "eval_fail", ""};
    // The command's other lines run up to the next blank or comment line.
    for (size_t j = i + 1; j < lines.size() && !lines[j].empty() && lines[j][0] != '#'; ++j) {
      const std::string& l = lines[j];
      if (l.starts_with("expect fail")) {
        c.expect_fail = true;
        if (size_t p = l.find("msg:"); p != std::string::npos)
          c.fail_message = Trim(l.substr(p + 4));
      } else if (l.starts_with("expected_fail_message")) {
        c.fail_message = Trim(l.substr(21));
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(ConformanceParseTest, ParsesEveryUpstreamEvalExpression) {
  const char* env = std::getenv("OSPREY_PROMQL_CONFORMANCE_DIR");
  std::filesystem::path root = env != nullptr ? env : OSPREY_PROMQL_CONFORMANCE_DIR;
  std::filesystem::path dir = root / "v3.14.0";
  if (root.empty() || !std::filesystem::is_directory(dir)) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "conformance scripts not found at " << dir;
    }
    GTEST_SKIP() << "conformance scripts not found at " << dir
                 << " (set OSPREY_PROMQL_CONFORMANCE_DIR)";
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  int total = 0, parsed = 0, expected_failures = 0, parse_error_messages = 0;
  for (const auto& file : files) {
    for (const EvalCase& c : ReadCases(file)) {
      ++total;
      Result<ExprPtr> r = ParseExpr(c.query);
      if (!c.expect_fail) {
        EXPECT_TRUE(r.ok()) << c.file << ":" << c.line << ": " << c.query << "\n  "
                            << r.status().message();
        if (r.ok()) ++parsed;
        continue;
      }
      ++expected_failures;
      // Only parse errors are the parser's business; others come from evaluation.
      if (c.fail_message.find("parse error") != std::string::npos) {
        ++parse_error_messages;
        EXPECT_FALSE(r.ok()) << c.file << ":" << c.line;
        if (!r.ok()) {
          EXPECT_EQ(r.status().message(), c.fail_message) << c.file << ":" << c.line;
        }
      }
    }
  }
  std::cout << "conformance: parsed " << parsed << " of " << total - expected_failures
            << " eval expressions expected to succeed (" << total << " in " << files.size()
            << " files; " << expected_failures << " expected to fail, " << parse_error_messages
            << " with a parse-error message)\n";
  RecordProperty("parsed", parsed);
  EXPECT_GT(parsed, 2000);
}

}  // namespace
}  // namespace osprey::promql
