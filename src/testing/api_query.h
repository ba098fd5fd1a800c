// Test helper for end-to-end tests: an instant PromQL query against a running server.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "testing/http_client.h"

namespace osprey::testing {

// The `data.result` of GET /api/v1/query?query=<query> on 127.0.0.1:port (an instant
// vector is an array), or an empty array when the request or the query failed.
inline nlohmann::json InstantQuery(int port, std::string_view query) {
  auto r = HttpGet(port, "/api/v1/query?query=" + UrlEncode(query));
  if (!r.ok() || r->status != 200) return nlohmann::json::array();
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j["data"].is_object()) return nlohmann::json::array();
  return j["data"]["result"];
}

}  // namespace osprey::testing
