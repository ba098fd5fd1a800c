// The alerting sections of osprey.yml. Alertmanager's alertmanager.yml sections are taken
// verbatim (Alertmanager 0.25's config/config.go): `route`, `receivers` (receiver_config.h),
// `inhibit_rules`, `time_intervals` / `mute_time_intervals`, `templates`, and its keys of
// `global` (AlertmanagerGlobalConfig). Prometheus's own `alerting` section (where to send
// alerts and how to relabel them) is AlertingConfig.
//
//   route:
//     receiver: default
//     group_by: [alertname, cluster]
//     routes:
//       - matchers: ['severity="critical"']
//         receiver: pager
//         mute_time_intervals: [weekends]
//
// All values are effective: defaults filled in, inherited route settings resolved, the old
// match/match_re forms converted to matchers. Validation follows Alertmanager; every error
// names file:line:column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/http_client_config.h"
#include "config/relabel_config.h"
#include "config/scrape_config.h"
#include "config/yaml_decoder.h"
#include "model/alert_matchers.h"
#include "model/duration.h"
#include "model/matcher.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

// Alertmanager's keys of `global:` (GlobalConfig holds it as `alertmanager`). The receivers'
// defaults come from here; after loading they are already copied into each receiver.
struct AlertmanagerGlobalConfig {
  // An alert received without ends_at is resolved this long after its last update.
  model::Duration resolve_timeout = model::Duration::Minutes(5);
  // Default http_config of receivers that give none.
  HttpClientConfig http_config;
  std::string smtp_from;
  std::string smtp_hello = "localhost";
  std::string smtp_smarthost;  // "host:port" (port required) or empty.
  std::string smtp_auth_username;
  std::string smtp_auth_password;  // Secret.
  std::string smtp_auth_password_file;
  std::string smtp_auth_secret;  // Secret.
  std::string smtp_auth_identity;
  bool smtp_require_tls = true;
  std::string slack_api_url;  // Secret.
  std::string slack_api_url_file;
  std::string pagerduty_url = "https://events.pagerduty.com/v2/enqueue";
  std::string opsgenie_api_url = "https://api.opsgenie.com/";
  std::string opsgenie_api_key;  // Secret.
  std::string opsgenie_api_key_file;
  std::string telegram_api_url = "https://api.telegram.org";
  // Osprey's own: the base URL of this server for links in notifications (.ExternalURL,
  // generator URLs, silence links). The --web.external-url flag, when given, wins.
  std::string external_url = "http://localhost:9090";
  friend bool operator==(const AlertmanagerGlobalConfig&,
                         const AlertmanagerGlobalConfig&) = default;
};

// One node of the routing tree. An alert enters at the root and descends into the first
// child whose matchers all match (every matching child when `continue` is set on the
// earlier ones); the deepest matching nodes handle it, or the node itself when no child
// matches.
struct RouteConfig {
  std::string receiver;  // Effective: inherited from the parent when not set. Exists.
  // Labels that split alerts into groups (no duplicates, valid label names). Effective:
  // inherited from the parent when not set. Empty with group_by_all false: one group.
  std::vector<std::string> group_by;
  bool group_by_all = false;  // group_by: ["..."]: every label; then group_by is empty.
  // All must match. Effective: the route's `match` (as =), `match_re` (as =~) and
  // `matchers` together, sorted by name, value, then type as Alertmanager does. Empty on
  // the root route.
  std::vector<model::Matcher> matchers;
  bool continue_matching = false;  // YAML key "continue". False on the root route.
  model::Duration group_wait = model::Duration::Seconds(30);     // Inherited.
  model::Duration group_interval = model::Duration::Minutes(5);  // Inherited; > 0.
  model::Duration repeat_interval = model::Duration::Hours(4);   // Inherited; > 0.
  // Names of entries of Config::time_intervals. Not inherited (as in Alertmanager);
  // empty on the root route. Muted while any mute interval contains now; when active ones
  // are given, notifications are sent only while one of them contains now.
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  std::vector<RouteConfig> routes;  // Children, in order.

  // model::Matcher has no operator==: compared by type, name and value.
  friend bool operator==(const RouteConfig& a, const RouteConfig& b);
};

// Mutes alerts matching target_matchers while an alert matching source_matchers fires with
// the same values of the `equal` labels (absent counts as equal to absent). An alert that
// matches both sides does not inhibit itself.
struct InhibitRuleConfig {
  // Effective: source_match (=), source_match_re (=~) and source_matchers, sorted.
  std::vector<model::Matcher> source_matchers;
  // Effective: target_match (=), target_match_re (=~) and target_matchers, sorted.
  std::vector<model::Matcher> target_matchers;
  std::vector<std::string> equal;  // Label names.
  friend bool operator==(const InhibitRuleConfig& a, const InhibitRuleConfig& b);
};

