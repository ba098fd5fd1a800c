// An HTTP request as handlers see it: fully read, target parsed and percent-decoded, body
// already decoded from its Content-Encoding. Built by the server (see server.h); tests and
// benchmarks may fill one by hand.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace osprey::http {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// A plain value type. Thread-compatible; a handler gets it by const reference, and the views
// its methods return live as long as the Request.
struct Request {
  std::string method;     // "GET", "POST", ... as sent (methods are case-sensitive).
  std::string target;     // The raw request target: "/api/v1/query?query=up".
  std::string path;       // Percent-decoded path: "/api/v1/query".
  KeyValues query;        // Decoded query parameters, in order ("+" is a space).
  KeyValues headers;      // As received, in order; names keep their case.
  KeyValues form;         // Decoded application/x-www-form-urlencoded body parameters, in order.
  KeyValues path_params;  // Filled by the Router: {"name", "job"} for "/label/:name/values".
  std::string body;       // After Content-Encoding decoding.
  std::string remote_address;  // "127.0.0.1:53412" or "[::1]:53412".
  // Set by the server: true once the client has closed its connection (a zero-timeout
  // poll, so cheap enough to call every few milliseconds of work). Long handlers use it to
  // stop work nobody will read. Callable from any thread while the handler runs.
  std::function<bool()> client_gone;

  // The first header named `name` (ASCII case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The value of path parameter `name`, or "" when the route has no such parameter.
  std::string_view PathParam(std::string_view name) const;
  // The first value of `name` in the form body, else in the query string: body values take
  // precedence, as with Go's Request.FormValue behind Prometheus's API (which accepts both GET
  // and POST-form requests).
  std::optional<std::string_view> Param(std::string_view name) const;
  // Every value of `name`: those of the form body, then those of the query string, in Go's
  // Request.Form order ("match[]" may repeat).
  std::vector<std::string_view> Params(std::string_view name) const;
};

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, OWS).
std::string_view TrimOptionalWhitespace(std::string_view s);

// Decodes %XX escapes; with `plus_is_space`, also "+" as " " (query strings and forms).
// kInvalidArgument on a malformed escape.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Parses "a=1&b=2&a=3" (application/x-www-form-urlencoded). Empty pieces are skipped; a piece
// without "=" has an empty value. kInvalidArgument on a malformed escape.
Result<KeyValues> ParseUrlEncoded(std::string_view s);

// The raw (still percent-encoded) path of a request target: "/a%20b" for "/a%20b?x" and for
// "http://host/a%20b". "" when the target is neither origin-form nor absolute-form.
std::string_view RawPath(std::string_view target);

// Splits a request target into the decoded path and query. Accepts origin-form ("/a?b"),
// absolute-form ("http://host/a?b") and "*". kInvalidArgument otherwise.
Status ParseTarget(std::string_view target, Request& request);

}  // namespace osprey::http
