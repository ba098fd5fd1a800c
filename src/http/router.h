// Maps (method, path) to a handler.
//
//   Router router;
//   router.Handle("GET", "/api/v1/label/:name/values", [&](const Request& r) {
//     return LabelValues(r.PathParam("name"));
//   });
//   router.Handle("GET", "/static/*path", ServeAsset);  // r.PathParam("path") = "js/app.js"
//
// Patterns are "/"-separated segments: a literal, ":name" (any one non-empty segment) or, as
// the last segment only, "*name" (the rest of the path, possibly empty, "/" included). For
// each segment a literal beats a parameter, which beats a wildcard; when the better branch
// does not lead to a route, the next one is tried. Segments are matched percent-decoded, one
// at a time, so "%2F" inside a parameter value does not split it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace osprey::http {

// Called concurrently from the server's pool threads; must be thread-safe.
using Handler = std::function<Response(const Request&)>;

// The outcome of a lookup. Views point into the Router and live as long as it does.
struct RouteMatch {
  const Handler* handler = nullptr;  // Null when no route matches the method (or the path).
  std::string_view pattern;          // The matched route's pattern; "" when no path matches.
  KeyValues params;                  // Path parameters, decoded.
  std::string allow;  // When the path matches but the method does not: "GET, HEAD, POST".
};

// Thread-compatible while being filled; once filled (before the server starts), Find and
// Dispatch are thread-safe.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `handler` for `method` on `pattern`. A GET route also answers HEAD (the server
  // drops the body) unless a HEAD route is registered for the same pattern. Requires: a valid
  // pattern starting with "/", no route already registered for (method, pattern), and the same
  // parameter name wherever two patterns put a parameter at the same place (CHECK: these are
  // programming errors).
  void Handle(std::string_view method, std::string_view pattern, Handler handler);

  // Finds the route for `method` and the raw (percent-encoded) path. Cost: one hash-free trie
  // walk over the path's segments plus the decoding of each segment.
  RouteMatch Find(std::string_view method, std::string_view raw_path) const;

  // Finds the route for `request` (its method and target, or its path when the target is
  // empty), stores the path parameters in request.path_params and calls the handler. Unknown
  // paths get a 404 and a method the path has no route for a 405 with an Allow header, both
  // with Prometheus's error body. Sets *pattern to the matched route's pattern ("" for a 404).
  Response Dispatch(Request& request, std::string* pattern = nullptr) const;

  // Dispatch's second half, for callers that Find first: stores match.params in
  // request.path_params and calls the handler, or builds the 404/405 response.
  static Response Respond(RouteMatch match, Request& request);

  // Every registered pattern, sorted.
  std::vector<std::string> Patterns() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace osprey::http
