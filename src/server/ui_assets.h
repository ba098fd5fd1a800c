// The web UI, embedded in the binary: the files of `npm run build` (ui/ -> <build>/ui-dist)
// and the repo's dashboards/*.json, turned into one generated translation unit at build time
// by tools/embed_assets.py (see cmake/OspreyUi.cmake).
//
// Serving (RegisterUiRoutes):
//   GET /, /explore, /dashboards/..., /alerts, ... (the UI's client-side routes, kUiRoutes)
//       -> index.html, Cache-Control: no-cache (revalidated with its ETag each load)
//   GET /assets/<file> -> the hashed build outputs, Cache-Control: public, max-age=31536000,
//       immutable; unknown ones 404 (never index.html, so a stale page fails loudly)
//   GET /<other file of ui-dist> (favicon.svg, ...) -> no-cache
// Every response carries a Content-Security-Policy (no inline scripts, no other origins) and
// X-Content-Type-Options: nosniff. A precompressed gzip copy is sent when the client accepts
// gzip; ETag (sha256 of the bytes) + If-None-Match gives 304. HEAD is answered by the router
// from GET. /api/..., /metrics, /-/..., /status and every other server path stay with their
// own handlers.
#pragma once

#include <span>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace osprey::server {

// One embedded file. Every view points into static storage (lives as long as the program).
struct EmbeddedFile {
  std::string_view path;          // relative, "/"-separated: "index.html", "assets/app-1a2b.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view data;          // the bytes
  std::string_view gzip;          // gzip of `data`; empty when compressing does not pay
  std::string_view etag;          // "\"<first 32 hex of sha256(data)>\"", quotes included
};

// Generated (ui_assets_data.cc). Sorted by path. EmbeddedUiFiles() is empty when the build
// was configured with -DOSPREY_UI=OFF or without ui/.
std::span<const EmbeddedFile> EmbeddedUiFiles();
// dashboards/*.json; path is the file name ("host-overview.json").
std::span<const EmbeddedFile> EmbeddedDashboardFiles();

// The client-side routes answered with index.html: a path equal to one of these, or below
// one ("/dashboards/abc"); "/" matches only itself. Keep in step with ui/src/app.tsx.
inline constexpr std::string_view kUiRoutes[] = {
    "/",         "/explore",     "/dashboards", "/alerts",  "/alerting",
    "/silences", "/incidents",   "/oncall",     "/targets", "/service-discovery",
    "/uptime",   "/tsdb-status", "/config",     "/flags",
};

inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'";

// Serves `files` (which must outlive the router). Thread-safe once registered.
void RegisterUiRoutes(http::Router& router, std::span<const EmbeddedFile> files);

// The response for `file` to `request`: 304 when If-None-Match matches, else the file,
// gzipped when accepted and available. `cache_control` is set as given.
http::Response ServeEmbeddedFile(const http::Request& request, const EmbeddedFile& file,
                                 std::string_view cache_control);

// True when an Accept-Encoding value allows gzip (q > 0 for "gzip", "x-gzip" or "*").
bool AcceptsGzipEncoding(std::string_view accept_encoding);

}  // namespace osprey::server
