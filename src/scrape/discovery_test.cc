#include "scrape/discovery.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testing/temp_dir.h"

namespace osprey::scrape {
namespace {

using Clock = std::chrono::steady_clock;

void WriteFile(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
  }
  std::filesystem::rename(tmp, path);  // atomic, as tools that write SD files do
}

TEST(ParseTargetGroupsTest, JsonAndYaml) {
  const model::Labels extra = model::Labels::FromStrings({"__meta_filepath", "f"});
  auto json = ParseTargetGroups(
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}])", false,
      extra, "f");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ASSERT_EQ(json->size(), 3u);
  EXPECT_EQ((*json)[0].labels.ToString(),
            R"({__address__="a:1", __meta_filepath="f", env="prod"})");
  EXPECT_EQ((*json)[2].labels.ToString(), R"({__address__="c:3", __meta_filepath="f"})");

  auto yaml = ParseTargetGroups("- targets: ['a:1']\n  labels:\n    env: dev\n", true, extra, "f");
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  ASSERT_EQ(yaml->size(), 1u);
  EXPECT_EQ((*yaml)[0].labels.Get("env"), "dev");
}

TEST(ParseTargetGroupsTest, ErrorsNameTheSource) {
  const model::Labels none;
  for (const char* bad :
       {"{", R"({"targets": []})", R"([{"targets": "a:1"}])",
        R"([{"targets": ["a:1"], "labels": {"1x": "v"}}])", R"([{"targets": [1]}])"}) {
    auto r = ParseTargetGroups(bad, false, none, "sd.json");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().message().starts_with("sd.json")) << r.status().message();
  }
  auto y = ParseTargetGroups("- targets: [a:1\n", true, none, "sd.yml");
  ASSERT_FALSE(y.ok());
  EXPECT_TRUE(y.status().message().starts_with("sd.yml")) << y.status().message();
}

TEST(FileDiscovererTest, PicksUpChangesAndKeepsLastGoodTargetsOnErrors) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/targets.json";
  WriteFile(path, R"([{"targets": ["a:1"]}])");
  config::ScrapeConfig cfg;
  cfg.file_sd_configs.push_back({.files = {dir.path() + "/*.json"}});
  auto discoverers = MakeDiscoverers(cfg);
  ASSERT_EQ(discoverers.size(), 1u);
  Discoverer& d = *discoverers[0];
  auto now = Clock::now();
  auto r = d.Refresh(now, false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  ASSERT_EQ(d.targets().size(), 1u);
  EXPECT_EQ(d.targets()[0].labels.Get("__meta_filepath"), path);

  // Nothing changed: no re-read before the refresh interval.
  r = d.Refresh(now + std::chrono::seconds(1), false);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);

  // A changed file is picked up at the next poll (modification times are nanoseconds).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteFile(path, R"([{"targets": ["a:1", "b:2"]}])");
  r = d.Refresh(now + std::chrono::seconds(2), false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(d.targets().size(), 2u);

  // A broken file: an error, and the last good targets stay.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteFile(path, R"([{"targets": ["a:1", )");
  r = d.Refresh(now + std::chrono::seconds(3), false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_EQ(d.targets().size(), 2u);

  // A removed file takes its targets with it.
  std::filesystem::remove(path);
  r = d.Refresh(now + std::chrono::seconds(4), false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_TRUE(d.targets().empty());
}

TEST(StaticDiscovererTest, ReportsItsTargetsOnce) {
  config::ScrapeConfig cfg;
  cfg.static_configs.push_back({.targets = {"a:1", "b:2"}, .labels = {{"env", "x"}}});
  auto discoverers = MakeDiscoverers(cfg);
  ASSERT_EQ(discoverers.size(), 1u);
  auto r = discoverers[0]->Refresh(Clock::now(), false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(discoverers[0]->targets().size(), 2u);
  EXPECT_EQ(discoverers[0]->targets()[1].labels.ToString(), R"({__address__="b:2", env="x"})");
  r = discoverers[0]->Refresh(Clock::now(), false);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

}  // namespace
}  // namespace osprey::scrape
