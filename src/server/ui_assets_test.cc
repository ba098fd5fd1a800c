// The embedded UI: index.html for the client-side routes, cache headers, gzip, ETag/304 and
// HEAD, in process on a fake file table and end to end against the real binary.
#include "server/ui_assets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "http/compression.h"
#include "server/dashboards_api.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey::server {
namespace {

constexpr std::string_view kIndex = "<!doctype html><title>Osprey</title><div id=app></div>";
constexpr std::string_view kScript = "console.log('osprey');";
constexpr std::string_view kScriptGz = "(gzip bytes)";

class UiAssetsTest : public ::testing::Test {
 protected:
  UiAssetsTest() {
    router_.Handle("GET", "/status",
                   [](const http::Request&) { return http::Response::Text("status page"); });
    RegisterUiRoutes(router_, files_);
  }

  http::Response Get(std::string path, http::KeyValues headers = {}, std::string method = "GET") {
    http::Request req;
    req.method = std::move(method);
    req.path = path;
    req.target = path;
    req.headers = std::move(headers);
    return router_.Dispatch(req);
  }

  const EmbeddedFile files_[3] = {
      {"assets/app-1a2b.js", "text/javascript; charset=utf-8", kScript, kScriptGz, "\"js1\""},
      {"favicon.svg", "image/svg+xml", "<svg/>", "", "\"ico\""},
      {"index.html", "text/html; charset=utf-8", kIndex, "", "\"idx\""},
  };
  http::Router router_;
};

TEST_F(UiAssetsTest, ClientSideRoutesServeIndexHtml) {
  for (std::string path : {"/", "/explore", "/dashboards", "/dashboards/host-overview",
                           "/incidents/12", "/alerting", "/silences", "/oncall", "/targets",
                           "/service-discovery", "/uptime", "/tsdb-status", "/config", "/flags"}) {
    SCOPED_TRACE(path);
    http::Response r = Get(path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, kIndex);
    EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
    EXPECT_EQ(r.Header("Content-Security-Policy"), kUiContentSecurityPolicy);
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.Header("ETag"), "\"idx\"");
  }
  EXPECT_EQ(Get("/status").body, "status page");  // registered before: kept
  EXPECT_EQ(Get("/nowhere").status, 404);
  http::Response api = Get("/api/v1/nope");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("Content-Type"), "application/json");
  EXPECT_NE(api.body.find("\"status\":\"error\""), std::string::npos);
}

TEST_F(UiAssetsTest, HashedAssetsAreImmutableAndGzipped) {
  http::Response plain = Get("/assets/app-1a2b.js");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, kScript);
  EXPECT_EQ(plain.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(plain.Header("Vary"), "Accept-Encoding");
  EXPECT_FALSE(plain.Header("Content-Encoding"));
  EXPECT_EQ(plain.Header("ETag"), "\"js1\"");

  http::Response gz = Get("/assets/app-1a2b.js", {{"Accept-Encoding", "br, gzip;q=0.8"}});
  EXPECT_EQ(gz.body, kScriptGz);
  EXPECT_EQ(gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.Header("ETag"), "\"js1-gz\"");

  EXPECT_EQ(Get("/assets/app-1a2b.js", {{"Accept-Encoding", "gzip;q=0"}}).body, kScript);
  EXPECT_EQ(Get("/assets/missing.js").status, 404);
  EXPECT_EQ(Get("/assets/missing.js").Header("Cache-Control"), std::nullopt);
  http::Response icon = Get("/favicon.svg", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(icon.body, "<svg/>");  // no gzip copy: sent as is
  EXPECT_EQ(icon.Header("Cache-Control"), "no-cache");
}

TEST_F(UiAssetsTest, MatchingEtagGives304) {
  for (std::string inm : {"\"js1\"", "W/\"js1\"", "\"x\", \"js1-gz\"", "*"}) {
    SCOPED_TRACE(inm);
    http::Response r = Get("/assets/app-1a2b.js", {{"If-None-Match", inm}});
    EXPECT_EQ(r.status, 304);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.Header("ETag"), "\"js1\"");
    EXPECT_EQ(r.Header("Cache-Control"), "public, max-age=31536000, immutable");
  }
  EXPECT_EQ(Get("/", {{"If-None-Match", "\"idx\""}}).status, 304);
  EXPECT_EQ(Get("/", {{"If-None-Match", "\"old\""}}).status, 200);
}

