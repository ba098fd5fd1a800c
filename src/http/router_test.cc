#include "http/router.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::http {
namespace {

// A handler that answers with its own name and the path parameters it got.
Handler Named(std::string name) {
  return [name](const Request& r) {
    std::string body = name;
    for (const auto& [k, v] : r.path_params) body += " " + k + "=" + v;
    return Response::Text(body);
  };
}

Response Get(const Router& router, std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  EXPECT_TRUE(ParseTarget(r.target, r).ok());
  return router.Dispatch(r);
}

TEST(RouterTest, LiteralBeatsParameterBeatsWildcard) {
  Router router;
  router.Handle("GET", "/api/v1/labels", Named("labels"));
  router.Handle("GET", "/api/v1/:endpoint", Named("param"));
  router.Handle("GET", "/api/*rest", Named("wild"));
  EXPECT_EQ(Get(router, "GET", "/api/v1/labels").body, "labels");
  EXPECT_EQ(Get(router, "GET", "/api/v1/series").body, "param endpoint=series");
  EXPECT_EQ(Get(router, "GET", "/api/v2/alerts").body, "wild rest=v2/alerts");
  EXPECT_EQ(Get(router, "GET", "/api/v1/labels/x").body, "wild rest=v1/labels/x");
}

TEST(RouterTest, BacktracksWhenTheLiteralBranchHasNoRoute) {
  Router router;
  router.Handle("GET", "/api/v1/label/:name/values", Named("values"));
  router.Handle("GET", "/api/v1/label/special/other", Named("special"));
  // "special" matches the literal first, which has no ".../values" route.
  EXPECT_EQ(Get(router, "GET", "/api/v1/label/special/values").body, "values name=special");
  EXPECT_EQ(Get(router, "GET", "/api/v1/label/special/other").body, "special");
}

TEST(RouterTest, PathParametersAreDecodedPerSegment) {
  Router router;
  router.Handle("GET", "/api/v1/label/:name/values", Named("values"));
  EXPECT_EQ(Get(router, "GET", "/api/v1/label/a%2Fb%20c/values").body, "values name=a/b c");
}

TEST(RouterTest, ParameterDoesNotMatchAnEmptySegment) {
  Router router;
  router.Handle("GET", "/silence/:id", Named("silence"));
  EXPECT_EQ(Get(router, "GET", "/silence/").status, 404);
  EXPECT_EQ(Get(router, "GET", "/silence/abc").body, "silence id=abc");
}

TEST(RouterTest, WildcardMatchesEmptyRestButNotTheBareprefix) {
  Router router;
  router.Handle("GET", "/static/*path", Named("static"));
  EXPECT_EQ(Get(router, "GET", "/static/").body, "static path=");
  EXPECT_EQ(Get(router, "GET", "/static/js/app.js").body, "static path=js/app.js");
  EXPECT_EQ(Get(router, "GET", "/static").status, 404);
}

TEST(RouterTest, RootAndTrailingSlashAreDistinct) {
  Router router;
  router.Handle("GET", "/", Named("root"));
  router.Handle("GET", "/graph", Named("graph"));
  EXPECT_EQ(Get(router, "GET", "/").body, "root");
  EXPECT_EQ(Get(router, "GET", "/graph").body, "graph");
  EXPECT_EQ(Get(router, "GET", "/graph/").status, 404);
}

TEST(RouterTest, UnknownPathIs404WithPrometheusErrorBody) {
  Router router;
  router.Handle("GET", "/a", Named("a"));
  Response r = Get(router, "GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"status":"error","errorType":"not_found","error":"path /nope not found"})");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
}

TEST(RouterTest, WrongMethodIs405WithSortedAllowIncludingHead) {
  Router router;
  router.Handle("POST", "/api/v1/query", Named("post"));
  router.Handle("GET", "/api/v1/query", Named("get"));
  router.Handle("DELETE", "/api/v1/admin/:x", Named("delete"));
  Response r = Get(router, "PUT", "/api/v1/query");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD, POST");
  EXPECT_NE(r.body.find(R"("status":"error")"), std::string::npos);
  EXPECT_EQ(Get(router, "GET", "/api/v1/admin/tsdb").Header("Allow"), "DELETE");
}

TEST(RouterTest, MethodMismatchOnLiteralFallsBackToParameterRoute) {
  Router router;
  router.Handle("GET", "/api/v1/rules", Named("rules"));
  router.Handle("POST", "/api/v1/:thing", Named("post-thing"));
  EXPECT_EQ(Get(router, "POST", "/api/v1/rules").body, "post-thing thing=rules");
}

TEST(RouterTest, HeadIsServedByGetUnlessRegistered) {
  Router router;
  router.Handle("GET", "/a", Named("get-a"));
  router.Handle("GET", "/b", Named("get-b"));
  router.Handle("HEAD", "/b", Named("head-b"));
  EXPECT_EQ(Get(router, "HEAD", "/a").body, "get-a");
  EXPECT_EQ(Get(router, "HEAD", "/b").body, "head-b");
}

TEST(RouterTest, FindReportsPatternForMetricsLabels) {
  Router router;
  router.Handle("GET", "/api/v1/label/:name/values", Named("values"));
  RouteMatch m = router.Find("GET", "/api/v1/label/job/values");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.pattern, "/api/v1/label/:name/values");
  EXPECT_EQ(router.Find("GET", "/zzz").pattern, "");
  EXPECT_EQ(router.Find("POST", "/api/v1/label/job/values").pattern, "/api/v1/label/:name/values");
}

TEST(RouterTest, PatternsListsEveryRouteOnce) {
  Router router;
  router.Handle("GET", "/b", Named("x"));
  router.Handle("POST", "/b", Named("x"));
  router.Handle("GET", "/a/:p", Named("x"));
  router.Handle("GET", "/s/*rest", Named("x"));
  EXPECT_EQ(router.Patterns(), (std::vector<std::string>{"/a/:p", "/b", "/s/*rest"}));
}

TEST(RouterDeathTest, RejectsDuplicateRoute) {
  Router router;
  router.Handle("GET", "/a", Named("x"));
  EXPECT_DEATH(router.Handle("GET", "/a", Named("y")), "registered twice");
}

TEST(RouterDeathTest, RejectsConflictingParameterNames) {
  Router router;
  router.Handle("GET", "/a/:id", Named("x"));
  EXPECT_DEATH(router.Handle("GET", "/a/:name/b", Named("y")), "names parameter");
}

TEST(RouterDeathTest, RejectsWildcardBeforeTheEnd) {
  Router router;
  EXPECT_DEATH(router.Handle("GET", "/a/*rest/b", Named("x")), "last segment");
}

}  // namespace
}  // namespace osprey::http
