#include "server/alertmanager_json.h"

#include <cstdio>
#include <ctime>
#include <utility>

#include "base/strings.h"
#include "model/matcher.h"
#include "server/api_params.h"

namespace osprey::server::amjson {
namespace {

using Json = nlohmann::json;

// Go's zero time.Time, 0001-01-01T00:00:00Z, in milliseconds since the Unix epoch.
constexpr model::Timestamp kGoZeroTime = -62135596800000;

Status FieldError(std::string_view field, std::string_view why) {
  std::string msg(field);
  msg += ": ";
  msg += why;
  return InvalidArgumentError(msg);
}

std::string Field(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

// A labelSet object: string values only.
Result<model::Labels> DecodeLabelSet(const Json& j, const std::string& field) {
  if (!j.is_object()) return FieldError(field, "must be an object of strings");
  std::vector<model::Label> labels;
  for (const auto& item : j.items()) {
    if (!item.value().is_string()) {
      return FieldError(Field(field, item.key()), "must be a string");
    }
    labels.push_back({item.key(), item.value().get<std::string>()});
  }
  return model::Labels(std::move(labels));  // Drops empty values.
}

Result<model::Timestamp> DecodeDateTime(const Json& obj, std::string_view name,
                                        const std::string& field, bool required) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required) return FieldError(field, "required");
    return model::Timestamp{0};
  }
  if (!it->is_string()) return FieldError(field, "must be a date-time string");
  Result<model::Timestamp> t = ParseDateTime(it->get<std::string>());
  if (!t.ok()) return FieldError(field, t.status().message());
  return t;
}

Result<std::string> DecodeString(const Json& obj, std::string_view name, const std::string& field,
                                 bool required) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required) return FieldError(field, "required");
    return std::string();
  }
  if (!it->is_string()) return FieldError(field, "must be a string");
  return it->get<std::string>();
}

Result<bool> DecodeBool(const Json& obj, std::string_view name, const std::string& field,
                        std::optional<bool> fallback) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (!fallback.has_value()) return FieldError(field, "required");
    return *fallback;
  }
  if (!it->is_boolean()) return FieldError(field, "must be a boolean");
  return it->get<bool>();
}

Result<Json> ParseBody(std::string_view body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions only to get the position of the error into the message.
    try {
      Json ignored = Json::parse(body);
      (void)ignored;
    } catch (const Json::exception& e) {
      return InvalidArgumentError(std::string("invalid JSON body: ").append(e.what()));
    }
    return InvalidArgumentError("invalid JSON body");
  }
  return j;
}

}  // namespace

std::string FormatDateTime(model::Timestamp ms) {
  if (ms == 0) ms = kGoZeroTime;
  int64_t secs = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(frac));
  return buf;
}

Result<model::Timestamp> ParseDateTime(std::string_view text) {
  // ParseTime also takes Unix seconds; a date-time always has its "T".
  Result<model::Timestamp> t = InvalidArgumentError("");
  if (text.size() >= 20 && (text[10] == 'T' || text[10] == 't')) t = ParseTime(text);
  if (!t.ok()) {
    std::string msg = "cannot parse ";
    AppendGoQuoted(msg, text, GoQuoteEscapes::kReadable);
    msg += " as a date-time";
    return InvalidArgumentError(msg);
  }
  if (*t == kGoZeroTime) return model::Timestamp{0};
  return t;
}

OrderedJson LabelSetJson(const model::Labels& labels) {
  OrderedJson out = OrderedJson::object();
  for (const model::Label& l : labels) out[l.name] = l.value;
  return out;
}

OrderedJson GettableAlertJson(const model::Alert& alert, const alerting::AlertStatus& status,
                              std::span<const std::string> receivers) {
  OrderedJson out = OrderedJson::object();
  out["annotations"] = LabelSetJson(alert.annotations);
  out["endsAt"] = FormatDateTime(alert.ends_at);
  out["fingerprint"] = alerting::FingerprintString(alert.Fingerprint());
  OrderedJson recv = OrderedJson::array();
  for (const std::string& r : receivers) recv.push_back(OrderedJson{{"name", r}});
  out["receivers"] = std::move(recv);
  out["startsAt"] = FormatDateTime(alert.starts_at);
  out["status"] = OrderedJson{{"inhibitedBy", status.inhibited_by},
                              {"silencedBy", status.silenced_by},
                              {"state", std::string(alerting::AlertStateName(status.state))}};
  out["updatedAt"] = FormatDateTime(alert.updated_at);
  if (!alert.generator_url.empty()) out["generatorURL"] = alert.generator_url;
  out["labels"] = LabelSetJson(alert.labels);
  return out;
}

