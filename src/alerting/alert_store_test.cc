#include "alerting/alert_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alerting/marker.h"
#include "metrics/registry.h"
#include "testing/fake_clock.h"

namespace osprey::alerting {
namespace {

using model::Alert;
using model::Labels;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;

Alert MakeAlert(std::string_view name, int64_t starts = 0, int64_t ends = 0) {
  Alert a;
  a.labels = Labels::FromStrings({"alertname", name, "job", "api"});
  a.annotations = Labels::FromStrings({"summary", "it broke"});
  a.starts_at = starts;
  a.ends_at = ends;
  return a;
}

class AlertStoreTest : public ::testing::Test {
 protected:
  osprey::testing::FakeClock clock_{kNow};
  metrics::Registry registry_;
  Marker marker_{nullptr};
  AlertStore store_{{.resolve_timeout = model::Duration::Minutes(5)}, clock_, marker_, &registry_};
};

TEST_F(AlertStoreTest, FillsTimesOfANewAlert) {
  ASSERT_TRUE(store_.Put({MakeAlert("A")}).ok());
  auto got = store_.Get(MakeAlert("A").Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->starts_at, kNow);
  EXPECT_EQ(got->updated_at, kNow);
  EXPECT_EQ(got->ends_at, kNow + 5 * kMinute);
  EXPECT_TRUE(got->timeout);
  EXPECT_EQ(got->annotations.Get("summary"), "it broke");
}

TEST_F(AlertStoreTest, StartOfAResolvedAlertWithoutStartIsItsEnd) {
  ASSERT_TRUE(store_.Put({MakeAlert("A", 0, kNow - kMinute)}).ok());
  auto got = store_.Get(MakeAlert("A").Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->starts_at, kNow - kMinute);
  EXPECT_FALSE(got->timeout);
}

TEST_F(AlertStoreTest, RejectsInvalidAlertsAndKeepsTheValidOnes) {
  Alert no_labels;
  Alert backwards = MakeAlert("Backwards", kNow, kNow - kMinute);
  Alert bad_name = MakeAlert("BadName");
  bad_name.labels = Labels::FromStrings({"alertname", "x", "0bad", "v"});
  Alert bad_annotation = MakeAlert("BadAnnotation");
  bad_annotation.annotations = Labels::FromStrings({"sum-mary", "x"});
  Alert bad_utf8 = MakeAlert("BadUtf8");
  bad_utf8.labels = Labels::FromStrings({"alertname", "\xff"});

  Status s =
      store_.Put({no_labels, MakeAlert("Good"), backwards, bad_name, bad_annotation, bad_utf8});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("alert {}: labels: at least one label pair required"));
  EXPECT_THAT(s.message(), HasSubstr("Backwards"));
  EXPECT_THAT(s.message(), HasSubstr("endsAt: start time must be before end time"));
  EXPECT_THAT(s.message(), HasSubstr("labels: invalid label name \"0bad\""));
  EXPECT_THAT(s.message(), HasSubstr("annotations: invalid label name \"sum-mary\""));
  EXPECT_THAT(s.message(), HasSubstr("invalid UTF-8"));
  EXPECT_EQ(store_.Size(), 1u);
  EXPECT_TRUE(store_.Get(MakeAlert("Good").Fingerprint()).ok());
  std::string text = registry_.ExpositionText();
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts_invalid_total 5"));
}

TEST_F(AlertStoreTest, MergesOverlappingAlertsKeepingEarliestStart) {
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow - 10 * kMinute)}).ok());
  clock_.Advance(kMinute);
  // The sender restarted and reports a later start; the stored one is older.
  Alert again = MakeAlert("A", kNow - kMinute);
  again.annotations = Labels::FromStrings({"summary", "still broken"});
  ASSERT_TRUE(store_.Put({again}).ok());
  auto got = store_.Get(again.Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->starts_at, kNow - 10 * kMinute);
  EXPECT_EQ(got->annotations.Get("summary"), "still broken");  // The later update wins.
  EXPECT_EQ(got->ends_at, kNow + kMinute + 5 * kMinute);
  EXPECT_EQ(got->updated_at, kNow + kMinute);
}

