// Alerting end to end with the real peers: Osprey's rules fire, its notification pipeline
// delivers to a webhook receiver in the test and to an SMTP sink (aiosmtpd), amtool
// (Alertmanager 0.25's CLI) manages silences against Osprey's Alertmanager v2 API, a real
// Prometheus delivers its alerts to Osprey, and a restart neither loses nor repeats a
// notification.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "testing/api_query.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;
using testing::ChildProcess;
using testing::Eventually;
using testing::FindExecutable;
using testing::HttpGet;
using testing::InstantQuery;
using testing::OspreyProcess;
using testing::TempDir;

// Skips (or fails under CI=true) when a peer binary is missing.
#define REQUIRE_EXECUTABLE(var, path, package)                                     \
  const std::string var = FindExecutable({path});                                  \
  if (var.empty()) {                                                               \
    if (testing::RunningUnderCi()) FAIL() << path << " missing (apt " package ")"; \
    GTEST_SKIP() << path << " missing (apt " package "); skipping";                \
  }

// An HTTP server that records every POST body it gets on /hook.
class WebhookSink {
 public:
  WebhookSink() {
    router_.Handle("POST", "/hook", [this](const http::Request& r) {
      std::lock_guard lock(mu_);
      bodies_.push_back(r.body);
      return http::Response::Text("ok");
    });
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 2;
    auto started =
        http::Server::Start(std::move(o), router_, registry_,
                            Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (started.ok()) server_ = std::move(started).value();
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  // The bodies received whose alerts include `alertname`.
  std::vector<Json> For(std::string_view alertname) const {
    std::lock_guard lock(mu_);
    std::vector<Json> out;
    for (const std::string& b : bodies_) {
      Json j = Json::parse(b, nullptr, false);
      if (j.is_discarded()) continue;
      for (const Json& a : j["alerts"]) {
        if (a["labels"].value("alertname", "") == alertname) {
          out.push_back(j);
          break;
        }
      }
    }
    return out;
  }

 private:
  http::Router router_;
  metrics::Registry registry_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
};

// aiosmtpd saving every message to a Maildir.
class SmtpSink {
 public:
  static std::unique_ptr<SmtpSink> Start(const std::string& aiosmtpd, const TempDir& dir) {
    auto s = std::unique_ptr<SmtpSink>(new SmtpSink);
    s->maildir_ = dir.Join("maildir");
    for (const char* sub : {"", "/tmp", "/new", "/cur"}) ::mkdir((s->maildir_ + sub).c_str(), 0755);
    s->port_ = testing::FreeLocalPort();
    auto child = ChildProcess::Start({aiosmtpd, "-n", "-l", "127.0.0.1:" + std::to_string(s->port_),
                                      "-c", "aiosmtpd.handlers.Mailbox", s->maildir_},
                                     dir.Join("aiosmtpd.log"));
    EXPECT_TRUE(child.ok()) << child.status().ToString();
    if (!child.ok()) return nullptr;
    s->child_ = std::move(*child);
    EXPECT_TRUE(testing::WaitForPort(s->port_)) << s->child_->Log();
    return s;
  }
  int port() const { return port_; }
  // Every message received, as raw RFC 5322 text.
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(maildir_ + "/new")) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  SmtpSink() = default;
  std::string maildir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

struct AmtoolResult {
  int exit_code = -1;
  std::string output;
};

AmtoolResult RunAmtool(const std::string& amtool, int port, const std::vector<std::string>& args,
                       const TempDir& dir) {
  std::string command = amtool + " --alertmanager.url=http://127.0.0.1:" + std::to_string(port);
  for (const std::string& a : args) command += " '" + a + "'";
  // stdout only: amtool warns on stderr that our version is not Alertmanager's.
  command += " >" + dir.Join("amtool.out") + " 2>" + dir.Join("amtool.err");
  AmtoolResult r;
  const int status = std::system(command.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(dir.Join("amtool.out"));
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  if (r.exit_code != 0) {
    std::ifstream err(dir.Join("amtool.err"));
    std::stringstream es;
    es << err.rdbuf();
    r.output += es.str();
  }
  return r;
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string OspreyConfig(const std::string& rules_path, const std::string& webhook_url,
                         int smtp_port) {
  std::string yaml =
      "global:\n"
      "  evaluation_interval: 1s\n"
      "  external_url: http://osprey.example:9090\n";
  if (smtp_port > 0) {
    yaml += "  smtp_smarthost: 127.0.0.1:" + std::to_string(smtp_port) +
            "\n"
            "  smtp_from: osprey@example.com\n"
            "  smtp_require_tls: false\n";
  }
  yaml += "rule_files: ['" + rules_path +
          "']\n"
          "route:\n"
          "  receiver: team\n"
          "  group_by: [alertname]\n"
          "  group_wait: 1s\n"
          "  group_interval: 2s\n"
          "  repeat_interval: 1h\n"
          "receivers:\n"
          "  - name: team\n"
          "    webhook_configs:\n"
          "      - url: '" +
          webhook_url + "'\n";
  if (smtp_port > 0) {
    yaml +=
        "    email_configs:\n"
        "      - to: oncall@example.com\n"
        "        text: 'Alerts: {{ range .Alerts }}{{ .Labels.alertname }} {{ end }}'\n";
  }
  return yaml;
}

constexpr char kRules[] =
    "groups:\n"
    "  - name: e2e\n"
    "    interval: 1s\n"
    "    rules:\n"
    "      - record: e2e:one\n"
    "        expr: vector(1)\n"
    "      - alert: AlwaysFiring\n"
    "        expr: label_replace(vector(42), \"instance\", \"db1\", \"\", \"\")\n"
    "        labels: {severity: page}\n"
    "        annotations:\n"
    "          summary: 'value is {{ $value }}'\n"
    "          description: '{{ $labels.instance | toUpper }} for {{ 90061 | humanizeDuration }}'\n"
    "          runbook: '{{ $labels.missing }}'\n";

TEST(AlertingE2eTest, RuleFiresNotifiesOnceAndSurvivesARestart) {
  REQUIRE_EXECUTABLE(promtool, "/usr/bin/promtool", "prometheus");
  REQUIRE_EXECUTABLE(aiosmtpd, "/usr/bin/aiosmtpd", "python3-aiosmtpd");
  TempDir dir;
  const std::string rules = dir.Join("rules.yml");
  WriteFile(rules, kRules);
  // What Osprey accepts, promtool accepts.
  ASSERT_EQ(std::system((promtool + " check rules " + rules + " >/dev/null").c_str()), 0);

  WebhookSink hook;
  auto smtp = SmtpSink::Start(aiosmtpd, dir);
  ASSERT_NE(smtp, nullptr);
  auto osprey =
      OspreyProcess::Start({.config_yaml = OspreyConfig(rules, hook.Url(), smtp->port())});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();

  ASSERT_TRUE(Eventually([&] { return hook.For("AlwaysFiring").size() == 1; }))
      << (*osprey)->Stderr();
  const Json body = hook.For("AlwaysFiring")[0];
  EXPECT_EQ(body["version"], "4");
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["receiver"], "team");
  EXPECT_EQ(body["groupKey"], "{}:{alertname=\"AlwaysFiring\"}");
  EXPECT_EQ(body["groupLabels"], Json({{"alertname", "AlwaysFiring"}}));
  EXPECT_EQ(body["externalURL"], "http://osprey.example:9090");
  EXPECT_EQ(body["truncatedAlerts"], 0);
  ASSERT_EQ(body["alerts"].size(), 1u);
  const Json& alert = body["alerts"][0];
  EXPECT_EQ(alert["status"], "firing");
  EXPECT_EQ(alert["labels"],
            Json({{"alertname", "AlwaysFiring"}, {"instance", "db1"}, {"severity", "page"}}));
  EXPECT_EQ(alert["annotations"]["summary"], "value is 42");
  // $labels are the query result's labels; a missing one is empty, as in Prometheus.
  EXPECT_EQ(alert["annotations"]["description"], "DB1 for 1d 1h 1m 1s");
  EXPECT_EQ(alert["annotations"].value("runbook", ""), "");
  EXPECT_EQ(alert["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(alert["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_NE(alert["generatorURL"].get<std::string>().find("http://osprey.example:9090/"),
            std::string::npos);

  ASSERT_TRUE(Eventually([&] { return smtp->Messages().size() == 1; })) << (*osprey)->Stderr();
  const std::string mail = smtp->Messages()[0];
  EXPECT_NE(mail.find("To: oncall@example.com"), std::string::npos) << mail;
  EXPECT_NE(mail.find("From: osprey@example.com"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: "), std::string::npos) << mail;
  EXPECT_NE(mail.find("AlwaysFiring"), std::string::npos) << mail;
  EXPECT_NE(mail.find("text/html"), std::string::npos) << mail;
  EXPECT_NE(mail.find("text/plain"), std::string::npos) << mail;

  // The rule's series and the APIs in Prometheus's shapes.
  EXPECT_EQ(InstantQuery(port, "e2e:one").size(), 1u);
  // ALERTS is written from the evaluation after the start-up restore, as in Prometheus.
  Json alerts_series;
  ASSERT_TRUE(Eventually([&] {
    alerts_series = InstantQuery(port, "ALERTS{alertname=\"AlwaysFiring\"}");
    return alerts_series.size() == 1;
  }));
  EXPECT_EQ(alerts_series[0]["metric"]["alertstate"], "firing");
  EXPECT_EQ(InstantQuery(port, "ALERTS_FOR_STATE{alertname=\"AlwaysFiring\"}").size(), 1u);
  auto rules_api = HttpGet(port, "/api/v1/rules");
  ASSERT_TRUE(rules_api.ok());
  Json groups = Json::parse(rules_api->body)["data"]["groups"];
  ASSERT_EQ(groups.size(), 1u) << rules_api->body;
  EXPECT_EQ(groups[0]["name"], "e2e");
  EXPECT_EQ(groups[0]["rules"].size(), 2u);
  EXPECT_EQ(groups[0]["rules"][1]["state"], "firing");
  EXPECT_EQ(groups[0]["rules"][1]["health"], "ok");
  auto alerts_api = HttpGet(port, "/api/v1/alerts");
  ASSERT_TRUE(alerts_api.ok());
  EXPECT_EQ(Json::parse(alerts_api->body)["data"]["alerts"].size(), 1u) << alerts_api->body;
  auto am_alerts = HttpGet(port, "/api/v2/alerts");
  ASSERT_TRUE(am_alerts.ok());
  Json am = Json::parse(am_alerts->body);
  ASSERT_EQ(am.size(), 1u) << am_alerts->body;
  EXPECT_EQ(am[0]["status"]["state"], "active");
  EXPECT_EQ(am[0]["receivers"][0]["name"], "team");

  // group_interval passes several times: nothing changed, so nothing is sent again.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(hook.For("AlwaysFiring").size(), 1u);

  // Restart on the same data: the alert is restored and the notification log says it was
  // already sent, so nobody is paged twice.
  const std::string data = (*osprey)->data_path();
  ASSERT_TRUE((*osprey)->Signal(SIGTERM).ok());
  ASSERT_TRUE((*osprey)->Wait().ok());
  auto again = OspreyProcess::Start(
      {.config_yaml = OspreyConfig(rules, hook.Url(), smtp->port()), .data_path = data});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(Eventually([&] {
    auto r = HttpGet((*again)->port(), "/api/v2/alerts");
    return r.ok() && Json::parse(r->body, nullptr, false).size() == 1;
  })) << (*again)->Stderr();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(hook.For("AlwaysFiring").size(), 1u) << (*again)->Stderr();
  EXPECT_EQ(smtp->Messages().size(), 1u);
}

TEST(AlertingE2eTest, ANotificationDueDuringARestartIsSentAfterIt) {
  TempDir dir;
  const std::string rules = dir.Join("rules.yml");
  WriteFile(rules, kRules);
  WebhookSink hook;
  // group_wait 5s: the alert is in the pipeline, its notification not yet sent, when
  // Osprey stops.
  std::string config = OspreyConfig(rules, hook.Url(), 0);
  const std::string wait = "  group_wait: 1s\n";
  config.replace(config.find(wait), wait.size(), "  group_wait: 5s\n");
  auto osprey = OspreyProcess::Start({.config_yaml = config});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  ASSERT_TRUE(Eventually([&] {
    auto r = HttpGet((*osprey)->port(), "/api/v2/alerts");
    return r.ok() && Json::parse(r->body, nullptr, false).size() == 1;
  })) << (*osprey)->Stderr();
  const std::string data = (*osprey)->data_path();
  ASSERT_TRUE((*osprey)->Signal(SIGTERM).ok());
  ASSERT_TRUE((*osprey)->Wait().ok());
  EXPECT_TRUE(hook.For("AlwaysFiring").empty());

  auto again = OspreyProcess::Start({.config_yaml = config, .data_path = data});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(Eventually([&] { return hook.For("AlwaysFiring").size() == 1; }))
      << (*again)->Stderr();
  std::this_thread::sleep_for(std::chrono::seconds(5));  // group_interval passes twice
  EXPECT_EQ(hook.For("AlwaysFiring").size(), 1u);
}

TEST(AlertingE2eTest, AmtoolSilencesMuteAlertsFromARealPrometheus) {
  REQUIRE_EXECUTABLE(amtool, "/usr/bin/amtool", "prometheus-alertmanager");
  REQUIRE_EXECUTABLE(prometheus, "/usr/bin/prometheus", "prometheus");
  TempDir dir;
  WebhookSink hook;
  // Osprey evaluates no rules here: the alerts come from Prometheus.
  const std::string empty_rules = dir.Join("none.yml");
  WriteFile(empty_rules, "groups: []\n");
  auto osprey = OspreyProcess::Start({.config_yaml = OspreyConfig(empty_rules, hook.Url(), 0)});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();

  // A silence made before the alert exists mutes it; the other alert goes through.
  AmtoolResult add = RunAmtool(amtool, port,
                               {"silence", "add", "alertname=Muted", "--comment=maintenance",
                                "--author=e2e", "--duration=1h"},
                               dir);
  ASSERT_EQ(add.exit_code, 0) << add.output;
  std::string silence_id = add.output.substr(0, add.output.find_first_of("\r\n"));
  EXPECT_EQ(silence_id.size(), 36u) << add.output;  // a UUID
  AmtoolResult query = RunAmtool(amtool, port, {"silence", "query", "-q"}, dir);
  ASSERT_EQ(query.exit_code, 0) << query.output;
  EXPECT_NE(query.output.find(silence_id), std::string::npos) << query.output;
  query = RunAmtool(amtool, port, {"silence", "query"}, dir);
  EXPECT_NE(query.output.find("maintenance"), std::string::npos) << query.output;
  EXPECT_NE(query.output.find("alertname=\"Muted\""), std::string::npos) << query.output;

  // Prometheus with two always-firing rules and Osprey as its Alertmanager.
  const std::string prom_rules = dir.Join("prom_rules.yml");
  WriteFile(prom_rules,
            "groups:\n"
            "  - name: p\n"
            "    interval: 1s\n"
            "    rules:\n"
            "      - {alert: Loud, expr: vector(1)}\n"
            "      - {alert: Muted, expr: vector(1)}\n");
  const int prom_port = testing::FreeLocalPort();
  WriteFile(dir.Join("prometheus.yml"),
            "global: {evaluation_interval: 1s}\n"
            "rule_files: ['" +
                prom_rules +
                "']\n"
                "alerting:\n"
                "  alertmanagers:\n"
                "    - static_configs: [{targets: ['127.0.0.1:" +
                std::to_string(port) + "']}]\n");
  auto prom = ChildProcess::Start({prometheus, "--config.file=" + dir.Join("prometheus.yml"),
                                   "--storage.tsdb.path=" + dir.Join("prom-data"),
                                   "--web.listen-address=127.0.0.1:" + std::to_string(prom_port),
                                   // The first send happens before Prometheus has discovered
                                   // Osprey; without this the next one would come a minute later.
                                   "--rules.alert.resend-delay=1s"},
                                  dir.Join("prometheus.log"));
  ASSERT_TRUE(prom.ok()) << prom.status().ToString();

  ASSERT_TRUE(Eventually([&] { return hook.For("Loud").size() == 1; }))
      << (*prom)->Log() << (*osprey)->Stderr();
  // amtool sees both alerts; the muted one is reported silenced by our silence.
  AmtoolResult alerts = RunAmtool(amtool, port, {"alert", "query"}, dir);
  ASSERT_EQ(alerts.exit_code, 0) << alerts.output;
  EXPECT_NE(alerts.output.find("Loud"), std::string::npos) << alerts.output;
  EXPECT_EQ(alerts.output.find("Muted"), std::string::npos) << alerts.output;  // active only
  alerts = RunAmtool(amtool, port, {"alert", "query", "--silenced", "alertname=Muted"}, dir);
  EXPECT_NE(alerts.output.find("Muted"), std::string::npos) << alerts.output;
  auto am = HttpGet(port, "/api/v2/alerts?filter=alertname%3D%22Muted%22");
  ASSERT_TRUE(am.ok());
  Json muted = Json::parse(am->body);
  ASSERT_EQ(muted.size(), 1u) << am->body;
  EXPECT_EQ(muted[0]["status"]["state"], "suppressed");
  EXPECT_EQ(muted[0]["status"]["silencedBy"], Json::array({silence_id}));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(hook.For("Muted").empty());

  // Expiring the silence lets the alert through.
  AmtoolResult expire = RunAmtool(amtool, port, {"silence", "expire", silence_id}, dir);
  ASSERT_EQ(expire.exit_code, 0) << expire.output;
  query = RunAmtool(amtool, port, {"silence", "query", "-q"}, dir);
  EXPECT_EQ(query.output.find(silence_id), std::string::npos) << query.output;
  query = RunAmtool(amtool, port, {"silence", "query", "--expired", "-q"}, dir);
  EXPECT_NE(query.output.find(silence_id), std::string::npos) << query.output;
  ASSERT_TRUE(Eventually([&] { return hook.For("Muted").size() == 1; })) << (*osprey)->Stderr();

  // amtool reads the routing config back from /api/v2/status.
  AmtoolResult routes = RunAmtool(amtool, port, {"config", "routes"}, dir);
  EXPECT_EQ(routes.exit_code, 0) << routes.output;
  EXPECT_NE(routes.output.find("team"), std::string::npos) << routes.output;
  (*prom)->Stop();
}

TEST(AlertingE2eTest, BadAlertsAndSilencesAreRejectedWithTheFieldNamed) {
  TempDir dir;
  WebhookSink hook;
  const std::string empty_rules = dir.Join("none.yml");
  WriteFile(empty_rules, "groups: []\n");
  auto osprey = OspreyProcess::Start({.config_yaml = OspreyConfig(empty_rules, hook.Url(), 0)});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  auto r = testing::HttpPost(port, "/api/v2/alerts", "[{\"labels\": 3}]", "application/json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("labels"), std::string::npos) << r->body;
  r = testing::HttpPost(port, "/api/v2/alerts", "not json", "application/json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  r = testing::HttpPost(port, "/api/v2/silences",
                        "{\"matchers\": [], \"startsAt\": \"2026-01-01T00:00:00Z\","
                        " \"endsAt\": \"2026-01-02T00:00:00Z\", \"createdBy\": \"a\","
                        " \"comment\": \"c\"}",
                        "application/json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("matchers"), std::string::npos) << r->body;
  r = testing::HttpGet(port, "/api/v2/silence/00000000-0000-0000-0000-000000000000");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  auto metrics = testing::HttpGet(port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("alertmanager_alerts_invalid_total"), std::string::npos);
  // A broken rule file stops the start, naming the file and line.
  const std::string bad_rules = dir.Join("bad.yml");
  WriteFile(bad_rules,
            "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: 'sum('\n");
  WriteFile(dir.Join("bad_osprey.yml"), OspreyConfig(bad_rules, hook.Url(), 0));
  auto exit = OspreyProcess::RunToExit({"--config.file=" + dir.Join("bad_osprey.yml"),
                                        "--storage.tsdb.path=" + dir.Join("bad-data"),
                                        "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(exit.ok());
  EXPECT_NE(exit->exit_code, 0);
  EXPECT_NE(exit->stderr_text.find("bad.yml:5:"), std::string::npos) << exit->stderr_text;
}

}  // namespace
}  // namespace osprey::server
