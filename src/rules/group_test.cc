#include "rules/group.h"

#include <gtest/gtest.h>

#include "rules/alerting_rule.h"
#include "rules/recording_rule.h"
#include "rules/rules_test_util.h"
#include "storage/mem_storage.h"

namespace osprey::rules {
namespace {

using testing::FakeClock;
using testing::Sample;
using testing::ScriptedQueries;

constexpr int64_t kMin = 60'000;

// Samples of the series with these labels, oldest first.
std::vector<model::Sample> SamplesOf(storage::MemStorage& db, const model::Labels& labels) {
  std::vector<model::Matcher> matchers;
  for (const model::Label& l : labels) {
    matchers.push_back(model::Matcher::MustCreate(model::MatchType::kEqual, l.name, l.value));
  }
  auto q = db.NewQuerier({});
  EXPECT_TRUE(q.ok());
  std::vector<model::Sample> out;
  auto set = (*q)->Select({}, matchers);
  while (set->Next()) {
    if (set->At().labels() != labels) continue;
    auto it = set->At().Iterator();
    while (it->Next()) out.push_back(it->At());
  }
  return out;
}

class GroupTest : public ::testing::Test {
 protected:
  std::shared_ptr<GroupContext> Context() {
    auto ctx = std::make_shared<GroupContext>();
    ctx->env.query = queries_.Func();
    ctx->appendable = &db_;
    ctx->queryable = &db_;
    ctx->sink = [this](std::vector<model::Alert> a) {
      sent_.insert(sent_.end(), a.begin(), a.end());
    };
    ctx->clock = &clock_;
    ctx->metrics = &metrics_;
    return ctx;
  }
  std::unique_ptr<Group> MakeGroup(std::vector<std::unique_ptr<Rule>> rules,
                                   bool should_restore = false, model::Duration offset = {}) {
    return std::make_unique<Group>("rules.yml", "g", model::Duration::Minutes(1), 0, offset,
                                   std::move(rules), Context(), should_restore);
  }

