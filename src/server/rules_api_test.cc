// Unit tests of /api/v1/rules and /api/v1/alerts: Prometheus's JSON shapes and filters.
#include "server/rules_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace osprey::server {
namespace {

using Json = nlohmann::json;

std::vector<rules::GroupSnapshot> Groups() {
  rules::RuleSnapshot record{.alerting = false,
                             .name = "job:up:sum",
                             .query = "sum by (job) (up)",
                             .labels = model::Labels::FromStrings({"team", "a"}),
                             .health = rules::RuleHealth::kGood,
                             .last_evaluation = 1'700'000'000'500,
                             .evaluation_seconds = 0.25};
  rules::RuleSnapshot alert{
      .alerting = true,
      .name = "Down",
      .query = "up == 0",
      .for_duration = model::Duration::Minutes(5),
      .keep_firing_for = model::Duration{1500},
      .labels = model::Labels::FromStrings({"severity", "page"}),
      .annotations = model::Labels::FromStrings({"summary", "down"}),
      .health = rules::RuleHealth::kBad,
      .last_error = "query timed out",
      .state = rules::AlertState::kFiring,
      .alerts = {{.labels = model::Labels::FromStrings({"alertname", "Down", "job", "x"}),
                  .annotations = model::Labels::FromStrings({"summary", "down"}),
                  .state = rules::AlertState::kFiring,
                  .active_at = 1'700'000'000'000,
                  .value = 1}}};
  rules::GroupSnapshot g1{.file = "/etc/rules/a.yml",
                          .name = "g1",
                          .interval = model::Duration::Seconds(30),
                          .limit = 0,
                          .evaluation_seconds = 1,
                          .last_evaluation = 0,
                          .rules = {record, alert}};
  rules::GroupSnapshot g2{.file = "/etc/rules/b.yml",
                          .name = "g2",
                          .interval = model::Duration::Minutes(1),
                          .limit = 10,
                          .rules = {record}};
  return {g1, g2};
}

class RulesApiTest : public ::testing::Test {
 protected:
  RulesApiTest() {
    RegisterRulesRoutes(router_, [] { return Groups(); });
  }
  Json Get(std::string path, http::KeyValues query = {}, int want_status = 200) {
    http::Request req;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    http::Response resp = router_.Dispatch(req);
    EXPECT_EQ(resp.status, want_status) << resp.body;
    return Json::parse(resp.body);
  }
  http::Router router_;
};

TEST_F(RulesApiTest, RulesInPrometheusShape) {
  Json j = Get("/api/v1/rules");
  EXPECT_EQ(j["status"], "success");
  const Json& groups = j["data"]["groups"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["name"], "g1");
  EXPECT_EQ(groups[0]["file"], "/etc/rules/a.yml");
  EXPECT_EQ(groups[0]["interval"].dump(), "30");
  EXPECT_EQ(groups[0]["limit"], 0);
  EXPECT_EQ(groups[0]["evaluationTime"].dump(), "1");
  EXPECT_EQ(groups[0]["lastEvaluation"], "0001-01-01T00:00:00Z");
  const Json& record = groups[0]["rules"][0];
  EXPECT_EQ(record, Json::parse(R"J({"name":"job:up:sum","query":"sum by (job) (up)",
      "labels":{"team":"a"},"health":"ok","evaluationTime":0.25,
      "lastEvaluation":"2023-11-14T22:13:20.5Z","type":"recording"})J"));
  const Json& alert = groups[0]["rules"][1];
  EXPECT_EQ(alert, Json::parse(R"J({"state":"firing","name":"Down","query":"up == 0",
      "duration":300,"keepFiringFor":1.5,"labels":{"severity":"page"},
      "annotations":{"summary":"down"},
      "alerts":[{"labels":{"alertname":"Down","job":"x"},"annotations":{"summary":"down"},
                 "state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"}],
      "health":"err","lastError":"query timed out","evaluationTime":0,
      "lastEvaluation":"0001-01-01T00:00:00Z","type":"alerting"})J"));
}

TEST_F(RulesApiTest, Filters) {
  Json j = Get("/api/v1/rules", {{"type", "alert"}});
  ASSERT_EQ(j["data"]["groups"].size(), 1u);
  EXPECT_EQ(j["data"]["groups"][0]["rules"].size(), 1u);
  j = Get("/api/v1/rules", {{"type", "RECORD"}});
  EXPECT_EQ(j["data"]["groups"].size(), 2u);
  j = Get("/api/v1/rules", {{"rule_group[]", "g2"}});
  ASSERT_EQ(j["data"]["groups"].size(), 1u);
  EXPECT_EQ(j["data"]["groups"][0]["limit"], 10);
  j = Get("/api/v1/rules", {{"file[]", "/etc/rules/a.yml"}, {"rule_name[]", "Down"}});
  ASSERT_EQ(j["data"]["groups"].size(), 1u);
  EXPECT_EQ(j["data"]["groups"][0]["rules"][0]["name"], "Down");
  j = Get("/api/v1/rules", {{"match[]", "{severity=\"page\"}"}});
  ASSERT_EQ(j["data"]["groups"].size(), 1u);
  j = Get("/api/v1/rules", {{"exclude_alerts", "true"}, {"type", "alert"}});
  EXPECT_TRUE(j["data"]["groups"][0]["rules"][0]["alerts"].is_null());
}

TEST_F(RulesApiTest, BadParameters) {
  Json j = Get("/api/v1/rules", {{"type", "x"}}, 400);
  EXPECT_EQ(j["errorType"], "bad_data");
  EXPECT_EQ(j["error"], "invalid parameter \"type\": not supported value \"x\"");
  j = Get("/api/v1/rules", {{"exclude_alerts", "maybe"}}, 400);
  EXPECT_EQ(j["errorType"], "bad_data");
}

TEST_F(RulesApiTest, Alerts) {
  Json j = Get("/api/v1/alerts");
  ASSERT_EQ(j["data"]["alerts"].size(), 1u);
  EXPECT_EQ(j["data"]["alerts"][0]["state"], "firing");
  EXPECT_EQ(j["data"]["alerts"][0]["value"], "1e+00");
}

}  // namespace
}  // namespace osprey::server
