#include "server/incidents_api.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include "base/html.h"
#include "base/strings.h"
#include "http/basic_auth.h"
#include "http/response.h"

namespace osprey::server {
namespace {

using http::Request;
using http::Response;
using incidents::Incident;
using Json = nlohmann::json;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 10000;
constexpr size_t kMaxNoteChars = 10000;
constexpr size_t kMaxNameBytes = 256;

OrderedJson TimeOrNull(int64_t ms) {
  if (ms <= 0) return nullptr;
  return FormatRfc3339Millis(ms);
}

OrderedJson SecondsOrNull(std::optional<int64_t> ms) {
  if (!ms.has_value()) return nullptr;
  return static_cast<double>(*ms) / 1000.0;
}

OrderedJson LabelsJson(const model::Labels& labels) {
  OrderedJson out = OrderedJson::object();
  for (const model::Label& l : labels) out[l.name] = l.value;
  return out;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

// {"status":"success","data":...} keeping the field order of `data`.
Response Success(OrderedJson data) {
  return Response::Json(OrderedJson{{"status", "success"}, {"data", std::move(data)}}.dump());
}

Response Error(const Status& s) { return http::StatusErrorResponse(s); }

Status BadParam(std::string_view name, std::string_view why) {
  return InvalidArgumentError(
      std::string("invalid parameter \"").append(name).append("\": ").append(why));
}

Result<int64_t> ParseId(const Request& r) {
  std::string_view text = r.PathParam("id");
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) {
    std::string quoted;
    AppendGoQuoted(quoted, text, GoQuoteEscapes::kReadable);
    return BadParam("id", quoted + " is not an incident id (a positive integer)");
  }
  return id;
}

Result<incidents::IncidentFilter> ParseFilter(const Request& r) {
  incidents::IncidentFilter f;
  f.limit = kDefaultLimit;
  if (auto state = r.Param("state"); state.has_value() && !state->empty()) {
    if (*state == "open") {
      f.open_only = true;
    } else {
      Result<incidents::State> s = incidents::ParseState(*state);
      if (!s.ok()) {
        return BadParam("state", "must be one of triggered, acknowledged, resolved, open");
      }
      f.state = *s;
    }
  }
  if (auto sev = r.Param("severity"); sev.has_value() && !sev->empty()) {
    Result<incidents::Severity> s = config::ParseIncidentSeverity(*sev);
    if (!s.ok()) return BadParam("severity", "must be one of critical, warning, info");
    f.severity = *s;
  }
  if (auto service = r.Param("service"); service.has_value()) f.service = std::string(*service);
  if (auto limit = r.Param("limit"); limit.has_value() && !limit->empty()) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || ptr != limit->data() + limit->size() || n <= 0 || n > kMaxLimit) {
      return BadParam("limit", "must be an integer from 1 to " + std::to_string(kMaxLimit));
    }
    f.limit = n;
  }
  return f;
}

// The user of a basic-auth Authorization header, or "".
std::string BasicAuthUser(const Request& r) {
  std::optional<std::string_view> auth = r.Header("Authorization");
  if (!auth.has_value()) return "";
  std::optional<http::BasicCredentials> creds = http::ParseBasicAuthorization(*auth);
  return creds.has_value() ? creds->user : "";
}

// The request's JSON body as an object; an empty body is {}.
Result<Json> ParseBody(const Request& r) {
  if (r.body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions only for the position of the error.
    try {
      Json ignored = Json::parse(r.body);
      (void)ignored;
    } catch (const Json::exception& e) {
      return InvalidArgumentError(std::string("invalid JSON body: ").append(e.what()));
    }
    return InvalidArgumentError("invalid JSON body");
  }
  if (!j.is_object()) return InvalidArgumentError("invalid JSON body: must be an object");
  return j;
}