  ScriptedQueries queries_;
  storage::MemStorage db_;
  FakeClock clock_{0};
  metrics::Registry registry_;
  RulesMetrics metrics_{registry_};
  std::vector<model::Alert> sent_;
};

TEST(AlignedEvalTimeTest, AlignsToIntervalPlusOffset) {
  // hash % 60000 == 7000.
  const uint64_t hash = 60'000ull * 12345 + 7'000;
  EXPECT_EQ(AlignedEvalTime(hash, 60'000, 7'000), 7'000);
  EXPECT_EQ(AlignedEvalTime(hash, 60'000, 66'999), 7'000);
  EXPECT_EQ(AlignedEvalTime(hash, 60'000, 67'000), 67'000);
  EXPECT_EQ(AlignedEvalTime(hash, 60'000, 6'999), -53'000);
  EXPECT_EQ(AlignedEvalTime(0, 60'000, 119'999), 60'000);
}

TEST_F(GroupTest, EvalTimesAreStableAndWithinInterval) {
  std::unique_ptr<Group> g = MakeGroup({});
  const model::Timestamp t = g->EvalTimestamp(1'000'000'000);
  EXPECT_LE(t, 1'000'000'000);
  EXPECT_GT(t, 1'000'000'000 - kMin);
  EXPECT_EQ(g->EvalTimestamp(t), t);
  EXPECT_EQ(g->EvalTimestamp(t + kMin - 1), t);
  EXPECT_EQ(g->EvalTimestamp(t + kMin), t + kMin);
}

TEST_F(GroupTest, RecordingRuleWritesSamplesAndStaleMarkers) {
  RuleConfig c{.record = "job:up:sum", .expr = "sum by (job) (up)", .labels = {{"src", "r"}}};
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<RecordingRule>(c, "sum by (job) (up)"));
  std::unique_ptr<Group> g = MakeGroup(std::move(rules));
  queries_.Set("sum by (job) (up)", {Sample({"job", "a"}, 2), Sample({"job", "b"}, 3)});
  g->Eval(kMin);
  queries_.Set("sum by (job) (up)", {Sample({"job", "a"}, 4)});
  g->Eval(2 * kMin);
  const auto a = model::Labels::FromStrings({"__name__", "job:up:sum", "job", "a", "src", "r"});
  const auto b = model::Labels::FromStrings({"__name__", "job:up:sum", "job", "b", "src", "r"});
  std::vector<model::Sample> sa = SamplesOf(db_, a);
  ASSERT_EQ(sa.size(), 2u);
  EXPECT_EQ(sa[1].t, 2 * kMin);
  EXPECT_EQ(sa[1].v, 4);
  std::vector<model::Sample> sb = SamplesOf(db_, b);
  ASSERT_EQ(sb.size(), 2u);
  EXPECT_EQ(sb[0].v, 3);
  EXPECT_TRUE(model::IsStaleNaN(sb[1].v));
  EXPECT_EQ(sb[1].t, 2 * kMin);
  GroupSnapshot snap = g->Snapshot();
  ASSERT_EQ(snap.rules.size(), 1u);
  EXPECT_EQ(snap.rules[0].health, RuleHealth::kGood);
  EXPECT_EQ(g->stats().last_samples, 1);
}

TEST_F(GroupTest, QueryOffsetShiftsQueryAndSampleTimes) {
  RuleConfig c{.record = "r", .expr = "up"};
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<RecordingRule>(c, "up"));
  std::unique_ptr<Group> g = MakeGroup(std::move(rules), false, model::Duration::Seconds(30));
  queries_.Set("up", {Sample({"job", "a"}, 1)});
  g->Eval(2 * kMin);
  EXPECT_EQ(queries_.last_at(), 2 * kMin - 30'000);
  std::vector<model::Sample> s =
      SamplesOf(db_, model::Labels::FromStrings({"__name__", "r", "job", "a"}));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t, 2 * kMin - 30'000);
}

TEST_F(GroupTest, FailedRuleIsUnhealthyAndOthersStillRun) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<RecordingRule>(RuleConfig{.record = "a", .expr = "x"}, "x"));
  rules.push_back(std::make_unique<RecordingRule>(RuleConfig{.record = "b", .expr = "y"}, "y"));
  std::unique_ptr<Group> g = MakeGroup(std::move(rules));
  queries_.Fail("x", InvalidArgumentError("query timed out"));
  queries_.Set("y", {Sample({"job", "a"}, 1)});
  g->Eval(kMin);
  GroupSnapshot snap = g->Snapshot();
  EXPECT_EQ(snap.rules[0].health, RuleHealth::kBad);
  EXPECT_EQ(snap.rules[0].last_error, "query timed out");
  EXPECT_EQ(snap.rules[1].health, RuleHealth::kGood);
  EXPECT_EQ(metrics_.evaluation_failures.WithLabels({"rules.yml;g"}).Value(), 1);
  EXPECT_EQ(metrics_.evaluations.WithLabels({"rules.yml;g"}).Value(), 2);
}

TEST_F(GroupTest, LimitOnRecordingRule) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<RecordingRule>(RuleConfig{.record = "a", .expr = "x"}, "x"));
  auto g = std::make_unique<Group>("f", "g", model::Duration::Minutes(1), 1, model::Duration{},
                                   std::move(rules), Context(), false);
  queries_.Set("x", {Sample({"i", "1"}, 1), Sample({"i", "2"}, 1)});
  g->Eval(kMin);
  EXPECT_EQ(g->Snapshot().rules[0].last_error, "exceeded limit of 1 with 2 series");
  EXPECT_EQ(db_.NumSamples(), 0u);
}

TEST_F(GroupTest, AlertSeriesGoStaleAndAlertsAreSent) {
  RuleConfig c{.alert = "Down", .expr = "up == 0"};
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<AlertingRule>(c, "up == 0", true));
  std::unique_ptr<Group> g = MakeGroup(std::move(rules));
  queries_.Set("up == 0", {Sample({"__name__", "up", "job", "a"}, 0)});
  g->Eval(kMin);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].labels, model::Labels::FromStrings({"alertname", "Down", "job", "a"}));
  queries_.Set("up == 0", {});
  g->Eval(2 * kMin);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].ends_at, 2 * kMin);
  std::vector<model::Sample> s =
      SamplesOf(db_, model::Labels::FromStrings({"__name__", "ALERTS", "alertname", "Down",
                                                 "alertstate", "firing", "job", "a"}));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].v, 1);
  EXPECT_TRUE(model::IsStaleNaN(s[1].v));
}

