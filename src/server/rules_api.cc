#include "server/rules_api.h"

#include <charconv>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "http/response.h"
#include "server/api_params.h"

namespace osprey::server {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;

Json LabelsJson(const model::Labels& l) {
  Json out = Json::object();
  for (const model::Label& label : l) out[label.name] = label.value;
  return out;
}

// Go's time.Time JSON form (RFC 3339 with trailing zeros of the fraction trimmed); the zero
// time for 0 ("never").
std::string GoTime(model::Timestamp ms) {
  if (ms == 0) return "0001-01-01T00:00:00Z";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int frac = static_cast<int>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (frac != 0) {
    char f[8];
    std::snprintf(f, sizeof(f), ".%03d", frac);
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  out += 'Z';
  return out;
}

// Seconds as Go's encoding/json writes a float64: no ".0" on whole numbers.
Json Seconds(double s) {
  if (std::isfinite(s) && s == std::floor(s) && std::fabs(s) < 1e15) {
    return static_cast<int64_t>(s);
  }
  return s;
}
Json DurationSeconds(model::Duration d) {
  if (d.ms % 1000 == 0) return d.ms / 1000;
  return static_cast<double>(d.ms) / 1000.0;
}

// Go's strconv.FormatFloat(v, 'e', -1, 64): "1e+00", "5.5e-01", "NaN", "+Inf".
std::string FormatValueE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, ptr);
}

Json AlertJson(const rules::AlertSnapshot& a) {
  Json out = {{"labels", LabelsJson(a.labels)},
              {"annotations", LabelsJson(a.annotations)},
              {"state", std::string(rules::AlertStateName(a.state))},
              {"activeAt", GoTime(a.active_at)},
              {"value", FormatValueE(a.value)}};
  if (a.keep_firing_since != 0) out["keepFiringSince"] = GoTime(a.keep_firing_since);
  return out;
}

Response InvalidParam(std::string_view name, std::string_view why) {
  std::string msg = "invalid parameter \"";
  msg += name;
  msg += "\": ";
  msg += why;
  return http::ErrorResponse(400, "bad_data", msg);
}

// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view s) {
  static const std::set<std::string_view> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::set<std::string_view> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  if (kTrue.contains(s)) return true;
  if (kFalse.contains(s)) return false;
  return std::nullopt;
}

bool MatchesAny(const std::vector<std::vector<model::Matcher>>& sets, const model::Labels& l) {
  if (sets.empty()) return true;
  for (const std::vector<model::Matcher>& set : sets) {
    bool all = true;
    for (const model::Matcher& m : set) {
      if (!m.Matches(l.Get(m.name()))) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::set<std::string, std::less<>> ParamSet(const Request& req, std::string_view name) {
  std::set<std::string, std::less<>> out;
  for (std::string_view v : req.Params(name)) out.emplace(v);
  return out;
}

Response Rules(const Request& req, const RuleGroupsFunc& groups) {
  std::string type(req.Param("type").value_or(""));
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!type.empty() && type != "alert" && type != "record") {
    return InvalidParam("type", "not supported value \"" + type + "\"");
  }
  const bool want_alerts = type.empty() || type == "alert";
  const bool want_records = type.empty() || type == "record";
  bool exclude_alerts = false;
  if (std::string_view v = req.Param("exclude_alerts").value_or(""); !v.empty()) {
    std::optional<bool> b = ParseGoBool(v);
    if (!b.has_value()) {
      return InvalidParam("exclude_alerts",
                          "strconv.ParseBool: parsing \"" + std::string(v) + "\": invalid syntax");
    }
    exclude_alerts = *b;
  }
  Result<std::vector<std::vector<model::Matcher>>> matchers = ParseMatchParams(req);
  if (!matchers.ok()) return http::ErrorResponse(400, "bad_data", matchers.status().message());
  const auto names = ParamSet(req, "rule_name[]");
  const auto group_names = ParamSet(req, "rule_group[]");
  const auto files = ParamSet(req, "file[]");

  Json out_groups = Json::array();
  for (const rules::GroupSnapshot& g : groups()) {
    if (!group_names.empty() && !group_names.contains(g.name)) continue;
    if (!files.empty() && !files.contains(g.file)) continue;
    Json out_rules = Json::array();
    for (const rules::RuleSnapshot& r : g.rules) {
      if (!names.empty() && !names.contains(r.name)) continue;
      if (!MatchesAny(*matchers, r.labels)) continue;
      Json rule;
      if (r.alerting) {
        if (!want_alerts) continue;
        Json alerts = nullptr;  // Go's nil slice when excluded
        if (!exclude_alerts) {
          alerts = Json::array();
          for (const rules::AlertSnapshot& a : r.alerts) alerts.push_back(AlertJson(a));
        }
        rule = {{"state", std::string(rules::AlertStateName(r.state))},
                {"name", r.name},
                {"query", r.query},
                {"duration", DurationSeconds(r.for_duration)},
                {"keepFiringFor", DurationSeconds(r.keep_firing_for)},
                {"labels", LabelsJson(r.labels)},
                {"annotations", LabelsJson(r.annotations)},
                {"alerts", std::move(alerts)},
                {"health", std::string(rules::RuleHealthName(r.health))},
                {"evaluationTime", Seconds(r.evaluation_seconds)},
                {"lastEvaluation", GoTime(r.last_evaluation)},
                {"type", "alerting"}};
      } else {
        if (!want_records) continue;
        rule = {{"name", r.name},
                {"query", r.query},
                {"labels", LabelsJson(r.labels)},
                {"health", std::string(rules::RuleHealthName(r.health))},
                {"evaluationTime", Seconds(r.evaluation_seconds)},
                {"lastEvaluation", GoTime(r.last_evaluation)},
                {"type", "recording"}};
      }
      if (!r.last_error.empty()) rule["lastError"] = r.last_error;
      out_rules.push_back(std::move(rule));
    }
    // Prometheus leaves out groups whose rules were all filtered away.
    if (out_rules.empty()) continue;
    out_groups.push_back({{"name", g.name},
                          {"file", g.file},
                          {"rules", std::move(out_rules)},
                          {"interval", DurationSeconds(g.interval)},
                          {"limit", g.limit},
                          {"evaluationTime", Seconds(g.evaluation_seconds)},
                          {"lastEvaluation", GoTime(g.last_evaluation)}});
  }
  return Response::Json(SuccessJson(Json{{"groups", std::move(out_groups)}}));
}

Response Alerts(const RuleGroupsFunc& groups) {
  Json alerts = Json::array();
  for (const rules::GroupSnapshot& g : groups()) {
    for (const rules::RuleSnapshot& r : g.rules) {
      if (!r.alerting) continue;
      for (const rules::AlertSnapshot& a : r.alerts) alerts.push_back(AlertJson(a));
    }
  }
  return Response::Json(SuccessJson(Json{{"alerts", std::move(alerts)}}));
}

}  // namespace

void RegisterRulesRoutes(http::Router& router, RuleGroupsFunc groups) {
  router.Handle("GET", "/api/v1/rules",
                [groups](const Request& req) { return Rules(req, groups); });
  router.Handle("GET", "/api/v1/alerts", [groups](const Request&) { return Alerts(groups); });
}

}  // namespace osprey::server
