// In-process tests of /api/v1/dashboards and its SQLite store: CRUD, optimistic concurrency,
// provisioned (read-only) dashboards, validation errors naming the field, uid collisions and
// persistence across a restart.
#include "server/dashboards_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;

struct Reply {
  int status = 0;
  Json body;
};

class DashboardsApiTest : public ::testing::Test {
 protected:
  DashboardsApiTest() : clock_(1'700'000'000'000) { Open(); }

  void Open() {
    api_.reset();
    router_ = http::Router();
    registry_ = std::make_unique<metrics::Registry>();
    store_.reset();
    auto store = DashboardStore::Open(dir_.Join("dashboards.db"), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    api_ = std::make_unique<DashboardsApi>(*store_, *registry_);
    api_->RegisterRoutes(router_);
  }

  Reply Do(std::string method, std::string path, std::string body = "") {
    http::Request req;
    req.method = std::move(method);
    req.path = path;
    req.target = path;
    req.body = std::move(body);
    http::Response resp = router_.Dispatch(req);
    Reply r{.status = resp.status};
    r.body = Json::parse(resp.body, nullptr, false);
    EXPECT_FALSE(r.body.is_discarded()) << resp.body;
    return r;
  }
  Reply Post(const Json& body) { return Do("POST", "/api/v1/dashboards", body.dump()); }
  Reply Put(const std::string& uid, const Json& body) {
    return Do("PUT", "/api/v1/dashboards/" + uid, body.dump());
  }

  double Errors(std::string_view reason) {
    std::string text = registry_->ExpositionText();
    std::string key =
        std::string("osprey_dashboard_api_errors_total{reason=\"").append(reason).append("\"} ");
    size_t at = text.find(key);
    return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<DashboardStore> store_;
  http::Router router_;
  std::unique_ptr<DashboardsApi> api_;
};

Json Dash(std::string title, Json extra = Json::object()) {
  Json d = {{"title", std::move(title)}, {"panels", Json::array()}};
  d.update(extra);
  return d;
}

TEST_F(DashboardsApiTest, CreateGetListUpdateDelete) {
  Reply created = Post({{"dashboard", Dash("Zeta", {{"tags", {"b", "a"}}})}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::string uid = created.body["data"]["uid"];
  EXPECT_EQ(uid.size(), 12u);
  for (char c : uid) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << uid;
  EXPECT_EQ(created.body["data"]["version"], 1);
  ASSERT_EQ(Post({{"dashboard", Dash("alpha")}}).status, 200);

  Reply list = Do("GET", "/api/v1/dashboards");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["data"].size(), 2u);
  EXPECT_EQ(list.body["data"][0]["title"], "alpha");  // sorted by title, case-insensitive
  EXPECT_EQ(list.body["data"][1]["title"], "Zeta");
  EXPECT_EQ(list.body["data"][1]["tags"], Json({"b", "a"}));
  EXPECT_EQ(list.body["data"][1]["provisioned"], false);
  EXPECT_EQ(list.body["data"][1]["updated_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_FALSE(list.body["data"][1].contains("dashboard"));

  Reply got = Do("GET", "/api/v1/dashboards/" + uid);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["dashboard"]["title"], "Zeta");
  EXPECT_EQ(got.body["data"]["dashboard"]["uid"], uid);
  EXPECT_EQ(got.body["data"]["dashboard"]["version"], 1);
  EXPECT_EQ(got.body["data"]["version"], 1);

  clock_.Advance(1000);
  Reply updated = Put(uid, {{"dashboard", Dash("Zeta 2")}, {"version", 1}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.body["data"], Json({{"uid", uid}, {"version", 2}}));
  got = Do("GET", "/api/v1/dashboards/" + uid);
  EXPECT_EQ(got.body["data"]["title"], "Zeta 2");
  EXPECT_EQ(got.body["data"]["updated_at"], "2023-11-14T22:13:21.000Z");

  Reply deleted = Do("DELETE", "/api/v1/dashboards/" + uid);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_TRUE(deleted.body["data"].is_null());
  EXPECT_EQ(Do("GET", "/api/v1/dashboards/" + uid).status, 404);
  EXPECT_EQ(Do("DELETE", "/api/v1/dashboards/" + uid).status, 404);
  EXPECT_EQ(Do("GET", "/api/v1/dashboards").body["data"].size(), 1u);
  EXPECT_EQ(Errors("not_found"), 2);
}

TEST_F(DashboardsApiTest, StaleVersionIsAConflict) {
  Reply created = Post({{"dashboard", Dash("A", {{"uid", "mine"}})}});
  ASSERT_EQ(created.status, 200);
  EXPECT_EQ(created.body["data"]["uid"], "mine");
  ASSERT_EQ(Put("mine", {{"dashboard", Dash("B")}, {"version", 1}}).status, 200);
  Reply stale = Put("mine", {{"dashboard", Dash("C")}, {"version", 1}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["errorType"], "conflict");
  EXPECT_NE(stale.body["error"].get<std::string>().find("dashboard changed since you loaded it"),
            std::string::npos)
      << stale.body;
  EXPECT_EQ(Do("GET", "/api/v1/dashboards/mine").body["data"]["title"], "B");
  // The version may also come inside the dashboard, as Grafana's JSON has it.
  Reply inner = Put("mine", {{"dashboard", Dash("D", {{"version", 2}})}});
  EXPECT_EQ(inner.status, 200) << inner.body;
  EXPECT_EQ(Put("mine", {{"dashboard", Dash("E")}}).status, 400);  // no version at all
  EXPECT_EQ(Put("nope", {{"dashboard", Dash("E")}, {"version", 1}}).status, 404);
  EXPECT_EQ(Errors("conflict"), 1);
}

TEST_F(DashboardsApiTest, UidCollisionIsAConflict) {
  ASSERT_EQ(Post({{"dashboard", Dash("A", {{"uid", "same"}})}}).status, 200);
  Reply again = Post({{"dashboard", Dash("B", {{"uid", "same"}})}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["errorType"], "conflict");
  EXPECT_NE(again.body["error"].get<std::string>().find("\"same\" already exists"),
            std::string::npos);
  // Without a uid a fresh one is generated; an empty or null one counts as absent.
  Reply fresh = Post({{"dashboard", Dash("B", {{"uid", ""}})}});
  ASSERT_EQ(fresh.status, 200);
  EXPECT_NE(fresh.body["data"]["uid"], "same");
  EXPECT_EQ(Post({{"dashboard", Dash("C", {{"uid", nullptr}})}}).status, 200);
  Reply changed = Put("same", {{"dashboard", Dash("A", {{"uid", "other"}})}, {"version", 1}});
  EXPECT_EQ(changed.status, 400);
  EXPECT_NE(changed.body["error"].get<std::string>().find("dashboard.uid"), std::string::npos);
}

TEST_F(DashboardsApiTest, ValidationErrorsNameTheField) {
  struct Case {
    std::string body;
    std::string error;  // a substring of the message
  };
  std::string long_title(257, 'x');
  std::string deep(100, '[');
  const Case cases[] = {
      {"", "body: invalid JSON: parse error at line 1, column 1"},
      {"{\"dashboard\":", "body: invalid JSON"},
      {"[]", "body: must be a JSON object"},
      {"{}", "dashboard: required"},
      {R"({"dashboard":[]})", "dashboard: must be a JSON object"},
      {R"({"dashboard":{}})", "dashboard.title: required, a non-empty string"},
      {R"({"dashboard":{"title":""}})", "dashboard.title: required, a non-empty string"},
      {R"({"dashboard":{"title":7}})", "dashboard.title: required"},
      {R"({"dashboard":{"title":")" + long_title + "\"}}", "dashboard.title: 257 characters"},
      {R"({"dashboard":{"title":"t","tags":"a"}})", "dashboard.tags: must be an array of strings"},
      {R"({"dashboard":{"title":"t","tags":["a",1]}})", "dashboard.tags[1]: must be a string"},
      {R"({"dashboard":{"title":"t","panels":{}}})", "dashboard.panels: must be an array"},
      {R"({"dashboard":{"title":"t","panels":[{},{},{},3]}})",
       "dashboard.panels[3]: must be an object"},
      {R"({"dashboard":{"title":"t","panels":[{"type":"row","panels":[{},"x"]}]}})",
       "dashboard.panels[0].panels[1]: must be an object"},
      {R"({"dashboard":{"title":"t","uid":"a b"}})", "dashboard.uid: must be 1 to 40"},
      {R"({"dashboard":{"title":"t","uid":5}})", "dashboard.uid: must be a string"},
      {R"({"dashboard":{"title":"t"},"version":"3"})", "version: must be an integer"},
      {R"({"dashboard":{"title":"t","x":)" + deep + "}}", "nested deeper than 64 levels"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 80));
    Reply r = Do("POST", "/api/v1/dashboards", c.body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body["errorType"], "bad_data");
    EXPECT_NE(r.body["error"].get<std::string>().find(c.error), std::string::npos)
        << r.body["error"];
  }
  EXPECT_EQ(Errors("bad_request"), std::size(cases));
  EXPECT_EQ(Do("GET", "/api/v1/dashboards").body["data"].size(), 0u);  // nothing stored
}

TEST_F(DashboardsApiTest, BodyOverFourMebibytesIsRejected) {
  Json d = Dash("big", {{"padding", std::string(kMaxDashboardBodyBytes, 'x')}});
  Reply r = Post({{"dashboard", d}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body["error"].get<std::string>().find("more than the limit of 4 MiB"),
            std::string::npos);
  EXPECT_EQ(Errors("too_large"), 1);
}

TEST_F(DashboardsApiTest, ProvisionedDashboardsAreReadOnly) {
  const std::string host = R"({"uid":"host-overview","title":"Host overview","tags":["host"],
                              "panels":[{"type":"timeseries"}]})";
  const std::string bad = R"({"title":"no uid"})";
  const EmbeddedFile files[] = {
      {.path = "host-overview.json", .data = host},
      {.path = "broken.json", .data = bad},
  };
  std::vector<std::string> skipped;
  Result<int> changed = ProvisionDashboards(*store_, files, skipped);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(*changed, 1);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0], "dashboards/broken.json.uid: required for a provisioned dashboard");

  Reply got = Do("GET", "/api/v1/dashboards/host-overview");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["provisioned"], true);
  EXPECT_EQ(got.body["data"]["tags"], Json({"host"}));
  Reply put = Put("host-overview", {{"dashboard", Dash("Mine")}, {"version", 1}});
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(put.body["errorType"], "forbidden");
  EXPECT_EQ(put.body["error"], "provisioned dashboard \"host-overview\" is read-only: save a copy");
  EXPECT_EQ(Do("DELETE", "/api/v1/dashboards/host-overview").status, 403);
  EXPECT_EQ(Post({{"dashboard", Dash("copy", {{"uid", "host-overview"}})}}).status, 409);
  EXPECT_EQ(Errors("forbidden"), 2);

  // Provisioning again with the same content changes nothing; new content bumps the version.
  skipped.clear();
  EXPECT_EQ(*ProvisionDashboards(*store_, std::span(files, 1), skipped), 0);
  const std::string host2 = R"({"uid":"host-overview","title":"Host overview v2"})";
  const EmbeddedFile v2[] = {{.path = "host-overview.json", .data = host2}};
  EXPECT_EQ(*ProvisionDashboards(*store_, v2, skipped), 1);
  got = Do("GET", "/api/v1/dashboards/host-overview");
  EXPECT_EQ(got.body["data"]["version"], 2);
  EXPECT_EQ(got.body["data"]["title"], "Host overview v2");
  // A file that disappeared takes its dashboard with it; users' dashboards stay.
  ASSERT_EQ(Post({{"dashboard", Dash("user")}}).status, 200);
  EXPECT_EQ(*ProvisionDashboards(*store_, {}, skipped), 1);
  EXPECT_EQ(Do("GET", "/api/v1/dashboards/host-overview").status, 404);
  EXPECT_EQ(Do("GET", "/api/v1/dashboards").body["data"].size(), 1u);
}

TEST_F(DashboardsApiTest, ProvisioningTakesOverAUsersUid) {
  ASSERT_EQ(Post({{"dashboard", Dash("user's", {{"uid", "host-overview"}})}}).status, 200);
  const std::string host = R"({"uid":"host-overview","title":"Host overview"})";
  const EmbeddedFile files[] = {{.path = "host-overview.json", .data = host}};
  std::vector<std::string> skipped;
  EXPECT_EQ(*ProvisionDashboards(*store_, files, skipped), 1);
  Reply got = Do("GET", "/api/v1/dashboards/host-overview");
  EXPECT_EQ(got.body["data"]["provisioned"], true);
  EXPECT_EQ(got.body["data"]["version"], 2);
}

TEST_F(DashboardsApiTest, DashboardsSurviveARestart) {
  Json d = Dash("Persistent", {{"uid", "keep"}, {"panels", {{{"type", "text"}}}}});
  ASSERT_EQ(Post({{"dashboard", d}}).status, 200);
  ASSERT_EQ(Put("keep", {{"dashboard", d}, {"version", 1}}).status, 200);
  Open();  // a new store on the same file, as after a restart
  Reply got = Do("GET", "/api/v1/dashboards/keep");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["version"], 2);
  EXPECT_EQ(got.body["data"]["dashboard"]["panels"][0]["type"], "text");
  EXPECT_EQ(got.body["data"]["created_at"], "2023-11-14T22:13:20.000Z");
}

TEST(JsonNestingDepthTest, CountsBracketsOutsideStrings) {
  EXPECT_EQ(JsonNestingDepth("1"), 0);
  EXPECT_EQ(JsonNestingDepth(R"({"a":[1,{"b":2}]})"), 3);
  EXPECT_EQ(JsonNestingDepth(R"({"a":"[[[[\"[["})"), 1);
  EXPECT_EQ(JsonNestingDepth("]]]]["), 1);
}

}  // namespace
}  // namespace osprey::server
