// Tests of the Alertmanager API v2 routes over real alerting components (store, silences,
// marker, inhibitor, dispatcher): every endpoint's JSON shape, filters and errors, the
// alertmanager.yml subset of the config, and the real amtool (Alertmanager 0.25's CLI)
// against the routes served on 127.0.0.1.
#include "server/alertmanager_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerting/inhibitor.h"
#include "alerting/nflog.h"
#include "alerting/pipeline.h"
#include "base/logger.h"
#include "config/config.h"
#include "http/server.h"
#include "server/alertmanager_json.h"
#include "testing/child_process.h"
#include "testing/mem_file_system.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;

constexpr model::Timestamp kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

// A settable clock; with kRealTime it follows the system clock (amtool uses the real time).
constexpr model::Timestamp kRealTime = -1;
class TestClock final : public Clock {
 public:
  explicit TestClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() const override {
    const int64_t v = now_ms_.load();
    return v == kRealTime ? system_.NowMillis() : v;
  }
  int64_t MonotonicNanos() const override { return NowMillis() * 1'000'000; }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }

 private:
  SystemClock system_;
  std::atomic<int64_t> now_ms_;
};

constexpr std::string_view kConfig = R"(
global:
  scrape_interval: 15s
  external_url: http://osprey.example:9090
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['severity="page"']
      receiver: pager
      continue: true
    - matchers: ['severity=~"page|warn"']
      receiver: team
inhibit_rules:
  - source_matchers: ['alertname="Outage"']
    target_matchers: ['severity="warn"']
receivers:
  - name: default
  - name: pager
    webhook_configs:
      - url: http://127.0.0.1:1/hook
  - name: team
    sms_configs:
      - url: http://127.0.0.1:1/sms
        to: ['+100']
)";

