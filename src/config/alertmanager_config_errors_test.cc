// Bad alerting sections of osprey.yml and the exact messages (with line and column) they
// produce: one case per kind of error, after Alertmanager's checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace osprey::config {
namespace {

struct BadConfig {
  std::string_view name;
  std::string yaml;
  std::string_view message;
};

void ExpectErrors(const std::vector<BadConfig>& cases) {
  for (const BadConfig& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> r = ParseConfig(c.yaml, "osprey.yml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message) << c.yaml;
  }
}

// A valid receivers list for routes to name.
const std::string kReceivers = "receivers: [{name: r}, {name: s}]\n";

TEST(AlertmanagerConfigErrorsTest, Global) {
  ExpectErrors({
      {"unknown key", "global:\n  smtp_form: a@b\n",
       "osprey.yml:2:3: unknown field \"smtp_form\" in global"},
      {"smarthost without port", "global:\n  smtp_smarthost: mail.example.org\n",
       "osprey.yml:2:19: address \"mail.example.org\" for smtp_smarthost: missing port in "
       "address"},
      {"password and file", "global:\n  smtp_auth_password: x\n  smtp_auth_password_file: f\n",
       "osprey.yml:3:3: at most one of smtp_auth_password & smtp_auth_password_file must be "
       "configured"},
      {"slack url and file", "global: {slack_api_url: 'http://a', slack_api_url_file: f}\n",
       "osprey.yml:1:37: at most one of slack_api_url & slack_api_url_file must be configured"},
      {"bad url", "global:\n  pagerduty_url: events.pagerduty.com\n",
       "osprey.yml:2:18: invalid URL \"events.pagerduty.com\" for pagerduty_url: missing scheme"},
      {"zero resolve_timeout", "global:\n  resolve_timeout: 0s\n",
       "osprey.yml:2:20: resolve_timeout cannot be zero"},
      {"bad http_config", "global:\n  http_config: {bearer_token: x}\n",
       "osprey.yml:2:17: unknown field \"bearer_token\" in global.http_config"},
  });
}

TEST(AlertmanagerConfigErrorsTest, RootRoute) {
  ExpectErrors({
      {"no receiver", "route:\n  group_by: [a]\n" + kReceivers,
       "osprey.yml:2:3: root route must specify a default receiver"},
      {"matchers", "route:\n  receiver: r\n  matchers: [a=b]\n" + kReceivers,
       "osprey.yml:3:3: root route must not have any matchers"},
      {"match", "route:\n  receiver: r\n  match: {a: b}\n" + kReceivers,
       "osprey.yml:3:3: root route must not have any matchers"},
      {"continue", "route:\n  receiver: r\n  continue: true\n" + kReceivers,
       "osprey.yml:3:13: cannot have continue in root route"},
      {"mute intervals", "route:\n  receiver: r\n  mute_time_intervals: [w]\n" + kReceivers,
       "osprey.yml:3:3: root route must not have any mute time intervals"},
      {"active intervals", "route:\n  receiver: r\n  active_time_intervals: [w]\n" + kReceivers,
       "osprey.yml:3:3: root route must not have any active time intervals"},
      {"receivers without route", kReceivers,
       "osprey.yml:1:1: no route provided in config, but receivers are given: add a `route:` "
       "section"},
  });
}

TEST(AlertmanagerConfigErrorsTest, Routes) {
  ExpectErrors({
      {"unknown key", "route:\n  receiver: r\n  routes:\n    - reciever: s\n" + kReceivers,
       "osprey.yml:4:7: unknown field \"reciever\" in route.routes[0]"},
      {"undefined receiver",
       "route:\n  receiver: r\n  routes:\n    - routes:\n        - receiver: x\n" + kReceivers,
       "osprey.yml:5:21: undefined receiver \"x\" used in route.routes[0].routes[0]"},
      {"undefined root receiver", "route: {receiver: nobody}\n" + kReceivers,
       "osprey.yml:1:19: undefined receiver \"nobody\" used in route"},
      {"undefined time interval",
       "route:\n  receiver: r\n  routes:\n    - mute_time_intervals: [w]\n" + kReceivers,
       "osprey.yml:4:29: undefined time interval \"w\" used in route.routes[0]"},
      {"bad matcher", "route:\n  receiver: r\n  routes:\n    - matchers: ['a=\"b']\n" + kReceivers,
       "osprey.yml:4:18: invalid matcher \"a=\\\"b\" in route.routes[0].matchers: matcher value "
       "contains unescaped double quote: \"\\\"b\""},
      {"bad matcher regex",
       "route:\n  receiver: r\n  routes:\n    - matchers: ['a=~(']\n" + kReceivers,
       "osprey.yml:4:18: invalid matcher \"a=~(\" in route.routes[0].matchers: invalid regular "
       "expression \"(\" for label a: missing ): ^(?:()$"},
      {"bad match label", "route:\n  receiver: r\n  routes:\n    - match: {a-b: c}\n" + kReceivers,
       "osprey.yml:4:15: invalid label name \"a-b\" in route.routes[0].match"},
      {"bad match_re", "route:\n  receiver: r\n  routes:\n    - match_re: {a: '['}\n" + kReceivers,
       "osprey.yml:4:21: invalid regular expression \"[\" for label a: missing ]: [)$ in "
       "route.routes[0].match_re"},
      {"group_by duplicate", "route:\n  receiver: r\n  group_by: [a, b, a]\n" + kReceivers,
       "osprey.yml:3:20: duplicated label \"a\" in group_by"},
      {"group_by wildcard and names",
       "route:\n  receiver: r\n  group_by: [a, '...']\n" + kReceivers,
       "osprey.yml:3:13: cannot have wildcard group_by (`...`) and other labels at the same time"},
      {"group_by bad name", "route:\n  receiver: r\n  group_by: [a.b]\n" + kReceivers,
       "osprey.yml:3:14: invalid label name \"a.b\" in group_by list"},
      {"zero group_interval", "route:\n  receiver: r\n  group_interval: 0s\n" + kReceivers,
       "osprey.yml:3:19: group_interval cannot be zero"},
      {"zero repeat_interval", "route:\n  receiver: r\n  repeat_interval: 0\n" + kReceivers,
       "osprey.yml:3:20: repeat_interval cannot be zero"},
      {"bad duration", "route:\n  receiver: r\n  group_wait: soon\n" + kReceivers,
       "osprey.yml:3:15: invalid duration \"soon\" for group_wait: not a valid duration string: "
       "\"soon\""},
  });
}

TEST(AlertmanagerConfigErrorsTest, Receivers) {
  const std::string route = "route: {receiver: r}\n";
  ExpectErrors({
      {"duplicate name", route + "receivers:\n  - name: r\n  - name: r\n",
       "osprey.yml:4:11: notification config name \"r\" is not unique"},
      {"missing name", route + "receivers:\n  - webhook_configs: []\n",
       "osprey.yml:3:5: missing required field \"name\" in receivers[0]"},
      {"unknown integration", route + "receivers:\n  - name: r\n    wechat_configs: []\n",
       "osprey.yml:4:5: unknown field \"wechat_configs\" in receivers[0]"},
      {"webhook without url", route + "receivers:\n  - name: r\n    webhook_configs: [{}]\n",
       "osprey.yml:4:23: one of url or url_file must be configured in "
       "receivers[0].webhook_configs[0]"},
      {"webhook bad url",
       route + "receivers:\n  - name: r\n    webhook_configs: [{url: 'ftp://x'}]\n",
       "osprey.yml:4:29: invalid URL \"ftp://x\" for url: scheme must be http or https"},
      {"email without to", route + "receivers:\n  - name: r\n    email_configs: [{from: a@b}]\n",
       "osprey.yml:4:21: missing to address in email config in receivers[0].email_configs[0]"},
      {"email without smarthost",
       route + "receivers:\n  - name: r\n    email_configs: [{to: a@b}]\n",
       "osprey.yml:4:21: no global SMTP smarthost set in receivers[0].email_configs[0]"},
      {"email without from",
       "global: {smtp_smarthost: 'm:25'}\n" + route +
           "receivers:\n  - name: r\n    email_configs: [{to: a@b}]\n",
       "osprey.yml:5:21: no global SMTP from set in receivers[0].email_configs[0]"},
      {"email duplicate header",
       "global: {smtp_smarthost: 'm:25', smtp_from: a@b}\n" + route +
           "receivers:\n  - name: r\n    email_configs: [{to: a@b, headers: {subject: a, "
           "SUBJECT: b}}]\n",
       "osprey.yml:5:40: duplicate header \"Subject\" in email config"},
      {"slack without url", route + "receivers:\n  - name: r\n    slack_configs: [{}]\n",
       "osprey.yml:4:21: no global Slack API URL set either inline or in a file in "
       "receivers[0].slack_configs[0]"},
      {"slack field without value",
       route + "receivers:\n  - name: r\n    slack_configs: [{api_url: 'http://s', fields: "
               "[{title: t}]}]\n",
       "osprey.yml:4:52: missing value in Slack field configuration in "
       "receivers[0].slack_configs[0].fields[0]"},
      {"pagerduty without key", route + "receivers:\n  - name: r\n    pagerduty_configs: [{}]\n",
       "osprey.yml:4:25: missing service or routing key in PagerDuty config in "
       "receivers[0].pagerduty_configs[0]"},
      {"opsgenie without key", route + "receivers:\n  - name: r\n    opsgenie_configs: [{}]\n",
       "osprey.yml:4:24: no global OpsGenie API Key set either inline or in a file in "
       "receivers[0].opsgenie_configs[0]"},
      {"opsgenie bad responder type",
       route + "receivers:\n  - name: r\n    opsgenie_configs: [{api_key: k, responders: [{name: "
               "a, type: group}]}]\n",
       "osprey.yml:4:66: responder type \"group\" does not match valid options "
       "^(team|teams|user|escalation|schedule)$"},
      {"telegram without chat",
       route + "receivers:\n  - name: r\n    telegram_configs: [{bot_token: t}]\n",
       "osprey.yml:4:24: missing chat_id on telegram_config in receivers[0].telegram_configs[0]"},
      {"telegram bad parse mode",
       route + "receivers:\n  - name: r\n    telegram_configs: [{bot_token: t, chat_id: 1, "
               "parse_mode: Text}]\n",
       "osprey.yml:4:63: invalid value \"Text\" for parse_mode: must be one of \"Markdown\", "
       "\"MarkdownV2\", \"HTML\", \"\""},
      {"msteams without url", route + "receivers:\n  - name: r\n    msteams_configs: [{}]\n",
       "osprey.yml:4:23: one of webhook_url or webhook_url_file must be configured in "
       "receivers[0].msteams_configs[0]"},
      {"sms without numbers",
       route + "receivers:\n  - name: r\n    sms_configs: [{url: 'https://sms'}]\n",
       "osprey.yml:4:19: missing to numbers in sms config in receivers[0].sms_configs[0]"},
      {"sms bad content type",
       route + "receivers:\n  - name: r\n    sms_configs: [{url: 'https://sms', to: ['1'], "
               "content_type: xml}]\n",
       "osprey.yml:4:65: invalid value \"xml\" for content_type: must be one of \"form\", "
       "\"json\""},
  });
}

TEST(AlertmanagerConfigErrorsTest, InhibitRulesAndTimeIntervals) {
  const std::string head = "route: {receiver: r}\n" + kReceivers;
  ExpectErrors({
      {"inhibit bad matcher", head + "inhibit_rules:\n  - source_matchers: ['severity']\n",
       "osprey.yml:4:23: invalid matcher \"severity\" in inhibit_rules[0].source_matchers: bad "
       "matcher format: \"severity\""},
      {"inhibit bad equal", head + "inhibit_rules:\n  - equal: ['a b']\n",
       "osprey.yml:4:13: invalid label name \"a b\" in equal"},
      {"interval duplicate",
       head + "time_intervals:\n  - name: w\n    time_intervals: []\nmute_time_intervals:\n  - "
              "name: w\n",
       "osprey.yml:7:11: time interval \"w\" is not unique"},
      {"interval without name", head + "time_intervals:\n  - time_intervals: []\n",
       "osprey.yml:4:5: missing required field \"name\" in time_intervals[0]"},
      {"bad weekday",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{weekdays: [funday]}]\n",
       "osprey.yml:5:34: invalid range \"funday\" in time_intervals[0].time_intervals[0].weekdays: "
       "funday is not a valid weekday"},
      {"weekday range backwards",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{weekdays: ['friday:monday']}]\n",
       "osprey.yml:5:34: invalid range \"friday:monday\" in "
       "time_intervals[0].time_intervals[0].weekdays: start day cannot be before end day"},
      {"day of month zero",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{days_of_month: ['0']}]\n",
       "osprey.yml:5:39: invalid range \"0\" in time_intervals[0].time_intervals[0].days_of_month: "
       "0 is not a valid day of the month: out of range"},
      {"day of month sign mix",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{days_of_month: ['-3:5']}]\n",
       "osprey.yml:5:39: invalid range \"-3:5\" in "
       "time_intervals[0].time_intervals[0].days_of_month: end day must be negative if start day "
       "is negative"},
      {"month name",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{months: ['smarch']}]\n",
       "osprey.yml:5:32: invalid range \"smarch\" in time_intervals[0].time_intervals[0].months: "
       "smarch is not a valid month"},
      {"month out of range",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{months: ['13']}]\n",
       "osprey.yml:5:32: invalid range \"13\" in time_intervals[0].time_intervals[0].months: 13 is "
       "not a valid month: out of range"},
      {"years backwards",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{years: ['2030:2020']}]\n",
       "osprey.yml:5:31: invalid range \"2030:2020\" in time_intervals[0].time_intervals[0].years: "
       "end year 2020 is before start year 2030"},
      {"bad time",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{times: [{start_time: '9:00', "
              "end_time: '17:00'}]}]\n",
       "osprey.yml:5:44: couldn't parse timestamp \"9:00\" for start_time, invalid format (want "
       "HH:MM)"},
      {"time backwards",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{times: [{start_time: '17:00', "
              "end_time: '09:00'}]}]\n",
       "osprey.yml:5:63: start time cannot be equal or greater than end time in "
       "time_intervals[0].time_intervals[0].times[0]"},
      {"missing end time",
       head +
           "time_intervals:\n  - name: w\n    time_intervals: [{times: [{start_time: '17:00'}]}]\n",
       "osprey.yml:5:31: both start and end times must be provided in "
       "time_intervals[0].time_intervals[0].times[0]"},
      {"bad location",
       head + "time_intervals:\n  - name: w\n    time_intervals: [{location: Mars/Base}]\n",
       "osprey.yml:5:33: invalid location in time_intervals[0].time_intervals[0]: unknown time "
       "zone \"Mars/Base\""},
  });
}

TEST(AlertmanagerConfigErrorsTest, PrometheusAlertingSection) {
  ExpectErrors({
      {"api v1", "alerting:\n  alertmanagers:\n    - api_version: v1\n",
       "osprey.yml:3:20: expected Alertmanager api version to be one of [v2], got \"v1\""},
      {"bad scheme", "alerting:\n  alertmanagers:\n    - scheme: ftp\n",
       "osprey.yml:3:15: invalid value \"ftp\" for scheme: must be one of \"http\", \"https\""},
      {"unknown key", "alerting:\n  alertmanager: []\n",
       "osprey.yml:2:3: unknown field \"alertmanager\" in alerting"},
      {"bad relabel", "alerting:\n  alert_relabel_configs: [{action: nope}]\n",
       "osprey.yml:2:36: unknown relabel action \"nope\""},
  });
}

}  // namespace
}  // namespace osprey::config
