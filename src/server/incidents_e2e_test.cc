// Incidents end to end with the real binary and docs/examples/incidents.yml (its
// hooks.example.com URLs pointed at a webhook receiver in this test): an alert posted to
// /api/v2/alerts opens an incident, the on-call person's webhook gets the incident with a
// one-click ack link, the link acknowledges once, the CLI lists, notes and resolves it, and
// a restart keeps the incident and its timeline.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "alerting/notifiers/capture_server_test_util.h"
#include "base/strings.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using alerting::notifiers::testing::CaptureServer;
using Json = nlohmann::json;
using testing::Eventually;
using testing::HttpGet;
using testing::HttpPost;
using testing::OspreyProcess;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs the binary with `args`, capturing stdout and stderr (files, so no pipe can fill up).
CliRun RunBinary(const std::vector<std::string>& args, const std::string& dir) {
  const std::string out_path = dir + "/cli.out", err_path = dir + "/cli.err";
  std::vector<std::string> argv = {OspreyProcess::BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    unsetenv("OSPREY_URL");
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  CliRun r;
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

std::string ExampleConfig(const CaptureServer& sink) {
  std::ifstream in(std::string(OSPREY_SOURCE_DIR) + "/docs/examples/incidents.yml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string yaml = ss.str();
  EXPECT_FALSE(yaml.empty());
  auto replace_all = [&yaml](const std::string& from, const std::string& to) {
    EXPECT_NE(yaml.find(from), std::string::npos) << from;
    yaml = StrReplaceAll(yaml, from, to);
  };
  replace_all("http://hooks.example.com", sink.Url(""));
  replace_all("group_wait: 30s", "group_wait: 1s");
  return yaml;
}

Json GetData(int port, const std::string& target) {
  auto r = HttpGet(port, target);
  if (!r.ok() || r->status != 200) return Json();
  Json j = Json::parse(r->body, nullptr, false);
  return j.is_discarded() ? Json() : j["data"];
}

TEST(IncidentsE2ETest, AlertOpensIncidentAckLinkCliAndRestart) {
  CaptureServer sink;
  auto osprey = OspreyProcess::Start({.config_yaml = ExampleConfig(sink)});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  auto posted = HttpPost(port, "/api/v2/alerts", R"([{
      "labels": {"alertname": "DiskFull", "service": "db", "severity": "critical",
                 "instance": "db1:9100"},
      "annotations": {"summary": "Disk almost full on db1"}}])",
                         "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  ASSERT_EQ(posted->status, 200) << posted->body;

  Json incident;
  ASSERT_TRUE(Eventually([&] {
    Json list = GetData(port, "/api/v1/incidents?state=open");
    if (!list.is_array() || list.empty()) return false;
    incident = list[0];
    return true;
  })) << (*osprey)->Stderr();
  const int64_t id = incident["id"];
  EXPECT_EQ(incident["title"], "Disk almost full on db1");
  EXPECT_EQ(incident["severity"], "critical");
  EXPECT_EQ(incident["services"], Json::array({"db"}));
  EXPECT_EQ(incident["policy"], "ops");
  EXPECT_EQ(incident["url"], "http://localhost:9090/incidents/" + std::to_string(id));

  // Level 1 is whoever the weekly rotation has on call now: alice or bob.
  Json hook;
  std::string person;
  ASSERT_TRUE(Eventually([&] {
    for (const auto& r : sink.Requests()) {
      if (r.target != "/alice" && r.target != "/bob") continue;
      hook = Json::parse(r.body, nullptr, false);
      person = r.target.substr(1);
      return !hook.is_discarded();
    }
    return false;
  })) << (*osprey)->Stderr();
  EXPECT_EQ(hook["incident"]["id"], id) << hook.dump();
  EXPECT_EQ(hook["person"], person);
  const std::string ack_url = hook.value("ack_url", "");
  const std::string prefix = "http://localhost:9090/ack/";
  ASSERT_EQ(ack_url.rfind(prefix, 0), 0u) << hook.dump();
  const std::string ack_path = ack_url.substr(std::string("http://localhost:9090").size());

  // The ticket action ran on open (HTTP, templated body).
  ASSERT_TRUE(Eventually([&] {
    for (const auto& r : sink.Requests()) {
      if (r.target == "/tickets") {
        Json t = Json::parse(r.body, nullptr, false);
        return !t.is_discarded() && t["incident"] == id;
      }
    }
    return false;
  }));

  auto ack = HttpGet(port, ack_path);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->status, 200) << ack->body;
  EXPECT_NE(ack->body.find("Incident #" + std::to_string(id) + " acknowledged by " + person),
            std::string::npos)
      << ack->body;
  auto reused = HttpGet(port, ack_path);
  ASSERT_TRUE(reused.ok());
  EXPECT_EQ(reused->status, 409) << reused->body;
  std::string forged = ack_path;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  auto bad = HttpGet(port, forged);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 403) << bad->body;
  EXPECT_NE((*osprey)->Stderr().find("acknowledgement link"), std::string::npos);

  // The CLI against the same server.
  const std::string dir = (*osprey)->dir().path();
  CliRun list = RunBinary({"incidents", "list", "--url", url}, dir);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("acknowledged"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Disk almost full on db1"), std::string::npos) << list.out;
  CliRun oncall = RunBinary({"oncall", "now", "--url", url}, dir);
  EXPECT_EQ(oncall.exit_code, 0) << oncall.err;
  EXPECT_NE(oncall.out.find("primary"), std::string::npos) << oncall.out;
  EXPECT_NE(oncall.out.find(person), std::string::npos) << oncall.out;
  CliRun ack_again = RunBinary({"incidents", "ack", std::to_string(id), "--url", url}, dir);
  EXPECT_EQ(ack_again.exit_code, 1) << ack_again.out;
  EXPECT_NE(ack_again.err.find("error: "), std::string::npos);
  CliRun note = RunBinary(
      {"incidents", "note", std::to_string(id), "disk cleaned up", "--as", "carol", "--url", url},
      dir);
  EXPECT_EQ(note.exit_code, 0) << note.err;
  CliRun resolve =
      RunBinary({"incidents", "resolve", std::to_string(id), "--as", "carol", "--url", url}, dir);
  EXPECT_EQ(resolve.exit_code, 0) << resolve.err;
  EXPECT_NE(resolve.out.find("resolved"), std::string::npos) << resolve.out;
  CliRun usage = RunBinary({"incidents", "ack"}, dir);
  EXPECT_EQ(usage.exit_code, 2);

  Json before = GetData(port, "/api/v1/incidents/" + std::to_string(id));
  ASSERT_TRUE(before.is_object());
  EXPECT_EQ(before["state"], "resolved");
  EXPECT_EQ(before["acknowledged_by"], person);
  EXPECT_EQ(before["resolved_by"], "carol");
  std::vector<std::string> kinds;
  for (const Json& e : before["timeline"]) kinds.push_back(e["kind"]);
  for (const char* want :
       {"opened", "notified", "action_run", "acknowledged", "note", "resolved"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), want), kinds.end())
        << want << " missing in " << before["timeline"].dump();
  }

  // A reload with a bad incidents section is rejected; the old config keeps working.
  {
    std::string broken = ExampleConfig(sink);
    const std::string from = "participants: [alice, bob]";
    broken.replace(broken.find(from), from.size(), "participants: [alice, dave]");
    std::ofstream((*osprey)->config_path(), std::ios::trunc) << broken;
    ASSERT_TRUE((*osprey)->Signal(SIGHUP).ok());
    ASSERT_TRUE(Eventually([&] {
      return (*osprey)->Stderr().find("Error reloading config") != std::string::npos;
    })) << (*osprey)->Stderr();
    EXPECT_NE((*osprey)->Stderr().find("unknown person"), std::string::npos);
    auto metrics = HttpGet(port, "/metrics");
    ASSERT_TRUE(metrics.ok());
    EXPECT_NE(metrics->body.find("osprey_config_last_reload_successful 0"), std::string::npos);
    EXPECT_EQ(GetData(port, "/api/v1/oncall")["schedules"][0]["schedule"], "primary");
  }

  // A restart on the same data keeps the incident and its timeline.
  const std::string data_path = (*osprey)->data_path();
  const std::string config = ExampleConfig(sink);
  ASSERT_TRUE((*osprey)->Signal(SIGTERM).ok());
  auto exited = (*osprey)->Wait();
  ASSERT_TRUE(exited.ok());
  EXPECT_EQ(exited->exit_code, 0) << exited->stderr_text;
  auto again = OspreyProcess::Start({.config_yaml = config, .data_path = data_path});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Json after = GetData((*again)->port(), "/api/v1/incidents/" + std::to_string(id));
  EXPECT_EQ(after["state"], "resolved");
  EXPECT_EQ(after["timeline"], before["timeline"]);

  // A corrupt database is set aside and Osprey starts with an empty one.
  ASSERT_TRUE((*again)->Signal(SIGTERM).ok());
  ASSERT_TRUE((*again)->Wait().ok());
  std::ofstream(data_path + "/incidents.db", std::ios::trunc) << std::string(8192, 'x');
  auto fresh = OspreyProcess::Start({.config_yaml = config, .data_path = data_path});
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(GetData((*fresh)->port(), "/api/v1/incidents"), Json::array());
  EXPECT_NE((*fresh)->Stderr().find("incidents.db.corrupt-"), std::string::npos)
      << (*fresh)->Stderr();
  bool moved = false;
  for (const auto& e : std::filesystem::directory_iterator(data_path)) {
    moved = moved || e.path().filename().string().rfind("incidents.db.corrupt-", 0) == 0;
  }
  EXPECT_TRUE(moved);
}

