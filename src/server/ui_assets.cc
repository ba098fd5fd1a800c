#include "server/ui_assets.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace osprey::server {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(item) for each comma-separated item of a header value, trimmed, empty ones skipped.
template <typename Fn>
void ForEachListItem(std::string_view value, Fn&& fn) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

void SetSecurityHeaders(http::Response& r) {
  r.SetHeader("Content-Security-Policy", kUiContentSecurityPolicy);
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "same-origin");
}

// The ETag of the gzip representation: the identity one with "-gz" before its closing quote
// (a strong ETag names one representation, RFC 9110 8.8.3).
std::string GzipEtag(std::string_view etag) {
  if (etag.size() < 2 || etag.back() != '"') return std::string(etag);
  return std::string(etag.substr(0, etag.size() - 1)).append("-gz\"");
}

// If-None-Match uses weak comparison (RFC 9110 13.1.2): "W/" prefixes are ignored.
bool EtagListMatches(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachListItem(if_none_match, [&](std::string_view item) {
    if (item == "*") match = true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) match = true;
  });
  return match;
}

const EmbeddedFile* FindFile(std::span<const EmbeddedFile> files, std::string_view path) {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  if (it == files.end() || it->path != path) return nullptr;
  return &*it;
}

http::Response NotFound(std::string_view path) {
  http::Response r =
      http::Response::Text(std::string("404 page not found: ").append(path).append("\n"), 404);
  SetSecurityHeaders(r);
  return r;
}

// What "/" shows in a binary built without the UI.
http::Response NoUiPage() {
  http::Response r = http::Response::Text(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Osprey</title>"
      "</head><body><h1>Osprey</h1><p>This binary was built without the web UI "
      "(-DOSPREY_UI=OFF). Build it with npm installed (<code>make deps</code>, then "
      "<code>make build</code>) to get it.</p><ul>"
      "<li><a href=\"/metrics\">/metrics</a></li>"
      "<li><a href=\"/status\">/status</a></li>"
      "<li><a href=\"/api/v1/status/buildinfo\">/api/v1/status/buildinfo</a></li>"
      "<li><a href=\"/api/v1/status/config\">/api/v1/status/config</a></li>"
      "<li><a href=\"/api/v1/status/flags\">/api/v1/status/flags</a></li>"
      "</ul></body></html>\n",
      200, "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", kNoCache);
  SetSecurityHeaders(r);
  return r;
}

}  // namespace

bool AcceptsGzipEncoding(std::string_view accept_encoding) {
  std::optional<bool> gzip;  // set when gzip or x-gzip is listed
  bool star = false;
  ForEachListItem(accept_encoding, [&](std::string_view item) {
    std::string_view coding = Trim(item.substr(0, item.find(';')));
    double q = 1;
    if (size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      size_t qpos = params.find("q=");
      if (qpos != std::string_view::npos) {
        std::string number(Trim(params.substr(qpos + 2)));
        q = std::strtod(number.c_str(), nullptr);
      }
    }
    if (http::EqualsIgnoreCase(coding, "gzip") || http::EqualsIgnoreCase(coding, "x-gzip")) {
      gzip = gzip.value_or(false) || q > 0;
    } else if (coding == "*") {
      star = q > 0;
    }
  });
  return gzip.value_or(star);
}

http::Response ServeEmbeddedFile(const http::Request& request, const EmbeddedFile& file,
                                 std::string_view cache_control) {
  const bool has_gzip = !file.gzip.empty();
  std::optional<std::string_view> accept = request.Header("Accept-Encoding");
  const bool send_gzip = has_gzip && accept && AcceptsGzipEncoding(*accept);
  const std::string etag = send_gzip ? GzipEtag(file.etag) : std::string(file.etag);

  http::Response r;
  r.SetHeader("Cache-Control", cache_control);
  r.SetHeader("ETag", etag);
  if (has_gzip) r.SetHeader("Vary", "Accept-Encoding");
  SetSecurityHeaders(r);
  if (std::optional<std::string_view> inm = request.Header("If-None-Match");
      inm && (EtagListMatches(*inm, file.etag) || EtagListMatches(*inm, GzipEtag(file.etag)))) {
    r.status = 304;
    return r;
  }
  r.SetHeader("Content-Type", file.content_type);
  if (send_gzip) {
    r.SetHeader("Content-Encoding", "gzip");
    r.body.assign(file.gzip);
  } else {
    r.body.assign(file.data);
  }
  return r;
}

void RegisterUiRoutes(http::Router& router, std::span<const EmbeddedFile> files) {
  const std::vector<std::string> taken = router.Patterns();
  auto handle = [&](const std::string& pattern, http::Handler handler) {
    // Never take a path another module serves (the Router CHECK-fails on duplicates).
    if (std::binary_search(taken.begin(), taken.end(), pattern)) return;
    router.Handle("GET", pattern, std::move(handler));
  };

  const EmbeddedFile* index = FindFile(files, "index.html");
  http::Handler page = [index](const http::Request& request) {
    if (index == nullptr) return NoUiPage();
    return ServeEmbeddedFile(request, *index, kNoCache);
  };
  for (std::string_view route : kUiRoutes) {
    handle(std::string(route), page);
    if (route != "/") handle(std::string(route).append("/*rest"), page);
  }
  handle("/assets/*path", [files](const http::Request& request) {
    std::string path = std::string("assets/").append(request.PathParam("path"));
    const EmbeddedFile* f = FindFile(files, path);
    if (f == nullptr) return NotFound(request.path);
    return ServeEmbeddedFile(request, *f, kImmutable);
  });
  // Files at the top of ui-dist (favicon.svg, robots.txt, ...): fixed names, so revalidated.
  for (const EmbeddedFile& f : files) {
    if (f.path == "index.html" || f.path.starts_with("assets/")) continue;
    const EmbeddedFile* file = &f;
    handle(std::string("/").append(f.path), [file](const http::Request& request) {
      return ServeEmbeddedFile(request, *file, kNoCache);
    });
  }
}

}  // namespace osprey::server
