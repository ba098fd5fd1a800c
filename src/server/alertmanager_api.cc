// Handlers of Alertmanager's API v2. Semantics follow Alertmanager 0.25's api/v2/api.go: the
// alert filter drops alerts that ended, refreshes each alert's status before reading it,
// and applies the filter matchers with Alertmanager's special case for empty values; alerts
// are sorted by fingerprint, groups as the dispatcher gives them, silences by state then
// time (SortSilences).
#include "server/alertmanager_api.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/response.h"
#include "model/alert_matchers.h"
#include "model/matcher.h"
#include "server/alertmanager_json.h"
#include "server/build_info.h"

namespace osprey::server {
namespace {

using amjson::OrderedJson;
using http::Request;
using http::Response;

// Alertmanager's error payload: the schema is `type: string`, so the body is a JSON string.
Response ErrorPayload(int status, std::string_view message) {
  std::string body;
  http::AppendJsonString(body, message);
  return Response::Json(std::move(body), status);
}

// State behind the handlers; shared by them, immutable after construction.
class AlertmanagerApi {
 public:
  explicit AlertmanagerApi(AlertmanagerApiSource source) : src_(std::move(source)) {
    if (src_.registry != nullptr) {
      invalid_ = &src_.registry->NewCounterFamily(
          "osprey_alertmanager_api_invalid_requests_total",
          "Requests to the Alertmanager API v2 rejected as bad input, by endpoint.", {"endpoint"});
    }
  }

  Response GetStatus() const;
  Response GetReceivers() const;
  Response GetAlerts(const Request& req) const;
  Response PostAlerts(const Request& req) const;
  Response GetAlertGroups(const Request& req) const;
  Response GetSilences(const Request& req) const;
  Response PostSilences(const Request& req) const;
  Response GetSilence(const Request& req) const;
  Response DeleteSilence(const Request& req) const;

 private:
  struct AlertFilter {
    std::vector<model::Matcher> matchers;
    std::optional<model::Matcher> receiver;  // Anchored regex on receiver names.
    bool silenced = true;
    bool inhibited = true;
    bool active = true;
    bool unprocessed = true;
  };

  // A 400 counted under `endpoint`.
  Response BadRequest(std::string_view endpoint, std::string_view message) const {
    if (invalid_ != nullptr) invalid_->WithLabels({endpoint}).Inc();
    return ErrorPayload(400, message);
  }
  Result<AlertFilter> ParseAlertFilter(const Request& req, bool with_unprocessed) const;
  // api.alertFilter: not ended, status refreshed, flags and matchers applied.
  bool KeepAlert(const AlertFilter& f, const model::Alert& a, model::Timestamp now) const;

