// Parameter parsing shared by the HTTP API handlers, with Prometheus's rules and messages.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/request.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace osprey::server {

// A time parameter: RFC 3339 ("2026-11-21T14:46:10.123Z", offsets allowed) or Unix seconds
// with an optional fraction ("1795271010.5"). Absent: `fallback`.
// kInvalidArgument: `invalid parameter "start": cannot parse "x" to a valid timestamp`.
Result<model::Timestamp> ParseTimeParam(const http::Request& req, std::string_view name,
                                        model::Timestamp fallback);
Result<model::Timestamp> ParseTime(std::string_view text);

// Every match[] selector, parsed. kInvalidArgument naming the bad selector.
Result<std::vector<std::vector<model::Matcher>>> ParseMatchParams(const http::Request& req);

// {"status":"success","data":<data>}, the API's success envelope.
inline std::string SuccessJson(nlohmann::json data) {
  return nlohmann::json{{"status", "success"}, {"data", std::move(data)}}.dump();
}

// Prometheus's "minTime"/"maxTime" defaults for series and label endpoints.
inline constexpr model::Timestamp kApiMinTime = -62135596800000;  // 0001-01-01
inline constexpr model::Timestamp kApiMaxTime = 253402300799000;  // 9999-12-31

}  // namespace osprey::server
