// `osprey incidents` / `osprey oncall` against an in-process HTTP server that records the
// requests and answers with canned API responses.
#include "server/cli.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/logger.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;

constexpr const char* kIncident = R"({
  "id": 12, "state": "triggered", "title": "Disk almost full on db1", "severity": "critical",
  "services": ["db"], "group_key": "{}:{alertname=\"DiskFull\"}", "receiver": "ops",
  "group_labels": {"alertname": "DiskFull"}, "policy": "ops", "assignee": "",
  "opened_at": "2026-11-22T01:02:03.456Z", "acknowledged_at": null, "acknowledged_by": "",
  "resolved_at": null, "resolved_by": "", "escalation_level": 0,
  "next_escalation_at": "2026-11-22T01:12:03.456Z", "mtta_seconds": null, "mttr_seconds": null,
  "url": "http://osprey.example/incidents/12",
  "alerts": [{"fingerprint": "0123456789abcdef", "labels": {"alertname": "DiskFull",
              "instance": "db1:9100"}, "annotations": {}, "status": "firing",
              "starts_at": "2026-11-22T01:02:03.456Z", "ends_at": null, "generator_url": ""}]})";

struct Seen {
  std::string method, target, body, via, authorization;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto record = [this](const http::Request& r) {
      std::lock_guard lock(mu_);
      seen_.push_back({r.method, r.target, r.body,
                       std::string(r.Header("X-Osprey-Via").value_or("")),
                       std::string(r.Header("Authorization").value_or(""))});
    };
    router_.Handle("GET", "/api/v1/incidents", [record](const http::Request& r) {
      record(r);
      Json data = Json::array({Json::parse(kIncident)});
      Json second = Json::parse(kIncident);
      second["id"] = 9;
      second["state"] = "acknowledged";
      second["title"] = "Latency high";
      second["severity"] = "warning";
      second["services"] = Json::array({"web", "api"});
      second["assignee"] = "bob";
      data.push_back(second);
      return http::Response::Json(Json{{"status", "success"}, {"data", data}}.dump());
    });
    router_.Handle("GET", "/api/v1/incidents/:id", [record](const http::Request& r) {
      record(r);
      if (r.PathParam("id") != "12") {
        return http::ErrorResponse(404, "not_found", "incident 13 not found");
      }
      Json data = Json::parse(kIncident);
      data["timeline"] = Json::parse(R"([
        {"id":1,"at":"2026-11-22T01:02:03.456Z","kind":"opened","actor":"system",
         "message":"DiskFull started firing","detail":{}},
        {"id":2,"at":"2026-11-22T01:02:04.000Z","kind":"notified","actor":"system",
         "message":"notified alice by webhook: ok","detail":{}}])");
      return http::Response::Json(Json{{"status", "success"}, {"data", data}}.dump());
    });
    router_.Handle("POST", "/api/v1/incidents/:id/:action", [record](const http::Request& r) {
      record(r);
      if (r.PathParam("action") == "resolve") {
        return http::ErrorResponse(409, "conflict", "incident 12 is already resolved");
      }
      Json data = Json::parse(kIncident);
      data["state"] = "acknowledged";
      return http::Response::Json(Json{{"status", "success"}, {"data", data}}.dump());
    });
    router_.Handle("GET", "/api/v1/oncall", [record](const http::Request& r) {
      record(r);
      return http::Response::Json(R"({"status":"success","data":{"schedules":[
        {"schedule":"primary","now":["alice"],"next":["bob"],
         "next_change_at":"2026-11-23T09:00:00.000Z"},
        {"schedule":"secondary","now":[],"next":["carol"],"next_change_at":null}],
        "policies":[{"policy":"ops","level1_now":["alice","dave"]}]}})");
    });
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 2;
    auto started =
        http::Server::Start(std::move(o), router_, registry_,
                            Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  struct Outcome {
    int code;
    std::string out, err;
  };
  Outcome Run(std::vector<std::string> args, std::string env_url = "") {
    const bool has_url = std::find(args.begin(), args.end(), "--url") != args.end();
    if (env_url.empty() && !has_url) args.insert(args.begin(), "--url=" + url_);
    std::ostringstream out, err;
    int code = RunCli(args, env_url, out, err);
    return {code, out.str(), err.str()};
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  http::Router router_;
  metrics::Registry registry_;
  std::string url_;
  std::mutex mu_;
  std::vector<Seen> seen_;
  std::unique_ptr<http::Server> server_;  // last: stops before the members its handlers use
};

TEST_F(CliTest, ListPrintsAlignedTableAndPassesFilters) {
  Outcome o =
      Run({"incidents", "list", "--state", "open", "--severity=critical", "--service", "db web"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out,
            "ID  STATE         SEVERITY  OPENED                SERVICES  ASSIGNEE  TITLE\n"
            "12  triggered     critical  2026-11-22 01:02:03Z  db        -         Disk almost "
            "full on db1\n"
            "9   acknowledged  warning   2026-11-22 01:02:03Z  web, api  bob       Latency high\n");
  ASSERT_EQ(seen().size(), 1u);
  EXPECT_EQ(seen()[0].target, "/api/v1/incidents?state=open&severity=critical&service=db+web");
  EXPECT_EQ(seen()[0].via, "cli");
}

TEST_F(CliTest, JsonPrintsTheData) {
  Outcome o = Run({"incidents", "list", "--json"});
  ASSERT_EQ(o.code, 0) << o.err;
  Json j = Json::parse(o.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], 12);
}

TEST_F(CliTest, ShowPrintsDetailsAlertsAndTimeline) {
  Outcome o = Run({"incidents", "show", "12"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("Incident #12: Disk almost full on db1\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("State:         triggered\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("{alertname=DiskFull, instance=db1:9100}"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  2026-11-22 01:02:04Z  notified  system  notified alice by webhook: ok"),
            std::string::npos)
      << o.out;
}

TEST_F(CliTest, ServerErrorsExitOneWithTheServersMessage) {
  Outcome missing = Run({"incidents", "show", "13"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "error: incident 13 not found\n");
  Outcome conflict = Run({"incidents", "resolve", "12"});
  EXPECT_EQ(conflict.code, 1);
  EXPECT_EQ(conflict.err, "error: incident 12 is already resolved\n");
  Outcome down = Run({"oncall", "now", "--url", "http://127.0.0.1:1"});
  EXPECT_EQ(down.code, 1);
  EXPECT_NE(down.err.find("cannot reach Osprey at http://127.0.0.1:1"), std::string::npos)
      << down.err;
}

TEST_F(CliTest, AckAndNoteSendActorAndText) {
  Outcome ack =
      Run({"incidents", "ack", "12", "--as", "alice", "--user", "ops", "--password", "pw"});
  ASSERT_EQ(ack.code, 0) << ack.err;
  EXPECT_EQ(ack.out, "Incident #12 acknowledged (state: acknowledged).\n");
  Outcome note = Run({"incidents", "note", "12", "--", "-rolled back \"v2\""});
  ASSERT_EQ(note.code, 0) << note.err;
  std::vector<Seen> s = seen();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].method, "POST");
  EXPECT_EQ(s[0].target, "/api/v1/incidents/12/ack");
  EXPECT_EQ(Json::parse(s[0].body), Json({{"by", "alice"}}));
  EXPECT_EQ(s[0].authorization, "Basic b3BzOnB3");  // ops:pw
  EXPECT_EQ(s[1].target, "/api/v1/incidents/12/notes");
  EXPECT_EQ(Json::parse(s[1].body), Json({{"text", "-rolled back \"v2\""}}));
  EXPECT_EQ(s[1].via, "cli");
}

TEST_F(CliTest, OnCallNowShowsGapsAndPolicies) {
  Outcome o = Run({}, url_);
  EXPECT_EQ(o.code, 2);              // no command
  o = Run({"oncall", "now"}, url_);  // $OSPREY_URL
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out,
            "SCHEDULE   ON CALL        NEXT   HAND-OFF\n"
            "primary    alice          bob    2026-11-23 09:00:00Z\n"
            "secondary  (nobody: gap)  carol  -\n"
            "\n"
            "POLICY  LEVEL 1 NOW\n"
            "ops     alice, dave\n");
}

TEST(CliUsageTest, BadUsageExitsTwoWithoutARequest) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"incidents"}, "missing command"},
      {{"incidents", "frobnicate"}, "unknown command \"incidents frobnicate\""},
      {{"oncall", "later"}, "unknown command"},
      {{"incidents", "show"}, "missing incident ID"},
      {{"incidents", "ack", "twelve"}, "incident ID must be a positive integer"},
      {{"incidents", "note", "12"}, "missing note text"},
      {{"incidents", "show", "12", "13"}, "unexpected argument \"13\""},
      {{"incidents", "list", "--as", "bob"}, "--as does not apply"},
      {{"incidents", "list", "--bogus"}, "unknown flag --bogus"},
      {{"incidents", "list", "--state"}, "--state needs a value"},
      {{"oncall", "now", "--password", "x"}, "--password needs --user"},
  };
  for (const Case& c : cases) {
    std::ostringstream out, err;
    int code = RunCli(c.args, "http://127.0.0.1:1", out, err);
    EXPECT_EQ(code, 2) << c.message;
    EXPECT_NE(err.str().find(c.message), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("usage:"), std::string::npos);
    EXPECT_EQ(out.str(), "");
  }
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"incidents", "--help"}, "", out, err), 0);
  EXPECT_NE(out.str().find("osprey incidents list"), std::string::npos);
  EXPECT_TRUE(IsCliCommand("incidents"));
  EXPECT_TRUE(IsCliCommand("oncall"));
  EXPECT_FALSE(IsCliCommand("--config.file=x"));
}

}  // namespace
}  // namespace osprey::server
