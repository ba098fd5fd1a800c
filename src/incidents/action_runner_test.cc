// ConfiguredActionRunner against real processes (/bin/echo, /usr/bin/env, /bin/sleep, ...)
// and a real local HTTP server.
#include "incidents/action_runner.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include "alerting/notifiers/capture_server_test_util.h"
#include "incidents/internal/action_result.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::incidents {
namespace {

using alerting::notifiers::testing::CaptureServer;

constexpr int64_t kNow = 1'700'000'000'000;

Incident TestIncident() {
  Incident i;
  i.id = 12;
  i.title = "Checkout latency high";
  i.severity = Severity::kCritical;
  i.state = State::kTriggered;
  i.services = {"checkout", "payments"};
  i.group_labels = model::Labels::FromStrings({"alertname", "HighLatency"});
  i.opened_at_ms = kNow;
  IncidentAlert a;
  a.fingerprint = 1;
  a.labels = model::Labels::FromStrings(
      {"alertname", "HighLatency", "instance", "web-1", "team", "shop", "target", "web"});
  a.annotations = {{"summary", "p99 > 1s"}};
  IncidentAlert b = a;
  b.fingerprint = 2;
  b.labels = model::Labels::FromStrings(
      {"alertname", "HighLatency", "instance", "web-2", "team", "shop", "target", "web"});
  i.alerts = {a, b};
  return i;
}

config::ActionConfig Command(std::string name, std::string path, std::vector<std::string> args) {
  config::ActionConfig a;
  a.name = std::move(name);
  a.command = config::ActionConfig::Command{std::move(path), std::move(args)};
  a.timeout = model::Duration::Seconds(20);
  return a;
}

config::ActionConfig Http(std::string name, std::string url, std::string body = "") {
  config::ActionConfig a;
  a.name = std::move(name);
  config::ActionConfig::Http h;
  h.url = std::move(url);
  h.body = std::move(body);
  a.http = std::move(h);
  a.timeout = model::Duration::Seconds(10);
  return a;
}

bool Contains(std::string_view h, std::string_view n) { return h.find(n) != std::string::npos; }

// True when the process no longer runs: gone, or a zombie waiting for its new parent.
bool ProcessGone(const std::string& pid) {
  const std::string stat = osprey::testing::ReadFileOrEmpty("/proc/" + pid + "/stat");
  if (stat.empty()) return true;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

class ActionRunnerTest : public ::testing::Test {
 protected:
  osprey::testing::FakeClock clock_{kNow};
  ConfiguredActionRunner runner_{clock_, "https://osprey.example.com/"};
};

TEST_F(ActionRunnerTest, CommandGetsLiteralArgsAndNoShell) {
  ActionOutcome o =
      runner_.Run(Command("echo", "/bin/echo", {"{{ .ID }}", "$HOME", "a;b"}), TestIncident());
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_TRUE(o.ran);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.output, "{{ .ID }} $HOME a;b\n");
  EXPECT_EQ(o.description, "/bin/echo \"{{ .ID }}\" \"$HOME\" a;b");
  EXPECT_EQ(o.kind, ActionKind::kCommand);
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "ok");
  EXPECT_EQ(internal::ActionResultText(o, "echo"), "ok (exit code 0)");
}

TEST_F(ActionRunnerTest, CommandEnvironmentIsMinimalWithIncidentFields) {
  Incident i = TestIncident();
  i.title = std::string("Disk full\0 on db", 16);
  ActionOutcome o = runner_.Run(Command("env", "/usr/bin/env", {}), i);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.output,
            "PATH=/usr/bin:/bin\n"
            "OSPREY_INCIDENT_ID=12\n"
            "OSPREY_INCIDENT_TITLE=Disk full on db\n"
            "OSPREY_INCIDENT_SEVERITY=critical\n"
            "OSPREY_INCIDENT_STATE=triggered\n"
            "OSPREY_INCIDENT_SERVICES=checkout,payments\n"
            "OSPREY_INCIDENT_URL=https://osprey.example.com/incidents/12\n");
}

