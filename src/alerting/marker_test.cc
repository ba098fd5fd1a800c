#include "alerting/marker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/registry.h"

namespace osprey::alerting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(MarkerTest, UnknownAlertIsUnprocessed) {
  Marker marker;
  AlertStatus s = marker.Status(42);
  EXPECT_EQ(s.state, AlertState::kUnprocessed);
  EXPECT_THAT(s.silenced_by, IsEmpty());
  EXPECT_THAT(s.inhibited_by, IsEmpty());
  EXPECT_EQ(marker.Size(), 0u);
}

TEST(MarkerTest, SilencedThenInhibitedThenNeither) {
  Marker marker;
  marker.SetActiveOrSilenced(1, 7, {"s1"}, {"p1"});
  AlertStatus s = marker.Status(1);
  EXPECT_EQ(s.state, AlertState::kSuppressed);
  EXPECT_THAT(s.silenced_by, ElementsAre("s1"));
  EXPECT_THAT(s.pending_silences, ElementsAre("p1"));
  EXPECT_EQ(s.silences_version, 7u);

  marker.SetInhibited(1, {"00000000000000ff"});
  marker.SetActiveOrSilenced(1, 8, {}, {});
  // Still suppressed: the inhibition remains.
  EXPECT_EQ(marker.Status(1).state, AlertState::kSuppressed);
  EXPECT_THAT(marker.Status(1).inhibited_by, ElementsAre("00000000000000ff"));

  marker.SetInhibited(1, {});
  EXPECT_EQ(marker.Status(1).state, AlertState::kActive);
  EXPECT_EQ(marker.Count(AlertState::kActive), 1u);
  EXPECT_EQ(marker.Count(AlertState::kSuppressed), 0u);

  marker.Delete(1);
  EXPECT_EQ(marker.Status(1).state, AlertState::kUnprocessed);
}

TEST(MarkerTest, GroupMutedByTimeIntervals) {
  Marker marker;
  EXPECT_THAT(marker.Muted("route-1", "{}:{a=\"b\"}"), IsEmpty());
  marker.SetMuted("route-1", "{}:{a=\"b\"}", {"weekends", "nights"});
  EXPECT_THAT(marker.Muted("route-1", "{}:{a=\"b\"}"), ElementsAre("weekends", "nights"));
  EXPECT_THAT(marker.Muted("route-2", "{}:{a=\"b\"}"), IsEmpty());
  marker.SetMuted("route-1", "{}:{a=\"b\"}", {});
  EXPECT_THAT(marker.Muted("route-1", "{}:{a=\"b\"}"), IsEmpty());
  marker.SetMuted("route-1", "g", {"x"});
  marker.DeleteGroup("route-1", "g");
  EXPECT_THAT(marker.Muted("route-1", "g"), IsEmpty());
}

TEST(MarkerTest, ExportsMarkedAlertsByState) {
  metrics::Registry registry;
  Marker marker(&registry);
  marker.SetActiveOrSilenced(1, 1, {"s"}, {});
  marker.SetActiveOrSilenced(2, 1, {}, {});
  std::string text = registry.ExpositionText();
  EXPECT_THAT(text, HasSubstr("alertmanager_marked_alerts{state=\"suppressed\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_marked_alerts{state=\"active\"} 1"));
  EXPECT_THAT(text, HasSubstr("alertmanager_marked_alerts{state=\"unprocessed\"} 0"));
}

TEST(MarkerTest, RegistryOutlivingMarkerIsSafe) {
  metrics::Registry registry;
  { Marker marker(&registry); }
  EXPECT_THAT(registry.ExpositionText(), ::testing::Not(HasSubstr("alertmanager_marked_alerts")));
}

TEST(MarkerTest, FingerprintStringIsSixteenHexDigits) {
  EXPECT_EQ(FingerprintString(0xabc), "0000000000000abc");
  EXPECT_EQ(FingerprintString(0xffffffffffffffffULL), "ffffffffffffffff");
}

}  // namespace
}  // namespace osprey::alerting