OrderedJson GettableSilenceJson(const alerting::Silence& s, model::Timestamp now) {
  OrderedJson out = OrderedJson::object();
  out["id"] = s.id;
  out["status"] = OrderedJson{
      {"state", std::string(alerting::SilenceStateName(alerting::SilenceStateAt(s, now)))}};
  out["updatedAt"] = FormatDateTime(s.updated_at);
  out["comment"] = s.comment;
  out["createdBy"] = s.created_by;
  out["endsAt"] = FormatDateTime(s.ends_at);
  OrderedJson matchers = OrderedJson::array();
  for (const model::Matcher& m : s.matchers) {
    const bool is_equal =
        m.type() == model::MatchType::kEqual || m.type() == model::MatchType::kRegexMatch;
    const bool is_regex =
        m.type() == model::MatchType::kRegexMatch || m.type() == model::MatchType::kRegexNoMatch;
    matchers.push_back(OrderedJson{
        {"isEqual", is_equal}, {"isRegex", is_regex}, {"name", m.name()}, {"value", m.value()}});
  }
  out["matchers"] = std::move(matchers);
  out["startsAt"] = FormatDateTime(s.starts_at);
  return out;
}

Result<std::vector<model::Alert>> DecodePostableAlerts(std::string_view body) {
  OSPREY_ASSIGN_OR_RETURN(Json j, ParseBody(body));
  if (!j.is_array()) return InvalidArgumentError("body must be a JSON array of alerts");
  std::vector<model::Alert> alerts;
  alerts.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& a = j[i];
    const std::string prefix = std::string("[").append(std::to_string(i)).append("]");
    if (!a.is_object()) return FieldError(prefix, "must be an object");
    model::Alert alert;
    auto labels = a.find("labels");
    if (labels == a.end() || labels->is_null()) return FieldError(prefix + ".labels", "required");
    OSPREY_ASSIGN_OR_RETURN(alert.labels, DecodeLabelSet(*labels, prefix + ".labels"));
    if (auto ann = a.find("annotations"); ann != a.end() && !ann->is_null()) {
      OSPREY_ASSIGN_OR_RETURN(alert.annotations, DecodeLabelSet(*ann, prefix + ".annotations"));
    }
    OSPREY_ASSIGN_OR_RETURN(alert.starts_at,
                            DecodeDateTime(a, "startsAt", prefix + ".startsAt", false));
    OSPREY_ASSIGN_OR_RETURN(alert.ends_at, DecodeDateTime(a, "endsAt", prefix + ".endsAt", false));
    OSPREY_ASSIGN_OR_RETURN(alert.generator_url,
                            DecodeString(a, "generatorURL", prefix + ".generatorURL", false));
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

Result<alerting::Silence> DecodePostableSilence(std::string_view body) {
  OSPREY_ASSIGN_OR_RETURN(Json j, ParseBody(body));
  if (!j.is_object()) return InvalidArgumentError("body must be a JSON object (a silence)");
  alerting::Silence s;
  OSPREY_ASSIGN_OR_RETURN(s.id, DecodeString(j, "id", "id", false));
  auto ms = j.find("matchers");
  if (ms == j.end() || ms->is_null()) return FieldError("matchers", "required");
  if (!ms->is_array()) return FieldError("matchers", "must be an array");
  if (ms->empty()) return FieldError("matchers", "at least one matcher is required");
  for (size_t i = 0; i < ms->size(); ++i) {
    const Json& m = (*ms)[i];
    const std::string field = std::string("matchers[").append(std::to_string(i)).append("]");
    if (!m.is_object()) return FieldError(field, "must be an object");
    OSPREY_ASSIGN_OR_RETURN(std::string name, DecodeString(m, "name", field + ".name", true));
    OSPREY_ASSIGN_OR_RETURN(std::string value, DecodeString(m, "value", field + ".value", true));
    OSPREY_ASSIGN_OR_RETURN(bool is_regex,
                            DecodeBool(m, "isRegex", field + ".isRegex", std::nullopt));
    OSPREY_ASSIGN_OR_RETURN(bool is_equal, DecodeBool(m, "isEqual", field + ".isEqual", true));
    model::MatchType type =
        is_regex ? (is_equal ? model::MatchType::kRegexMatch : model::MatchType::kRegexNoMatch)
                 : (is_equal ? model::MatchType::kEqual : model::MatchType::kNotEqual);
    Result<model::Matcher> matcher =
        model::Matcher::Create(type, std::move(name), std::move(value));
    if (!matcher.ok()) return FieldError(field, matcher.status().message());
    s.matchers.push_back(std::move(matcher).value());
  }
  OSPREY_ASSIGN_OR_RETURN(s.starts_at, DecodeDateTime(j, "startsAt", "startsAt", true));
  OSPREY_ASSIGN_OR_RETURN(s.ends_at, DecodeDateTime(j, "endsAt", "endsAt", true));
  OSPREY_ASSIGN_OR_RETURN(s.created_by, DecodeString(j, "createdBy", "createdBy", true));
  OSPREY_ASSIGN_OR_RETURN(s.comment, DecodeString(j, "comment", "comment", true));
  return s;
}

}  // namespace osprey::server::amjson