// body[field] as a string; nullopt when absent or null.
Result<std::optional<std::string>> StringField(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return InvalidArgumentError(
        std::string("body field \"").append(field).append("\": must be a string"));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> RequiredString(const Json& body, const char* field) {
  OSPREY_ASSIGN_OR_RETURN(std::optional<std::string> v, StringField(body, field));
  if (!v.has_value() || v->empty()) {
    return InvalidArgumentError(std::string("body field \"").append(field).append("\": required"));
  }
  return *v;
}

Result<incidents::Actor> ParseActor(const Request& r, const Json& body) {
  incidents::Actor actor;
  OSPREY_ASSIGN_OR_RETURN(std::optional<std::string> by, StringField(body, "by"));
  if (by.has_value() && !by->empty()) {
    if (by->size() > kMaxNameBytes || !IsValidUtf8(*by)) {
      return InvalidArgumentError("body field \"by\": must be valid UTF-8 of at most " +
                                  std::to_string(kMaxNameBytes) + " bytes");
    }
    actor.name = *by;
  } else {
    actor.name = BasicAuthUser(r);
    if (actor.name.empty()) actor.name = "api";
  }
  actor.via = "api";
  if (auto via = r.Header("X-Osprey-Via"); via.has_value() && !via->empty()) {
    if (*via != "ui" && *via != "cli" && *via != "api") {
      return InvalidArgumentError("header X-Osprey-Via: must be one of ui, cli, api");
    }
    actor.via = std::string(*via);
  }
  return actor;
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

using ActionFunc =
    std::function<Status(incidents::Manager&, int64_t, const incidents::Actor&, const Json&)>;

// POST /api/v1/incidents/:id/<name>: parse id, body and actor, run `action`, answer with the
// incident after the change.
void HandleAction(http::Router& router, const IncidentsApiSource& source, const char* name,
                  ActionFunc action) {
  router.Handle("POST", std::string("/api/v1/incidents/:id/").append(name),
                [&source, action = std::move(action)](const Request& r) {
                  Result<int64_t> id = ParseId(r);
                  if (!id.ok()) return Error(id.status());
                  Result<Json> body = ParseBody(r);
                  if (!body.ok()) return Error(body.status());
                  Result<incidents::Actor> actor = ParseActor(r, *body);
                  if (!actor.ok()) return Error(actor.status());
                  Status s = action(source.manager, *id, *actor, *body);
                  if (!s.ok()) return Error(s);
                  Result<Incident> incident = source.manager.Get(*id);
                  if (!incident.ok()) return Error(incident.status());
                  return Success(IncidentJson(*incident, source.external_url()));
                });
}

// The acknowledgement page: a heading, one sentence, and a link to the incident when known.
Response AckPage(int status, std::string_view heading, std::string_view sentence,
                 std::string_view link) {
  std::string h = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Osprey: ";
  h += HtmlEscape(heading);
  h += "</title><meta name=\"viewport\" content=\"width=device-width\">"
       "<meta name=\"robots\" content=\"noindex\">"
       "<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:3em auto;"
       "color:#1f2328}.ok{color:#2da44e}.err{color:#cf222e}</style></head><body><h1 class=\"";
  h += status == 200 ? "ok" : "err";
  h += "\">" + HtmlEscape(heading) + "</h1><p>" + HtmlEscape(sentence) + "</p>";
  if (!link.empty()) {
    h += "<p><a href=\"" + HtmlEscape(link) + "\">Open the incident in Osprey</a></p>";
  }
  h += "</body></html>\n";
  Response r = Response::Text(std::move(h), status, "text/html; charset=utf-8");
  // The token is the credential: keep it out of caches and of other sites' Referer.
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Referrer-Policy", "no-referrer");
  return r;
}

Response HandleAckLink(const IncidentsApiSource& source, const Request& r) {
  const std::string token(r.PathParam("token"));
  Result<Incident> incident = source.manager.AcknowledgeByLink(token);
  if (incident.ok()) {
    std::string url = source.external_url();
    std::string link = url.empty() ? "" : url + "/incidents/" + std::to_string(incident->id);
    return AckPage(200, "Acknowledged",
                   "Incident #" + std::to_string(incident->id) + " acknowledged by " +
                       incident->acknowledged_by + ".",
                   link);
  }
  const Status& s = incident.status();
  int code = 500;
  std::string heading = "Acknowledgement failed";
  std::string sentence;
  switch (s.code()) {
    case StatusCode::kPermissionDenied:
      code = 403;
      heading = "Invalid link";
      sentence =
          "This acknowledgement link is not valid: it was not issued by this Osprey or it was "
          "altered. Acknowledge the incident in Osprey instead.";
      break;
    case StatusCode::kDeadlineExceeded:
      code = 410;
      heading = "Link expired";
      sentence =
          "This acknowledgement link has expired. Acknowledge the incident in Osprey instead.";
      break;
    case StatusCode::kAlreadyExists:
      code = 409;
      heading = "Link already used";
      sentence = "This acknowledgement link was already used; each link works once.";
      break;
    case StatusCode::kFailedPrecondition:
      code = 409;
      heading = "Not acknowledged";
      sentence = "The incident cannot be acknowledged: " + s.message() + ".";
      break;
    case StatusCode::kNotFound:
      code = 404;
      heading = "Unknown incident";
      sentence = "The incident of this link does not exist (any more).";
      break;
    default:
      sentence = "Osprey could not acknowledge the incident: " + s.message() + ".";
  }
  // The manager logs (warn) and counts each rejection; this adds who sent it.
  if (source.logger != nullptr) {
    source.logger->Debug("Rejected acknowledgement link",
                         {{"status", code}, {"err", s.message()}, {"remote", r.remote_address}});
  }
  return AckPage(code, heading, sentence, "");
}

}  // namespace

OrderedJson IncidentJson(const Incident& i, std::string_view external_url) {
  OrderedJson alerts = OrderedJson::array();
  for (const incidents::IncidentAlert& a : i.alerts) {
    OrderedJson annotations = OrderedJson::object();
    for (const auto& [k, v] : a.annotations) annotations[k] = v;
    alerts.push_back({{"fingerprint", Hex16(a.fingerprint)},
                      {"labels", LabelsJson(a.labels)},
                      {"annotations", std::move(annotations)},
                      {"status", a.firing ? "firing" : "resolved"},
                      {"starts_at", TimeOrNull(a.starts_at_ms)},
                      {"ends_at", a.firing ? OrderedJson(nullptr) : TimeOrNull(a.ends_at_ms)},
                      {"generator_url", a.generator_url}});
  }
  return OrderedJson{
      {"id", i.id},
      {"state", std::string(incidents::StateName(i.state))},
      {"title", i.title},
      {"severity", std::string(config::IncidentSeverityName(i.severity))},
      {"services", i.services},
      {"group_key", i.group_key},
      {"receiver", i.receiver},
      {"group_labels", LabelsJson(i.group_labels)},
      {"policy", i.policy},
      {"assignee", i.assignee},
      {"opened_at", TimeOrNull(i.opened_at_ms)},
      {"acknowledged_at", TimeOrNull(i.acknowledged_at_ms)},
      {"acknowledged_by", i.acknowledged_by},
      {"resolved_at", TimeOrNull(i.resolved_at_ms)},
      {"resolved_by", i.resolved_by},
      {"escalation_level", i.escalation_level},
      {"next_escalation_at", TimeOrNull(i.next_escalation_at_ms)},
      {"mtta_seconds", SecondsOrNull(incidents::TimeToAcknowledge(i))},
      {"mttr_seconds", SecondsOrNull(incidents::TimeToResolve(i))},
      {"url", std::string(external_url).append("/incidents/").append(std::to_string(i.id))},
      {"alerts", std::move(alerts)},
  };
}

OrderedJson EventJson(const incidents::Event& e) {
  OrderedJson detail = OrderedJson::parse(e.detail_json, nullptr, /*allow_exceptions=*/false);
  if (detail.is_discarded() || !detail.is_object()) detail = OrderedJson::object();
  return OrderedJson{{"id", e.id},
                     {"at", TimeOrNull(e.at_ms)},
                     {"kind", std::string(incidents::EventKindName(e.kind))},
                     {"actor", e.actor},
                     {"message", e.message},
                     {"detail", std::move(detail)}};
}

void RegisterIncidentsRoutes(http::Router& router, const IncidentsApiSource& source) {
  router.Handle("GET", "/api/v1/incidents", [&source](const Request& r) {
    Result<incidents::IncidentFilter> filter = ParseFilter(r);
    if (!filter.ok()) return Error(filter.status());
    const std::string url = source.external_url();
    OrderedJson data = OrderedJson::array();
    for (const Incident& i : source.manager.List(*filter)) data.push_back(IncidentJson(i, url));
    return Success(std::move(data));
  });
  router.Handle("GET", "/api/v1/incidents/:id", [&source](const Request& r) {
    Result<int64_t> id = ParseId(r);
    if (!id.ok()) return Error(id.status());
    Result<Incident> incident = source.manager.Get(*id);
    if (!incident.ok()) return Error(incident.status());
    Result<std::vector<incidents::Event>> timeline = source.manager.Timeline(*id);
    if (!timeline.ok()) return Error(timeline.status());
    OrderedJson data = IncidentJson(*incident, source.external_url());
    OrderedJson events = OrderedJson::array();
    for (const incidents::Event& e : *timeline) events.push_back(EventJson(e));
    data["timeline"] = std::move(events);
    return Success(std::move(data));
  });
  HandleAction(router, source, "ack",
               [](incidents::Manager& m, int64_t id, const incidents::Actor& a, const Json&) {
                 return m.Acknowledge(id, a);
               });
  HandleAction(router, source, "resolve",
               [](incidents::Manager& m, int64_t id, const incidents::Actor& a, const Json&) {
                 return m.Resolve(id, a);
               });
  HandleAction(router, source, "notes",
               [](incidents::Manager& m, int64_t id, const incidents::Actor& a, const Json& body) {
                 OSPREY_ASSIGN_OR_RETURN(std::string text, RequiredString(body, "text"));
                 if (!IsValidUtf8(text) || Utf8Chars(text) > kMaxNoteChars) {
                   return InvalidArgumentError(
                       "body field \"text\": must be valid UTF-8 of at "
                       "most 10000 characters");
                 }
                 return m.AddNote(id, a, text);
               });
  HandleAction(router, source, "assign",
               [](incidents::Manager& m, int64_t id, const incidents::Actor& a, const Json& body) {
                 OSPREY_ASSIGN_OR_RETURN(std::string assignee, RequiredString(body, "assignee"));
                 return m.Assign(id, a, assignee);
               });
  HandleAction(router, source, "severity",
               [](incidents::Manager& m, int64_t id, const incidents::Actor& a, const Json& body) {
                 OSPREY_ASSIGN_OR_RETURN(std::string text, RequiredString(body, "severity"));
                 Result<incidents::Severity> sev = config::ParseIncidentSeverity(text);
                 if (!sev.ok()) {
                   return InvalidArgumentError(
                       "body field \"severity\": must be one of critical, warning, info");
                 }
                 return m.SetSeverity(id, a, *sev);
               });
  router.Handle("GET", "/api/v1/oncall", [&source](const Request&) {
    OrderedJson schedules = OrderedJson::array();
    for (const incidents::Manager::OnCallEntry& e : source.manager.OnCallNow()) {
      schedules.push_back({{"schedule", e.schedule},
                           {"now", e.now},
                           {"next", e.next},
                           {"next_change_at", TimeOrNull(e.next_change_at_ms)}});
    }
    OrderedJson policies = OrderedJson::array();
    if (source.policies_now) {
      for (const PolicyOnCall& p : source.policies_now()) {
        policies.push_back({{"policy", p.policy}, {"level1_now", p.level1_now}});
      }
    }
    return Success(
        OrderedJson{{"schedules", std::move(schedules)}, {"policies", std::move(policies)}});
  });
  router.Handle("GET", "/ack/:token",
                [&source](const Request& r) { return HandleAckLink(source, r); });
}

}  // namespace osprey::server
