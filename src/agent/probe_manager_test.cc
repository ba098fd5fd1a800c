#include "agent/probe_manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "agent/probe_test_util.h"
#include "model/sample.h"
#include "storage/mem_storage.h"

namespace osprey::agent {
namespace {

using testing::Dump;
using testing::EchoServer;
using testing::Probe;
using testing::ProbeHttpServer;

// Polls `done` until true; false after 20 s.
bool Eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

class ProbeManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ProbeManager> NewManager(int threads) {
    return std::make_unique<ProbeManager>(ProbeManagerOptions{.storage = &db_,
                                                              .registry = &registry_,
                                                              .clock = &clock_,
                                                              .logger = &logger_,
                                                              .threads = threads});
  }
  // Samples of the series with this label string, or none.
  std::vector<model::Sample> Samples(const std::string& series) {
    auto all = Dump(db_);
    auto it = all.find(series);
    return it == all.end() ? std::vector<model::Sample>{} : it->second;
  }
  double Counter(const std::string& line_prefix) {
    const std::string text = registry_.ExpositionText();
    const std::string needle = "\n" + line_prefix + " ";
    const size_t at = text.find(needle);
    return at == std::string::npos ? -1 : std::stod(text.substr(at + needle.size()));
  }

  storage::MemStorage db_;
  metrics::Registry registry_;
  SystemClock clock_;
  Logger logger_ = testing::QuietLogger();
};

TEST_F(ProbeManagerTest, WritesBlackboxSeriesWithTheProbesLabels) {
  EchoServer echo;
  config::ProbeConfig c = Probe("db", "tcp", echo.Target(), 1000);
  c.labels = {{"team", "payments"}};
  const std::string success = "{__name__=\"probe_success\", instance=\"" + echo.Target() +
                              "\", job=\"probe\", module=\"tcp\", probe=\"db\", team=\"payments\"}";
  {
    auto manager = NewManager(2);
    ASSERT_TRUE(manager->ApplyConfig({c}).ok());
    ASSERT_TRUE(Eventually([&] { return Samples(success).size() >= 2; })) << Dump(db_).size();
    const auto samples = Samples(success);
    EXPECT_EQ(samples[0].v, 1);
    // On the probe's stable offset within its interval.
    EXPECT_EQ(samples[1].t - samples[0].t >= 900, true);
    EXPECT_EQ(
        Dump(db_).count("{__name__=\"probe_duration_seconds\", instance=\"" + echo.Target() +
                        "\", job=\"probe\", module=\"tcp\", probe=\"db\", team=\"payments\"}"),
        1u);
    EXPECT_GE(Counter("osprey_probe_runs_total{module=\"tcp\",result=\"success\"}"), 2);
  }
  // The destructor marks every series stale.
  const auto samples = Samples(success);
  ASSERT_FALSE(samples.empty());
  EXPECT_TRUE(model::IsStaleNaN(samples.back().v));
}

TEST_F(ProbeManagerTest, AHangingProbeDoesNotDelayTheOthers) {
  ProbeHttpServer server;
  EchoServer echo;
  config::ProbeConfig hang = Probe("hang", "http", server.Url("/hang"), 1000);
  config::ProbeConfig fast = Probe("fast", "tcp", echo.Target(), 1000);
  auto manager = NewManager(2);
  ASSERT_TRUE(manager->ApplyConfig({hang, fast}).ok());
  const std::string fast_success = "{__name__=\"probe_success\", instance=\"" + echo.Target() +
                                   "\", job=\"probe\", module=\"tcp\", probe=\"fast\"}";
  const std::string hang_success = "{__name__=\"probe_success\", instance=\"" +
                                   server.Url("/hang") +
                                   "\", job=\"probe\", module=\"http\", probe=\"hang\"}";
  ASSERT_TRUE(Eventually([&] { return Samples(fast_success).size() >= 3; }));
  ASSERT_TRUE(Eventually([&] { return !Samples(hang_success).empty(); }));
  EXPECT_EQ(Samples(hang_success)[0].v, 0);  // cut at its timeout
  for (const model::Sample& s : Samples(fast_success)) EXPECT_EQ(s.v, 1);
}

TEST_F(ProbeManagerTest, BusyThreadsSkipRunsInsteadOfQueueing) {
  ProbeHttpServer server;
  config::ProbeConfig a = Probe("a", "http", server.Url("/hang"), 1000);
  config::ProbeConfig b = Probe("b", "http", server.Url("/hang"), 1000);
  auto manager = NewManager(1);
  ASSERT_TRUE(manager->ApplyConfig({a, b}).ok());
  ASSERT_TRUE(Eventually([&] { return Counter("osprey_probe_skipped_total") >= 1; }));
}

TEST_F(ProbeManagerTest, ApplyConfigKeepsUnchangedProbesAndRetiresRemovedOnes) {
  EchoServer echo;
  config::ProbeConfig keep = Probe("keep", "tcp", echo.Target(), 1000);
  config::ProbeConfig drop = Probe("drop", "tcp", echo.Target(), 1000);
  auto series = [&](const std::string& name) {
    return "{__name__=\"probe_success\", instance=\"" + echo.Target() +
           "\", job=\"probe\", module=\"tcp\", probe=\"" + name + "\"}";
  };
  auto manager = NewManager(2);
  ASSERT_TRUE(manager->ApplyConfig({keep, drop}).ok());
  ASSERT_TRUE(Eventually([&] { return !Samples(series("drop")).empty(); }));
  ASSERT_TRUE(Eventually([&] { return !Samples(series("keep")).empty(); }));
  ASSERT_TRUE(manager->ApplyConfig({keep}).ok());
  EXPECT_TRUE(model::IsStaleNaN(Samples(series("drop")).back().v));
  for (const model::Sample& s : Samples(series("keep"))) EXPECT_FALSE(model::IsStaleNaN(s.v));
  const size_t before = Samples(series("keep")).size();
  ASSERT_TRUE(Eventually([&] { return Samples(series("keep")).size() > before; }));
  for (const model::Sample& s : Samples(series("keep"))) EXPECT_FALSE(model::IsStaleNaN(s.v));

  config::ProbeConfig bad = keep;
  bad.module = "smtp";
  EXPECT_EQ(manager->ApplyConfig({bad}).code(), StatusCode::kInvalidArgument);
}

TEST(ProbeManagerOffsetTest, StableWithinTheInterval) {
  config::ProbeConfig c = Probe("api", "http", "http://x/");
  const int64_t offset = ProbeManager::OffsetForTest(c);
  EXPECT_EQ(offset, ProbeManager::OffsetForTest(c));
  EXPECT_GE(offset, 0);
  EXPECT_LT(offset, c.interval.ms);
}

}  // namespace
}  // namespace osprey::agent
