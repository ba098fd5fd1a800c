#include "scrape/target.h"

#include <gtest/gtest.h>

namespace osprey::scrape {
namespace {

config::ScrapeConfig Job() {
  config::ScrapeConfig c;
  c.job_name = "node";
  c.scrape_interval = model::Duration::Seconds(15);
  c.scrape_timeout = model::Duration::Seconds(10);
  return c;
}

config::RelabelConfig Rule(config::RelabelAction action, std::vector<std::string> sources,
                           std::string regex, std::string target = "",
                           std::string replacement = "$1") {
  config::RelabelConfig r;
  r.action = action;
  r.source_labels = std::move(sources);
  r.regex = std::move(regex);
  r.target_label = std::move(target);
  r.replacement = std::move(replacement);
  return r;
}

Result<std::optional<TargetSpec>> Populate(const config::ScrapeConfig& c, model::Labels l) {
  auto relabeler = ingest::Relabeler::Create(c.relabel_configs);
  EXPECT_TRUE(relabeler.ok());
  return PopulateTarget(c, *relabeler, DiscoveredTarget{std::move(l)});
}

TEST(PopulateTargetTest, DefaultsGiveJobInstanceAndUrl) {
  auto spec = Populate(Job(), model::Labels::FromStrings(
                                  {"__address__", "db1:9100", "__meta_x", "y", "env", "prod"}));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(spec->has_value());
  const TargetSpec& t = **spec;
  EXPECT_EQ(t.labels.ToString(), R"({env="prod", instance="db1:9100", job="node"})");
  EXPECT_EQ(t.url, "http://db1:9100/metrics");
  EXPECT_EQ(t.interval.ms, 15000);
  EXPECT_EQ(t.timeout.ms, 10000);
  EXPECT_EQ(t.discovered.Get("__meta_x"), "y");
  EXPECT_EQ(t.discovered.Get("__scheme__"), "http");
  EXPECT_EQ(t.discovered.Get("__metrics_path__"), "/metrics");
  EXPECT_EQ(t.discovered.Get("job"), "node");
}

TEST(PopulateTargetTest, ParamsAndRelabeledParamLabelsBuildTheQuery) {
  config::ScrapeConfig c = Job();
  c.params["module"] = {"http_2xx", "second"};
  c.params["target"] = {"a b&c"};
  c.metrics_path = "/probe";
  c.scheme = "https";
  c.relabel_configs.push_back(
      Rule(config::RelabelAction::kReplace, {"__address__"}, "(.*)", "__param_target"));
  c.relabel_configs.push_back(
      Rule(config::RelabelAction::kReplace, {}, "(.*)", "__address__", "blackbox:9115"));
  auto spec = Populate(c, model::Labels::FromStrings({"__address__", "example.com"}));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(spec->has_value());
  EXPECT_EQ((*spec)->url,
            "https://blackbox:9115/probe?module=http_2xx&module=second&target=example.com");
  EXPECT_EQ((*spec)->labels.Get("instance"), "blackbox:9115");
}

TEST(PopulateTargetTest, DropAndErrors) {
  config::ScrapeConfig c = Job();
  c.relabel_configs.push_back(Rule(config::RelabelAction::kDrop, {"env"}, "dev"));
  auto dropped = Populate(c, model::Labels::FromStrings({"__address__", "a:1", "env", "dev"}));
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());

  auto path = Populate(Job(), model::Labels::FromStrings({"__address__", "a:1/metrics"}));
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.status().message().find("contains a path"), std::string::npos);

  auto bad_interval = Populate(
      Job(), model::Labels::FromStrings({"__address__", "a:1", "__scrape_timeout__", "1m"}));
  ASSERT_FALSE(bad_interval.ok());
  EXPECT_NE(bad_interval.status().message().find("greater than __scrape_interval__"),
            std::string::npos);

  config::ScrapeConfig no_addr = Job();
  no_addr.relabel_configs.push_back(Rule(config::RelabelAction::kLabelDrop, {}, "__address__"));
  auto missing = Populate(no_addr, model::Labels::FromStrings({"__address__", "a:1"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no address"), std::string::npos);
}

TEST(PopulateTargetTest, KeyIsStableAndDependsOnLabelsAndUrl) {
  auto a = Populate(Job(), model::Labels::FromStrings({"__address__", "a:1"}));
  auto b = Populate(Job(), model::Labels::FromStrings({"__address__", "a:1"}));
  auto c = Populate(Job(), model::Labels::FromStrings({"__address__", "a:2"}));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)->key, (*b)->key);
  EXPECT_NE((*a)->key, (*c)->key);
}

}  // namespace
}  // namespace osprey::scrape
