// Renders docs/promql-compatibility.md: the pass count of a run over Prometheus's PromQL
// test scripts, per file, and every skipped case by file with its reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "promql/promqltest/runner.h"
#include "promql/promqltest/skip_list.h"

namespace osprey::promql::promqltest {

struct ReportInput {
  std::string_view set_name;         // "v3.14.0"
  std::vector<FileResult> upstream;  // one per script of the set, sorted by file
  std::vector<FileResult> own;       // src/promql/testdata
  const SkipList* skips = nullptr;   // for whole-file entries
};

// Markdown. Deterministic: the same results give the same text.
std::string RenderCompatibilityReport(const ReportInput& in);

}  // namespace osprey::promql::promqltest
