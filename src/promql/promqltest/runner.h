// Runs promqltest scripts (script.h) against promql::Engine over a storage::MemStorage,
// with the engine settings of Prometheus's own test runner and both of its extra checks:
//
// - range mode: every instant eval (not ordered, not `expect range vector`/`string`, not
//   using start()/end()/range()/step()) is re-run as a range query from t-1m to t+1m with
//   a 1m step; the point at t must match the expectation;
// - @ variants: unless the query calls a time-dependent function, every selector and
//   subquery without `@` is pinned to `@ t` (on the AST) and the query is evaluated at
//   -10t, 0, t/5, t and 10t (t = 0: -1s, 0, 1s), each also in range mode; all must match.
//
//   Runner runner({.skip = [&](int line) { return skips.Reason("functions.test", line); }});
//   FileResult r = runner.Run("functions.test", text);
//   for (const CaseResult& c : r.cases) if (c.outcome == Outcome::kFailed) ...
//
// Thread-compatible: Run() may be called concurrently (each run has its own storage).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "promql/engine.h"
#include "promql/promqltest/script.h"

namespace osprey::promql::promqltest {

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  int line = 0;
  std::string query;
  Outcome outcome = Outcome::kPassed;
  // kFailed: what differed (with expected and actual values); kSkipped: the reason.
  std::string message;
  // kSkipped with RunnerOptions::run_skipped: whether the case would have passed.
  bool would_pass = false;
  // The query selects series loaded with native histogram values (load_with_nhcb counts
  // as such for the converted series) or expects a histogram: Osprey cannot pass it.
  bool needs_native_histograms = false;
};

struct FileResult {
  std::string file;
  // Not OK when the script does not parse or a load fails; cases run so far are kept.
  Status status;
  std::vector<CaseResult> cases;

  int Count(Outcome o) const;
};

struct RunnerOptions {
  bool check_range_mode = true;
  bool check_at_variants = true;
  // The reason to skip the eval command on `line` (1-based), or nullopt to run it.
  std::function<std::optional<std::string>(int line)> skip;
  // Also run skipped evals, recording whether they would pass (for pruning a skip list).
  bool run_skipped = false;
};

// Upstream's test engine: lookback 5m, max samples 10000, subquery default step 1m, and
// every parser extension enabled.
EngineOptions TestEngineOptions();

class Runner {
 public:
  explicit Runner(RunnerOptions options = {}, EngineOptions engine = TestEngineOptions());

  // Runs every command of `script_text` in order on a fresh store.
  FileResult Run(std::string_view file_name, std::string_view script_text) const;

  // Runs one eval command against `db`. nullopt when it passes, else what failed.
  std::optional<std::string> RunEval(storage::Queryable& db, const EvalCmd& cmd) const;

 private:
  std::optional<std::string> RunInstant(storage::Queryable& db, const EvalCmd& cmd) const;
  std::optional<std::string> RunRange(storage::Queryable& db, const EvalCmd& cmd) const;

  const RunnerOptions options_;
  const Engine engine_;
};

}  // namespace osprey::promql::promqltest
