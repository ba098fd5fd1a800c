// /api/v1/dashboards: the UI's saved dashboards (shapes in docs/api.md, "Dashboards").
//
//   GET    /api/v1/dashboards         -> [{uid,title,tags,provisioned,version,updated_at}]
//   GET    /api/v1/dashboards/{uid}   -> {uid,title,tags,provisioned,version,updated_at,dashboard}
//   POST   /api/v1/dashboards         {"dashboard":{...}} -> {uid, version: 1}
//   PUT    /api/v1/dashboards/{uid}   {"dashboard":{...},"version":N} -> {uid, version: N+1}
//   DELETE /api/v1/dashboards/{uid}   -> null
//
// Errors use Prometheus's envelope: 400 bad_data naming the field ("dashboard.panels[3]: must
// be an object"), 404 not_found, 409 conflict (uid taken; version changed), 403 forbidden
// (provisioned dashboards are read-only), 413 for a body over 4 MiB. Each is counted in
// osprey_dashboard_api_errors_total{reason}.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "server/dashboard_store.h"
#include "server/ui_assets.h"

namespace osprey::server {

inline constexpr size_t kMaxDashboardBodyBytes = 4 << 20;
inline constexpr size_t kMaxDashboardTitleChars = 256;
inline constexpr size_t kMaxDashboardTags = 100;
inline constexpr size_t kMaxDashboardTagChars = 256;
inline constexpr int kMaxDashboardJsonDepth = 64;
inline constexpr size_t kMaxDashboards = 10000;

// A validated request body.
struct DashboardRequest {
  std::optional<std::string> uid;  // dashboard.uid, when given (non-empty)
  std::optional<int64_t> version;  // body "version", else dashboard.version
  DashboardContent content;        // json: the dashboard without "version"
};

// Parses and validates a POST/PUT body ({"dashboard":{...}, "version": N}).
// kInvalidArgument naming the field ("dashboard.title: must be a non-empty string") or where
// the JSON is malformed; kResourceExhausted for a body over kMaxDashboardBodyBytes.
Result<DashboardRequest> ParseDashboardRequest(std::string_view body);

// Parses a dashboard object on its own (a provisioning file). `where` prefixes errors.
Result<DashboardRequest> ParseDashboardObject(std::string_view text, std::string_view where);

// The depth of the deepest array/object nesting in `text` (0 for a scalar), scanning bytes
// only (strings skipped). Cheap; guards the recursive JSON code from deep input.
int JsonNestingDepth(std::string_view text);

// Thread-safe. `store` and `registry` must outlive the routes.
class DashboardsApi {
 public:
  DashboardsApi(DashboardStore& store, metrics::Registry& registry);
  void RegisterRoutes(http::Router& router);

 private:
  http::Response List();
  http::Response Get(const http::Request& request);
  http::Response Create(const http::Request& request);
  http::Response Update(const http::Request& request);
  http::Response Delete(const http::Request& request);
  // The error response for `s`, counted under its reason.
  http::Response Error(const Status& s);

  DashboardStore& store_;
  metrics::Family<metrics::Counter>& errors_;
};

// Upserts the embedded dashboards/*.json as provisioned (read-only) dashboards and removes
// provisioned ones no longer embedded. A file that fails validation is skipped and its error
// returned in `skipped` (one message per file). Returns the number of rows changed.
Result<int> ProvisionDashboards(DashboardStore& store, std::span<const EmbeddedFile> files,
                                std::vector<std::string>& skipped);

}  // namespace osprey::server