config::Config TestConfig() {
  Result<config::Config> c = config::ParseConfig(kConfig, "osprey.yml");
  OSPREY_CHECK(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

// The alerting components as the server wires them, plus the API routes on a Router.
class AlertingFixture {
 public:
  explicit AlertingFixture(model::Timestamp now) : clock_(now), config_(TestConfig()) {
    silences_ =
        std::move(alerting::Silences::Open({.background = false}, fs_, clock_, nullptr)).value();
    silencer_ = std::make_unique<alerting::Silencer>(*silences_, marker_);
    inhibitor_ =
        std::make_unique<alerting::Inhibitor>(config_.inhibit_rules, store_, marker_, clock_);
    nflog_ = alerting::Nflog::Open({}, fs_, clock_, nullptr);
    std::vector<alerting::PipelineReceiver> receivers;
    for (const config::ReceiverConfig& r : config_.receivers) receivers.push_back({r.name, {}});
    auto pipeline = std::make_unique<alerting::Pipeline>(
        std::move(receivers),
        alerting::Pipeline::Deps{
            .nflog = nflog_.get(), .inhibitor = inhibitor_.get(), .silencer = silencer_.get()},
        clock_);
    dispatcher_ = std::make_unique<alerting::Dispatcher>(alerting::Route::Build(*config_.route),
                                                         std::move(pipeline), clock_, nullptr,
                                                         nullptr, alerting::Dispatcher::Options{});
    subscription_ = store_.Subscribe([this](const model::Alert& a) { dispatcher_->Add(a); });
    RegisterAlertmanagerRoutes(
        router_, AlertmanagerApiSource{
                     .alerts = store_,
                     .silences = *silences_,
                     .marker = marker_,
                     .clock = clock_,
                     .update_status =
                         [this](const model::Labels& l) {
                           inhibitor_->Mutes(l);
                           silencer_->Mutes(l);
                         },
                     .receivers_for =
                         [this](const model::Labels& l) {
                           std::vector<std::string> out;
                           for (const alerting::Route* r : dispatcher_->route().Match(l)) {
                             out.push_back(r->opts().receiver);
                           }
                           return out;
                         },
                     .groups = [this](const auto& rf,
                                      const auto& af) { return dispatcher_->Groups(rf, af); },
                     .receiver_names =
                         [this] {
                           std::vector<std::string> out;
                           for (const config::ReceiverConfig& r : config_.receivers)
                             out.push_back(r.name);
                           return out;
                         },
                     .config_yaml = [this] { return AlertmanagerConfigYaml(config_); },
                     .start_time = clock_.NowMillis() - 60'000,
                     .registry = &registry_});
  }
  ~AlertingFixture() {
    store_.Unsubscribe(subscription_);
    dispatcher_->Stop();
  }

  http::Response Do(std::string method, std::string path, http::KeyValues query = {},
                    std::string body = "") {
    http::Request req;
    req.method = std::move(method);
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    req.body = std::move(body);
    return router_.Dispatch(req);
  }
  Json Get(std::string path, http::KeyValues query = {}) {
    http::Response resp = Do("GET", std::move(path), std::move(query));
    EXPECT_EQ(resp.status, 200) << resp.body;
    return Json::parse(resp.body, nullptr, false);
  }
  std::string PostSilence(const Json& silence) {
    http::Response resp = Do("POST", "/api/v2/silences", {}, silence.dump());
    EXPECT_EQ(resp.status, 200) << resp.body;
    return Json::parse(resp.body, nullptr, false).value("silenceID", "");
  }
  double InvalidCount(std::string_view endpoint) {
    std::string text = registry_.ExpositionText();
    std::string needle = "osprey_alertmanager_api_invalid_requests_total{endpoint=\"";
    needle += endpoint;
    needle += "\"} ";
    size_t pos = text.find(needle);
    if (pos == std::string::npos) return 0;
    return std::stod(text.substr(pos + needle.size()));
  }

  TestClock clock_;
  config::Config config_;
  testing::MemFileSystem fs_;
  metrics::Registry registry_;
  alerting::Marker marker_;
  alerting::AlertStore store_{{}, clock_, marker_, nullptr};
  std::unique_ptr<alerting::Silences> silences_;
  std::unique_ptr<alerting::Silencer> silencer_;
  std::unique_ptr<alerting::Inhibitor> inhibitor_;
  std::unique_ptr<alerting::Nflog> nflog_;
  std::unique_ptr<alerting::Dispatcher> dispatcher_;
  int subscription_ = -1;
  http::Router router_;
};

Json Silence(std::string name, std::string value, model::Timestamp start, model::Timestamp end) {
  return Json{{"matchers", {{{"name", name}, {"value", value}, {"isRegex", false}}}},
              {"startsAt", amjson::FormatDateTime(start)},
              {"endsAt", amjson::FormatDateTime(end)},
              {"createdBy", "alice"},
              {"comment", "maintenance"}};
}

class AlertmanagerApiTest : public ::testing::Test {
 protected:
  AlertingFixture f_{kNow};
};

TEST(AlertmanagerJsonTest, DateTimesAsStrfmt) {
  EXPECT_EQ(amjson::FormatDateTime(kNow + 5), "2023-11-14T22:13:20.005Z");
  EXPECT_EQ(amjson::FormatDateTime(0), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(*amjson::ParseDateTime("2023-11-14T22:13:20.005123456Z"), kNow + 5);
  EXPECT_EQ(*amjson::ParseDateTime("2023-11-14T23:13:20+01:00"), kNow);
  EXPECT_EQ(*amjson::ParseDateTime("0001-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(amjson::ParseDateTime("1700000000").ok());
  EXPECT_FALSE(amjson::ParseDateTime("2023-11-14 22:13:20Z").ok());
}

TEST_F(AlertmanagerApiTest, PostedAlertsAreListedInAlertmanagerShape) {
  http::Response post = f_.Do("POST", "/api/v2/alerts", {}, R"([
    {"labels": {"alertname": "Disk", "severity": "page", "empty": ""},
     "annotations": {"summary": "disk full"}, "generatorURL": "http://x/graph"},
    {"labels": {"alertname": "Cpu"}, "startsAt": "2023-11-14T22:00:00Z",
     "endsAt": "2023-11-14T23:00:00.000Z"}])");
  EXPECT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.body, "");

  http::Response resp = f_.Do("GET", "/api/v2/alerts");
  ASSERT_EQ(resp.status, 200);
  Json alerts = Json::parse(resp.body);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_LT(alerts[0]["fingerprint"].get<std::string>(),
            alerts[1]["fingerprint"].get<std::string>());
  const Json& disk = alerts[0]["labels"]["alertname"] == "Disk" ? alerts[0] : alerts[1];
  const Json& cpu = alerts[0]["labels"]["alertname"] == "Disk" ? alerts[1] : alerts[0];
  EXPECT_EQ(disk["labels"], (Json{{"alertname", "Disk"}, {"severity", "page"}}));
  EXPECT_EQ(disk["annotations"], (Json{{"summary", "disk full"}}));
  EXPECT_EQ(disk["startsAt"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(disk["updatedAt"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(disk["endsAt"], "2023-11-14T22:18:20.000Z");  // resolve_timeout 5m
  EXPECT_EQ(disk["generatorURL"], "http://x/graph");
  EXPECT_EQ(disk["receivers"], Json::parse(R"([{"name":"pager"},{"name":"team"}])"));
  EXPECT_EQ(disk["status"], Json::parse(R"({"inhibitedBy":[],"silencedBy":[],"state":"active"})"));
  EXPECT_EQ(disk["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_FALSE(cpu.contains("generatorURL"));
  EXPECT_EQ(cpu["startsAt"], "2023-11-14T22:00:00.000Z");
  EXPECT_EQ(cpu["endsAt"], "2023-11-14T23:00:00.000Z");
  EXPECT_EQ(cpu["receivers"], Json::parse(R"([{"name":"default"}])"));
  // Alertmanager's field order (go-swagger's allOf concatenation).
  EXPECT_EQ(resp.body.find("{\"annotations\":"), 1u) << resp.body;
}

TEST_F(AlertmanagerApiTest, PostAlertsRejectsBadInputNamingTheField) {
  struct Case {
    std::string body;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {R"([{"annotations": {}}])", "[0].labels: required"},
           {R"([{"labels": {"a": "1"}}, {"labels": {"a": 1}}])", "[1].labels.a: must be a string"},
           {R"([{"labels": {"a": "1"}, "startsAt": "yesterday"}])", "[0].startsAt: cannot parse"},
           {R"({"labels": {}})", "body must be a JSON array"},
           {R"([{"labels": )", "invalid JSON body"},
       }) {
    SCOPED_TRACE(c.body);
    http::Response resp = f_.Do("POST", "/api/v2/alerts", {}, c.body);
    EXPECT_EQ(resp.status, 400);
    EXPECT_NE(Json::parse(resp.body).get<std::string>().find(c.want), std::string::npos)
        << resp.body;
  }
  EXPECT_EQ(f_.store_.Size(), 0u);
  EXPECT_EQ(f_.InvalidCount("/api/v2/alerts"), 5);
}

TEST_F(AlertmanagerApiTest, PostAlertsStoresTheValidOnesAndNamesTheRest) {
  http::Response resp = f_.Do("POST", "/api/v2/alerts", {}, R"([
    {"labels": {"alertname": "Good"}},
    {"labels": {"0bad": "x"}},
    {"labels": {}}])");
  EXPECT_EQ(resp.status, 400);
  std::string msg = Json::parse(resp.body).get<std::string>();
  EXPECT_NE(msg.find("[1]: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2]: "), std::string::npos) << msg;
  EXPECT_EQ(msg.find("[0]"), std::string::npos) << msg;
  ASSERT_EQ(f_.store_.Size(), 1u);
  EXPECT_EQ(f_.store_.List()[0].labels.Get("alertname"), "Good");
}

TEST_F(AlertmanagerApiTest, GetAlertsFilters) {
  ASSERT_TRUE(
      f_.store_
          .Put({{.labels = model::Labels::FromStrings({"alertname", "Outage"})},
                {.labels = model::Labels::FromStrings(
                     {"alertname", "Slow", "severity", "warn", "team", "a"})},
                {.labels = model::Labels::FromStrings({"alertname", "Disk", "severity", "page"})},
                {.labels = model::Labels::FromStrings({"alertname", "Old"}),
                 .starts_at = kNow - 7'200'000,
                 .ends_at = kNow - 3'600'000}})
          .ok());
  f_.PostSilence(Silence("alertname", "Disk", kNow, kNow + 3'600'000));

  auto names = [&](http::KeyValues q) {
    std::vector<std::string> out;
    for (const Json& a : f_.Get("/api/v2/alerts", std::move(q))) {
      out.push_back(a["labels"]["alertname"]);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({}), (V{"Disk", "Outage", "Slow"}));  // Old has ended.
  EXPECT_EQ(names({{"filter", "alertname=Disk"}}), V{"Disk"});
  EXPECT_EQ(names({{"filter", "severity=~\"page|warn\""}, {"filter", "alertname!=Disk"}}),
            V{"Slow"});
  // Alertmanager's empty-value rule: team="" matches alerts without the label.
  EXPECT_EQ(names({{"filter", "team=\"\""}}), (V{"Disk", "Outage"}));
  EXPECT_EQ(names({{"silenced", "false"}}), (V{"Outage", "Slow"}));
  EXPECT_EQ(names({{"inhibited", "false"}}), (V{"Disk", "Outage"}));
  EXPECT_EQ(names({{"active", "false"}}), (V{"Disk", "Slow"}));
  EXPECT_EQ(names({{"receiver", "pag.*"}}), V{"Disk"});
  EXPECT_EQ(names({{"receiver", "team"}}), (V{"Disk", "Slow"}));

  Json all = f_.Get("/api/v2/alerts", {{"filter", "alertname=Disk"}});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["status"]["state"], "suppressed");
  EXPECT_EQ(all[0]["status"]["silencedBy"].size(), 1u);
  Json slow = f_.Get("/api/v2/alerts", {{"filter", "alertname=Slow"}});
  ASSERT_EQ(slow.size(), 1u);
  ASSERT_EQ(slow[0]["status"]["inhibitedBy"].size(), 1u);
  EXPECT_EQ(slow[0]["status"]["inhibitedBy"][0].get<std::string>().size(), 16u);

  for (const http::KeyValues& bad : std::vector<http::KeyValues>{
           {{"filter", "alertname"}}, {{"receiver", "("}}, {{"active", "maybe"}}}) {
    http::Response resp = f_.Do("GET", "/api/v2/alerts", bad);
    EXPECT_EQ(resp.status, 400) << bad[0].first;
    EXPECT_TRUE(Json::parse(resp.body).is_string()) << resp.body;
  }
  EXPECT_EQ(f_.InvalidCount("/api/v2/alerts"), 3);
}

TEST_F(AlertmanagerApiTest, AlertGroupsByRouteAndReceiver) {
  ASSERT_TRUE(
      f_.store_
          .Put({{.labels = model::Labels::FromStrings({"alertname", "Disk", "severity", "page"})},
                {.labels = model::Labels::FromStrings(
                     {"alertname", "Disk", "severity", "page", "instance", "b"})},
                {.labels = model::Labels::FromStrings({"alertname", "Cpu"})}})
          .ok());
  Json groups = f_.Get("/api/v2/alerts/groups");
  ASSERT_EQ(groups.size(), 3u) << groups.dump();
  std::vector<std::string> seen;
  for (const Json& g : groups) {
    seen.push_back(g["labels"]["alertname"].get<std::string>() + "/" +
                   g["receiver"]["name"].get<std::string>() + "/" +
                   std::to_string(g["alerts"].size()));
    for (const Json& a : g["alerts"]) EXPECT_TRUE(a.contains("fingerprint"));
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"Cpu/default/1", "Disk/pager/2", "Disk/team/2"}));

  Json pager = f_.Get("/api/v2/alerts/groups", {{"receiver", "pager"}});
  ASSERT_EQ(pager.size(), 1u);
  EXPECT_EQ(pager[0]["receiver"]["name"], "pager");
  EXPECT_EQ(pager[0]["labels"], (Json{{"alertname", "Disk"}}));
  // As Alertmanager: only the receivers of the groups that passed the filter.
  EXPECT_EQ(pager[0]["alerts"][0]["receivers"], Json::parse(R"([{"name":"pager"}])"));

  Json cpu = f_.Get("/api/v2/alerts/groups", {{"filter", "alertname=Cpu"}});
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_EQ(cpu[0]["receiver"]["name"], "default");

  EXPECT_EQ(f_.Do("GET", "/api/v2/alerts/groups", {{"filter", "a=\"b"}}).status, 400);
  EXPECT_EQ(f_.InvalidCount("/api/v2/alerts/groups"), 1);
}

TEST_F(AlertmanagerApiTest, SilenceLifecycle) {
  std::string id = f_.PostSilence(Silence("alertname", "Disk", kNow, kNow + 3'600'000));
  ASSERT_EQ(id.size(), 36u);

  http::Response one = f_.Do("GET", "/api/v2/silence/" + id);
  ASSERT_EQ(one.status, 200);
  Json s = Json::parse(one.body);
  EXPECT_EQ(s["id"], id);
  EXPECT_EQ(s["status"]["state"], "active");
  EXPECT_EQ(s["startsAt"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(s["endsAt"], "2023-11-14T23:13:20.000Z");
  EXPECT_EQ(s["updatedAt"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(s["createdBy"], "alice");
  EXPECT_EQ(s["comment"], "maintenance");
  EXPECT_EQ(s["matchers"],
            Json::parse(R"([{"isEqual":true,"isRegex":false,"name":"alertname","value":"Disk"}])"));
  EXPECT_EQ(one.body.find("{\"id\":"), 0u) << one.body;

  // Update in place (same matchers, later end): same id.
  Json update = Silence("alertname", "Disk", kNow, kNow + 7'200'000);
  update["id"] = id;
  EXPECT_EQ(f_.PostSilence(update), id);

  EXPECT_EQ(f_.Get("/api/v2/silences", {{"filter", "alertname=Disk"}}).size(), 1u);
  EXPECT_EQ(f_.Get("/api/v2/silences", {{"filter", "alertname=~Disk"}}).size(), 0u);
  EXPECT_EQ(f_.Get("/api/v2/silences", {{"filter", "alertname=Cpu"}}).size(), 0u);

  EXPECT_EQ(f_.Do("DELETE", "/api/v2/silence/" + id).status, 200);
  f_.clock_.Set(kNow + 1);
  EXPECT_EQ(f_.Get("/api/v2/silence/" + id)["status"]["state"], "expired");
  EXPECT_EQ(f_.Do("DELETE", "/api/v2/silence/" + id).status, 400);

  const std::string unknown = "00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(f_.Do("GET", "/api/v2/silence/" + unknown).status, 404);
  EXPECT_EQ(f_.Do("DELETE", "/api/v2/silence/" + unknown).status, 404);
  Json bad_id = Silence("a", "b", kNow, kNow + 1000);
  bad_id["id"] = unknown;
  EXPECT_EQ(f_.Do("POST", "/api/v2/silences", {}, bad_id.dump()).status, 404);
}

TEST_F(AlertmanagerApiTest, PostSilenceRejectsBadInput) {
  struct Case {
    Json body;
    std::string want;
  };
  Json no_comment = Silence("a", "b", kNow, kNow + 1000);
  no_comment.erase("comment");
  Json no_is_regex = Silence("a", "b", kNow, kNow + 1000);
  no_is_regex["matchers"][0].erase("isRegex");
  Json bad_regex = Silence("a", "(", kNow, kNow + 1000);
  bad_regex["matchers"][0]["isRegex"] = true;
  Json no_matchers = Silence("a", "b", kNow, kNow + 1000);
  no_matchers["matchers"] = Json::array();
  for (const Case& c : std::vector<Case>{
           {Silence("a", "b", kNow, kNow), "start time must be before end time"},
           {Silence("a", "b", kNow - 2000, kNow - 1000), "end time can't be in the past"},
           {no_comment, "comment: required"},
           {no_is_regex, "matchers[0].isRegex: required"},
           {bad_regex, "matchers[0]: "},
           {no_matchers, "matchers: at least one"},
           {Silence("a", "", kNow, kNow + 1000), "matchers"},  // matches the empty string
           {Json::array(), "body must be a JSON object"},
       }) {
    SCOPED_TRACE(c.body.dump());
    http::Response resp = f_.Do("POST", "/api/v2/silences", {}, c.body.dump());
    EXPECT_EQ(resp.status, 400);
    EXPECT_NE(Json::parse(resp.body).get<std::string>().find(c.want), std::string::npos)
        << resp.body;
  }
  EXPECT_EQ(f_.InvalidCount("/api/v2/silences"), 8);
  EXPECT_EQ(f_.Get("/api/v2/silences").size(), 0u);
}

TEST_F(AlertmanagerApiTest, SilencesSortedAsAlertmanager) {
  std::string active_late = f_.PostSilence(Silence("a", "1", kNow, kNow + 9'000'000));
  std::string active_soon = f_.PostSilence(Silence("a", "2", kNow, kNow + 1'000'000));
  std::string pending_late = f_.PostSilence(Silence("a", "3", kNow + 5'000'000, kNow + 9'000'000));
  std::string pending_soon = f_.PostSilence(Silence("a", "4", kNow + 2'000'000, kNow + 9'000'000));
  std::string expired_first = f_.PostSilence(Silence("a", "5", kNow, kNow + 1000));
  std::string expired_last = f_.PostSilence(Silence("a", "6", kNow, kNow + 1000));
  ASSERT_TRUE(f_.silences_->Expire(expired_first).ok());
  f_.clock_.Set(kNow + 500);
  ASSERT_TRUE(f_.silences_->Expire(expired_last).ok());
  f_.clock_.Set(kNow + 600);
  std::vector<std::string> ids;
  for (const Json& s : f_.Get("/api/v2/silences")) ids.push_back(s["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{active_soon, active_late, pending_soon, pending_late,
                                           expired_last, expired_first}));
  EXPECT_EQ(f_.Do("GET", "/api/v2/silences", {{"filter", "{a=1}"}}).status, 400);
}

TEST_F(AlertmanagerApiTest, StatusAndReceivers) {
  Json status = f_.Get("/api/v2/status");
  EXPECT_EQ(status["cluster"], Json::parse(R"({"peers":[],"status":"disabled"})"));
  EXPECT_EQ(status["uptime"], "2023-11-14T22:12:20.000Z");
  for (const char* k : {"version", "revision", "branch", "buildUser", "buildDate", "goVersion"}) {
    EXPECT_TRUE(status["versionInfo"][k].is_string()) << k;
  }
  const std::string original = status["config"]["original"];
  EXPECT_NE(original.find("receiver: default"), std::string::npos) << original;
  EXPECT_EQ(f_.Get("/api/v2/receivers"),
            Json::parse(R"([{"name":"default"},{"name":"pager"},{"name":"team"}])"));
}

TEST(AlertmanagerConfigYamlTest, KeepsOnlyAlertmanagerKeys) {
  const std::string yaml = AlertmanagerConfigYaml(TestConfig());
  for (const char* want : {"global:", "resolve_timeout: 5m", "route:", "receivers:",
                           "inhibit_rules:", "webhook_configs:", "name: team"}) {
    EXPECT_NE(yaml.find(want), std::string::npos) << want << " in\n" << yaml;
  }
  for (const char* unwanted :
       {"scrape_interval", "external_url", "sms_configs", "storage:", "evaluation_interval"}) {
    EXPECT_EQ(yaml.find(unwanted), std::string::npos) << unwanted << " in\n" << yaml;
  }
  EXPECT_EQ(AlertmanagerConfigYaml(config::Config{}), "");
}

// --- The real amtool against the routes ---

// Skips (or fails under CI=true) when amtool is missing.
#define REQUIRE_AMTOOL(var)                                                            \
  const std::string var = testing::FindExecutable({"/usr/bin/amtool"});                \
  if (var.empty()) {                                                                   \
    if (testing::RunningUnderCi())                                                     \
      FAIL() << "/usr/bin/amtool missing (apt prometheus-alertmanager)";               \
    GTEST_SKIP() << "/usr/bin/amtool missing (apt prometheus-alertmanager); skipping"; \
  }

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
  std::string errors;  // stderr (amtool warns there that its version differs from Osprey's)
};

// Runs argv (each argument single-quoted for the shell) and collects its output.
CommandResult RunCommand(const std::vector<std::string>& argv) {
  testing::TempDir dir;
  const std::string stderr_path = dir.Join("stderr");
  std::string cmd;
  for (const std::string& a : argv) {
    cmd += '\'';
    for (char c : a) {
      if (c == '\'') {
        cmd += "'\\''";
      } else {
        cmd += c;
      }
    }
    cmd += "' ";
  }
  cmd += "2>'" + stderr_path + "'";
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.errors = testing::ReadFileOrEmpty(stderr_path);
  return r;
}

class AmtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 2;
    auto started =
        http::Server::Start(std::move(o), f_.router_, server_registry_,
                            Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::seconds(1));
  }
  CommandResult Amtool(const std::string& amtool, std::vector<std::string> args) {
    args.insert(args.begin(),
                {amtool, "--alertmanager.url=http://127.0.0.1:" + std::to_string(server_->port())});
    return RunCommand(args);
  }

  // amtool compares times with the real clock: the fixture runs on it too.
  AlertingFixture f_{kRealTime};
  metrics::Registry server_registry_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(AmtoolTest, SilencesAlertsAndRoutes) {
  REQUIRE_AMTOOL(amtool);
  CommandResult add = Amtool(
      amtool, {"silence", "add", "alertname=x", "--comment=c", "--author=a", "--duration=1h"});
  ASSERT_EQ(add.exit_code, 0) << add.output << add.errors;
  std::string id = add.output;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  ASSERT_EQ(id.size(), 36u) << add.output << add.errors;
  ASSERT_TRUE(f_.silences_->Get(id).ok());

  CommandResult query = Amtool(amtool, {"silence", "query"});
  ASSERT_EQ(query.exit_code, 0) << query.output << query.errors;
  EXPECT_NE(query.output.find(id), std::string::npos) << query.output << query.errors;
  EXPECT_NE(query.output.find("alertname=\"x\""), std::string::npos)
      << query.output << query.errors;
  CommandResult quiet = Amtool(amtool, {"silence", "query", "-q", "alertname=x"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output << quiet.errors;
  EXPECT_EQ(quiet.output, id + "\n");

  CommandResult expire = Amtool(amtool, {"silence", "expire", id});
  ASSERT_EQ(expire.exit_code, 0) << expire.output << expire.errors;
  CommandResult after = Amtool(amtool, {"silence", "query", "-q"});
  EXPECT_EQ(after.output, "") << after.output << after.errors;
  CommandResult expired = Amtool(amtool, {"silence", "query", "--expired", "-q"});
  EXPECT_EQ(expired.output, id + "\n");

  CommandResult alert_add = Amtool(
      amtool, {"alert", "add", "alertname=Disk", "severity=page", "--annotation=summary=full"});
  ASSERT_EQ(alert_add.exit_code, 0) << alert_add.output << alert_add.errors;
  ASSERT_EQ(f_.store_.Size(), 1u);
  EXPECT_EQ(f_.store_.List()[0].annotations.Get("summary"), "full");
  CommandResult alerts = Amtool(amtool, {"alert", "query", "-o", "extended"});
  ASSERT_EQ(alerts.exit_code, 0) << alerts.output << alerts.errors;
  EXPECT_NE(alerts.output.find("Disk"), std::string::npos) << alerts.output << alerts.errors;
  EXPECT_NE(alerts.output.find("full"), std::string::npos) << alerts.output << alerts.errors;
  CommandResult none = Amtool(amtool, {"alert", "query", "alertname=Cpu"});
  ASSERT_EQ(none.exit_code, 0) << none.output << none.errors;
  EXPECT_EQ(none.output.find("Disk"), std::string::npos) << none.output << none.errors;

  CommandResult routes = Amtool(amtool, {"config", "routes"});
  ASSERT_EQ(routes.exit_code, 0) << routes.output << routes.errors;
  EXPECT_NE(routes.output.find("pager"), std::string::npos) << routes.output << routes.errors;
  EXPECT_NE(routes.output.find("team"), std::string::npos) << routes.output << routes.errors;
  CommandResult test = Amtool(amtool, {"config", "routes", "test", "severity=page"});
  ASSERT_EQ(test.exit_code, 0) << test.output << test.errors;
  EXPECT_EQ(test.output, "pager,team\n");
  CommandResult show = Amtool(amtool, {"config", "show"});
  ASSERT_EQ(show.exit_code, 0) << show.output << show.errors;
  EXPECT_NE(show.output.find("receiver: default"), std::string::npos) << show.output << show.errors;
}

TEST(AmtoolCheckConfigTest, ConfigSubsetLoadsInAlertmanager) {
  REQUIRE_AMTOOL(amtool);
  testing::TempDir dir;
  const std::string path = dir.Join("alertmanager.yml");
  {
    std::ofstream out(path);
    out << AlertmanagerConfigYaml(TestConfig());
  }
  CommandResult r = RunCommand({amtool, "check-config", path});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.errors << "\n" << AlertmanagerConfigYaml(TestConfig());
}

// Secrets, *_file fields, integrations Alertmanager 0.25 lacks and time intervals.
TEST(AmtoolCheckConfigTest, RichConfigSubsetLoadsInAlertmanager) {
  REQUIRE_AMTOOL(amtool);
  Result<config::Config> c = config::ParseConfig(R"(
global:
  scrape_interval: 15s
  smtp_smarthost: localhost:25
  smtp_from: a@b.c
  smtp_auth_password: hunter2
  slack_api_url: https://hooks.slack.com/x
route:
  receiver: default
  group_by: ['...']
  routes:
    - matchers: ['severity="page"', 'team=~"a|b"']
      receiver: pager
      mute_time_intervals: [night]
      active_time_intervals: [night]
inhibit_rules:
  - source_matchers: ['alertname="Outage"']
    target_matchers: ['severity="warn"']
    equal: [cluster]
receivers:
  - name: default
    email_configs:
      - to: ops@example.com
    slack_configs:
      - channel: '#x'
  - name: pager
    webhook_configs:
      - url_file: /etc/secret
    telegram_configs:
      - bot_token_file: /etc/tok
        chat_id: 12
    msteams_configs:
      - webhook_url: https://x.example/
time_intervals:
  - name: night
    time_intervals:
      - times: [{start_time: "00:00", end_time: "06:00"}]
        weekdays: ['monday:friday']
        location: Europe/Berlin
)",
                                                 "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string yaml = AlertmanagerConfigYaml(*c);
  EXPECT_EQ(yaml.find("hunter2"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("msteams"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("_file"), std::string::npos) << yaml;
  testing::TempDir dir;
  const std::string path = dir.Join("alertmanager.yml");
  {
    std::ofstream out(path);
    out << yaml;
  }
  CommandResult r = RunCommand({amtool, "check-config", path});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.errors << "\n" << yaml;
}

}  // namespace
}  // namespace osprey::server