TEST_F(ActionRunnerTest, StdinIsEmptyAndStderrIsCaptured) {
  ActionOutcome cat = runner_.Run(Command("cat", "/bin/cat", {}), TestIncident());
  EXPECT_TRUE(cat.status.ok()) << cat.status.ToString();
  EXPECT_EQ(cat.output, "");
  ActionOutcome ls = runner_.Run(Command("ls", "/bin/ls", {"/no/such/dir"}), TestIncident());
  EXPECT_TRUE(ls.ran);
  EXPECT_EQ(ls.exit_code, 2);
  EXPECT_EQ(ls.status.code(), StatusCode::kAborted);
  EXPECT_EQ(ls.status.message(), "action ls: /bin/ls exited with status 2");
  EXPECT_TRUE(Contains(ls.output, "No such file or directory")) << ls.output;
  EXPECT_EQ(internal::ActionOutcomeLabel(ls), "failed");
  EXPECT_EQ(internal::ActionResultText(ls, "ls"), "failed (exit code 2)");
}

TEST_F(ActionRunnerTest, FailingAndMissingCommands) {
  ActionOutcome f = runner_.Run(Command("false", "/bin/false", {}), TestIncident());
  EXPECT_TRUE(f.ran);
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_EQ(f.status.message(), "action false: /bin/false exited with status 1");

  ActionOutcome missing = runner_.Run(Command("nope", "/no/such/binary", {}), TestIncident());
  EXPECT_FALSE(missing.ran);
  EXPECT_EQ(missing.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(missing.status.message(),
            "action nope: cannot start /no/such/binary: No such file or directory");

  ActionOutcome relative = runner_.Run(Command("rel", "bin/true", {}), TestIncident());
  EXPECT_FALSE(relative.ran);
  EXPECT_EQ(relative.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(relative.status.message(), "action rel: command path \"bin/true\" is not absolute");
  EXPECT_EQ(internal::ActionOutcomeLabel(missing), "failed");
  EXPECT_EQ(internal::ActionResultText(missing, "nope"),
            "failed: cannot start /no/such/binary: No such file or directory");
}

TEST_F(ActionRunnerTest, OutputIsTruncatedWhileTheProcessIsDrained) {
  osprey::testing::TempDir dir;
  std::string big;
  for (int i = 0; big.size() < 200'000; ++i) big += "line " + std::to_string(i) + "\n";
  const std::string path = dir.WriteFile("big.txt", big);
  ActionOutcome o = runner_.Run(Command("cat", "/bin/cat", {path}), TestIncident());
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_LE(o.output.size(), ConfiguredActionRunner::kMaxOutputBytes);
  const std::string note = "\n[output truncated: " + std::to_string(big.size()) + " bytes]";
  ASSERT_GT(o.output.size(), note.size());
  EXPECT_EQ(o.output.substr(o.output.size() - note.size()), note);
  const std::string head = o.output.substr(0, o.output.size() - note.size());
  EXPECT_EQ(head, big.substr(0, head.size()));
  EXPECT_GT(head.size(), 4000u);
}

TEST_F(ActionRunnerTest, TimeoutKillsTheWholeProcessGroup) {
  // The shell and its background child ignore SIGTERM, so only the SIGKILL after the grace
  // period ends them; `echo $!` tells us the child's pid.
  config::ActionConfig a =
      Command("hang", "/bin/sh", {"-c", "trap '' TERM; /bin/sleep 60 & echo $!; /bin/sleep 60"});
  a.timeout = model::Duration::Millis(300);
  ActionOutcome o = runner_.Run(a, TestIncident());
  EXPECT_TRUE(o.ran);
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(o.status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(o.status.message(), "action hang: /bin/sh timed out after 300ms and was killed");
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "timeout");
  EXPECT_EQ(internal::ActionResultText(o, "hang"), "timed out after 300ms");
  std::string child = o.output;
  while (!child.empty() && child.back() == '\n') child.pop_back();
  ASSERT_FALSE(child.empty());
  ASSERT_EQ(child.find_first_not_of("0123456789"), std::string::npos) << child;
  // SIGKILL was sent before Run returned; the kernel may take a moment to finish the exit.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ProcessGone(child) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(ProcessGone(child)) << "pid " << child << " survived the timeout";
}

TEST_F(ActionRunnerTest, TimeoutEndsAPlainSleepWithSigterm) {
  config::ActionConfig a = Command("sleep", "/bin/sleep", {"60"});
  a.timeout = model::Duration::Millis(100);
  ActionOutcome o = runner_.Run(a, TestIncident());
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(o.exit_code, -1);
  EXPECT_EQ(o.term_signal, SIGTERM);
  EXPECT_EQ(o.status.code(), StatusCode::kDeadlineExceeded);
}

TEST_F(ActionRunnerTest, CommandKilledByASignalSaysWhichOne) {
  ActionOutcome o =
      runner_.Run(Command("self-kill", "/bin/sh", {"-c", "kill -9 $$"}), TestIncident());
  EXPECT_TRUE(o.ran);
  EXPECT_FALSE(o.timed_out);
  EXPECT_EQ(o.exit_code, -1);
  EXPECT_EQ(o.term_signal, SIGKILL);
  EXPECT_EQ(o.status.code(), StatusCode::kAborted);
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "failed");
  EXPECT_EQ(internal::ActionResultText(o, "self-kill"), "failed (killed by signal 9)");
}

TEST_F(ActionRunnerTest, RateLimitIsASlidingWindowOnTheClock) {
  config::ActionConfig a = Command("restart", "/bin/true", {});
  a.rate_limit_max = 2;
  a.rate_limit_per = model::Duration::Hours(1);
  EXPECT_TRUE(runner_.Run(a, TestIncident()).ran);
  clock_.Advance(30 * 60'000);
  EXPECT_TRUE(runner_.Run(a, TestIncident()).ran);
  ActionOutcome limited = runner_.Run(a, TestIncident());
  EXPECT_FALSE(limited.ran);
  EXPECT_TRUE(limited.rate_limited);
  EXPECT_EQ(limited.status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.status.message(), "action restart: rate limit 2 per 1h reached");
  // The first run leaves the window an hour after it started: one slot frees up.
  clock_.Advance(30 * 60'000);
  EXPECT_TRUE(runner_.Run(a, TestIncident()).ran);
  EXPECT_TRUE(runner_.Run(a, TestIncident()).rate_limited);
  EXPECT_EQ(internal::ActionOutcomeLabel(limited), "rate_limited");
  EXPECT_EQ(internal::ActionResultText(limited, "restart"), "skipped: rate limit 2 per 1h reached");
  // Limits are per action name.
  config::ActionConfig other = a;
  other.name = "other";
  EXPECT_TRUE(runner_.Run(other, TestIncident()).ran);
}

TEST_F(ActionRunnerTest, DryRunRunsNothing) {
  osprey::testing::TempDir dir;
  const std::string marker = dir.Join("ran");
  config::ActionConfig a = Command("touch", "/usr/bin/touch", {marker});
  a.dry_run = true;
  a.rate_limit_max = 1;
  for (int i = 0; i < 3; ++i) {  // dry runs take no rate-limit slot
    ActionOutcome o = runner_.Run(a, TestIncident());
    EXPECT_FALSE(o.ran);
    EXPECT_TRUE(o.dry_run);
    EXPECT_FALSE(o.rate_limited);
    EXPECT_TRUE(o.status.ok());
    EXPECT_EQ(o.description, "/usr/bin/touch " + marker);
    EXPECT_EQ(internal::ActionOutcomeLabel(o), "dry_run");
    EXPECT_EQ(internal::ActionResultText(o, "touch"),
              "dry run, would run /usr/bin/touch " + marker);
  }
  EXPECT_EQ(osprey::testing::ReadFileOrEmpty(marker), "");
  EXPECT_EQ(access(marker.c_str(), F_OK), -1);

  CaptureServer server;
  config::ActionConfig h = Http("hook", server.Url("/x/{{ .ID }}"));
  h.dry_run = true;
  ActionOutcome o = runner_.Run(h, TestIncident());
  EXPECT_TRUE(o.dry_run);
  EXPECT_EQ(o.description, "POST " + server.Url("/x/12"));
  EXPECT_EQ(internal::ActionResultText(o, "hook"),
            "dry run, would send POST " + server.Url("/x/12"));
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(ActionRunnerTest, HttpActionExpandsUrlHeadersAndBody) {
  CaptureServer server;
  server.Reply(202, "restarting");
  config::ActionConfig a = Http(
      "restart-web", server.Url("/restart/{{ .Service }}?incident={{ .ID }}"),
      R"({"title": {{ .Title | toJson }}, "team": "{{ .CommonLabels.team }}", )"
      R"("url": "{{ .URL }}", "hosts": "{{ range .Alerts }}{{ .Labels.instance }} {{ end }}"})");
  a.http->headers = {{"X-Severity", "{{ .Severity }}"}};
  ActionOutcome o = runner_.Run(a, TestIncident());
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_TRUE(o.ran);
  EXPECT_EQ(o.kind, ActionKind::kHttp);
  EXPECT_EQ(o.http_status, 202);
  EXPECT_EQ(o.exit_code, -1);
  EXPECT_EQ(o.output, "restarting");
  EXPECT_EQ(o.description, "POST " + server.Url("/restart/checkout"));  // query redacted
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/restart/checkout?incident=12");
  EXPECT_EQ(reqs[0].Header("X-Severity"), "critical");
  EXPECT_EQ(reqs[0].body,
            R"({"title": "Checkout latency high", "team": "shop", )"
            R"("url": "https://osprey.example.com/incidents/12", "hosts": "web-1 web-2 "})");
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "ok");
  EXPECT_EQ(internal::ActionResultText(o, "restart-web"), "ok (HTTP 202)");
}

TEST_F(ActionRunnerTest, HttpNon2xxIsAFailureWithTheBodyAsOutput) {
  CaptureServer server;
  server.Reply(500, "boom");
  ActionOutcome o = runner_.Run(Http("web", server.Url("/r")), TestIncident());
  EXPECT_TRUE(o.ran);
  EXPECT_EQ(o.http_status, 500);
  EXPECT_EQ(o.output, "boom");
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(), "action web: POST " + server.Url("/r") + " returned status 500");
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "failed");
  EXPECT_EQ(internal::ActionResultText(o, "web"), "failed (HTTP 500)");
}

TEST_F(ActionRunnerTest, ExpandedUrlMustBeHttp) {
  Incident i = TestIncident();
  i.alerts[0].labels = model::Labels::FromStrings({"target", "file:///etc/passwd"});
  i.alerts.resize(1);
  ActionOutcome o = runner_.Run(Http("web", "{{ .CommonLabels.target }}?token=secret"), i);
  EXPECT_FALSE(o.ran);
  EXPECT_EQ(o.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o.status.message(),
            "action web: expanded url \"file:///etc/passwd\" is not an http or https URL; "
            "nothing sent");
}

TEST_F(ActionRunnerTest, TemplateErrorRunsNothing) {
  CaptureServer server;
  ActionOutcome o = runner_.Run(Http("web", server.Url("/{{ nosuchfunc }}")), TestIncident());
  EXPECT_FALSE(o.ran);
  EXPECT_TRUE(Contains(o.status.message(), "action web: ")) << o.status.message();
  EXPECT_TRUE(Contains(o.status.message(), "function \"nosuchfunc\" not defined"))
      << o.status.message();
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(ActionRunnerTest, HttpTimeoutIsRecorded) {
  // A listening socket that never answers: the connection completes in the backlog and the
  // request waits for a response that never comes.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  config::ActionConfig a =
      Http("slow", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x?k=secret");
  a.timeout = model::Duration::Millis(200);
  ActionOutcome o = runner_.Run(a, TestIncident());
  close(fd);
  EXPECT_TRUE(o.ran);
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(o.status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(Contains(o.status.message(), "secret")) << o.status.message();
  EXPECT_EQ(o.http_status, 0);
  EXPECT_EQ(internal::ActionOutcomeLabel(o), "timeout");
  EXPECT_EQ(internal::ActionResultText(o, "slow"), "timed out after 200ms");
}

TEST(IncidentUrlTest, JoinsWithOneSlash) {
  EXPECT_EQ(IncidentUrl("https://o.example.com/", 7), "https://o.example.com/incidents/7");
  EXPECT_EQ(IncidentUrl("https://o.example.com/osprey", 7),
            "https://o.example.com/osprey/incidents/7");
  EXPECT_EQ(IncidentUrl("", 7), "");
}

}  // namespace
}  // namespace osprey::incidents
