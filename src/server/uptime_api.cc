#include "server/uptime_api.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/html.h"
#include "base/strings.h"
#include "http/response.h"
#include "promql/engine.h"
#include "server/api_params.h"

namespace osprey::server {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
constexpr int kDays = 90;
constexpr const char* kWindows[3] = {"24h", "7d", "30d"};

// probe_success{job="probe",probe="<name>"}, the name quoted for PromQL.
std::string Selector(const std::string& name) {
  std::string s = R"(probe_success{job="probe",probe=")";
  for (char c : name) {
    if (c == '"' || c == '\\') s += '\\';
    if (c == '\n') {
      s += "\\n";
      continue;
    }
    s += c;
  }
  s += "\"}";
  return s;
}

// The single value an instant query returns, or nullopt.
Result<std::optional<double>> One(const promql::Engine& engine, storage::Queryable& storage,
                                  const std::string& query, model::Timestamp t) {
  OSPREY_ASSIGN_OR_RETURN(promql::QueryResult r, engine.Instant(storage, query, t));
  if (r.vector.empty()) return std::optional<double>();
  return std::optional<double>(r.vector.front().v);
}

std::string Percent(const std::optional<double>& v) {
  if (!v.has_value()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", *v * 100);
  return buf;
}

const char* CellColor(const std::optional<double>& v) {
  if (!v.has_value()) return "#d0d4d9";
  if (*v >= 0.999) return "#2da44e";
  if (*v >= 0.99) return "#d4a72c";
  return "#cf222e";
}

std::string IncidentsSection(const std::vector<incidents::Incident>& list) {
  if (list.empty()) return "";
  std::string h = "<h2>Open incidents</h2>";
  for (const incidents::Incident& i : list) {
    const std::string severity(config::IncidentSeverityName(i.severity));
    h += "<div class=\"check incident\"><div class=\"head\"><span><b>" + HtmlEscape(i.title) +
         "</b> <span class=\"meta\">" + HtmlEscape(severity) +
         "</span></span><span class=\"state " +
         (i.state == incidents::State::kAcknowledged ? "ack" : "down") + "\">" +
         HtmlEscape(incidents::StateName(i.state)) + "</span></div><div class=\"meta\">since " +
         FormatRfc3339Millis(i.opened_at_ms) + "</div></div>";
  }
  return h;
}

std::string StatusPage(const std::vector<ProbeUptime>& probes,
                       const std::vector<incidents::Incident>& incidents, int64_t now_ms) {
  std::string h =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Status</title>"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#1f2328}"
      ".check{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}"
      ".head{display:flex;justify-content:space-between;align-items:baseline}"
      ".state{font-weight:600}.up{color:#2da44e}.down{color:#cf222e}.unknown{color:#656d76}"
      ".bar{display:flex;gap:2px;margin:10px 0 4px}.bar span{flex:1;height:28px;border-radius:2px}"
      ".meta{color:#656d76;font-size:90%}.ack{color:#9a6700}</style></head><body><h1>Status</h1>";
  bool all_up = !probes.empty();
  for (const ProbeUptime& p : probes) all_up = all_up && p.up.value_or(false);
  h += all_up ? "<p class=\"state up\">All checks are up.</p>"
              : "<p class=\"state\">Some checks are down or unknown.</p>";
  if (probes.empty()) h += "<p class=\"meta\">No probes are configured (osprey.yml, probes:).</p>";
  h += IncidentsSection(incidents);
  for (const ProbeUptime& p : probes) {
    const char* state = !p.up.has_value() ? "unknown" : (*p.up ? "up" : "down");
    h += "<div class=\"check\"><div class=\"head\"><span><b>" + HtmlEscape(p.probe.name) +
         "</b> <span class=\"meta\">" + HtmlEscape(p.probe.module) + " " +
         HtmlEscape(p.probe.target) + "</span></span><span class=\"state " + state + "\">" + state +
         "</span></div><div class=\"bar\">";
    for (size_t i = 0; i < p.daily.size(); ++i) {
      h += "<span style=\"background:";
      h += CellColor(p.daily[i]);
      h += "\" title=\"24 h to " + FormatRfc3339Millis(p.daily_end_ms[i]) + ": " +
           Percent(p.daily[i]) + "\"></span>";
    }
    h += "</div><div class=\"meta\">90 days ago &middot; 24 h " + Percent(p.availability[0]) +
         " &middot; 7 d " + Percent(p.availability[1]) + " &middot; 30 d " +
         Percent(p.availability[2]) + " &middot; today</div></div>";
  }
  h += "<p class=\"meta\">Updated " + FormatRfc3339Millis(now_ms) + ".</p></body></html>\n";
  return h;
}

nlohmann::json OptionalJson(const std::optional<double>& v) {
  return v.has_value() ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::vector<incidents::Incident> IncidentsTouchingProbes(
    const std::vector<incidents::Incident>& open, const std::vector<config::ProbeConfig>& probes) {
  std::vector<incidents::Incident> out;
  for (const incidents::Incident& i : open) {
    bool touches = false;
    for (const incidents::IncidentAlert& a : i.alerts) {
      const std::string_view probe = a.labels.Get("probe");
      const std::string_view instance = a.labels.Get("instance");
      for (const config::ProbeConfig& p : probes) {
        touches = touches || (!probe.empty() && probe == p.name) ||
                  (!instance.empty() && instance == p.target);
      }
    }
    if (touches) out.push_back(i);
  }
  return out;
}

Result<std::vector<ProbeUptime>> ComputeUptime(const UptimeSource& source) {
  std::shared_ptr<const config::Config> cfg = source.config();
  const int64_t now = source.clock.NowMillis();
  const promql::Engine engine;
  std::vector<ProbeUptime> out;
  for (const config::ProbeConfig& probe : cfg->probes) {
    ProbeUptime u;
    u.probe = probe;
    const std::string sel = Selector(probe.name);
    OSPREY_ASSIGN_OR_RETURN(std::optional<double> current, One(engine, source.storage, sel, now));
    if (current.has_value()) u.up = *current == 1;
    for (int w = 0; w < 3; ++w) {
      OSPREY_ASSIGN_OR_RETURN(
          u.availability[w],
          One(engine, source.storage, "avg_over_time(" + sel + "[" + kWindows[w] + "])", now));
    }
    const int64_t start = now - (kDays - 1) * kDayMs;
    OSPREY_ASSIGN_OR_RETURN(
        promql::QueryResult daily,
        engine.Range(source.storage, "avg_over_time(" + sel + "[1d])", start, now, kDayMs));
    u.daily.assign(kDays, std::nullopt);
    for (int i = 0; i < kDays; ++i) u.daily_end_ms.push_back(start + i * kDayMs);
    if (!daily.matrix.empty()) {
      for (const promql::FPoint& p : daily.matrix.front().points) {
        const int64_t i = (p.t - start) / kDayMs;
        if (i >= 0 && i < kDays) u.daily[static_cast<size_t>(i)] = p.v;
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

void RegisterUptimeRoutes(http::Router& router, const UptimeSource& source) {
  router.Handle("GET", "/api/v1/uptime", [&source](const http::Request&) {
    Result<std::vector<ProbeUptime>> uptime = ComputeUptime(source);
    if (!uptime.ok()) {
      return http::ErrorResponse(500, "execution", uptime.status().message());
    }
    nlohmann::json data = nlohmann::json::array();
    for (const ProbeUptime& u : *uptime) {
      nlohmann::json labels = nlohmann::json::object();
      for (const auto& [k, v] : u.probe.labels) labels[k] = v;
      nlohmann::json daily = nlohmann::json::array();
      for (size_t i = 0; i < u.daily.size(); ++i) {
        daily.push_back({{"end", FormatRfc3339Millis(u.daily_end_ms[i])},
                         {"availability", OptionalJson(u.daily[i])}});
      }
      data.push_back({
          {"name", u.probe.name},
          {"module", u.probe.module},
          {"target", u.probe.target},
          {"labels", std::move(labels)},
          {"state", !u.up.has_value() ? "unknown" : (*u.up ? "up" : "down")},
          {"availability",
           {{"24h", OptionalJson(u.availability[0])},
            {"7d", OptionalJson(u.availability[1])},
            {"30d", OptionalJson(u.availability[2])}}},
          {"daily", std::move(daily)},
      });
    }
    return http::Response::Json(SuccessJson(std::move(data)));
  });
  router.Handle("GET", "/status", [&source](const http::Request&) {
    Result<std::vector<ProbeUptime>> uptime = ComputeUptime(source);
    if (!uptime.ok()) {
      return http::Response::Text("status unavailable: " + uptime.status().message() + "\n", 500);
    }
    std::vector<incidents::Incident> touching;
    if (source.open_incidents) {
      std::vector<config::ProbeConfig> probes;
      for (const ProbeUptime& u : *uptime) probes.push_back(u.probe);
      touching = IncidentsTouchingProbes(source.open_incidents(), probes);
    }
    return http::Response::Text(StatusPage(*uptime, touching, source.clock.NowMillis()), 200,
                                "text/html; charset=utf-8");
  });
}

}  // namespace osprey::server
