#include "incidents/store.h"

#include <gtest/gtest.h>

#include "base/sqlite.h"
#include "testing/temp_dir.h"

namespace osprey::incidents {
namespace {

Incident Sample() {
  Incident i;
  i.group_key = "{}/{team=\"web\"}:{alertname=\"A\"}";
  i.receiver = "ops";
  i.group_labels = model::Labels::FromStrings({"alertname", "A", "team", "web"});
  i.title = "Web is slow \xe2\x9c\x93";
  i.severity = Severity::kCritical;
  i.services = {"api", "web"};
  i.state = State::kAcknowledged;
  i.policy = "ops";
  i.assignee = "bob";
  i.opened_at_ms = 1000;
  i.acknowledged_at_ms = 2000;
  i.acknowledged_by = "alice";
  i.escalation_level = 1;
  i.escalation_pass = 2;
  i.next_escalation_at_ms = 9000;
  i.updated_at_ms = 3000;
  i.alerts.push_back(IncidentAlert{.fingerprint = 7,
                                   .labels = model::Labels::FromStrings({"alertname", "A"}),
                                   .annotations = {{"description", "x\"y\n"}, {"summary", "s"}},
                                   .starts_at_ms = 900,
                                   .generator_url = "http://prom/graph"});
  i.alerts.push_back(IncidentAlert{.fingerprint = 0xfedcba9876543210ULL,
                                   .labels = model::Labels::FromStrings({"alertname", "B"}),
                                   .starts_at_ms = 950,
                                   .ends_at_ms = 1950,
                                   .firing = false});
  return i;
}

TEST(IncidentStoreTest, RoundTripsIncidentsEventsAndPendingActions) {
  testing::TempDir dir;
  const std::string path = dir.Join("incidents.db");
  Incident inc = Sample();
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<Event> events = {
        Event{.at_ms = 1000, .kind = EventKind::kOpened, .actor = "system", .message = "opened"},
        Event{.at_ms = 2000,
              .kind = EventKind::kAcknowledged,
              .actor = "alice",
              .message = "acknowledged by alice",
              .detail_json = R"({"via":"api"})"}};
    ASSERT_TRUE((*store)->Create(inc, events).ok());
    EXPECT_EQ(inc.id, 1);
    EXPECT_GT(events[1].id, events[0].id);
    ASSERT_TRUE((*store)->PutPendingAction({inc.id, "page", 5000}).ok());
    ASSERT_TRUE((*store)->PutPendingAction({inc.id, "page", 6000}).ok());  // replaces
    Result<bool> fresh = (*store)->MarkNonceUsed("n1", inc.id, 2000, 10'000);
    ASSERT_TRUE(fresh.ok());
    EXPECT_TRUE(*fresh);
    EXPECT_FALSE(*(*store)->MarkNonceUsed("n1", inc.id, 2001, 10'000));
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<std::optional<Incident>> got = (*store)->Get(1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, inc);
  EXPECT_FALSE((*store)->Get(2)->has_value());
  EXPECT_EQ((*store)->LatestForGroup(inc.group_key).value().value(), inc);
  std::vector<Event> t = (*store)->Timeline(1).value();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].kind, EventKind::kAcknowledged);
  EXPECT_EQ(t[1].detail_json, R"({"via":"api"})");
  EXPECT_EQ(t[0].detail_json, "{}");
  EXPECT_TRUE(*(*store)->HasEvent(1, EventKind::kOpened));
  EXPECT_FALSE(*(*store)->HasEvent(1, EventKind::kResolved));
  EXPECT_EQ((*store)->PendingActions().value(), (std::vector<PendingAction>{{1, "page", 6000}}));
  EXPECT_EQ((*store)->CountOpenBySeverity().value(),
            (std::map<Severity, int64_t>{{Severity::kCritical, 1}}));
  // Used nonces stay used until their link expired.
  EXPECT_FALSE(*(*store)->MarkNonceUsed("n1", 1, 9999, 10'000));
  EXPECT_TRUE(*(*store)->MarkNonceUsed("n1", 1, 10'001, 20'000));

  // Update rewrites the alerts and appends events; a missing id is kNotFound.
  inc.state = State::kResolved;
  inc.alerts.pop_back();
  std::vector<Event> more = {Event{.at_ms = 4000, .kind = EventKind::kResolved}};
  ASSERT_TRUE((*store)->Update(inc, more).ok());
  EXPECT_EQ((*store)->Get(1)->value(), inc);
  EXPECT_EQ((*store)->Timeline(1)->size(), 3u);
  ASSERT_TRUE((*store)->DeletePendingActions(1).ok());
  EXPECT_TRUE((*store)->PendingActions()->empty());
  Incident ghost = inc;
  ghost.id = 42;
  EXPECT_EQ((*store)->Update(ghost, more).code(), StatusCode::kNotFound);
  EXPECT_EQ((*store)->AppendEvents(42, more).code(), StatusCode::kNotFound);
}

TEST(IncidentStoreTest, NotADatabaseIsDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("incidents.db", std::string(4096, '\x17'));
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
}

TEST(IncidentStoreTest, DamagedPagesAreDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.Join("incidents.db");
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok());
    for (int n = 0; n < 50; ++n) {
      Incident inc = Sample();
      std::vector<Event> events(20,
                                Event{.kind = EventKind::kNote, .message = std::string(200, 'n')});
      ASSERT_TRUE((*store)->Create(inc, events).ok());
    }
  }
  // Overwrite the middle of the file (past the header page) with garbage.
  std::string bytes = testing::ReadFileOrEmpty(path);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  for (size_t i = 4096 + 100; i < bytes.size() - 4096; i += 7) bytes[i] = '\xA5';
  dir.WriteFile("incidents.db", bytes);
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
}

TEST(IncidentStoreTest, NewerSchemaIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.Join("incidents.db");
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 99").ok());
  }
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos);
}

TEST(IncidentStoreTest, UnreadableRowIsDataLossNotACrash) {
  testing::TempDir dir;
  const std::string path = dir.Join("incidents.db");
  Incident inc = Sample();
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Create(inc, {}).ok());
  }
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE incident_alerts SET labels = '{\"a\": 1'").ok());
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok());
  Result<std::optional<Incident>> got = (*store)->Get(1);
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("incident 1"), std::string::npos);
}

}  // namespace
}  // namespace osprey::incidents
