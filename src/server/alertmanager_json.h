// JSON forms of Alertmanager 0.25's API v2 models (api/v2/openapi.yaml): gettable alerts and
// silences out, postable alerts and silences in. Field order follows Alertmanager's generated
// models (go-swagger concatenates the allOf parts), times are go-openapi's strfmt.DateTime
// ("2026-01-02T03:04:05.000Z", always UTC here). Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/marker.h"
#include "alerting/silence.h"
#include "base/status.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::server::amjson {

using OrderedJson = nlohmann::ordered_json;

// strfmt.DateTime's JSON text: RFC 3339 with milliseconds in UTC. 0 ("not set") prints as Go's
// zero time, "0001-01-01T00:00:00.000Z".
std::string FormatDateTime(model::Timestamp ms);
// Parses an RFC 3339 date-time (any fraction digits, "Z" or a numeric offset). Go's zero time
// gives 0 ("not set"). kInvalidArgument naming the text otherwise.
Result<model::Timestamp> ParseDateTime(std::string_view text);

// {"name": value, ...}.
OrderedJson LabelSetJson(const model::Labels& labels);

// gettableAlert: annotations, endsAt, fingerprint, receivers [{name}], startsAt, status
// {inhibitedBy, silencedBy, state}, updatedAt, generatorURL (when set), labels.
OrderedJson GettableAlertJson(const model::Alert& alert, const alerting::AlertStatus& status,
                              std::span<const std::string> receivers);

// gettableSilence: id, status {state} (at `now`), updatedAt, comment, createdBy, endsAt,
// matchers [{isEqual, isRegex, name, value}], startsAt.
OrderedJson GettableSilenceJson(const alerting::Silence& silence, model::Timestamp now);

// Decodes a postableAlerts body: a JSON array of {labels (required), annotations, startsAt,
// endsAt, generatorURL}. Empty label values are dropped, as Alertmanager does. Errors are
// kInvalidArgument naming the element and field: `[1].labels: required`,
// `[0].startsAt: cannot parse "x" as a date-time`.
Result<std::vector<model::Alert>> DecodePostableAlerts(std::string_view body);

// Decodes a postableSilence body: {id (optional), matchers (at least one, each {name, value,
// isRegex, isEqual (default true)}), startsAt, endsAt, createdBy, comment}, all but id
// required. Errors are kInvalidArgument naming the field: `matchers[0].isRegex: required`,
// `matchers[1]: invalid regular expression ...`.
Result<alerting::Silence> DecodePostableSilence(std::string_view body);

}  // namespace osprey::server::amjson
