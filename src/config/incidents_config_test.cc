#include "config/incidents_config.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace osprey::config {
namespace {

// The example of incidents_config.h, complete.
constexpr std::string_view kFullExample = R"(route: {receiver: ops}
receivers: [{name: ops}]
incidents:
  receivers: [ops]
  severity_label: severity
  severity_map: {page: critical, ticket: info}
  default_severity: warning
  service_label: service
  auto_resolve: true
  reopen_window: 30m
  ack_link_ttl: 24h
  ack_secret_file: secret.key
  default_policy: ops
  routes:
    - matchers: ['team="db"']
      policy: db
      actions: [{run: restart-db, on: open}]
  people:
    - name: alice
      full_name: Alice Example
      email: alice@example.com
      sms: "+15550100"
      chat: "@alice"
      webhook: https://hooks.example.com/alice
    - {name: bob, email: bob@example.com}
    - {name: carol, chat: "#ops"}
  notify:
    sms: {url: https://sms.example.com/send, method: POST, content_type: form,
          params: {to: '{{ .To }}', text: '{{ .Message }}'}}
    chat: {url: https://hooks.slack.com/services/T/B/X}
  schedules:
    - name: primary
      time_zone: Europe/Berlin
      rotations:
        - name: weekly
          start: 2026-01-05T09:00:00
          hand_off: weekly
          participants: [alice, bob]
          end: 2027-01-01T00:00:00
          restrictions:
            - weekdays: ['monday:friday']
              times: [{start_time: '09:00', end_time: '18:00'}]
      overrides:
        - person: carol
          start: 2026-02-01T00:00:00
          end: 2026-02-08T00:00
          replaces: alice
    - name: secondary
      rotations:
        - {name: r, start: 2026-01-01T00:00, hand_off: 12h, participants: [carol]}
  escalation_policies:
    - name: ops
      repeat: 1
      fallback: [carol]
      levels:
        - targets: [{schedule: primary}, {person: bob}]
          escalate_after: 10m
        - targets: [{schedule: secondary}]
      actions:
        - {run: restart-web, on: open}
        - {run: page-manager, on: unacknowledged, after: 30m}
    - name: db
      levels: [{targets: [{person: alice}]}]
  actions:
    - name: restart-web
      http: {url: 'https://ops.example.com/restart/{{ .Service }}', method: POST,
             body: '{"incident": "{{ .ID }}"}', headers: {X-Token: abc}}
      timeout: 30s
      rate_limit: {max: 3, per: 1h}
      dry_run: false
    - name: restart-db
      command: {path: /usr/local/bin/restart-db, args: [--graceful]}
    - name: page-manager
      http: {url: '{{ .ManagerURL }}'}
      dry_run: true
)";

TEST(IncidentsConfigTest, DecodesTheFullExample) {
  Result<Config> c = ParseConfig(kFullExample, "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const IncidentsConfig& i = c->incidents;
  EXPECT_TRUE(i.enabled);
  EXPECT_EQ(i.receivers, std::vector<std::string>{"ops"});
  EXPECT_EQ(i.severity_map.at("page"), IncidentSeverity::kCritical);
  EXPECT_EQ(i.severity_map.at("ticket"), IncidentSeverity::kInfo);
  EXPECT_EQ(i.default_severity, IncidentSeverity::kWarning);
  EXPECT_EQ(i.reopen_window, model::Duration::Minutes(30));
  EXPECT_EQ(i.ack_link_ttl, model::Duration::Hours(24));
  EXPECT_EQ(i.ack_secret_file, "secret.key");
  EXPECT_EQ(i.default_policy, "ops");

  ASSERT_EQ(i.routes.size(), 1u);
  EXPECT_EQ(i.routes[0].matchers, std::vector<std::string>{"team=\"db\""});
  EXPECT_EQ(i.routes[0].policy, "db");
  ASSERT_EQ(i.routes[0].actions.size(), 1u);
  EXPECT_EQ(i.routes[0].actions[0].run, "restart-db");

  ASSERT_EQ(i.people.size(), 3u);
  EXPECT_EQ(i.people[0].full_name, "Alice Example");
  EXPECT_EQ(i.people[0].sms, "+15550100");
  EXPECT_EQ(i.people[0].chat, "@alice");
  EXPECT_EQ(i.people[0].webhook, "https://hooks.example.com/alice");
  ASSERT_TRUE(i.notify.sms.has_value());
  EXPECT_EQ(i.notify.sms->url, "https://sms.example.com/send");
  EXPECT_EQ(i.notify.sms->params.at("text"), "{{ .Message }}");
  EXPECT_EQ(i.notify.chat_url, "https://hooks.slack.com/services/T/B/X");

  ASSERT_EQ(i.schedules.size(), 2u);
  const ScheduleConfig& primary = i.schedules[0];
  EXPECT_EQ(primary.time_zone, "Europe/Berlin");
  ASSERT_EQ(primary.rotations.size(), 1u);
  const RotationConfig& weekly = primary.rotations[0];
  EXPECT_EQ(weekly.start, (LocalDateTime{2026, 1, 5, 9, 0, 0}));
  EXPECT_EQ(weekly.end, (LocalDateTime{2027, 1, 1, 0, 0, 0}));
  EXPECT_EQ(weekly.hand_off, RotationConfig::HandOff::kWeekly);
  EXPECT_EQ(weekly.shift_length, model::Duration::Hours(168));
  EXPECT_EQ(weekly.participants, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_EQ(weekly.restrictions.size(), 1u);
  EXPECT_EQ(weekly.restrictions[0].location, "Europe/Berlin");
  EXPECT_EQ(weekly.restrictions[0].weekdays, (std::vector<InclusiveRange>{{1, 5}}));
  EXPECT_EQ(weekly.restrictions[0].times, (std::vector<TimeOfDayRange>{{540, 1080}}));
  ASSERT_EQ(primary.overrides.size(), 1u);
  EXPECT_EQ(primary.overrides[0].end, (LocalDateTime{2026, 2, 8, 0, 0, 0}));
  EXPECT_EQ(primary.overrides[0].replaces, "alice");
  EXPECT_EQ(i.schedules[1].time_zone, "UTC");
  EXPECT_EQ(i.schedules[1].rotations[0].hand_off, RotationConfig::HandOff::kCustom);
  EXPECT_EQ(i.schedules[1].rotations[0].shift_length, model::Duration::Hours(12));

  ASSERT_EQ(i.escalation_policies.size(), 2u);
  const EscalationPolicyConfig& ops = i.escalation_policies[0];
  EXPECT_EQ(ops.repeat, 1);
  EXPECT_EQ(ops.fallback, std::vector<std::string>{"carol"});
  ASSERT_EQ(ops.levels.size(), 2u);
  EXPECT_EQ(ops.levels[0].targets[0].schedule, "primary");
  EXPECT_EQ(ops.levels[0].targets[1].person, "bob");
  EXPECT_EQ(ops.levels[0].escalate_after, model::Duration::Minutes(10));
  EXPECT_EQ(ops.levels[1].escalate_after, model::Duration::Minutes(15));
  ASSERT_EQ(ops.actions.size(), 2u);
  EXPECT_EQ(ops.actions[1].on, ActionTriggerConfig::On::kUnacknowledged);
  EXPECT_EQ(ops.actions[1].after, model::Duration::Minutes(30));

  ASSERT_EQ(i.actions.size(), 3u);
  ASSERT_TRUE(i.actions[0].http.has_value());
  EXPECT_EQ(i.actions[0].http->headers.at("X-Token"), "abc");
  EXPECT_EQ(i.actions[0].rate_limit_max, 3);
  ASSERT_TRUE(i.actions[1].command.has_value());
  EXPECT_EQ(i.actions[1].command->args, std::vector<std::string>{"--graceful"});
  EXPECT_EQ(i.actions[1].timeout, model::Duration::Seconds(30));
  EXPECT_EQ(i.actions[1].rate_limit_max, 0);
  EXPECT_TRUE(i.actions[2].dry_run);
  EXPECT_EQ(i.actions[2].http->method, "POST");
}

TEST(IncidentsConfigTest, RoundTripsThroughToYaml) {
  // Without the chat URL, the only secret: ToYaml masks it.
  std::string text(kFullExample);
  const size_t chat = text.find("    chat: {url: https://hooks.slack");
  ASSERT_NE(chat, std::string::npos);
  text.erase(chat, text.find('\n', chat) + 1 - chat);
  for (std::string_view handle : {"      chat: \"@alice\"\n"}) {
    text.erase(text.find(handle), handle.size());
  }
  text.replace(text.find("{name: carol, chat: \"#ops\"}"), 27, "{name: carol}");
  Result<Config> c = ParseConfig(text, "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string yaml = c->ToYaml();
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(again->incidents, c->incidents) << yaml;
  EXPECT_EQ(again->ToYaml(), yaml);
}

TEST(IncidentsConfigTest, MasksTheChatUrl) {
  Result<Config> c = ParseConfig(kFullExample, "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string yaml = c->ToYaml();
  EXPECT_EQ(yaml.find("hooks.slack.com"), std::string::npos) << yaml;
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->incidents.notify.chat_url, "<secret>");
}

TEST(IncidentsConfigTest, DefaultsWhenPresentOrAbsent) {
  Result<Config> absent = ParseConfig("", "osprey.yml");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->incidents.enabled);
  EXPECT_EQ(absent->ToYaml().find("incidents"), std::string::npos);

  Result<Config> present = ParseConfig("incidents: {}\n", "osprey.yml");
  ASSERT_TRUE(present.ok()) << present.status().ToString();
  EXPECT_TRUE(present->incidents.enabled);
  EXPECT_EQ(present->incidents.severity_label, "severity");
  EXPECT_TRUE(present->incidents.auto_resolve);
  Result<Config> again = ParseConfig(present->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->incidents, present->incidents);

  Result<Config> off = ParseConfig("incidents: {enabled: false, reopen_window: 1h}\n", "o.yml");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->incidents.enabled);
  again = ParseConfig(off->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->incidents, off->incidents);
}

TEST(IncidentsConfigTest, ResolvesTheSecretFile) {
  Result<Config> c = ParseConfig("incidents: {ack_secret_file: ack.key}\n", "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ResolveConfigPaths("/etc/osprey", &*c);
  EXPECT_EQ(c->incidents.ack_secret_file, "/etc/osprey/ack.key");
}

// People and a schedule the error cases build on.
constexpr std::string_view kBase = R"(incidents:
  people: [{name: alice}, {name: bob}]
  schedules:
    - name: primary
      time_zone: Europe/Berlin
      rotations: [{name: r, start: 2026-01-05T09:00, participants: [alice]}]
)";

struct ErrorCase {
  std::string name;
  std::string yaml;  // Appended to kBase.
  std::string want;
};

TEST(IncidentsConfigTest, ErrorsNameThePlace) {
  const std::vector<ErrorCase> cases = {
      {"unknown participant",
       "    - name: second\n"
       "      rotations:\n"
       "        - name: weekly\n"
       "          start: 2026-01-05T09:00:00\n"
       "          participants: [alice, dave]\n",
       "osprey.yml:11:33: unknown person \"dave\" in incidents.schedules[1] (\"second\")"
       ".rotations[0] (\"weekly\").participants"},
      {"unknown schedule in target",
       "  escalation_policies:\n"
       "    - name: ops\n"
       "      levels: [{targets: [{schedule: tertiary}]}]\n",
       "osprey.yml:9:38: unknown schedule \"tertiary\" in incidents.escalation_policies[0] "
       "(\"ops\").levels[0].targets[0]"},
      {"unknown person in target",
       "  escalation_policies:\n"
       "    - name: ops\n"
       "      levels: [{targets: [{person: carol}]}]\n",
       "osprey.yml:9:36: unknown person \"carol\" in incidents.escalation_policies[0] "
       "(\"ops\").levels[0].targets[0]"},
      {"target with both",
       "  escalation_policies:\n"
       "    - name: ops\n"
       "      levels: [{targets: [{person: bob, schedule: primary}]}]\n",
       "osprey.yml:9:27: target needs exactly one of schedule and person in "
       "incidents.escalation_policies[0] (\"ops\").levels[0].targets[0]"},
      {"unknown action",
       "  escalation_policies:\n"
       "    - name: ops\n"
       "      levels: [{targets: [{person: bob}]}]\n"
       "      actions: [{run: reboot}]\n",
       "osprey.yml:10:23: unknown action \"reboot\" in incidents.escalation_policies[0] "
       "(\"ops\").actions[0]"},
      {"unknown policy in route", "  routes: [{policy: nope}]\n",
       "osprey.yml:7:21: unknown escalation policy \"nope\" in incidents.routes[0]"},
      {"unknown default policy", "  default_policy: nope\n",
       "osprey.yml:7:19: unknown escalation policy \"nope\" in incidents"},
      {"duplicate schedule",
       "    - {name: primary, rotations: [{name: r, start: 2026-01-05T09:00, participants: "
       "[bob]}]}\n",
       "osprey.yml:7:14: duplicate name \"primary\" in incidents.schedules[1]"},
      {"duplicate rotation",
       "    - name: s2\n"
       "      rotations:\n"
       "        - {name: a, start: 2026-01-05T09:00, participants: [bob]}\n"
       "        - {name: a, start: 2026-01-05T09:00, participants: [bob]}\n",
       "osprey.yml:10:18: duplicate name \"a\" in incidents.schedules[1] (\"s2\").rotations[1]"},
      {"bad hand_off",
       "    - name: s2\n"
       "      rotations: [{name: a, start: 2026-01-05T09:00, hand_off: fortnightly, "
       "participants: [bob]}]\n",
       "osprey.yml:8:64: invalid hand_off \"fortnightly\": must be daily, weekly or a duration "
       "of at least 1m in incidents.schedules[1] (\"s2\").rotations[0] (\"a\")"},
      {"zero hand_off",
       "    - name: s2\n"
       "      rotations: [{name: a, start: 2026-01-05T09:00, hand_off: 0s, participants: "
       "[bob]}]\n",
       "osprey.yml:8:64: invalid hand_off \"0s\": must be daily, weekly or a duration of at "
       "least 1m in incidents.schedules[1] (\"s2\").rotations[0] (\"a\")"},
      {"rotation end before start",
       "    - name: s2\n"
       "      rotations: [{name: a, start: 2026-01-05T09:00, end: 2026-01-05T09:00, "
       "participants: [bob]}]\n",
       "osprey.yml:8:59: end 2026-01-05T09:00:00 is not after start 2026-01-05T09:00:00 in "
       "incidents.schedules[1] (\"s2\").rotations[0] (\"a\")"},
      {"override end before start",
       "      overrides:\n"
       "        - {person: bob, start: 2026-02-08T00:00, end: 2026-02-01T00:00}\n",
       "osprey.yml:8:55: override end 2026-02-01T00:00:00 is not after start "
       "2026-02-08T00:00:00 in incidents.schedules[0] (\"primary\").overrides[0]"},
      {"override replaces unknown",
       "      overrides:\n"
       "        - {person: bob, start: 2026-02-01T00:00, end: 2026-02-08T00:00, replaces: "
       "eve}\n",
       "osprey.yml:8:83: unknown person \"eve\" in incidents.schedules[0] (\"primary\")"
       ".overrides[0]"},
      {"bad local time",
       "    - {name: s2, rotations: [{name: a, start: 2026-02-30T09:00, participants: [bob]}]}\n",
       "osprey.yml:7:47: invalid time \"2026-02-30T09:00\" for start: want YYYY-MM-DDTHH:MM[:SS], "
       "a local time in the time_zone in incidents.schedules[1] (\"s2\").rotations[0] (\"a\")"},
      {"unknown time zone",
       "    - {name: s2, time_zone: Mars/Base, rotations: [{name: a, start: 2026-01-05T09:00, "
       "participants: [bob]}]}\n",
       "osprey.yml:7:29: invalid time_zone: unknown time zone \"Mars/Base\" in "
       "incidents.schedules[1] (\"s2\")"},
      {"restriction in another zone",
       "    - name: s2\n"
       "      rotations:\n"
       "        - name: a\n"
       "          start: 2026-01-05T09:00\n"
       "          participants: [bob]\n"
       "          restrictions: [{weekdays: [monday], location: America/New_York}]\n",
       "osprey.yml:12:57: location \"America/New_York\" differs from the schedule's time_zone "
       "\"UTC\": restrictions use the schedule's time_zone in incidents.schedules[1] (\"s2\")"
       ".rotations[0] (\"a\").restrictions[0]"},
      {"bad restriction range",
       "    - name: s2\n"
       "      rotations:\n"
       "        - name: a\n"
       "          start: 2026-01-05T09:00\n"
       "          participants: [bob]\n"
       "          restrictions: [{weekdays: [funday]}]\n",
       "osprey.yml:12:38: invalid range \"funday\" in incidents.schedules[1] (\"s2\")"
       ".rotations[0] (\"a\").restrictions[0].weekdays: funday is not a valid weekday"},
      {"empty participants",
       "    - {name: s2, rotations: [{name: a, start: 2026-01-05T09:00, participants: []}]}\n",
       "osprey.yml:7:79: participants must not be empty in incidents.schedules[1] (\"s2\")"
       ".rotations[0] (\"a\")"},
      {"action with neither", "  actions: [{name: x, timeout: 5s}]\n",
       "osprey.yml:7:13: action needs one of http and command in incidents.actions[0] (\"x\")"},
      {"action with both",
       "  actions: [{name: x, http: {url: 'https://a/'}, command: {path: /bin/true}}]\n",
       "osprey.yml:7:50: action has both http and command: give exactly one in "
       "incidents.actions[0] (\"x\")"},
      {"relative command", "  actions: [{name: x, command: {path: restart.sh}}]\n",
       "osprey.yml:7:39: command path \"restart.sh\" is not absolute (commands run without a "
       "shell or PATH lookup) in incidents.actions[0] (\"x\").command"},
      {"bad action url", "  actions: [{name: x, http: {url: 'ftp://a/'}}]\n",
       "osprey.yml:7:35: invalid url \"ftp://a/\": must start with http://, https:// or a "
       "template \"{{\" in incidents.actions[0] (\"x\").http"},
      {"negative rate limit",
       "  actions: [{name: x, http: {url: 'https://a/'}, rate_limit: {max: "
       "-1}}]\n",
       "osprey.yml:7:68: invalid rate_limit.max -1: must be 0 (unlimited) to 1000000 in "
       "incidents.actions[0] (\"x\").rate_limit"},
      {"bad method", "  actions: [{name: x, http: {url: 'https://a/', method: FETCH}}]\n",
       "osprey.yml:7:57: invalid value \"FETCH\" for method: must be one of \"GET\", \"POST\", "
       "\"PUT\", \"PATCH\", \"DELETE\" in incidents.actions[0] (\"x\").http"},
      {"repeat out of range",
       "  escalation_policies:\n"
       "    - {name: ops, repeat: 11, levels: [{targets: [{person: bob}]}]}\n",
       "osprey.yml:8:27: invalid repeat 11: must be 0 to 10 in incidents.escalation_policies[0] "
       "(\"ops\")"},
      {"empty levels", "  escalation_policies:\n    - {name: ops, levels: []}\n",
       "osprey.yml:8:27: levels must not be empty in incidents.escalation_policies[0] "
       "(\"ops\")"},
      {"after on open",
       "  actions: [{name: x, command: {path: /bin/true}}]\n"
       "  routes: [{actions: [{run: x, after: 5m}]}]\n",
       "osprey.yml:8:39: after applies only to on: unacknowledged in "
       "incidents.routes[0].actions[0]"},
      {"unacknowledged without after",
       "  actions: [{name: x, command: {path: /bin/true}}]\n"
       "  routes: [{actions: [{run: x, on: unacknowledged}]}]\n",
       "osprey.yml:8:23: on: unacknowledged needs after, a duration greater than 0 in "
       "incidents.routes[0].actions[0]"},
      {"bad severity", "  severity_map: {page: urgent}\n",
       "osprey.yml:7:24: invalid severity \"urgent\" for severity_map.page: must be one of "
       "\"critical\", \"warning\", \"info\" in incidents"},
      {"bad default severity", "  default_severity: high\n",
       "osprey.yml:7:21: invalid value \"high\" for default_severity: must be one of "
       "\"critical\", \"warning\", \"info\" in incidents"},
      {"bad label name", "  service_label: my-service\n",
       "osprey.yml:7:18: invalid label name \"my-service\" for service_label in incidents"},
      {"bad matcher", "  routes: [{matchers: ['team']}]\n",
       "osprey.yml:7:24: invalid matcher \"team\": bad matcher format: \"team\" in "
       "incidents.routes[0].matchers"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> r = ParseConfig(std::string(kBase).append(c.yaml), "osprey.yml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), c.want);
  }
}

TEST(IncidentsConfigTest, ContactFormatErrors) {
  const std::vector<ErrorCase> cases = {
      {"bad person name", "incidents:\n  people: [{name: 'al ice'}]\n",
       "osprey.yml:2:19: invalid person name \"al ice\": use letters, digits and the characters "
       "_ . @ - in incidents.people[0] (\"al ice\")"},
      {"duplicate person", "incidents:\n  people: [{name: a}, {name: a}]\n",
       "osprey.yml:2:30: duplicate name \"a\" in incidents.people[1]"},
      {"bad email", "incidents:\n  people: [{name: a, email: alice}]\n",
       "osprey.yml:2:29: invalid email \"alice\": want name@domain in incidents.people[0] "
       "(\"a\")"},
      {"bad sms", "incidents:\n  people: [{name: a, sms: '555-0100'}]\n",
       "osprey.yml:2:27: invalid sms number \"555-0100\": want \"+\" and 4 to 15 digits in "
       "incidents.people[0] (\"a\")"},
      {"bad chat", "incidents:\n  people: [{name: a, chat: alice}]\n",
       "osprey.yml:2:28: invalid chat handle \"alice\": want \"@user\" or \"#channel\" in "
       "incidents.people[0] (\"a\")"},
      {"bad webhook", "incidents:\n  people: [{name: a, webhook: 'ftp://x'}]\n",
       "osprey.yml:2:31: invalid URL \"ftp://x\" for webhook: scheme must be http or https in "
       "incidents.people[0] (\"a\")"},
      {"sms without gateway", "incidents:\n  people: [{name: a, sms: '+15550100'}]\n",
       "osprey.yml:2:27: person \"a\" has a sms contact but incidents.notify.sms is not "
       "configured in incidents.people[0]"},
      {"chat without gateway", "incidents:\n  people: [{name: a, chat: '@a'}]\n",
       "osprey.yml:2:28: person \"a\" has a chat contact but incidents.notify.chat is not "
       "configured in incidents.people[0]"},
      {"bad sms gateway", "incidents:\n  notify: {sms: {url: 'sms.example.com'}}\n",
       "osprey.yml:2:23: invalid URL \"sms.example.com\" for url: missing scheme in "
       "incidents.notify"},
      {"unknown receiver", "incidents:\n  receivers: [ops]\n",
       "osprey.yml:2:15: unknown receiver \"ops\" in incidents.receivers"},
      {"unknown field", "incidents:\n  people: [{name: a, phone: '1'}]\n",
       "osprey.yml:2:22: unknown field \"phone\" in incidents.people[0] (\"a\")"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> r = ParseConfig(c.yaml, "osprey.yml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), c.want);
  }
}

TEST(IncidentsConfigTest, SeverityNames) {
  for (IncidentSeverity s :
       {IncidentSeverity::kCritical, IncidentSeverity::kWarning, IncidentSeverity::kInfo}) {
    EXPECT_EQ(*ParseIncidentSeverity(IncidentSeverityName(s)), s);
  }
  EXPECT_FALSE(ParseIncidentSeverity("Critical").ok());
}

}  // namespace
}  // namespace osprey::config
