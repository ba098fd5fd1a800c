#include "server/influx_api.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/response.h"
#include "ingest/influx_ingester.h"

namespace osprey::server {
namespace {

using http::Request;
using http::Response;

// Sent on every answer, as InfluxDB does; clients log it.
constexpr std::string_view kVersionHeader = "X-Influxdb-Version";
constexpr std::string_view kVersion = "osprey";

// The first value of `name` in the query string. Only the query: the body is line protocol,
// never a form.
std::optional<std::string_view> QueryParam(const Request& req, std::string_view name) {
  for (const auto& [k, v] : req.query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

// {"code":..., "message":..., "error":...}: InfluxDB 2's error body, plus 1.x's "error".
Response InfluxError(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"code\":";
  http::AppendJsonString(body, code);
  body += ",\"message\":";
  http::AppendJsonString(body, message);
  body += ",\"error\":";
  http::AppendJsonString(body, message);
  body += '}';
  Response r = Response::Json(std::move(body), status);
  r.SetHeader(kVersionHeader, kVersion);
  return r;
}

Response NoContent() {
  Response r = Response::Text("", 204);
  r.SetHeader(kVersionHeader, kVersion);
  return r;
}

Response HandleWrite(ingest::InfluxIngester& ingester, const Clock& clock, const Request& req,
                     bool v1) {
  auto precision = ingest::ParseInfluxPrecision(QueryParam(req, "precision").value_or(""));
  if (!precision.ok()) return InfluxError(400, "invalid", precision.status().message());
  // v1 only: v2's org and bucket are accepted and ignored (one store for everything).
  const std::string_view db = v1 ? QueryParam(req, "db").value_or("") : std::string_view();
  ingest::InfluxWriteResult r =
      ingester.Write(req.body, {.precision = *precision, .db = db, .now_ms = clock.NowMillis()});
  switch (r.Classify()) {
    case ingest::RequestOutcome::kSuccess:
      return NoContent();
    case ingest::RequestOutcome::kRejected:
      return InfluxError(400, "invalid", r.Message());
    case ingest::RequestOutcome::kCommitFailed:
    case ingest::RequestOutcome::kMalformed:
      break;
  }
  return InfluxError(503, "unavailable", r.Message());
}

}  // namespace

void RegisterInfluxRoutes(http::Router& router, storage::Appendable& appendable,
                          ingest::IngestMetrics& metrics, metrics::Registry& registry,
                          const Clock& clock) {
  // shared_ptr: the router's handlers are copyable std::functions that share the one
  // (thread-safe) ingester; it lives as long as the last of them.
  auto ingester = std::make_shared<ingest::InfluxIngester>(appendable, metrics, registry);
  router.Handle("POST", "/write", [ingester, &clock](const Request& req) {
    return HandleWrite(*ingester, clock, req, /*v1=*/true);
  });
  router.Handle("POST", "/api/v2/write", [ingester, &clock](const Request& req) {
    return HandleWrite(*ingester, clock, req, /*v1=*/false);
  });
  // GET also answers HEAD (router.h).
  router.Handle("GET", "/ping", [](const Request&) { return NoContent(); });
  router.Handle("GET", "/health", [](const Request&) {
    Response r = Response::Json(
        R"({"name":"osprey","message":"ready for queries and writes","status":"pass","checks":[]})");
    r.SetHeader(kVersionHeader, kVersion);
    return r;
  });
}

}  // namespace osprey::server