// Runs an alert with for=15m from t=0 until `down_at`, then "restarts" at `restart_at` and
// returns the restored active-since time.
model::Timestamp RestoredActiveAt(GroupTest* t, storage::MemStorage& db, ScriptedQueries& q,
                                  model::Timestamp down_at, model::Timestamp restart_at,
                                  const std::function<std::unique_ptr<Group>(bool)>& make) {
  (void)t;
  (void)db;
  q.Set("up == 0", {Sample({"job", "a"}, 0)});
  {
    std::unique_ptr<Group> before = make(false);
    for (model::Timestamp ts = 0; ts <= down_at; ts += kMin) before->Eval(ts);
  }
  std::unique_ptr<Group> after = make(true);
  after->Eval(restart_at);
  after->Eval(restart_at + kMin);
  after->RestoreForState(restart_at + kMin);
  const auto& rule = static_cast<const AlertingRule&>(*after->rules()[0]);
  EXPECT_TRUE(rule.restored());
  return rule.Alerts().at(0).active_at;
}

TEST_F(GroupTest, RestoreShiftsActiveAtByDowntime) {
  auto make = [this](bool restore) {
    RuleConfig c{.alert = "Down", .expr = "up == 0", .for_duration = model::Duration::Minutes(15)};
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(std::make_unique<AlertingRule>(c, "up == 0", !restore));
    return MakeGroup(std::move(rules), restore);
  };
  // Pending for 5m when going down at 5m, back at 11m (restored at 12m): 10m remain, more
  // than the grace period, so active-since moves by the 7m of downtime.
  EXPECT_EQ(RestoredActiveAt(this, db_, queries_, 5 * kMin, 11 * kMin, make), 7 * kMin);
}

TEST_F(GroupTest, RestoreGivesAtLeastTheGracePeriod) {
  auto make = [this](bool restore) {
    RuleConfig c{.alert = "Down", .expr = "up == 0", .for_duration = model::Duration::Minutes(15)};
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(std::make_unique<AlertingRule>(c, "up == 0", !restore));
    return MakeGroup(std::move(rules), restore);
  };
  // Pending 10m when going down; 5m remain < 10m grace: fires 10m after the restore.
  const model::Timestamp restored_at = 13 * kMin;
  EXPECT_EQ(RestoredActiveAt(this, db_, queries_, 10 * kMin, 12 * kMin, make),
            restored_at + 10 * kMin - 15 * kMin);
}

TEST_F(GroupTest, NothingToRestoreAfterLongOutage) {
  auto make = [this](bool restore) {
    RuleConfig c{.alert = "Down", .expr = "up == 0", .for_duration = model::Duration::Minutes(15)};
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(std::make_unique<AlertingRule>(c, "up == 0", !restore));
    return MakeGroup(std::move(rules), restore);
  };
  // Down for more than the 1h outage tolerance: the alert starts afresh.
  EXPECT_EQ(RestoredActiveAt(this, db_, queries_, 5 * kMin, 70 * kMin, make), 70 * kMin);
}

}  // namespace
}  // namespace osprey::rules
