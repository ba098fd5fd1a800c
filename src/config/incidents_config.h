// The `incidents:` section of osprey.yml: incident tracking, on-call schedules, escalation
// policies and automated responses (Osprey's own; no Prometheus/Alertmanager equivalent).
//
//   incidents:
//     enabled: true                  # default true when the section is present
//     receivers: [ops]               # alert groups routed to these receivers open incidents;
//                                    # empty (default): every receiver
//     severity_label: severity       # label giving critical | warning | info
//     severity_map: {page: critical} # other label values mapped to the three (optional)
//     default_severity: warning      # when the label is absent or unknown
//     service_label: service         # label naming the affected service(s)
//     auto_resolve: true             # resolve when every alert of the incident resolved
//     reopen_window: 30m             # a group firing again within this reopens the incident
//     ack_link_ttl: 24h              # lifetime of the signed one-click ack links
//     ack_secret_file: secret.key    # HMAC key; default: generated once into the data dir
//     default_policy: ops            # escalation policy when no `routes` entry matches
//     routes:                        # first match wins
//       - matchers: ['team="db"']    # Alertmanager matcher syntax, on the group's common labels
//         policy: db
//         actions: [{run: restart-db, on: open}]
//     people:
//       - name: alice                # unique id (used in schedules, API, CLI)
//         full_name: Alice Example
//         email: alice@example.com   # through global.smtp_*
//         sms: "+15550100"           # through `notify.sms`
//         chat: "@alice"             # through `notify.chat` (Slack-compatible webhook)
//         webhook: https://hooks.example.com/alice   # POST of Osprey's incident JSON
//     notify:
//       sms: {url: https://sms.example.com/send, method: POST, content_type: form,
//             params: {to: '{{ .To }}', text: '{{ .Message }}'}}
//       chat: {url: https://hooks.slack.com/services/T/B/X}
//     schedules:
//       - name: primary
//         time_zone: Europe/Berlin   # IANA; default UTC
//         rotations:
//           - name: weekly
//             start: 2026-01-05T09:00:00      # local time in time_zone; first hand-off
//             hand_off: weekly               # daily | weekly | a duration ("12h")
//             participants: [alice, bob]     # in order
//             end: 2027-01-01T00:00:00       # optional
//             restrictions:                  # optional: covers only these times
//               - weekdays: ['monday:friday']   # Alertmanager time_interval syntax
//                 times: [{start_time: '09:00', end_time: '18:00'}]
//         overrides:
//           - person: carol
//             start: 2026-02-01T00:00:00     # local time in time_zone
//             end: 2026-02-08T00:00:00
//             replaces: alice                # optional; default: whoever is on call
//     escalation_policies:
//       - name: ops
//         repeat: 1                  # extra passes over the levels while unacknowledged
//         fallback: [carol]          # notified when a level finds nobody on call
//         levels:
//           - targets: [{schedule: primary}, {person: bob}]
//             escalate_after: 10m    # go to the next level when unacknowledged this long
//         actions:
//           - {run: restart-web, on: open}
//           - {run: page-manager, on: unacknowledged, after: 30m}
//     actions:
//       - name: restart-web
//         http: {url: 'https://ops.example.com/restart/{{ .Service }}', method: POST,
//                body: '{"incident": "{{ .ID }}"}', headers: {X-Token: abc}}
//         # or: command: {path: /usr/local/bin/restart-web, args: [--graceful]}  (no shell;
//         #     args are literal, never templated; incident fields go in OSPREY_* env vars)
//         timeout: 30s
//         rate_limit: {max: 3, per: 1h}  # runs beyond this are skipped and recorded
//         dry_run: false                # true: record what would run, run nothing
//
// Times in schedules are "YYYY-MM-DDTHH:MM:SS" (or "YYYY-MM-DDTHH:MM") in the schedule's zone.
// Errors name file:line:column and the entry: `osprey.yml:40:23: unknown person "dave" in
// incidents.schedules[0] ("primary").rotations[0].participants`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/alertmanager_config.h"
#include "config/http_client_config.h"
#include "config/receiver_config.h"
#include "config/yaml_decoder.h"
#include "model/duration.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

enum class IncidentSeverity { kCritical, kWarning, kInfo };
// "critical", "warning", "info".
std::string_view IncidentSeverityName(IncidentSeverity s);
// Parses exactly those three names; kInvalidArgument otherwise.
Result<IncidentSeverity> ParseIncidentSeverity(std::string_view s);

// A local date-time as written in a schedule ("2026-01-05T09:00:00"); interpreted in the
// schedule's time zone by incidents/oncall.
struct LocalDateTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

struct PersonConfig {
  std::string name;  // Unique, non-empty, [A-Za-z0-9_.@-]+.
  std::string full_name;
  std::string email;    // Optional.
  std::string sms;      // Optional; "+" and digits.
  std::string chat;     // Optional; a handle ("@alice") or channel ("#ops").
  std::string webhook;  // Optional; http(s) URL.
  friend bool operator==(const PersonConfig&, const PersonConfig&) = default;
};

struct IncidentNotifyConfig {
  // SMS gateway: as a receiver's sms_configs entry but without `to` (the person's number).
  std::optional<SmsConfig> sms;
  // Chat: a Slack-compatible incoming webhook; posts {"channel": handle, "text": ...}.
  std::string chat_url;  // Secret. YAML: notify.chat.url
  HttpClientConfig chat_http_config;
  friend bool operator==(const IncidentNotifyConfig&, const IncidentNotifyConfig&) = default;
};