// An inclusive range of integers: weekdays 0 (Sunday) to 6, days of month 1..31 or -31..-1
// (counting from the month's end), months 1..12, years.
struct InclusiveRange {
  int begin = 0;
  int end = 0;
  friend bool operator==(const InclusiveRange&, const InclusiveRange&) = default;
};

// A range of minutes of the day, [start_minute, end_minute): "09:00" to "17:30" is
// {540, 1050}. 0 <= start < end <= 1440 ("24:00" is allowed as an end).
struct TimeOfDayRange {
  int start_minute = 0;
  int end_minute = 0;
  friend bool operator==(const TimeOfDayRange&, const TimeOfDayRange&) = default;
};

// One time interval spec: a time matches when every non-empty list has a range containing
// it, the time being read in `location`. An empty list matches everything.
struct TimeIntervalSpec {
  std::vector<TimeOfDayRange> times;
  std::vector<InclusiveRange> weekdays;       // 0 = Sunday ... 6 = Saturday.
  std::vector<InclusiveRange> days_of_month;  // Negative: from the end (-1 = last day).
  std::vector<InclusiveRange> months;         // 1 = January.
  std::vector<InclusiveRange> years;
  // IANA time zone name (validated at load against /usr/share/zoneinfo); "UTC" by default,
  // "Local" means the server's zone.
  std::string location = "UTC";
  friend bool operator==(const TimeIntervalSpec&, const TimeIntervalSpec&) = default;
};

// A named entry of `time_intervals:` (or of the older `mute_time_intervals:`, merged into
// the same list). Contains a time when any of its specs does.
struct TimeIntervalConfig {
  std::string name;  // Unique across both lists.
  std::vector<TimeIntervalSpec> time_intervals;
  friend bool operator==(const TimeIntervalConfig&, const TimeIntervalConfig&) = default;
};

// One Alertmanager that Prometheus-style alert sending would post to (Prometheus's
// alerting.alertmanagers entry). Only static_configs discovery is supported.
struct AlertmanagerEndpointConfig {
  std::vector<StaticConfig> static_configs;
  std::string scheme = "http";  // "http" or "https".
  std::string path_prefix;      // Prepended to /api/v2/alerts.
  model::Duration timeout = model::Duration::Seconds(10);
  std::string api_version = "v2";              // Only "v2".
  HttpClientConfig http_client;                // basic_auth, authorization, tls_config (inlined).
  std::vector<RelabelConfig> relabel_configs;  // Applied to the discovered targets.
  friend bool operator==(const AlertmanagerEndpointConfig&,
                         const AlertmanagerEndpointConfig&) = default;
};

// Prometheus's `alerting:` section.
struct AlertingConfig {
  std::vector<RelabelConfig> alert_relabel_configs;  // Applied to alerts before sending.
  std::vector<AlertmanagerEndpointConfig> alertmanagers;
  friend bool operator==(const AlertingConfig&, const AlertingConfig&) = default;
};

// --- Decoding, used by config.cc ---

// Decodes Alertmanager's keys of `global:` from `m` (the global mapping's decoder) and
// validates them. `kAlertmanagerGlobalKeys` lists the keys to add to that mapping's known
// keys.
extern const std::vector<std::string_view> kAlertmanagerGlobalKeys;
Result<AlertmanagerGlobalConfig> DecodeAlertmanagerGlobal(const MappingDecoder& m);

// Decodes the root route (validating root-route rules; receiver and time interval names
// are checked by CheckRouteReferences).
Result<RouteConfig> DecodeRootRoute(const YamlDocument& doc, const YamlNode& node);
Result<InhibitRuleConfig> DecodeInhibitRule(const YamlDocument& doc, const YamlNode& node,
                                            const std::string& path);
Result<TimeIntervalConfig> DecodeTimeInterval(const YamlDocument& doc, const YamlNode& node,
                                              const std::string& path);
// One entry of a `time_intervals:` list (also used by incidents' rotation restrictions).
Result<TimeIntervalSpec> DecodeTimeIntervalSpec(const YamlDocument& doc, const YamlNode& node,
                                                const std::string& path);
Result<AlertingConfig> DecodeAlertingConfig(const YamlDocument& doc, const YamlNode& node);

// Emitters for ToYaml. Requires: out.SetOutputCharset(YAML::EscapeNonAscii).
void EmitAlertmanagerGlobal(const AlertmanagerGlobalConfig& g, YAML::Emitter& out);
void EmitRoute(const RouteConfig& r, YAML::Emitter& out);
void EmitInhibitRule(const InhibitRuleConfig& r, YAML::Emitter& out);
void EmitTimeInterval(const TimeIntervalConfig& t, YAML::Emitter& out);
void EmitTimeIntervalSpec(const TimeIntervalSpec& s, YAML::Emitter& out);
void EmitAlertingConfig(const AlertingConfig& a, YAML::Emitter& out);

// "HH:MM" for a minute of the day (0..1440).
std::string FormatMinuteOfDay(int minute);

}  // namespace osprey::config
