// Runner behaviour that does not depend on query semantics beyond plain selectors and
// literals: loading, skipping, failure reports, and the two extra checks.
#include "promql/promqltest/runner.h"

#include <gtest/gtest.h>

#include <variant>

#include "promql/promqltest/str_cat.h"
#include "storage/mem_storage.h"

namespace osprey::promql::promqltest {
namespace {

// Counts the queriers a run asks for: each evaluation opens at least one.
class CountingQueryable final : public storage::Queryable {
 public:
  explicit CountingQueryable(storage::Queryable& inner) : inner_(inner) {}
  Result<std::unique_ptr<storage::Querier>> NewQuerier(model::TimeRange range) override {
    ++count;
    return inner_.NewQuerier(range);
  }
  int count = 0;

 private:
  storage::Queryable& inner_;
};

// Queriers opened to check `query` at 100s with the given extra checks.
int QueriersFor(std::string_view query, std::string_view expected, bool range_mode,
                bool at_variants) {
  storage::MemStorage db;
  auto app = db.NewAppender();
  for (int i = 0; i <= 20; ++i) {
    EXPECT_TRUE(app->Append(storage::kNoRef, model::Labels::FromStrings({"__name__", "x"}),
                            {.t = i * 60'000, .v = 1.0})
                    .ok());
  }
  EXPECT_TRUE(app->Commit().ok());
  Result<Script> s = ParseScript(Cat("eval instant at 100s ", query, "\n  ", expected, "\n"));
  OSPREY_CHECK(s.ok()) << s.status().ToString();
  CountingQueryable counting(db);
  Runner runner({.check_range_mode = range_mode, .check_at_variants = at_variants});
  std::optional<std::string> failure = runner.RunEval(counting, std::get<EvalCmd>(s->commands[0]));
  EXPECT_EQ(failure, std::nullopt);
  return counting.count;
}

FileResult RunText(std::string_view text, RunnerOptions options = {}) {
  FileResult r = Runner(std::move(options)).Run("t.test", text);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  return r;
}

TEST(RunnerTest, PassingScript) {
  FileResult r = RunText(R"(
load 1m
  x{a="1"} 1+1x5
  x{a="2"} 10 _ stale

eval instant at 2m x
  x{a="1"} 3

eval instant at 1m x
  x{a="1"} 2
  x{a="2"} 10

eval instant at 0 1 + 1
  2

eval range from 0 to 2m step 1m x{a="2"}
  x{a="2"} 10 10 _

clear

eval instant at 1m x
)");
  ASSERT_EQ(r.cases.size(), 5u);
  for (const CaseResult& c : r.cases) {
    EXPECT_EQ(c.outcome, Outcome::kPassed) << c.line << ": " << c.message;
  }
  EXPECT_EQ(r.Count(Outcome::kPassed), 5);
}

TEST(RunnerTest, ReportsWrongValueWithExpectedAndGot) {
  FileResult r = RunText("load 1m\n  x 1\n\neval instant at 0 x\n  x 2\n");
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r.cases[0].line, 4);
  EXPECT_EQ(r.cases[0].query, "x");
  EXPECT_NE(r.cases[0].message.find("expected 2"), std::string::npos) << r.cases[0].message;
  EXPECT_NE(r.cases[0].message.find("got:"), std::string::npos) << r.cases[0].message;
}

TEST(RunnerTest, ExpectedFailures) {
  FileResult r = RunText(R"(
eval instant at 0 foo(
  expect fail msg: 1:5: parse error: unclosed left parenthesis

eval_fail instant at 0 foo(

eval instant at 0 foo(
  expect fail msg: something else

eval instant at 0 1
  expect fail
)");
  ASSERT_EQ(r.cases.size(), 4u);
  EXPECT_EQ(r.cases[0].outcome, Outcome::kPassed) << r.cases[0].message;
  EXPECT_EQ(r.cases[1].outcome, Outcome::kPassed) << r.cases[1].message;
  EXPECT_EQ(r.cases[2].outcome, Outcome::kFailed);
  EXPECT_EQ(r.cases[3].outcome, Outcome::kFailed);
}

TEST(RunnerTest, SkipsListedCasesAndCanProbeThem) {
  const char* text = "load 1m\n  x 1\n\neval instant at 0 x\n  x 5\n\neval instant at 0 x\n  x 1\n";
  auto skip = [](int line) -> std::optional<std::string> {
    if (line == 4 || line == 7) return "reason";
    return std::nullopt;
  };
  FileResult r = RunText(text, {.skip = skip, .run_skipped = true});
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.Count(Outcome::kSkipped), 2);
  EXPECT_EQ(r.cases[0].message, "reason");
  EXPECT_FALSE(r.cases[0].would_pass);
  EXPECT_TRUE(r.cases[1].would_pass);
}

TEST(RunnerTest, FlagsCasesSelectingNativeHistograms) {
  FileResult r = RunText(R"(
load 1m
  h {{schema:0 sum:1 count:1}}x2
  f 1 2 3

eval instant at 1m f
  f 2

eval instant at 1m h
  expect fail
)");
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_FALSE(r.cases[0].needs_native_histograms);
  EXPECT_TRUE(r.cases[1].needs_native_histograms);
}

TEST(RunnerTest, LoadWithNhcbMarksConvertedSeries) {
  FileResult r = RunText(R"(
load_with_nhcb 1m
  req_bucket{le="1"} 1 2
  req_count 1 2

eval instant at 1m req_count
  req_count 2

eval instant at 1m req
  expect fail
)");
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[0].outcome, Outcome::kPassed) << r.cases[0].message;
  EXPECT_FALSE(r.cases[0].needs_native_histograms);
  EXPECT_TRUE(r.cases[1].needs_native_histograms);
}

TEST(RunnerTest, ScriptErrorsAreReported) {
  FileResult r = Runner().Run("bad.test", "load 1m\n  x 1\n\nwhat is this\n");
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("bad.test"), std::string::npos) << r.status.message();
}

TEST(RunnerTest, ExtraChecksRunMoreEvaluations) {
  int plain = QueriersFor("x", "x 1", false, false);
  EXPECT_GE(plain, 1);
  EXPECT_GT(QueriersFor("x", "x 1", true, false), plain);
  int at = QueriersFor("x", "x 1", false, true);
  EXPECT_GE(at, 6 * plain);  // the query as written, then at five evaluation times
  EXPECT_GT(QueriersFor("x", "x 1", true, true), at);
}

TEST(RunnerTest, TimeDependentQueriesSkipTheAtVariants) {
  EXPECT_EQ(QueriersFor("timestamp(x)", "{} 60", false, true),
            QueriersFor("timestamp(x)", "{} 60", false, false));
}

TEST(RunnerTest, TestEngineOptionsMatchUpstream) {
  EngineOptions o = TestEngineOptions();
  EXPECT_EQ(o.lookback_delta_ms, 300'000);
  EXPECT_EQ(o.max_samples, 10'000);
  EXPECT_EQ(o.default_subquery_step_ms, 60'000);
  EXPECT_TRUE(o.parse.experimental_functions);
  EXPECT_TRUE(o.parse.duration_expressions);
}

}  // namespace
}  // namespace osprey::promql::promqltest