// With basic auth on: the API and the CLI need credentials (the CLI's user is the default
// actor), the ack link does not.
TEST(IncidentsE2ETest, AckLinkIsOpenWhenBasicAuthIsOn) {
  // bcrypt of "s3cret", cost 5.
  constexpr char kHash[] = "$2b$05$T71LaW6fEGwm/Cr1s9.vO.c6vYt0sRjbYh/YLxw4bNGVgnryaYU/W";
  const std::string kAuth = "Basic YWxpY2U6czNjcmV0";  // alice:s3cret
  CaptureServer sink;
  testing::TempDir tmp;
  const std::string web =
      tmp.WriteFile("web.yml", std::string("basic_auth_users:\n  alice: ").append(kHash) + "\n");
  auto osprey = OspreyProcess::Start(
      {.config_yaml = ExampleConfig(sink), .extra_args = {"--web.config.file=" + web}});
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto posted = testing::HttpDo(
      port, {.method = "POST",
             .target = "/api/v2/alerts",
             .headers = {{"Content-Type", "application/json"}, {"Authorization", kAuth}},
             .body = R"([{"labels": {"alertname": "Down", "service": "web"}}])"});
  ASSERT_TRUE(posted.ok());
  ASSERT_EQ(posted->status, 200) << posted->body;

  std::string ack_path;
  ASSERT_TRUE(Eventually([&] {
    for (const auto& r : sink.Requests()) {
      Json hook = Json::parse(r.body, nullptr, false);
      if (hook.is_discarded() || !hook.contains("ack_url")) continue;
      ack_path =
          hook["ack_url"].get<std::string>().substr(std::string("http://localhost:9090").size());
      return true;
    }
    return false;
  })) << (*osprey)->Stderr();

  auto unauthorized = HttpGet(port, "/api/v1/incidents");
  ASSERT_TRUE(unauthorized.ok());
  EXPECT_EQ(unauthorized->status, 401);
  const std::string dir = (*osprey)->dir().path();
  CliRun denied = RunBinary({"incidents", "list", "--url", url}, dir);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;
  CliRun ack = RunBinary(
      {"incidents", "ack", "1", "--url", url, "--user", "alice", "--password", "s3cret"}, dir);
  EXPECT_EQ(ack.exit_code, 0) << ack.err;
  auto got = testing::HttpDo(
      port, {.target = "/api/v1/incidents/1", .headers = {{"Authorization", kAuth}}});
  ASSERT_TRUE(got.ok());
  Json incident = Json::parse(got->body, nullptr, false);
  ASSERT_FALSE(incident.is_discarded()) << got->body;
  EXPECT_EQ(incident["data"]["acknowledged_by"], "alice");

  // No credentials: the link reaches its handler (already acknowledged: 409, not 401).
  auto link = HttpGet(port, ack_path);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->status, 409) << link->body;
  auto forged = HttpGet(port, "/ack/not-a-token");
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(forged->status, 403) << forged->body;
}

}  // namespace
}  // namespace osprey::server
