#include "scrape/manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "http/router.h"
#include "http/server.h"
#include "storage/mem_storage.h"
#include "testing/storage_dump.h"

namespace osprey::scrape {
namespace {

using testing::Dump;

// Polls `cond` every 10 ms for up to 20 s.
bool Eventually(const std::function<bool()>& cond) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Handle("GET", "/metrics", [this](const http::Request& r) {
      last_accept_ = std::string(r.Header("Accept").value_or(""));
      return http::Response::Text(
          "# TYPE hits_total counter\nhits_total " + std::to_string(++hits_) + "\n", 200,
          "text/plain; version=0.0.4");
    });
    router_.Handle("GET", "/fail",
                   [](const http::Request&) { return http::Response::Text("boom", 500); });
    router_.Handle("GET", "/sd", [this](const http::Request&) {
      if (sd_broken_) return http::Response::Text("not json", 200, "application/json");
      return http::Response::Json(R"([{"targets": [")" + Address() +
                                  R"("], "labels": {"env": "test", "from": "http"}}])");
    });
    router_.Handle("GET", "/garbage", [](const http::Request&) {
      return http::Response::Text("good 1\nbad{ 2\n", 200, "text/plain");
    });
    router_.Handle("GET", "/big", [](const http::Request&) {
      std::string body;
      for (int i = 0; i < 1000; ++i) {
        body += 'm';
        body += std::to_string(i);
        body += " 1\n";
      }
      return http::Response::Text(body, 200, "text/plain");
    });
    router_.Handle("GET", "/slow", [this](const http::Request&) {
      while (!release_slow_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return http::Response::Text("late 1\n", 200, "text/plain");
    });
    router_.Handle("GET", "/html", [](const http::Request&) {
      return http::Response::Text("<html>", 200, "text/html");
    });
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 2;
    auto s = http::Server::Start(std::move(o), router_, server_registry_, logger_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    manager_ = std::make_unique<Manager>(ManagerOptions{
        .storage = &db_, .registry = &registry_, .logger = &logger_, .clock = &clock_});
  }
  void TearDown() override {
    release_slow_ = true;
    manager_.reset();
    server_.reset();
  }

  config::ScrapeConfig Job(std::string name, std::string path) {
    config::ScrapeConfig c;
    c.job_name = std::move(name);
    c.scrape_interval = model::Duration{100};
    c.scrape_timeout = model::Duration{100};
    c.metrics_path = std::move(path);
    c.static_configs.push_back({.targets = {Address()}, .labels = {{"env", "test"}}});
    return c;
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::string Series(std::string_view name, std::string_view job) const {
    return "{__name__=\"" + std::string(name) + "\", env=\"test\", instance=\"" + Address() +
           "\", job=\"" + std::string(job) + "\"}";
  }
  std::vector<model::Sample> Samples(const std::string& series) { return Dump(db_)[series]; }
  ActiveTarget Target(std::string_view pool) {
    for (const ActiveTarget& t : manager_->Targets().active) {
      if (t.scrape_pool == pool) return t;
    }
    return {};
  }

  Logger logger_{LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}};
  SystemClock clock_;
  metrics::Registry registry_;
  metrics::Registry server_registry_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  storage::MemStorage db_;
  std::unique_ptr<Manager> manager_;
  std::atomic<int> hits_{0};
  std::atomic<bool> sd_broken_{false};
  std::atomic<bool> release_slow_{false};
  std::string last_accept_;
};

TEST_F(ManagerTest, ScrapesTargetsAndReportsHealth) {
  config::Config cfg;
  cfg.scrape_configs = {Job("ok", "/metrics"), Job("fail", "/fail"), Job("html", "/html")};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] { return Samples(Series("hits_total", "ok")).size() >= 2; }));
  ASSERT_TRUE(Eventually([&] { return Target("fail").health == "down"; }));
  ASSERT_TRUE(Eventually([&] { return Target("html").health == "down"; }));
  ASSERT_TRUE(Eventually([&] { return Target("ok").health == "up"; }));

  EXPECT_EQ(Samples(Series("up", "ok")).back().v, 1);
  EXPECT_EQ(Samples(Series("up", "fail")).back().v, 0);
  EXPECT_EQ(Samples(Series("scrape_samples_scraped", "ok")).back().v, 1);
  EXPECT_NE(last_accept_.find("application/openmetrics-text"), std::string::npos);

  ActiveTarget ok = Target("ok");
  EXPECT_EQ(ok.scrape_url, "http://" + Address() + "/metrics");
  EXPECT_EQ(ok.labels.Get("env"), "test");
  EXPECT_EQ(ok.discovered_labels.Get("__address__"), Address());
  EXPECT_EQ(ok.last_error, "");
  EXPECT_GT(ok.last_scrape_ms, 0);
  EXPECT_EQ(ok.scrape_interval, "100ms");
  EXPECT_EQ(Target("fail").last_error, "server returned HTTP status 500 Internal Server Error");
  EXPECT_EQ(Target("html").last_error, "unsupported Content-Type \"text/html\"");

  auto metadata = manager_->Metadata();
  ASSERT_FALSE(metadata.empty());
  EXPECT_EQ(metadata[0].metric, "hits_total");
  EXPECT_EQ(metadata[0].metadata.type, "counter");
}