  const AlertmanagerApiSource src_;
  metrics::Family<metrics::Counter>* invalid_ = nullptr;
};

// go-openapi's swag.ConvertBool, which reads the API's boolean query parameters.
std::optional<bool> ParseSwaggerBool(std::string_view s) {
  std::string v(s);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* t :
       {"true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"}) {
    if (v == t) return true;
  }
  for (const char* f : {"false", "0", "no", "n", "off", "f", "disabled", ""}) {
    if (v == f) return false;
  }
  return std::nullopt;
}

Status ParseBoolParam(const Request& req, std::string_view name, bool* out) {
  std::optional<std::string_view> v = req.Param(name);
  if (!v.has_value()) return Status();  // Default true, left as set by the caller.
  std::optional<bool> b = ParseSwaggerBool(*v);
  if (!b.has_value()) {
    std::string msg(name);
    msg += ": invalid boolean \"";
    msg += *v;
    msg += '"';
    return InvalidArgumentError(msg);
  }
  *out = *b;
  return Status();
}

Result<std::vector<model::Matcher>> ParseFilterParams(const Request& req) {
  std::vector<model::Matcher> out;
  for (std::string_view f : req.Params("filter")) {
    Result<model::Matcher> m = model::ParseAlertMatcher(f);
    if (!m.ok()) return InvalidArgumentError(std::string("filter: ").append(m.status().message()));
    out.push_back(std::move(m).value());
  }
  return out;
}

// Alertmanager's matchFilterLabels: a matcher for the empty value also accepts an absent
// label (=, =~) or a present one (!=, !~).
bool MatchFilterLabels(const std::vector<model::Matcher>& matchers, const model::Labels& labels) {
  for (const model::Matcher& m : matchers) {
    const bool present = labels.Has(m.name());
    const bool negative =
        m.type() == model::MatchType::kNotEqual || m.type() == model::MatchType::kRegexNoMatch;
    if (m.value().empty() && (negative ? present : !present)) continue;
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

Result<AlertmanagerApi::AlertFilter> AlertmanagerApi::ParseAlertFilter(
    const Request& req, bool with_unprocessed) const {
  AlertFilter f;
  OSPREY_ASSIGN_OR_RETURN(f.matchers, ParseFilterParams(req));
  if (std::optional<std::string_view> r = req.Param("receiver"); r.has_value()) {
    Result<model::Matcher> m =
        model::Matcher::Create(model::MatchType::kRegexMatch, "receiver", std::string(*r));
    if (!m.ok())
      return InvalidArgumentError(
          std::string("failed to parse receiver param: ").append(m.status().message()));
    f.receiver = std::move(m).value();
  }
  OSPREY_RETURN_IF_ERROR(ParseBoolParam(req, "silenced", &f.silenced));
  OSPREY_RETURN_IF_ERROR(ParseBoolParam(req, "inhibited", &f.inhibited));
  OSPREY_RETURN_IF_ERROR(ParseBoolParam(req, "active", &f.active));
  if (with_unprocessed) OSPREY_RETURN_IF_ERROR(ParseBoolParam(req, "unprocessed", &f.unprocessed));
  return f;
}

bool AlertmanagerApi::KeepAlert(const AlertFilter& f, const model::Alert& a,
                                model::Timestamp now) const {
  if (a.ends_at != 0 && a.ends_at < now) return false;
  if (src_.update_status) src_.update_status(a.labels);
  const alerting::AlertStatus status = src_.marker.Status(a.Fingerprint());
  if (!f.active && status.state == alerting::AlertState::kActive) return false;
  if (!f.unprocessed && status.state == alerting::AlertState::kUnprocessed) return false;
  if (!f.silenced && !status.silenced_by.empty()) return false;
  if (!f.inhibited && !status.inhibited_by.empty()) return false;
  return MatchFilterLabels(f.matchers, a.labels);
}

Response AlertmanagerApi::GetStatus() const {
  OrderedJson out = OrderedJson::object();
  out["cluster"] = OrderedJson{{"peers", OrderedJson::array()}, {"status", "disabled"}};
  out["config"] = OrderedJson{{"original", src_.config_yaml ? src_.config_yaml() : ""}};
  out["uptime"] = amjson::FormatDateTime(src_.start_time);
  out["versionInfo"] =
      OrderedJson{{"branch", kBranch},      {"buildDate", kBuildDate}, {"buildUser", ""},
                  {"goVersion", kCompiler}, {"revision", kRevision},   {"version", kVersion}};
  return Response::Json(out.dump());
}

Response AlertmanagerApi::GetReceivers() const {
  OrderedJson out = OrderedJson::array();
  if (src_.receiver_names) {
    for (const std::string& name : src_.receiver_names())
      out.push_back(OrderedJson{{"name", name}});
  }
  return Response::Json(out.dump());
}

Response AlertmanagerApi::GetAlerts(const Request& req) const {
  constexpr std::string_view kEndpoint = "/api/v2/alerts";
  Result<AlertFilter> f = ParseAlertFilter(req, /*with_unprocessed=*/true);
  if (!f.ok()) return BadRequest(kEndpoint, f.status().message());
  const model::Timestamp now = src_.clock.NowMillis();
  OrderedJson out = OrderedJson::array();
  // List() is sorted by fingerprint, which is Alertmanager's order (16 hex digits each).
  for (const model::Alert& a : src_.alerts.List()) {
    std::vector<std::string> receivers;
    if (src_.receivers_for) receivers = src_.receivers_for(a.labels);
    if (f->receiver.has_value() &&
        std::none_of(receivers.begin(), receivers.end(),
                     [&](const std::string& r) { return f->receiver->Matches(r); })) {
      continue;
    }
    if (!KeepAlert(*f, a, now)) continue;
    out.push_back(amjson::GettableAlertJson(a, src_.marker.Status(a.Fingerprint()), receivers));
  }
  return Response::Json(out.dump());
}

Response AlertmanagerApi::PostAlerts(const Request& req) const {
  constexpr std::string_view kEndpoint = "/api/v2/alerts";
  Result<std::vector<model::Alert>> alerts = amjson::DecodePostableAlerts(req.body);
  if (!alerts.ok()) return BadRequest(kEndpoint, alerts.status().message());
  // Best effort, as Alertmanager: store the valid alerts, report the others by index. The
  // store fills the times; a copy with starts_at filled the same way is checked here so that
  // the error can name the index.
  const model::Timestamp now = src_.clock.NowMillis();
  std::vector<model::Alert> valid;
  std::string errors;
  for (size_t i = 0; i < alerts->size(); ++i) {
    model::Alert& a = (*alerts)[i];
    model::Alert check = a;
    if (check.starts_at == 0) check.starts_at = check.ends_at != 0 ? check.ends_at : now;
    if (Status s = alerting::ValidateAlert(check); !s.ok()) {
      if (!errors.empty()) errors += "; ";
      errors.append("[").append(std::to_string(i)).append("]: ").append(s.message());
      continue;
    }
    valid.push_back(std::move(a));
  }
  if (!valid.empty()) {
    if (Status s = src_.alerts.Put(std::move(valid), now); !s.ok()) {
      if (s.code() != StatusCode::kInvalidArgument) return ErrorPayload(500, s.message());
      if (!errors.empty()) errors += "; ";
      errors += s.message();
    }
  }
  if (!errors.empty()) return BadRequest(kEndpoint, errors);
  return Response{.status = 200, .headers = {}, .body = ""};
}

Response AlertmanagerApi::GetAlertGroups(const Request& req) const {
  Result<AlertFilter> f = ParseAlertFilter(req, /*with_unprocessed=*/false);
  if (!f.ok()) return BadRequest("/api/v2/alerts/groups", f.status().message());
  OrderedJson out = OrderedJson::array();
  if (!src_.groups) return Response::Json(out.dump());
  const model::Timestamp now = src_.clock.NowMillis();
  const AlertFilter& filter = *f;
  auto route_filter = [&filter](const alerting::Route& r) {
    return !filter.receiver.has_value() || filter.receiver->Matches(r.opts().receiver);
  };
  auto alert_filter = [this, &filter, now](const model::Alert& a) {
    return KeepAlert(filter, a, now);
  };
  alerting::GroupsView view = src_.groups(route_filter, alert_filter);
  for (const alerting::AlertGroupView& g : view.groups) {
    OrderedJson alerts = OrderedJson::array();
    for (const model::Alert& a : g.alerts) {
      const uint64_t fp = a.Fingerprint();
      auto it = view.receivers.find(fp);
      std::span<const std::string> receivers;
      if (it != view.receivers.end()) receivers = it->second;
      alerts.push_back(amjson::GettableAlertJson(a, src_.marker.Status(fp), receivers));
    }
    OrderedJson group = OrderedJson::object();
    group["alerts"] = std::move(alerts);
    group["labels"] = amjson::LabelSetJson(g.labels);
    group["receiver"] = OrderedJson{{"name", g.receiver}};
    out.push_back(std::move(group));
  }
  return Response::Json(out.dump());
}

Response AlertmanagerApi::GetSilences(const Request& req) const {
  Result<std::vector<model::Matcher>> matchers = ParseFilterParams(req);
  if (!matchers.ok()) return BadRequest("/api/v2/silences", matchers.status().message());
  const model::Timestamp now = src_.clock.NowMillis();
  std::vector<alerting::Silence> sils =
      src_.silences.Query(alerting::SilenceQuery{.with_matchers = std::move(matchers).value()});
  // Alertmanager's SortSilences: active (next to end first), pending (next to start first),
  // expired (most recently ended first). Stable, so equal times keep the id order.
  auto rank = [](alerting::SilenceState s) {
    switch (s) {
      case alerting::SilenceState::kActive:
        return 1;
      case alerting::SilenceState::kPending:
        return 2;
      case alerting::SilenceState::kExpired:
        return 3;
    }
    return 4;
  };
  std::stable_sort(sils.begin(), sils.end(),
                   [&](const alerting::Silence& a, const alerting::Silence& b) {
                     const alerting::SilenceState sa = alerting::SilenceStateAt(a, now);
                     const alerting::SilenceState sb = alerting::SilenceStateAt(b, now);
                     if (sa != sb) return rank(sa) < rank(sb);
                     switch (sa) {
                       case alerting::SilenceState::kActive:
                         return a.ends_at < b.ends_at;
                       case alerting::SilenceState::kPending:
                         return a.starts_at < b.starts_at;
                       case alerting::SilenceState::kExpired:
                         return a.ends_at > b.ends_at;
                     }
                     return false;
                   });
  OrderedJson out = OrderedJson::array();
  for (const alerting::Silence& s : sils) out.push_back(amjson::GettableSilenceJson(s, now));
  return Response::Json(out.dump());
}

Response AlertmanagerApi::PostSilences(const Request& req) const {
  constexpr std::string_view kEndpoint = "/api/v2/silences";
  Result<alerting::Silence> sil = amjson::DecodePostableSilence(req.body);
  if (!sil.ok()) return BadRequest(kEndpoint, sil.status().message());
  if (sil->starts_at >= sil->ends_at) {
    return BadRequest(kEndpoint, "Failed to create silence: start time must be before end time");
  }
  if (sil->ends_at < src_.clock.NowMillis()) {
    return BadRequest(kEndpoint, "Failed to create silence: end time can't be in the past");
  }
  Result<std::string> id = src_.silences.Set(std::move(sil).value());
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kNotFound) {
      return ErrorPayload(404, id.status().message());
    }
    return BadRequest(kEndpoint, id.status().message());
  }
  return Response::Json(OrderedJson{{"silenceID", *id}}.dump());
}

Response AlertmanagerApi::GetSilence(const Request& req) const {
  Result<alerting::Silence> s = src_.silences.Get(req.PathParam("id"));
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound) return ErrorPayload(404, "silence not found");
    return ErrorPayload(500, s.status().message());
  }
  return Response::Json(amjson::GettableSilenceJson(*s, src_.clock.NowMillis()).dump());
}

