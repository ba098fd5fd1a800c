#include "http/router.h"

#include <algorithm>
#include <map>
#include <vector>

#include "base/check.h"

namespace osprey::http {

struct Router::Node {
  // Children by literal (decoded) segment.
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::string param_name;  // Non-empty when `param` is set.
  std::unique_ptr<Node> param;
  std::string wildcard_name;  // Non-empty when `wildcard` is set.
  std::unique_ptr<Node> wildcard;
  // Routes ending at this node: the pattern (the same for every method) and method -> handler.
  std::string pattern;
  std::map<std::string, Handler, std::less<>> handlers;
};

namespace {

std::vector<std::string_view> SplitSegments(std::string_view path) {
  // "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
  std::vector<std::string_view> out;
  if (!path.empty() && path[0] == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The search state: the decoded segments and the parameters bound so far.
struct Search {
  const std::vector<std::string_view>& segments;
  KeyValues& params;
  std::string_view method;
  bool any_method;  // Second pass: find the path regardless of method (for 405).
};

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Handle(std::string_view method, std::string_view pattern, Handler handler) {
  OSPREY_CHECK(!pattern.empty() && pattern[0] == '/')
      << "route pattern must start with /: " << pattern;
  OSPREY_CHECK(!method.empty()) << "empty method for " << pattern;
  OSPREY_CHECK(handler != nullptr) << "null handler for " << pattern;
  std::vector<std::string_view> segments = SplitSegments(pattern);
  Node* node = root_.get();
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view seg = segments[i];
    if (!seg.empty() && (seg[0] == ':' || seg[0] == '*')) {
      std::string_view name = seg.substr(1);
      OSPREY_CHECK(!name.empty()) << "unnamed parameter in route " << pattern;
      bool wildcard = seg[0] == '*';
      OSPREY_CHECK(!wildcard || i + 1 == segments.size())
          << "wildcard must be the last segment of route " << pattern;
      std::string& existing_name = wildcard ? node->wildcard_name : node->param_name;
      std::unique_ptr<Node>& child = wildcard ? node->wildcard : node->param;
      OSPREY_CHECK(!child || existing_name == name)
          << "route " << pattern << " names parameter " << name << " where another route has "
          << existing_name;
      if (!child) {
        child = std::make_unique<Node>();
        existing_name = std::string(name);
      }
      node = child.get();
    } else {
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  OSPREY_CHECK(node->handlers.find(method) == node->handlers.end())
      << "route " << method << " " << pattern << " registered twice";
  OSPREY_CHECK(node->pattern.empty() || node->pattern == pattern)
      << "routes " << node->pattern << " and " << pattern << " are the same path";
  node->pattern = std::string(pattern);
  node->handlers.emplace(std::string(method), std::move(handler));
}

namespace {

template <typename NodeT>
bool Accepts(const NodeT& node, const Search& s) {
  if (node.handlers.empty()) return false;
  if (s.any_method) return true;
  if (node.handlers.count(s.method)) return true;
  return s.method == "HEAD" && node.handlers.count("GET");
}

template <typename NodeT>
const NodeT* Walk(const NodeT& node, size_t i, Search& s) {
  if (i == s.segments.size()) return Accepts(node, s) ? &node : nullptr;
  std::string_view seg = s.segments[i];
  if (auto it = node.literals.find(seg); it != node.literals.end()) {
    if (const NodeT* found = Walk(*it->second, i + 1, s)) return found;
  }
  if (node.param && !seg.empty()) {
    s.params.emplace_back(node.param_name, std::string(seg));
    if (const NodeT* found = Walk(*node.param, i + 1, s)) return found;
    s.params.pop_back();
  }
  if (node.wildcard && Accepts(*node.wildcard, s)) {
    std::string rest;
    for (size_t k = i; k < s.segments.size(); ++k) {
      if (k > i) rest += '/';
      rest += s.segments[k];
    }
    s.params.emplace_back(node.wildcard_name, std::move(rest));
    return node.wildcard.get();
  }
  return nullptr;
}

}  // namespace

RouteMatch Router::Find(std::string_view method, std::string_view raw_path) const {
  if (raw_path.empty() || raw_path[0] != '/') return RouteMatch();  // "*" and the like.
  std::vector<std::string_view> segments = SplitSegments(raw_path);
  // Segments with escapes point into `decoded` instead; reserved so that it never reallocates.
  std::vector<std::string> decoded;
  decoded.reserve(segments.size());
  for (std::string_view& seg : segments) {
    if (seg.find('%') == std::string_view::npos) continue;
    // The server rejects malformed escapes before routing; keep such a segment as it is.
    Result<std::string> d = PercentDecode(seg, false);
    if (!d.ok()) continue;
    decoded.push_back(std::move(d).value());
    seg = decoded.back();
  }
  RouteMatch match;
  Search search{segments, match.params, method, /*any_method=*/false};
  if (const Node* node = Walk(*root_, 0, search)) {
    auto it = node->handlers.find(method);
    if (it == node->handlers.end()) it = node->handlers.find("GET");  // HEAD
    match.handler = &it->second;
    match.pattern = node->pattern;
    return match;
  }
  match.params.clear();
  search.any_method = true;
  if (const Node* node = Walk(*root_, 0, search)) {
    match.params.clear();
    match.pattern = node->pattern;
    std::vector<std::string_view> methods;
    for (const auto& [m, h] : node->handlers) methods.push_back(m);
    if (node->handlers.count("GET") && !node->handlers.count("HEAD")) methods.push_back("HEAD");
    std::sort(methods.begin(), methods.end());
    for (std::string_view m : methods) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += m;
    }
  }
  return match;
}

Response Router::Dispatch(Request& request, std::string* pattern) const {
  std::string_view raw_path = request.target.empty() ? request.path : RawPath(request.target);
  RouteMatch match = Find(request.method, raw_path);
  if (pattern != nullptr) *pattern = std::string(match.pattern);
  return Respond(std::move(match), request);
}

Response Router::Respond(RouteMatch match, Request& request) {
  if (match.handler != nullptr) {
    request.path_params = std::move(match.params);
    return (*match.handler)(request);
  }
  if (match.pattern.empty()) {
    return ErrorResponse(404, "not_found", "path " + request.path + " not found");
  }
  Response r = ErrorResponse(405, "bad_data",
                             "method " + request.method + " not allowed for " + request.path);
  r.SetHeader("Allow", match.allow);
  return r;
}

namespace {

template <typename NodeT>
void CollectPatterns(const NodeT& node, std::vector<std::string>& out) {
  if (!node.handlers.empty()) out.push_back(node.pattern);
  for (const auto& [seg, child] : node.literals) CollectPatterns(*child, out);
  if (node.param) CollectPatterns(*node.param, out);
  if (node.wildcard) CollectPatterns(*node.wildcard, out);
}

}  // namespace

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> out;
  CollectPatterns(*root_, out);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace osprey::http