TEST_F(ManagerTest, BadBodiesFailWholeAndNothingIsIngested) {
  config::Config cfg;
  config::ScrapeConfig big = Job("big", "/big");
  big.body_size_limit = 1000;
  cfg.scrape_configs = {Job("garbage", "/garbage"), big, Job("slow", "/slow"),
                        Job("ok", "/metrics")};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] {
    return Target("garbage").health == "down" && Target("big").health == "down" &&
           Target("slow").health == "down" && Target("ok").health == "up";
  }));
  EXPECT_NE(Target("slow").last_error.find("timeout after 100ms"), std::string::npos)
      << Target("slow").last_error;
  EXPECT_TRUE(Target("garbage").last_error.starts_with("line 2, column 6: "))
      << Target("garbage").last_error;
  EXPECT_NE(Target("big").last_error.find("body size limit of 1000 bytes exceeded"),
            std::string::npos)
      << Target("big").last_error;
  // The good line before the bad one was not kept.
  auto all = Dump(db_);
  EXPECT_EQ(all.count(Series("good", "garbage")), 0u);
  EXPECT_EQ(Samples(Series("up", "garbage")).back().v, 0);
  EXPECT_EQ(Samples(Series("up", "big")).back().v, 0);
}

TEST_F(ManagerTest, ReloadKeepsUnchangedPoolsAndStalesRemovedOnes) {
  config::Config cfg;
  cfg.scrape_configs = {Job("a", "/metrics"), Job("b", "/metrics")};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] {
    return Samples(Series("up", "a")).size() >= 2 && Samples(Series("up", "b")).size() >= 2;
  }));
  // Same config again, and b removed.
  cfg.scrape_configs = {Job("a", "/metrics")};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] {
    auto up_b = Samples(Series("up", "b"));
    return !up_b.empty() && model::IsStaleNaN(up_b.back().v);
  }));
  auto b = Samples(Series("hits_total", "b"));
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(model::IsStaleNaN(b.back().v));
  // a kept running: its samples keep coming and none of them is a staleness marker.
  const size_t before = Samples(Series("up", "a")).size();
  ASSERT_TRUE(Eventually([&] { return Samples(Series("up", "a")).size() > before + 2; }));
  for (const model::Sample& s : Samples(Series("up", "a"))) EXPECT_FALSE(model::IsStaleNaN(s.v));
  EXPECT_EQ(manager_->Targets().active.size(), 1u);
}

TEST_F(ManagerTest, HttpServiceDiscoveryFindsTargetsAndKeepsThemWhenItBreaks) {
  config::Config cfg;
  config::ScrapeConfig job = Job("http_sd", "/metrics");
  job.static_configs.clear();
  job.http_sd_configs.push_back(
      {.url = "http://" + Address() + "/sd", .refresh_interval = model::Duration{200}});
  cfg.scrape_configs = {job};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] { return Target("http_sd").health == "up"; }));
  EXPECT_EQ(Target("http_sd").labels.Get("from"), "http");
  EXPECT_EQ(Target("http_sd").discovered_labels.Get("__meta_url"), "http://" + Address() + "/sd");
  sd_broken_ = true;
  ASSERT_TRUE(Eventually([&] {
    return registry_.ExpositionText().find(
               "osprey_sd_refresh_failures_total{mechanism=\"http\"}") != std::string::npos;
  }));
  EXPECT_EQ(manager_->Targets().active.size(), 1u);  // the last good list stays
}

TEST_F(ManagerTest, InternalJobsAreScrapedInProcess) {
  config::ScrapeConfig job;
  job.job_name = "node";
  job.scrape_interval = model::Duration{100};
  job.scrape_timeout = model::Duration{100};
  job.static_configs.push_back({.targets = {"myhost"}, .labels = {{"env", "test"}}});
  std::atomic<int> calls{0};
  auto body = std::make_shared<const std::function<void(std::string&)>>([&](std::string& out) {
    out += "# TYPE node_load1 gauge\nnode_load1 ";
    out += std::to_string(++calls);
    out += '\n';
  });
  config::Config cfg;
  ASSERT_TRUE(manager_->ApplyConfig(cfg, {{job, body}}).ok());
  const std::string series =
      R"({__name__="node_load1", env="test", instance="myhost", job="node"})";
  ASSERT_TRUE(Eventually([&] { return Samples(series).size() >= 2; }));
  ActiveTarget t = Target("node");
  EXPECT_EQ(t.scrape_url, "osprey://internal/node");
  EXPECT_EQ(t.health, "up");
  // Reapplying the same job keeps it running; a scrape job of the same name is refused.
  ASSERT_TRUE(manager_->ApplyConfig(cfg, {{job, body}}).ok());
  config::Config clash;
  clash.scrape_configs = {Job("node", "/metrics")};
  Status s = manager_->ApplyConfig(clash, {{job, body}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // Disabled: its series go stale.
  ASSERT_TRUE(manager_->ApplyConfig(cfg, {}).ok());
  ASSERT_TRUE(Eventually([&] { return model::IsStaleNaN(Samples(series).back().v); }));
}

TEST_F(ManagerTest, RelabelingDropsTargetsAndShowsThem) {
  config::Config cfg;
  config::ScrapeConfig job = Job("j", "/metrics");
  config::RelabelConfig drop;
  drop.action = config::RelabelAction::kDrop;
  drop.source_labels = {"env"};
  drop.regex = "test";
  job.relabel_configs = {drop};
  cfg.scrape_configs = {job};
  ASSERT_TRUE(manager_->ApplyConfig(cfg).ok());
  ASSERT_TRUE(Eventually([&] { return !manager_->Targets().dropped.empty(); }));
  TargetsView v = manager_->Targets();
  EXPECT_TRUE(v.active.empty());
  EXPECT_EQ(v.dropped[0].discovered_labels.Get("__address__"), Address());
  EXPECT_EQ(v.dropped_counts["j"], 1);
}

}  // namespace
}  // namespace osprey::scrape
