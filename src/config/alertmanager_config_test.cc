// Alertmanager's sections of osprey.yml: a full alertmanager.yml pasted in, route
// inheritance, the older match forms, time intervals, and the check against real amtool.
#include "config/alertmanager_config.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "model/alert_matchers.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace osprey::config {
namespace {

using model::Duration;

std::string TestdataPath(std::string_view name) {
  return std::string(OSPREY_CONFIG_TESTDATA).append("/").append(name);
}

std::string ExampleAlertmanagerYml() {
  Result<std::string> text = ReadConfigFile(TestdataPath("alertmanager.yml"));
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

Config MustParse(std::string_view text) {
  Result<Config> c = ParseConfig(text, "osprey.yml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : Config{};
}

std::string Matchers(const std::vector<model::Matcher>& ms) {
  return model::FormatAlertMatchers(ms);
}

TEST(AlertmanagerConfigTest, FullAlertmanagerYmlPastedIntoOspreyYmlParses) {
  // Next to Prometheus's own keys of `global:` and sections.
  std::string text = ExampleAlertmanagerYml();
  text.replace(text.find("global:\n"), 8, "global:\n  scrape_interval: 15s\n");
  text +=
      "scrape_configs:\n  - job_name: self\n    static_configs: [{targets: [localhost:9090]}]\n";
  const Config c = MustParse(text);
  EXPECT_EQ(c.global.scrape_interval, Duration::Seconds(15));
  const AlertmanagerGlobalConfig& g = c.global.alertmanager;
  EXPECT_EQ(g.resolve_timeout, Duration::Minutes(2));
  EXPECT_EQ(g.smtp_smarthost, "smtp.example.org:587");
  EXPECT_EQ(g.smtp_hello, "osprey.example.org");
  EXPECT_EQ(g.pagerduty_url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(g.external_url, "http://localhost:9090");
  EXPECT_EQ(c.templates, std::vector<std::string>{"templates/*.tmpl"});

  ASSERT_TRUE(c.route.has_value());
  const RouteConfig& root = *c.route;
  EXPECT_EQ(root.receiver, "team-default");
  EXPECT_EQ(root.group_by, (std::vector<std::string>{"alertname", "cluster", "service"}));
  EXPECT_EQ(root.group_wait, Duration::Seconds(20));
  EXPECT_EQ(root.group_interval, Duration::Minutes(3));
  EXPECT_EQ(root.repeat_interval, Duration::Hours(2));
  ASSERT_EQ(root.routes.size(), 4u);

  const RouteConfig& x = root.routes[0];
  EXPECT_EQ(Matchers(x.matchers), R"({service=~"foo1|foo2|baz"})");
  EXPECT_EQ(x.receiver, "team-x-mails");
  // Inherited from the root.
  EXPECT_EQ(x.group_by, root.group_by);
  EXPECT_EQ(x.group_wait, Duration::Seconds(20));
  EXPECT_EQ(x.repeat_interval, Duration::Hours(2));
  ASSERT_EQ(x.routes.size(), 1u);
  EXPECT_EQ(x.routes[0].receiver, "team-x-pager");
  EXPECT_EQ(x.routes[0].active_time_intervals, std::vector<std::string>{"business-hours"});

  const RouteConfig& y = root.routes[1];
  EXPECT_EQ(Matchers(y.matchers), R"({service="files"})");  // From `match`.
  EXPECT_TRUE(y.continue_matching);
  ASSERT_EQ(y.routes.size(), 1u);
  EXPECT_EQ(Matchers(y.routes[0].matchers), R"({severity=~"^(?:critical|page)$"})");
  EXPECT_TRUE(y.routes[0].group_by_all);
  EXPECT_TRUE(y.routes[0].group_by.empty());
  EXPECT_TRUE(y.routes[0].matchers[0].Matches("page"));
  EXPECT_FALSE(y.routes[0].matchers[0].Matches("pager"));

  const RouteConfig& db = root.routes[2];
  // Sorted by name as Alertmanager does.
  EXPECT_EQ(Matchers(db.matchers), R"({owner!~"ops|sre", service="database"})");
  EXPECT_EQ(db.group_by, (std::vector<std::string>{"alertname", "cluster", "database"}));
  EXPECT_EQ(db.mute_time_intervals, (std::vector<std::string>{"weekends", "holidays"}));
  ASSERT_EQ(db.routes.size(), 2u);
  EXPECT_EQ(db.routes[0].group_by, db.group_by);  // Inherited from the parent, not the root.
  EXPECT_TRUE(db.routes[0].mute_time_intervals.empty());  // Not inherited.
  EXPECT_EQ(Matchers(db.routes[1].matchers), R"({env=~"prod.*", owner="team-Y"})");

  const RouteConfig& chat = root.routes[3];
  EXPECT_EQ(chat.repeat_interval, Duration::Minutes(30));
  EXPECT_EQ(chat.group_interval, Duration::Minutes(3));

  ASSERT_EQ(c.inhibit_rules.size(), 2u);
  EXPECT_EQ(Matchers(c.inhibit_rules[0].source_matchers), R"({severity="critical"})");
  EXPECT_EQ(Matchers(c.inhibit_rules[0].target_matchers), R"({severity="warning"})");
  EXPECT_EQ(c.inhibit_rules[0].equal,
            (std::vector<std::string>{"alertname", "cluster", "service"}));
  EXPECT_EQ(Matchers(c.inhibit_rules[1].source_matchers), R"({alertname="NodeDown"})");
  EXPECT_EQ(Matchers(c.inhibit_rules[1].target_matchers), R"({alertname=~"^(?:Node.+)$"})");

  ASSERT_EQ(c.time_intervals.size(), 3u);  // time_intervals, then mute_time_intervals.
  EXPECT_EQ(c.time_intervals[0].name, "business-hours");
  const TimeIntervalSpec& bh = c.time_intervals[0].time_intervals[0];
  EXPECT_EQ(bh.times, (std::vector<TimeOfDayRange>{{540, 1050}}));
  EXPECT_EQ(bh.weekdays, (std::vector<InclusiveRange>{{1, 5}}));
  EXPECT_EQ(bh.location, "Europe/Berlin");
  EXPECT_EQ(c.time_intervals[1].time_intervals[0].weekdays,
            (std::vector<InclusiveRange>{{6, 6}, {0, 0}}));
  EXPECT_EQ(c.time_intervals[1].time_intervals[0].location, "UTC");
  EXPECT_EQ(c.time_intervals[2].name, "holidays");
  const TimeIntervalSpec& xmas = c.time_intervals[2].time_intervals[0];
  EXPECT_EQ(xmas.months, (std::vector<InclusiveRange>{{12, 12}}));
  EXPECT_EQ(xmas.days_of_month, (std::vector<InclusiveRange>{{24, 26}, {-1, -1}}));
  EXPECT_EQ(c.time_intervals[2].time_intervals[1].years,
            (std::vector<InclusiveRange>{{2025, 2030}}));

  ASSERT_EQ(c.receivers.size(), 7u);
  EXPECT_EQ(c.receivers[0].name, "team-default");
  EXPECT_EQ(c.receivers[1].email_configs.size(), 2u);
  EXPECT_EQ(c.receivers[2].pagerduty_configs.size(), 2u);
  EXPECT_EQ(c.receivers[5].webhook_configs.size(), 2u);
  EXPECT_EQ(c.receivers[6].slack_configs.size(), 2u);
  EXPECT_EQ(c.receivers[6].telegram_configs.size(), 2u);
}

TEST(AlertmanagerConfigTest, ExampleIsAcceptedByRealAmtool) {
  const std::string amtool = testing::FindExecutable({"/usr/bin/amtool"});
  if (amtool.empty()) {
    if (testing::RunningUnderCi()) FAIL() << "amtool is required under CI=true";
    GTEST_SKIP() << "amtool not installed (Debian package prometheus-alertmanager)";
  }
  testing::TempDir dir;
  const std::string path = dir.WriteFile("alertmanager.yml", ExampleAlertmanagerYml());
  const std::string log = dir.Join("amtool.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {amtool, "check-config", path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, amtool.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  Result<std::string> out = ReadConfigFile(log);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << (out.ok() ? *out : "");
  // And Osprey accepts the same file.
  EXPECT_TRUE(ParseConfig(ExampleAlertmanagerYml(), "alertmanager.yml").ok());
}

TEST(AlertmanagerConfigTest, AbsentSectionsKeepDefaults) {
  const Config c = MustParse("");
  EXPECT_FALSE(c.route.has_value());
  EXPECT_TRUE(c.receivers.empty());
  EXPECT_EQ(c.global.alertmanager, AlertmanagerGlobalConfig{});
  EXPECT_EQ(c.global.alertmanager.resolve_timeout, Duration::Minutes(5));
  EXPECT_EQ(c.global.alertmanager.smtp_hello, "localhost");
  EXPECT_TRUE(c.global.alertmanager.smtp_require_tls);
  EXPECT_EQ(c.global.alertmanager.opsgenie_api_url, "https://api.opsgenie.com/");
  EXPECT_EQ(c.global.alertmanager.telegram_api_url, "https://api.telegram.org");
}

TEST(AlertmanagerConfigTest, MinimalRouteGetsAlertmanagerDefaults) {
  const Config c =
      MustParse("route: {receiver: null-receiver}\nreceivers: [{name: null-receiver}]\n");
  ASSERT_TRUE(c.route.has_value());
  EXPECT_EQ(c.route->group_wait, Duration::Seconds(30));
  EXPECT_EQ(c.route->group_interval, Duration::Minutes(5));
  EXPECT_EQ(c.route->repeat_interval, Duration::Hours(4));
  EXPECT_TRUE(c.route->group_by.empty());
  EXPECT_FALSE(c.route->group_by_all);
}

TEST(AlertmanagerConfigTest, ChildGroupByReplacesAndWildcardSetsAll) {
  const Config c = MustParse(R"yaml(
route:
  receiver: r
  group_by: ["..."]
  routes:
    - group_by: [a]
      routes:
        - receiver: r
    - matchers: [x=y]
receivers: [{name: r}]
)yaml");
  ASSERT_TRUE(c.route.has_value());
  EXPECT_TRUE(c.route->group_by_all);
  EXPECT_FALSE(c.route->routes[0].group_by_all);
  EXPECT_EQ(c.route->routes[0].group_by, std::vector<std::string>{"a"});
  EXPECT_EQ(c.route->routes[0].routes[0].group_by, std::vector<std::string>{"a"});
  EXPECT_TRUE(c.route->routes[1].group_by_all);
  EXPECT_EQ(c.route->routes[1].receiver, "r");
}

TEST(AlertmanagerConfigTest, PrometheusAlertingSection) {
  const Config c = MustParse(R"yaml(
alerting:
  alert_relabel_configs:
    - action: labeldrop
      regex: replica
  alertmanagers:
    - static_configs: [{targets: ["am1:9093", "am2:9093"]}]
      scheme: https
      path_prefix: /am
      timeout: 5s
      basic_auth: {username: u, password: p}
    - static_configs: [{targets: ["localhost:9093"]}]
)yaml");
  ASSERT_EQ(c.alerting.alert_relabel_configs.size(), 1u);
  ASSERT_EQ(c.alerting.alertmanagers.size(), 2u);
  const AlertmanagerEndpointConfig& am = c.alerting.alertmanagers[0];
  EXPECT_EQ(am.static_configs[0].targets, (std::vector<std::string>{"am1:9093", "am2:9093"}));
  EXPECT_EQ(am.scheme, "https");
  EXPECT_EQ(am.path_prefix, "/am");
  EXPECT_EQ(am.timeout, Duration::Seconds(5));
  EXPECT_EQ(am.api_version, "v2");
  ASSERT_TRUE(am.http_client.basic_auth.has_value());
  EXPECT_EQ(c.alerting.alertmanagers[1].scheme, "http");
  EXPECT_EQ(c.alerting.alertmanagers[1].timeout, Duration::Seconds(10));
}

// Secrets print as "<secret>"; everything else reads back equal.
TEST(AlertmanagerConfigTest, ToYamlRoundTripsWithSecretsMasked) {
  const Config c = MustParse(ExampleAlertmanagerYml());
  const std::string yaml = c.ToYaml();
  EXPECT_EQ(yaml.find("hunter2"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("webhook-secret"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("0123456789abcdef"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("hooks.slack.com"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("<secret>"), std::string::npos);
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(again->ToYaml(), yaml);
  // Without secrets the configs are equal.
  const Config plain = MustParse(R"yaml(
global: {smtp_smarthost: "mail:25", smtp_from: a@b.c, external_url: "https://osprey.example.org/"}
route:
  receiver: r
  group_by: [a]
  routes:
    - matchers: ['x=~"a\\d+"', "y!=z"]
      mute_time_intervals: [w]
      continue: true
inhibit_rules: [{source_match: {a: b}, target_matchers: ['c!~"d"'], equal: [e]}]
time_intervals:
  - name: w
    time_intervals: [{times: [{start_time: "00:00", end_time: "24:00"}], weekdays: ["monday:friday", sunday], days_of_month: ["1:5", "-3:-1"], months: ["may:august"], years: ["2020"], location: America/New_York}]
receivers:
  - name: r
    webhook_configs: [{url: "http://h/x", max_alerts: 3}]
    email_configs: [{to: x@y.z, headers: {x-team: a}}]
    sms_configs: [{url: "https://sms.example.org/send", to: ["+15550001"], content_type: json}]
templates: [a.tmpl]
alerting:
  alertmanagers: [{static_configs: [{targets: ["a:1"]}]}]
)yaml");
  Result<Config> plain_again = ParseConfig(plain.ToYaml(), "effective.yml");
  ASSERT_TRUE(plain_again.ok()) << plain_again.status().ToString() << "\n" << plain.ToYaml();
  EXPECT_EQ(*plain_again, plain) << plain.ToYaml();
}

TEST(AlertmanagerConfigTest, LoadConfigFileResolvesTemplateAndSecretFilePaths) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("osprey.yml", R"yaml(
global: {slack_api_url_file: secrets/slack}
templates: ["tmpl/*.tmpl", /abs/x.tmpl]
route: {receiver: r}
receivers:
  - name: r
    slack_configs: [{channel: "#a"}]
    webhook_configs: [{url_file: secrets/hook}]
)yaml");
  Result<Config> c = LoadConfigFile(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->templates, (std::vector<std::string>{dir.Join("tmpl/*.tmpl"), "/abs/x.tmpl"}));
  EXPECT_EQ(c->global.alertmanager.slack_api_url_file, dir.Join("secrets/slack"));
  EXPECT_EQ(c->receivers[0].slack_configs[0].api_url_file, dir.Join("secrets/slack"));
  EXPECT_EQ(c->receivers[0].webhook_configs[0].url_file, dir.Join("secrets/hook"));
}

}  // namespace
}  // namespace osprey::config
