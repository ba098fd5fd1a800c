#include "server/scrape_api.h"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/strings.h"
#include "http/response.h"
#include "model/selector.h"
#include "server/api_params.h"

namespace osprey::server {
namespace {

using http::Request;
using http::Response;

Response BadData(std::string_view message) { return http::ErrorResponse(400, "bad_data", message); }

nlohmann::json LabelsJson(const model::Labels& l) {
  nlohmann::json out = nlohmann::json::object();
  for (const model::Label& label : l) out[label.name] = label.value;
  return out;
}

// A non-negative integer parameter; -1 when absent. Go's API treats 0 and below as no limit.
Result<int64_t> LimitParam(const Request& req, std::string_view name) {
  std::optional<std::string_view> text = req.Param(name);
  if (!text.has_value() || text->empty()) return -1;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    return InvalidArgumentError(std::string(name) + " must be a number");
  }
  return v <= 0 ? -1 : v;
}

Response Targets(const Request& req, const scrape::Manager& manager) {
  const std::string_view state = req.Param("state").value_or("any");
  const std::string_view pool = req.Param("scrapePool").value_or("");
  const bool any = state.empty() || state == "any";
  const bool active = any || state == "active";
  const bool dropped = any || state == "dropped";
  scrape::TargetsView v = manager.Targets();
  nlohmann::json data = nlohmann::json::object();
  nlohmann::json active_json = nlohmann::json::array();
  nlohmann::json dropped_json = nlohmann::json::array();
  if (active) {
    for (const scrape::ActiveTarget& t : v.active) {
      if (!pool.empty() && t.scrape_pool != pool) continue;
      active_json.push_back({
          {"discoveredLabels", LabelsJson(t.discovered_labels)},
          {"labels", LabelsJson(t.labels)},
          {"scrapePool", t.scrape_pool},
          {"scrapeUrl", t.scrape_url},
          {"globalUrl", t.scrape_url},
          {"lastError", t.last_error},
          {"lastScrape", t.last_scrape_ms == 0 ? std::string("0001-01-01T00:00:00Z")
                                               : FormatRfc3339Millis(t.last_scrape_ms)},
          {"lastScrapeDuration", t.last_scrape_duration_s},
          {"health", t.health},
          {"scrapeInterval", t.scrape_interval},
          {"scrapeTimeout", t.scrape_timeout},
      });
    }
  }
  if (dropped) {
    for (const scrape::DroppedTarget& t : v.dropped) {
      if (!pool.empty() && t.scrape_pool != pool) continue;
      dropped_json.push_back({{"discoveredLabels", LabelsJson(t.discovered_labels)}});
    }
  }
  data["activeTargets"] = std::move(active_json);
  data["droppedTargets"] = std::move(dropped_json);
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [name, n] : v.dropped_counts) {
    if (pool.empty() || name == pool) counts[name] = n;
  }
  data["droppedTargetCounts"] = std::move(counts);
  return Response::Json(SuccessJson(std::move(data)));
}

Response TargetsMetadata(const Request& req, const scrape::Manager& manager) {
  Result<int64_t> limit = LimitParam(req, "limit");
  if (!limit.ok()) return BadData(limit.status().message());
  std::vector<model::Matcher> matchers;
  if (std::string_view m = req.Param("match_target").value_or(""); !m.empty()) {
    Result<std::vector<model::Matcher>> parsed = model::ParseSeriesSelector(m);
    if (!parsed.ok()) return BadData(parsed.status().message());
    matchers = std::move(parsed).value();
  }
  const std::string_view metric = req.Param("metric").value_or("");
  nlohmann::json out = nlohmann::json::array();
  for (const scrape::TargetMetadata& md : manager.Metadata()) {
    if (limit.value() >= 0 && static_cast<int64_t>(out.size()) >= limit.value()) break;
    if (!metric.empty() && md.metric != metric) continue;
    bool match = true;
    for (const model::Matcher& m : matchers) {
      if (!m.Matches(md.target.Get(m.name()))) match = false;
    }
    if (!match) continue;
    out.push_back({{"target", LabelsJson(md.target)},
                   {"metric", md.metric},
                   {"type", md.metadata.type},
                   {"help", md.metadata.help},
                   {"unit", md.metadata.unit}});
  }
  return Response::Json(SuccessJson(std::move(out)));
}

Response Metadata(const Request& req, const scrape::Manager& manager) {
  Result<int64_t> limit = LimitParam(req, "limit");
  if (!limit.ok()) return BadData(limit.status().message());
  Result<int64_t> per_metric = LimitParam(req, "limit_per_metric");
  if (!per_metric.ok()) return BadData(per_metric.status().message());
  const std::string_view metric = req.Param("metric").value_or("");
  // Distinct metadata per metric name, across targets.
  std::map<std::string, std::vector<scrape::MetricMetadata>> by_name;
  for (const scrape::TargetMetadata& md : manager.Metadata()) {
    if (!metric.empty() && md.metric != metric) continue;
    auto& list = by_name[md.metric];
    if (std::find(list.begin(), list.end(), md.metadata) == list.end()) {
      list.push_back(md.metadata);
    }
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, list] : by_name) {
    if (limit.value() >= 0 && static_cast<int64_t>(out.size()) >= limit.value()) break;
    nlohmann::json entries = nlohmann::json::array();
    for (const scrape::MetricMetadata& m : list) {
      if (per_metric.value() >= 0 && static_cast<int64_t>(entries.size()) >= per_metric.value()) {
        break;
      }
      entries.push_back({{"type", m.type}, {"help", m.help}, {"unit", m.unit}});
    }
    out[name] = std::move(entries);
  }
  return Response::Json(SuccessJson(std::move(out)));
}

}  // namespace

void RegisterScrapeRoutes(http::Router& router, const scrape::Manager& manager) {
  for (std::string_view method : {"GET", "POST"}) {
    router.Handle(method, "/api/v1/targets",
                  [&manager](const Request& r) { return Targets(r, manager); });
    router.Handle(method, "/api/v1/targets/metadata",
                  [&manager](const Request& r) { return TargetsMetadata(r, manager); });
  }
  router.Handle("GET", "/api/v1/metadata",
                [&manager](const Request& r) { return Metadata(r, manager); });
}

}  // namespace osprey::server