Response AlertmanagerApi::DeleteSilence(const Request& req) const {
  Status s = src_.silences.Expire(req.PathParam("id"));
  if (s.ok()) return Response{.status = 200, .headers = {}, .body = ""};
  if (s.code() == StatusCode::kNotFound) return ErrorPayload(404, "silence not found");
  if (s.code() == StatusCode::kFailedPrecondition) {
    return BadRequest("/api/v2/silence/:id", s.message());
  }
  return ErrorPayload(500, s.message());
}

}  // namespace

void RegisterAlertmanagerRoutes(http::Router& router, AlertmanagerApiSource source) {
  auto api = std::make_shared<const AlertmanagerApi>(std::move(source));
  router.Handle("GET", "/api/v2/status", [api](const Request&) { return api->GetStatus(); });
  router.Handle("GET", "/api/v2/receivers", [api](const Request&) { return api->GetReceivers(); });
  router.Handle("GET", "/api/v2/alerts", [api](const Request& r) { return api->GetAlerts(r); });
  router.Handle("POST", "/api/v2/alerts", [api](const Request& r) { return api->PostAlerts(r); });
  router.Handle("GET", "/api/v2/alerts/groups",
                [api](const Request& r) { return api->GetAlertGroups(r); });
  router.Handle("GET", "/api/v2/silences", [api](const Request& r) { return api->GetSilences(r); });
  router.Handle("POST", "/api/v2/silences",
                [api](const Request& r) { return api->PostSilences(r); });
  router.Handle("GET", "/api/v2/silence/:id",
                [api](const Request& r) { return api->GetSilence(r); });
  router.Handle("DELETE", "/api/v2/silence/:id",
                [api](const Request& r) { return api->DeleteSilence(r); });
}

}  // namespace osprey::server
