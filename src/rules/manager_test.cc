#include "rules/manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "rules/rules_test_util.h"
#include "storage/mem_storage.h"
#include "testing/temp_dir.h"

namespace osprey::rules {
namespace {

using testing::FakeClock;
using testing::Sample;
using testing::ScriptedQueries;

constexpr int64_t kMin = 60'000;

constexpr char kAlertFile[] = R"(groups:
  - name: alerts
    rules:
      - alert: Down
        expr: up == 0
        for: 5m
        annotations:
          summary: "down"
      - record: job:up:sum
        expr: sum(up)
)";

class ManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Manager> NewManager(bool run_groups = false, const Clock* clock = nullptr) {
    return std::make_unique<Manager>(
        ManagerOptions{.restore_queryable = &db_, .run_groups = run_groups}, queries_.Func(), db_,
        [this](std::vector<model::Alert> a) {
          MutexLock lock(mu_);
          sent_ += a.size();
        },
        clock != nullptr ? *clock : clock_, registry_);
  }
  std::vector<std::string> Files(std::initializer_list<std::string> names) {
    std::vector<std::string> out;
    for (const std::string& n : names) out.push_back(dir_.Join(n));
    return out;
  }
  const RuleSnapshot& Rule(const std::vector<GroupSnapshot>& s, size_t g, size_t r) {
    return s.at(g).rules.at(r);
  }

  ::osprey::testing::TempDir dir_;
  ScriptedQueries queries_;
  storage::MemStorage db_;
  FakeClock clock_{100 * kMin};
  metrics::Registry registry_;
  Mutex mu_;
  size_t sent_ OSPREY_GUARDED_BY(mu_) = 0;
};

TEST_F(ManagerTest, LoadsGroupsAndEvaluates) {
  dir_.WriteFile("a.yml", kAlertFile);
  std::unique_ptr<Manager> m = NewManager();
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  queries_.Set("up == 0", {Sample({"job", "x"}, 0)});
  m->RestoreForTest(clock_.NowMillis());
  m->EvalForTest(clock_.NowMillis());
  std::vector<GroupSnapshot> s = m->Snapshot();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].file, dir_.Join("a.yml"));
  EXPECT_EQ(s[0].interval, model::Duration::Minutes(1));
  EXPECT_EQ(Rule(s, 0, 0).state, AlertState::kPending);
  ASSERT_EQ(Rule(s, 0, 0).alerts.size(), 1u);
  EXPECT_EQ(Rule(s, 0, 1).health, RuleHealth::kGood);
  const std::string text = registry_.ExpositionText();
  EXPECT_NE(text.find("prometheus_rule_config_last_reload_successful 1"), std::string::npos);
  EXPECT_NE(
      text.find("prometheus_rule_group_rules{rule_group=\"" + dir_.Join("a.yml") + ";alerts\"} 2"),
      std::string::npos);
}

TEST_F(ManagerTest, BrokenFileKeepsOldRules) {
  dir_.WriteFile("a.yml", kAlertFile);
  std::unique_ptr<Manager> m = NewManager();
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  dir_.WriteFile("b.yml",
                 "groups:\n  - name: b\n    rules:\n      - record: x\n        expr: sum(\n");
  Status s = m->Update(Files({"a.yml", "b.yml"}), {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("b.yml:5:15: group \"b\", rule 1, \"x\": could not parse expression"),
            std::string::npos)
      << s.message();
  ASSERT_EQ(m->Snapshot().size(), 1u);
  const std::string text = registry_.ExpositionText();
  EXPECT_NE(text.find("prometheus_rule_config_last_reload_successful 0"), std::string::npos);
  EXPECT_NE(text.find("osprey_rules_reload_failures_total 1"), std::string::npos);
}

TEST_F(ManagerTest, ReloadKeepsAlertState) {
  dir_.WriteFile("a.yml", kAlertFile);
  std::unique_ptr<Manager> m = NewManager();
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  m->RestoreForTest(clock_.NowMillis());
  queries_.Set("up == 0", {Sample({"job", "x"}, 0)});
  m->EvalForTest(clock_.NowMillis());
  const model::Timestamp active_at = Rule(m->Snapshot(), 0, 0).alerts.at(0).active_at;

  // Same rules plus one: the group is rebuilt and takes over the alert.
  std::string changed = kAlertFile;
  changed += "      - record: other\n        expr: vector(1)\n";
  dir_.WriteFile("a.yml", changed);
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  std::vector<GroupSnapshot> s = m->Snapshot();
  ASSERT_EQ(s[0].rules.size(), 3u);
  ASSERT_EQ(Rule(s, 0, 0).alerts.size(), 1u);
  EXPECT_EQ(Rule(s, 0, 0).alerts[0].active_at, active_at);

  clock_.Advance(5 * kMin);
  m->EvalForTest(clock_.NowMillis());
  EXPECT_EQ(Rule(m->Snapshot(), 0, 0).state, AlertState::kFiring);
}

TEST_F(ManagerTest, RemovedGroupMarksItsSeriesStale) {
  dir_.WriteFile("a.yml", kAlertFile);
  std::unique_ptr<Manager> m = NewManager();
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  m->RestoreForTest(clock_.NowMillis());
  queries_.Set("sum(up)", {Sample({}, 3)});
  m->EvalForTest(clock_.NowMillis());
  dir_.WriteFile("a.yml", "groups: []\n");
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  EXPECT_TRUE(m->Snapshot().empty());
  auto q = db_.NewQuerier({});
  ASSERT_TRUE(q.ok());
  std::vector<model::Matcher> matchers = {
      model::Matcher::MustCreate(model::MatchType::kEqual, "__name__", "job:up:sum")};
  auto set = (*q)->Select({}, matchers);
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  model::Sample last;
  while (it->Next()) last = it->At();
  EXPECT_TRUE(model::IsStaleNaN(last.v));
}

TEST_F(ManagerTest, GroupIntervalAndDefaults) {
  dir_.WriteFile("a.yml",
                 "groups:\n  - name: fast\n    interval: 10s\n    limit: 3\n"
                 "    query_offset: 1m\n    rules: []\n  - name: default\n    rules: []\n");
  std::unique_ptr<Manager> m = NewManager();
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {.interval = model::Duration::Seconds(30)}).ok());
  std::vector<GroupSnapshot> s = m->Snapshot();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].interval, model::Duration::Seconds(10));
  EXPECT_EQ(s[0].limit, 3);
  EXPECT_EQ(s[1].interval, model::Duration::Seconds(30));
}

TEST_F(ManagerTest, GroupsRunOnTheirOwnThreadsAndStopPromptly) {
  SystemClock clock;
  dir_.WriteFile("a.yml",
                 "groups:\n  - name: g\n    interval: 20ms\n    rules:\n"
                 "      - record: r\n        expr: vector(1)\n");
  queries_.Set("vector(1)", {Sample({}, 1)});
  std::unique_ptr<Manager> m = NewManager(/*run_groups=*/true, &clock);
  ASSERT_TRUE(m->Update(Files({"a.yml"}), {}).ok());
  // Wait (bounded) for a few evaluations; the test asserts progress, not timing.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (db_.NumSamples() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(db_.NumSamples(), 3u);
  m->Stop();
  const size_t after_stop = db_.NumSamples();
  EXPECT_EQ(db_.NumSamples(), after_stop);
  EXPECT_NE(registry_.ExpositionText().find("prometheus_rule_group_iterations_total"),
            std::string::npos);
}

}  // namespace
}  // namespace osprey::rules
