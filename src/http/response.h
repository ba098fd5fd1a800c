// An HTTP response as handlers build it. The server adds Content-Length, Connection and, when
// the client accepts it, gzip Content-Encoding; handlers set everything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace osprey::http {

// A plain value type. Thread-compatible.
struct Response {
  int status = 200;
  // Names keep their case; at most one entry per name (ASCII case-insensitive) when set through
  // SetHeader. Content-Length, Transfer-Encoding and Connection are owned by the server and are
  // ignored here.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Replaces any header named `name` (case-insensitive). CR and LF in `value` become spaces.
  void SetHeader(std::string_view name, std::string_view value);
  // Adds one more header of that name (e.g. a second Set-Cookie).
  void AddHeader(std::string_view name, std::string_view value);
  // The first header named `name` (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;

  // `body` is JSON: Content-Type application/json.
  static Response Json(std::string body, int status = 200);
  static Response Text(std::string body, int status = 200,
                       std::string content_type = "text/plain; charset=utf-8");
};

// Prometheus's API error body, `{"status":"error","errorType":"bad_data","error":"..."}`, as
// JSON with the given HTTP status. `error_type` is one of Prometheus's: bad_data, execution,
// timeout, canceled, internal, unavailable, not_found, not_acceptable.
Response ErrorResponse(int http_status, std::string_view error_type, std::string_view message);

// ErrorResponse for a failed Status in Osprey's own JSON APIs (incidents, dashboards), with
// the Status's message: InvalidArgument 400 bad_data, ResourceExhausted 413 bad_data,
// NotFound 404 not_found, AlreadyExists and FailedPrecondition 409 conflict,
// PermissionDenied 403 forbidden, Unavailable 503 unavailable, anything else 500 internal.
// (The Prometheus query API maps errors its own way.)
Response StatusErrorResponse(const Status& status);

// Appends `s` to `out` as a JSON string literal, quotes included. Control characters are
// escaped, and each byte that is not part of valid UTF-8 becomes U+FFFD, so the output is always
// valid JSON.
void AppendJsonString(std::string& out, std::string_view s);

// "OK", "Not Found", ...; "" for a code without a standard reason phrase.
std::string_view ReasonPhrase(int status);

}  // namespace osprey::http