TEST_F(AlertStoreTest, ExplicitLaterEndSurvivesAMergeWithATimeout) {
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow, kNow + 60 * kMinute)}).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow)}).ok());  // No end: timeout at +6m.
  auto got = store_.Get(MakeAlert("A").Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->ends_at, kNow + 60 * kMinute);
}

TEST_F(AlertStoreTest, ResolutionReplacesTheEnd) {
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow)}).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow, kNow + kMinute)}).ok());
  auto got = store_.Get(MakeAlert("A").Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->ends_at, kNow + kMinute);
  EXPECT_TRUE(got->ResolvedAt(clock_.NowMillis()));
}

TEST_F(AlertStoreTest, NonOverlappingAlertReplacesTheResolvedOne) {
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow - 10 * kMinute, kNow - 5 * kMinute)}).ok());
  ASSERT_TRUE(store_.Put({MakeAlert("A", kNow)}).ok());
  auto got = store_.Get(MakeAlert("A").Fingerprint());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->starts_at, kNow);  // A new firing, not merged with the old one.
  EXPECT_FALSE(got->ResolvedAt(kNow));
}

TEST_F(AlertStoreTest, SubscribersGetStoredAlertsThenNewOnes) {
  ASSERT_TRUE(store_.Put({MakeAlert("Old")}).ok());
  std::vector<std::string> seen;
  int id = store_.Subscribe([&](const Alert& a) {
    seen.emplace_back(a.labels.Get("alertname"));
    EXPECT_TRUE(store_.Get(a.Fingerprint()).ok());  // Listeners may read the store.
  });
  ASSERT_TRUE(store_.Put({MakeAlert("New")}).ok());
  store_.Unsubscribe(id);
  ASSERT_TRUE(store_.Put({MakeAlert("Late")}).ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("Old", "New"));
}

TEST_F(AlertStoreTest, GcDropsResolvedAlertsAndForgetsTheirMarks) {
  ASSERT_TRUE(store_.Put({MakeAlert("Firing"), MakeAlert("Resolving", kNow, kNow + kMinute)}).ok());
  const uint64_t resolving = MakeAlert("Resolving").Fingerprint();
  marker_.SetActiveOrSilenced(resolving, 0, {}, {});
  std::vector<std::string> removed;
  store_.SubscribeGC([&](std::span<const Alert> alerts, model::Timestamp) {
    for (const Alert& a : alerts) removed.emplace_back(a.labels.Get("alertname"));
  });
  EXPECT_EQ(store_.GC(), 0u);
  clock_.Advance(kMinute);
  EXPECT_EQ(store_.GC(), 1u);
  EXPECT_THAT(removed, ::testing::ElementsAre("Resolving"));
  EXPECT_EQ(store_.Get(resolving).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(marker_.Status(resolving).state, AlertState::kUnprocessed);
  EXPECT_EQ(store_.List().size(), 1u);
  // The timeout resolves the other one.
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(store_.GC(), 1u);
  EXPECT_EQ(store_.Size(), 0u);
}

TEST_F(AlertStoreTest, ExportsAlertsByStateAndReceivedCounts) {
  ASSERT_TRUE(
      store_.Put({MakeAlert("A"), MakeAlert("B"), MakeAlert("C", kNow - 2, kNow - 1)}).ok());
  marker_.SetActiveOrSilenced(MakeAlert("A").Fingerprint(), 1, {"s"}, {});
  std::string text = registry_.ExpositionText();
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts{state=\"suppressed\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts{state=\"unprocessed\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts{state=\"active\"} 0"));
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts_received_total{status=\"firing\"} 2"));
  EXPECT_THAT(text, HasSubstr("alertmanager_alerts_received_total{status=\"resolved\"} 1"));
}

TEST(AlertStoreGcThreadTest, StartsAndStops) {
  osprey::testing::FakeClock clock(kNow);
  Marker marker;
  AlertStore store({.gc_interval = model::Duration::Millis(1)}, clock, marker, nullptr);
  store.StartGC();
  ASSERT_TRUE(store.Put({MakeAlert("A", kNow - 2, kNow - 1)}).ok());
  // Destruction joins the thread; whether it ran GC yet is not asserted.
}

}  // namespace
}  // namespace osprey::alerting