struct RotationConfig {
  enum class HandOff { kDaily, kWeekly, kCustom };
  std::string name;
  LocalDateTime start;
  std::optional<LocalDateTime> end;
  HandOff hand_off = HandOff::kWeekly;
  model::Duration shift_length = model::Duration::Hours(24 * 7);  // Set for all three kinds.
  std::vector<std::string> participants;  // Person names, non-empty, each known.
  // Empty: always covered. Otherwise only the times inside any spec (location ignored: the
  // schedule's time zone applies).
  std::vector<TimeIntervalSpec> restrictions;
  friend bool operator==(const RotationConfig&, const RotationConfig&) = default;
};

struct ScheduleOverrideConfig {
  std::string person;  // Known person.
  LocalDateTime start;
  LocalDateTime end;     // After start.
  std::string replaces;  // Empty: replaces everyone on call then.
  friend bool operator==(const ScheduleOverrideConfig&, const ScheduleOverrideConfig&) = default;
};

struct ScheduleConfig {
  std::string name;  // Unique.
  std::string time_zone = "UTC";
  std::vector<RotationConfig> rotations;  // Non-empty.
  std::vector<ScheduleOverrideConfig> overrides;
  friend bool operator==(const ScheduleConfig&, const ScheduleConfig&) = default;
};

// One target of an escalation level: exactly one of the two is set.
struct EscalationTargetConfig {
  std::string schedule;  // Known schedule.
  std::string person;    // Known person.
  friend bool operator==(const EscalationTargetConfig&, const EscalationTargetConfig&) = default;
};

struct EscalationLevelConfig {
  std::vector<EscalationTargetConfig> targets;  // Non-empty.
  model::Duration escalate_after = model::Duration::Minutes(15);
  friend bool operator==(const EscalationLevelConfig&, const EscalationLevelConfig&) = default;
};

// When an action runs for an incident.
struct ActionTriggerConfig {
  enum class On { kOpen, kUnacknowledged };
  std::string run;  // A known `actions` name.
  On on = On::kOpen;
  model::Duration after;  // kUnacknowledged: how long unacknowledged; kOpen: zero.
  friend bool operator==(const ActionTriggerConfig&, const ActionTriggerConfig&) = default;
};

struct EscalationPolicyConfig {
  std::string name;                           // Unique.
  std::vector<EscalationLevelConfig> levels;  // Non-empty.
  int repeat = 0;                             // 0..10.
  std::vector<std::string> fallback;          // Person names.
  std::vector<ActionTriggerConfig> actions;
  friend bool operator==(const EscalationPolicyConfig&, const EscalationPolicyConfig&) = default;
};

struct IncidentRouteConfig {
  std::vector<std::string> matchers;  // Alertmanager matcher syntax, validated at load.
  std::string policy;                 // Known policy; empty: default_policy.
  std::vector<ActionTriggerConfig> actions;
  friend bool operator==(const IncidentRouteConfig&, const IncidentRouteConfig&) = default;
};

struct ActionConfig {
  struct Http {
    std::string url;  // Template (incident fields); http(s) after expansion.
    std::string method = "POST";
    std::map<std::string, std::string> headers;
    std::string body;  // Template.
    HttpClientConfig http_config;
    friend bool operator==(const Http&, const Http&) = default;
  };
  struct Command {
    std::string path;               // Absolute path to an executable. Not templated.
    std::vector<std::string> args;  // Literal; never templated.
    friend bool operator==(const Command&, const Command&) = default;
  };
  std::string name;          // Unique.
  std::optional<Http> http;  // Exactly one of http and command.
  std::optional<Command> command;
  model::Duration timeout = model::Duration::Seconds(30);
  int rate_limit_max = 0;  // 0: unlimited.
  model::Duration rate_limit_per = model::Duration::Hours(1);
  bool dry_run = false;
  friend bool operator==(const ActionConfig&, const ActionConfig&) = default;
};

struct IncidentsConfig {
  bool enabled = false;  // True when the section is present, unless it says otherwise.
  std::vector<std::string> receivers;
  std::string severity_label = "severity";
  std::map<std::string, IncidentSeverity> severity_map;
  IncidentSeverity default_severity = IncidentSeverity::kWarning;
  std::string service_label = "service";
  bool auto_resolve = true;
  model::Duration reopen_window = model::Duration::Minutes(30);
  model::Duration ack_link_ttl = model::Duration::Hours(24);
  std::string ack_secret_file;  // Resolved against the config's directory.
  std::string default_policy;   // Empty: incidents without a matching route notify nobody.
  std::vector<IncidentRouteConfig> routes;
  std::vector<PersonConfig> people;
  IncidentNotifyConfig notify;
  std::vector<ScheduleConfig> schedules;
  std::vector<EscalationPolicyConfig> escalation_policies;
  std::vector<ActionConfig> actions;
  friend bool operator==(const IncidentsConfig&, const IncidentsConfig&) = default;
};

// Decodes the `incidents:` key of the top-level mapping when present (cross-references
// checked: persons, schedules, policies, actions). Called by ParseConfig, in the style of
// DecodeProbeConfigs. Non-fatal findings (a schedule with gaps or overlaps in the next 4
// weeks is only a warning) are not checked here: see incidents/oncall.h.
Status DecodeIncidentsConfig(const MappingDecoder& m, IncidentsConfig* out);
// Writes the section for Config::ToYaml (secrets as "<secret>"); nothing when !enabled and
// equal to the defaults.
void EmitIncidentsConfig(const IncidentsConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
