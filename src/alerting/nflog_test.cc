#include "alerting/nflog.h"

#include <gtest/gtest.h>

#include "metrics/registry.h"
#include "testing/fake_clock.h"
#include "testing/mem_file_system.h"

namespace osprey::alerting {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;
const NflogReceiver kWebhook{"team-a", "webhook", 0};
const NflogReceiver kEmail{"team-a", "email", 0};

TEST(NflogTest, LogAndQueryByGroupAndIntegration) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  auto log = Nflog::Open({}, fs, clock, nullptr);
  EXPECT_FALSE(log->Query("{}:{}", kWebhook).has_value());
  log->Log(kWebhook, "{}:{}", {1, 2}, {3}, 0);
  auto e = log->Query("{}:{}", kWebhook);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->timestamp, kStart);
  EXPECT_EQ(e->firing_alerts, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(e->resolved_alerts, (std::vector<uint64_t>{3}));
  EXPECT_EQ(e->expires_at, kStart + 120LL * 3600 * 1000);
  EXPECT_FALSE(log->Query("{}:{}", kEmail).has_value());
  EXPECT_FALSE(log->Query("{}:{x=\"1\"}", kWebhook).has_value());
  EXPECT_EQ(kWebhook.Key(), "team-a/webhook/0");
}

TEST(NflogTest, SubsetChecks) {
  NflogEntry e{.firing_alerts = {1, 2, 3}, .resolved_alerts = {4}};
  EXPECT_TRUE(e.IsFiringSubset({}));
  EXPECT_TRUE(e.IsFiringSubset({1, 3}));
  EXPECT_FALSE(e.IsFiringSubset({1, 5}));
  EXPECT_TRUE(e.IsResolvedSubset({4}));
  EXPECT_FALSE(e.IsResolvedSubset({1}));
}

TEST(NflogTest, ExpiryIsTheShorterOfRetentionAndTheGivenOne) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  auto log = Nflog::Open({.retention_ms = 10'000}, fs, clock, nullptr);
  log->Log(kWebhook, "g1", {1}, {}, 4'000);
  log->Log(kWebhook, "g2", {1}, {}, 60'000);
  EXPECT_EQ(log->Query("g1", kWebhook)->expires_at, kStart + 4'000);
  EXPECT_EQ(log->Query("g2", kWebhook)->expires_at, kStart + 10'000);
  clock.Advance(4'000);
  EXPECT_EQ(log->GC(), 1);
  EXPECT_FALSE(log->Query("g1", kWebhook).has_value());
  EXPECT_TRUE(log->Query("g2", kWebhook).has_value());
}

TEST(NflogTest, DoesNotReplaceANewerEntry) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  auto log = Nflog::Open({}, fs, clock, nullptr);
  log->Log(kWebhook, "g", {1}, {}, 0);
  clock.Advance(-1000);  // the wall clock stepped back
  log->Log(kWebhook, "g", {2}, {}, 0);
  EXPECT_EQ(log->Query("g", kWebhook)->firing_alerts, std::vector<uint64_t>{1});
}

TEST(NflogTest, SnapshotSurvivesReopen) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  const std::string path = "/data/nflog";
  {
    auto log = Nflog::Open({.snapshot_path = path}, fs, clock, nullptr);
    log->Log(kWebhook, "{}:{alertname=\"a\"}", {11, 12}, {13}, 0);
    log->Log(NflogReceiver{"team-b", "email", 2}, "{}/{x=\"y\"}:{}", {}, {5}, 1000);
    ASSERT_TRUE(log->Snapshot().ok());
  }
  clock.Advance(500);
  auto log = Nflog::Open({.snapshot_path = path}, fs, clock, nullptr);
  ASSERT_TRUE(log->load_status().ok()) << log->load_status().ToString();
  auto entries = log->Entries();
  ASSERT_EQ(entries.size(), 2u);
  auto e = log->Query("{}:{alertname=\"a\"}", kWebhook);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->firing_alerts, (std::vector<uint64_t>{11, 12}));
  EXPECT_EQ(e->timestamp, kStart);
  // Entries that expired while the process was down are not loaded.
  clock.Advance(1000);
  auto later = Nflog::Open({.snapshot_path = path}, fs, clock, nullptr);
  EXPECT_EQ(later->Entries().size(), 1u);
}

TEST(NflogTest, DestructorWritesTheLastChanges) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  {
    auto log = Nflog::Open({.snapshot_path = "/d/nflog"}, fs, clock, nullptr);
    log->Log(kWebhook, "g", {1}, {}, 0);
  }
  auto log = Nflog::Open({.snapshot_path = "/d/nflog"}, fs, clock, nullptr);
  EXPECT_TRUE(log->Query("g", kWebhook).has_value());
}

TEST(NflogTest, CorruptSnapshotStartsEmptyAndIsCounted) {
  osprey::testing::FakeClock clock(kStart);
  testing::MemFileSystem fs;
  metrics::Registry registry;
  std::string good;
  {
    auto log = Nflog::Open({.snapshot_path = "/d/nflog"}, fs, clock, nullptr);
    log->Log(kWebhook, "g", {1}, {}, 0);
    ASSERT_TRUE(log->Snapshot().ok());
    good = *ReadFileToString(fs, "/d/nflog");
  }
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x5a;
  ASSERT_TRUE(WriteFileAtomically(fs, "/d/nflog", bad).ok());
  auto log = Nflog::Open({.snapshot_path = "/d/nflog"}, fs, clock, &registry);
  EXPECT_EQ(log->load_status().code(), StatusCode::kDataLoss);
  EXPECT_NE(log->load_status().message().find("/d/nflog"), std::string::npos);
  EXPECT_NE(log->load_status().message().find("checksum"), std::string::npos);
  EXPECT_TRUE(log->Entries().empty());
  EXPECT_NE(registry.ExpositionText().find("osprey_nflog_snapshot_load_errors_total 1"),
            std::string::npos);
  // The log works and the next snapshot replaces the bad file.
  log->Log(kWebhook, "g", {2}, {}, 0);
  ASSERT_TRUE(log->Snapshot().ok());
  EXPECT_TRUE(DecodeNflogSnapshot(*ReadFileToString(fs, "/d/nflog")).ok());
}

TEST(NflogSnapshotTest, RoundTripsAndRejectsDamage) {
  std::vector<NflogEntry> entries = {
      {.group_key = "{}:{a=\"b\"}",
       .receiver = {"r", "webhook", 3},
       .timestamp = kStart,
       .firing_alerts = {1, UINT64_MAX},
       .resolved_alerts = {},
       .expires_at = kStart + 1},
      {.group_key = "", .receiver = {}, .timestamp = -5, .expires_at = 0}};
  const std::string data = EncodeNflogSnapshot(entries);
  auto decoded = DecodeNflogSnapshot(data);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, entries);

  // Entries with every field empty take 8 bytes each.
  std::vector<NflogEntry> empties(11);
  auto decoded_empties = DecodeNflogSnapshot(EncodeNflogSnapshot(empties));
  ASSERT_TRUE(decoded_empties.ok()) << decoded_empties.status().ToString();
  EXPECT_EQ(*decoded_empties, empties);

  EXPECT_EQ(DecodeNflogSnapshot("").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeNflogSnapshot("garbage-garbage").status().code(), StatusCode::kDataLoss);
  for (size_t n = 0; n < data.size(); ++n) {
    EXPECT_FALSE(DecodeNflogSnapshot(std::string_view(data).substr(0, n)).ok()) << n;
  }
}

}  // namespace
}  // namespace osprey::alerting