TEST_F(UiAssetsTest, HeadIsAnsweredFromGet) {
  http::Response r = Get("/explore", {}, "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
}

TEST(UiAssetsNoUiTest, RootExplainsHowToGetTheUi) {
  http::Router router;
  RegisterUiRoutes(router, {});
  http::Request req;
  req.method = "GET";
  req.path = req.target = "/";
  http::Response r = router.Dispatch(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("without the web UI"), std::string::npos);
}

TEST(AcceptsGzipEncodingTest, FollowsQValues) {
  EXPECT_TRUE(AcceptsGzipEncoding("gzip"));
  EXPECT_TRUE(AcceptsGzipEncoding("deflate, GZIP"));
  EXPECT_TRUE(AcceptsGzipEncoding("x-gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzipEncoding("*"));
  EXPECT_FALSE(AcceptsGzipEncoding(""));
  EXPECT_FALSE(AcceptsGzipEncoding("br"));
  EXPECT_FALSE(AcceptsGzipEncoding("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzipEncoding("*, gzip;q=0"));
  EXPECT_FALSE(AcceptsGzipEncoding("identity, *;q=0"));
}

// The files embedded in this build: an index.html referencing its assets, gzip copies that
// decode to the original, and built-in dashboards that pass the API's validation.
TEST(EmbeddedFilesTest, UiAndDashboardsAreConsistent) {
  std::span<const EmbeddedFile> ui = EmbeddedUiFiles();
  for (size_t i = 1; i < ui.size(); ++i) EXPECT_LT(ui[i - 1].path, ui[i].path);
  for (const EmbeddedFile& f : ui) {
    SCOPED_TRACE(f.path);
    EXPECT_EQ(f.etag.size(), 34u);
    if (!f.gzip.empty()) {
      Result<std::string> plain = http::Decompress("gzip", f.gzip, 64 << 20);
      ASSERT_TRUE(plain.ok()) << plain.status().ToString();
      EXPECT_EQ(*plain, f.data);
    }
  }
  if (!ui.empty()) {
    EXPECT_TRUE(std::any_of(ui.begin(), ui.end(), [](const EmbeddedFile& f) {
      return f.path == "index.html";
    })) << "the UI build wrote no index.html";
  }
  for (const EmbeddedFile& f : EmbeddedDashboardFiles()) {
    SCOPED_TRACE(f.path);
    Result<DashboardRequest> d = ParseDashboardObject(f.data, f.path);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_TRUE(d->uid.has_value()) << "a built-in dashboard needs a \"uid\"";
  }
}

// The real binary: the UI at "/", gzip through the server, JSON 404s for unknown API paths.
TEST(UiAssetsE2eTest, ServedByTheRealBinary) {
  auto osprey = testing::OspreyProcess::Start({.config_yaml = "global: {scrape_interval: 1m}\n"});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  if (EmbeddedUiFiles().empty()) GTEST_SKIP() << "built with -DOSPREY_UI=OFF";

  auto index = testing::HttpGet(port, "/explore?query=up");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<div id=\"app\">"), std::string::npos) << index->body;
  EXPECT_EQ(index->Header("content-security-policy"), std::string(kUiContentSecurityPolicy));
  EXPECT_EQ(index->Header("cache-control"), "no-cache");

  // The first script the page loads, gzipped.
  size_t src = index->body.find("src=\"/assets/");
  ASSERT_NE(src, std::string::npos) << index->body;
  size_t end = index->body.find('"', src + 5);
  std::string asset = index->body.substr(src + 5, end - src - 5);
  auto gz = testing::HttpDo(port, {.target = asset, .headers = {{"Accept-Encoding", "gzip"}}});
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->Header("content-encoding"), "gzip");
  EXPECT_EQ(gz->Header("cache-control"), "public, max-age=31536000, immutable");
  auto again = testing::HttpDo(
      port, {.target = asset, .headers = {{"If-None-Match", gz->Header("etag").value_or("")}}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 304);

  auto api = testing::HttpGet(port, "/api/v1/nope");
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(nlohmann::json::parse(api->body)["status"], "error");
  auto status = testing::HttpGet(port, "/status");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->body.find("<div id=\"app\">"), std::string::npos);
  auto dashboards = testing::HttpGet(port, "/api/v1/dashboards");
  ASSERT_TRUE(dashboards.ok());
  EXPECT_EQ(dashboards->status, 200);
  EXPECT_EQ(nlohmann::json::parse(dashboards->body)["data"].size(),
            EmbeddedDashboardFiles().size());
}

}  // namespace
}  // namespace osprey::server
