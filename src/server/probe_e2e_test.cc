// Uptime probes end to end: the real osprey binary probes another Osprey over HTTP and TCP
// and a closed port, and the probe series are queryable.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/api_query.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;
using testing::Eventually;
using testing::HttpGet;
using testing::InstantQuery;
using testing::OspreyProcess;

// The value of the one series `query` returns, or "" when not exactly one.
std::string Value(int port, std::string_view query) {
  Json v = InstantQuery(port, query);
  return v.size() == 1 ? v[0]["value"][1].get<std::string>() : "";
}

TEST(ProbeE2eTest, ProbesReportSuccessAndFailure) {
  auto target = OspreyProcess::Start({.config_yaml = ""});
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  const std::string address = "127.0.0.1:" + std::to_string((*target)->port());
  const std::string closed = "127.0.0.1:" + std::to_string(testing::FreeLocalPort());
  auto osprey =
      OspreyProcess::Start({.config_yaml = "probes:\n"
                                           "  - {name: web, module: http, target: 'http://" +
                                           address +
                                           "/-/healthy', interval: 1s, labels: {team: sre}}\n"
                                           "  - {name: port, module: tcp, target: '" +
                                           address +
                                           "', interval: 1s}\n"
                                           "  - {name: down, module: tcp, target: '" +
                                           closed + "', interval: 1s}\n"});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  ASSERT_TRUE(Eventually([&] {
    return Value(port, "probe_success{probe=\"web\",team=\"sre\"}") == "1" &&
           Value(port, "probe_success{probe=\"port\"}") == "1" &&
           Value(port, "probe_success{probe=\"down\"}") == "0";
  })) << (*osprey)->Stderr();
  EXPECT_EQ(Value(port, "probe_http_status_code{probe=\"web\"}"), "200");
  EXPECT_EQ(InstantQuery(port, "probe_http_duration_seconds{probe=\"web\"}").size(), 5u);  // phases
  Json web = InstantQuery(port, "probe_success{probe=\"web\"}");
  ASSERT_EQ(web.size(), 1u);
  EXPECT_EQ(web[0]["metric"]["instance"], "http://" + address + "/-/healthy");
  EXPECT_EQ(web[0]["metric"]["job"], "probe");

  // Uptime from the stored probe_success series, as JSON and as the status page.
  auto uptime = HttpGet(port, "/api/v1/uptime");
  ASSERT_TRUE(uptime.ok());
  ASSERT_EQ(uptime->status, 200) << uptime->body;
  Json checks = Json::parse(uptime->body)["data"];
  ASSERT_EQ(checks.size(), 3u) << checks.dump();
  std::map<std::string, Json> by_name;
  for (const Json& c : checks) by_name[c["name"].get<std::string>()] = c;
  EXPECT_EQ(by_name["web"]["state"], "up");
  EXPECT_EQ(by_name["web"]["availability"]["24h"], 1.0);
  EXPECT_EQ(by_name["web"]["labels"]["team"], "sre");
  EXPECT_EQ(by_name["down"]["state"], "down");
  EXPECT_EQ(by_name["down"]["availability"]["30d"], 0.0);
  ASSERT_EQ(by_name["web"]["daily"].size(), 90u);
  EXPECT_EQ(by_name["web"]["daily"][89]["availability"], 1.0);
  EXPECT_TRUE(by_name["web"]["daily"][0]["availability"].is_null());  // no data 89 days ago
  auto page = HttpGet(port, "/status");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<b>web</b>"), std::string::npos);
  EXPECT_NE(page->body.find("Some checks are down"), std::string::npos);

  // A bad probe config is refused at start, naming the probe.
  testing::TempDir dir;
  const std::string config =
      dir.WriteFile("bad.yml", "probes:\n  - {name: x, module: ftp, target: 'a:1'}\n");
  auto bad =
      OspreyProcess::RunToExit({"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                                "--storage.tsdb.path=" + dir.Join("data"),
                                "--otlp.http-listen-address=", "--otlp.grpc-listen-address="});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_NE(bad->stderr_text.find("(probe \\\"x\\\")"), std::string::npos) << bad->stderr_text;
}

}  // namespace
}  // namespace osprey::server
