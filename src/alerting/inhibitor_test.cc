#include "alerting/inhibitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "alerting/alert_store.h"
#include "alerting/marker.h"
#include "testing/fake_clock.h"

namespace osprey::alerting {
namespace {

using model::Alert;
using model::Labels;
using model::Matcher;
using model::MatchType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;

Matcher Eq(std::string name, std::string value) {
  return Matcher::MustCreate(MatchType::kEqual, std::move(name), std::move(value));
}

Alert MakeAlert(Labels labels, int64_t ends = 0) {
  Alert a;
  a.labels = std::move(labels);
  a.ends_at = ends;
  return a;
}

// Critical alerts inhibit warnings of the same cluster.
config::InhibitRuleConfig CriticalOverWarning() {
  config::InhibitRuleConfig r;
  r.source_matchers = {Eq("severity", "critical")};
  r.target_matchers = {Eq("severity", "warning")};
  r.equal = {"cluster"};
  return r;
}

class InhibitorTest : public ::testing::Test {
 protected:
  osprey::testing::FakeClock clock_{kNow};
  Marker marker_;
  AlertStore store_{{}, clock_, marker_, nullptr};
};

TEST_F(InhibitorTest, FiringSourceInhibitsTargetWithEqualLabels) {
  std::vector<config::InhibitRuleConfig> rules = {CriticalOverWarning()};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  const Labels warning_a =
      Labels::FromStrings({"alertname", "Slow", "severity", "warning", "cluster", "a"});
  const Labels warning_b =
      Labels::FromStrings({"alertname", "Slow", "severity", "warning", "cluster", "b"});
  const Labels warning_none = Labels::FromStrings({"alertname", "Slow", "severity", "warning"});
  EXPECT_FALSE(inhibitor.Mutes(warning_a));

  const Labels critical =
      Labels::FromStrings({"alertname", "Down", "severity", "critical", "cluster", "a"});
  ASSERT_TRUE(store_.Put({MakeAlert(critical)}).ok());
  EXPECT_TRUE(inhibitor.Mutes(warning_a));
  EXPECT_FALSE(inhibitor.Mutes(warning_b));
  EXPECT_FALSE(inhibitor.Mutes(warning_none));  // "" differs from "a".
  EXPECT_FALSE(inhibitor.Mutes(critical));      // Not a target.

  AlertStatus s = marker_.Status(warning_a.Hash());
  EXPECT_EQ(s.state, AlertState::kSuppressed);
  EXPECT_THAT(s.inhibited_by, ElementsAre(FingerprintString(critical.Hash())));
  EXPECT_THAT(marker_.Status(warning_b.Hash()).inhibited_by, IsEmpty());
  EXPECT_EQ(marker_.Status(warning_b.Hash()).state, AlertState::kActive);
}

TEST_F(InhibitorTest, AbsentEqualLabelsAreEqual) {
  std::vector<config::InhibitRuleConfig> rules = {CriticalOverWarning()};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  ASSERT_TRUE(
      store_.Put({MakeAlert(Labels::FromStrings({"alertname", "Down", "severity", "critical"}))})
          .ok());
  EXPECT_TRUE(inhibitor.Mutes(Labels::FromStrings({"alertname", "Slow", "severity", "warning"})));
}

TEST_F(InhibitorTest, ResolvedSourceStopsInhibiting) {
  std::vector<config::InhibitRuleConfig> rules = {CriticalOverWarning()};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  const Labels critical = Labels::FromStrings({"alertname", "Down", "severity", "critical"});
  const Labels warning = Labels::FromStrings({"alertname", "Slow", "severity", "warning"});
  ASSERT_TRUE(store_.Put({MakeAlert(critical)}).ok());
  EXPECT_TRUE(inhibitor.Mutes(warning));
  clock_.Advance(kMinute);
  ASSERT_TRUE(store_.Put({MakeAlert(critical, kNow + kMinute)}).ok());
  EXPECT_FALSE(inhibitor.Mutes(warning));
  EXPECT_EQ(marker_.Status(warning.Hash()).state, AlertState::kActive);
  EXPECT_EQ(inhibitor.SourceCountForTest(0), 1u);
  store_.GC();
  EXPECT_EQ(inhibitor.SourceCountForTest(0), 0u);
}

TEST_F(InhibitorTest, SourcesAlreadyStoredAreSeen) {
  ASSERT_TRUE(
      store_.Put({MakeAlert(Labels::FromStrings({"alertname", "Down", "severity", "critical"}))})
          .ok());
  std::vector<config::InhibitRuleConfig> rules = {CriticalOverWarning()};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  EXPECT_TRUE(inhibitor.Mutes(Labels::FromStrings({"alertname", "Slow", "severity", "warning"})));
}

TEST_F(InhibitorTest, AlertsOfOneKindDoNotInhibitEachOther) {
  // Source and target overlap: any "Down" alert inhibits other alerts of the same job, but two
  // "Down" alerts must not mute each other (nor one itself).
  config::InhibitRuleConfig r;
  r.source_matchers = {Eq("alertname", "Down")};
  r.target_matchers = {Matcher::MustCreate(MatchType::kRegexMatch, "alertname", ".+")};
  r.equal = {"job"};
  std::vector<config::InhibitRuleConfig> rules = {r};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  const Labels down_1 = Labels::FromStrings({"alertname", "Down", "job", "api", "instance", "1"});
  const Labels down_2 = Labels::FromStrings({"alertname", "Down", "job", "api", "instance", "2"});
  ASSERT_TRUE(store_.Put({MakeAlert(down_1), MakeAlert(down_2)}).ok());
  EXPECT_FALSE(inhibitor.Mutes(down_1));
  EXPECT_FALSE(inhibitor.Mutes(down_2));
  EXPECT_TRUE(inhibitor.Mutes(Labels::FromStrings({"alertname", "Slow", "job", "api"})));
}

TEST_F(InhibitorTest, ConcurrentPutsAndMutesAgree) {
  std::vector<config::InhibitRuleConfig> rules = {CriticalOverWarning()};
  Inhibitor inhibitor(rules, store_, marker_, clock_);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string cluster = std::to_string(t * kPerThread + i);
        ASSERT_TRUE(store_
                        .Put({MakeAlert(Labels::FromStrings(
                            {"alertname", "Down", "severity", "critical", "cluster", cluster}))})
                        .ok());
        EXPECT_TRUE(inhibitor.Mutes(
            Labels::FromStrings({"alertname", "Slow", "severity", "warning", "cluster", cluster})));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(store_.Size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(inhibitor.SourceCountForTest(0), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(marker_.Count(AlertState::kSuppressed), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(InhibitorTest, NoRulesMuteNothing) {
  Inhibitor inhibitor({}, store_, marker_, clock_);
  ASSERT_TRUE(store_.Put({MakeAlert(Labels::FromStrings({"alertname", "Down"}))}).ok());
  EXPECT_FALSE(inhibitor.Mutes(Labels::FromStrings({"alertname", "Down"})));
}

}  // namespace
}  // namespace osprey::alerting
