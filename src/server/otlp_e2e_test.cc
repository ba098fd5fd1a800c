// OTLP end to end: the real OpenTelemetry JS SDK (tests/otel, pinned in its package-lock.json)
// exports a counter, a gauge, a histogram, an exponential histogram and an up-down counter to
// the real osprey binary over OTLP/HTTP protobuf (the OTLP port), OTLP/HTTP JSON with DELTA
// temporality (the web port's /v1/metrics) and OTLP/gRPC; the values are then read back
// through /api/v1/query. Also: bad requests over HTTP, and start-up failing on a taken OTLP port.
//
// Needs node and npm: the npm packages are installed once under the build tree
// (<build>/otel-node, reinstalled when package-lock.json changes). Without node/npm the test
// skips, unless CI=true, where it fails.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "testing/api_query.h"
#include "testing/child_process.h"
#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace osprey::server {
namespace {

using Json = nlohmann::json;
using testing::HttpGet;
using testing::HttpPost;
using testing::InstantQuery;
using testing::OspreyProcess;

// The value of the single series `query` returns, as text ("" when not exactly one).
std::string Value(int port, const std::string& query) {
  Json v = InstantQuery(port, query);
  if (!v.is_array() || v.size() != 1) return "series: " + v.dump();
  return v[0]["value"][1].get<std::string>();
}

struct RunResult {
  int exit_code = -1;
  std::string output;
};

// Runs argv to completion (stdout and stderr to `log_path`) with `extra_env` added to the
// environment; kills it after `timeout`.
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::vector<std::string>& extra_env, const std::string& log_path,
                     std::chrono::seconds timeout) {
  std::vector<std::string> env_storage(extra_env);
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args(argv);
  std::vector<char*> argvp;
  for (auto& a : args) argvp.push_back(a.data());
  argvp.push_back(nullptr);

  RunResult result;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return result;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execve(argvp[0], argvp.data(), envp.data());
    ::_exit(127);
  }
  ::close(fd);
  if (pid < 0) return result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 || std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.output = testing::ReadFileOrEmpty(log_path) + "\n(killed after timeout)";
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.output = testing::ReadFileOrEmpty(log_path);
  return result;
}

// Installs tests/otel's packages under the build tree unless the installed lock file matches.
// Returns the directory holding node_modules and the scripts, or "" after a test failure.
std::string InstallNodePackages(const std::string& npm) {
  namespace fs = std::filesystem;
  const fs::path src = fs::path(OSPREY_SOURCE_DIR) / "tests" / "otel";
  const fs::path dir = fs::path(OSPREY_TEST_BUILD_DIR) / "otel-node";
  fs::create_directories(dir);
  const std::string want_lock = testing::ReadFileOrEmpty((src / "package-lock.json").string());
  EXPECT_FALSE(want_lock.empty()) << "missing " << (src / "package-lock.json");
  const bool installed =
      fs::exists(dir / "node_modules" / "@opentelemetry" / "sdk-metrics") &&
      testing::ReadFileOrEmpty((dir / "package-lock.json").string()) == want_lock;
  for (const char* f : {"package.json", "package-lock.json", "export_metrics.js"}) {
    fs::copy_file(src / f, dir / f, fs::copy_options::overwrite_existing);
  }
  if (installed) return dir.string();
  RunResult r = RunCommand(
      {npm, "ci", "--prefix", dir.string(), "--no-audit", "--no-fund"},
      {"npm_config_cache=" + (dir / ".npm-cache").string(), "npm_config_update_notifier=false"},
      (dir / "npm-ci.log").string(), std::chrono::seconds(300));
  if (r.exit_code != 0) {
    ADD_FAILURE() << "npm ci failed (" << r.exit_code << "):\n" << r.output;
    return "";
  }
  return dir.string();
}

// The ports osprey logged for its OTLP listeners.
bool OtlpPorts(const OspreyProcess& p, int* http_port, int* grpc_port) {
  static const std::regex kLine(
      R"re(msg="OTLP receiver listening" protocol=(grpc|http) address=127\.0\.0\.1:(\d+))re");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    *http_port = *grpc_port = 0;
    const std::string log = p.Stderr();
    for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine);
         it != std::sregex_iterator(); ++it) {
      ((*it)[1] == "grpc" ? *grpc_port : *http_port) = std::stoi((*it)[2]);
    }
    if (*http_port != 0 && *grpc_port != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

Result<std::unique_ptr<OspreyProcess>> StartWithOtlp() {
  return OspreyProcess::Start({.extra_args = {"--otlp.http-listen-address=127.0.0.1:0",
                                              "--otlp.grpc-listen-address=127.0.0.1:0"}});
}

TEST(OtlpE2eTest, OpenTelemetrySdkExportsOverProtobufJsonAndGrpc) {
  const std::string node = testing::FindExecutable({"/usr/bin/node", "/usr/local/bin/node"});
  const std::string npm = testing::FindExecutable({"/usr/bin/npm", "/usr/local/bin/npm"});
  if (node.empty() || npm.empty()) {
    if (testing::RunningUnderCi()) GTEST_FAIL() << "node/npm not installed";
    GTEST_SKIP() << "node/npm not installed (tools/install-deps.sh)";
  }
  const std::string dir = InstallNodePackages(npm);
  ASSERT_FALSE(dir.empty());

  auto osprey = StartWithOtlp();
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  const int port = (*osprey)->port();
  int http_port = 0;
  int grpc_port = 0;
  ASSERT_TRUE(OtlpPorts(**osprey, &http_port, &grpc_port)) << (*osprey)->Stderr();

  struct Export {
    std::string protocol;
    std::string endpoint;
    std::string service;
    std::string temporality;
  };
  const Export exports[] = {
      {"proto", "http://127.0.0.1:" + std::to_string(http_port) + "/v1/metrics", "proto-svc", ""},
      {"json", "http://127.0.0.1:" + std::to_string(port) + "/v1/metrics", "json-svc", "delta"},
      {"grpc", "http://127.0.0.1:" + std::to_string(grpc_port), "grpc-svc", ""},
  };
  testing::TempDir logs;
  for (const Export& e : exports) {
    SCOPED_TRACE(e.protocol);
    std::vector<std::string> argv = {node, dir + "/export_metrics.js", e.protocol, e.endpoint,
                                     e.service};
    if (!e.temporality.empty()) argv.push_back(e.temporality);
    RunResult r = RunCommand(argv, {}, logs.Join(e.protocol + ".log"), std::chrono::seconds(120));
    ASSERT_EQ(r.exit_code, 0) << r.output << "\nosprey:\n" << (*osprey)->Stderr();
  }

  for (const Export& e : exports) {
    SCOPED_TRACE(e.protocol);
    const std::string sel = "{job=\"" + e.service + "\",instance=\"instance-1\",http_route=\"/a\"}";
    // Counter: 5 + 2, with the unit annotation dropped and _total added.
    EXPECT_EQ(Value(port, "e2e_requests_total" + sel), "7");
    // Gauge: the last value, with the unit suffix.
    EXPECT_EQ(Value(port, "e2e_temperature_celsius" + sel), "21.5");
    // Up-down counter: a non-monotonic sum, 10 - 3.
    EXPECT_EQ(Value(port, "e2e_queue_size" + sel), "7");
    // Explicit histogram: 0.05, 0.3, 0.7, 2 into bounds 0.1, 0.5, 1.
    const std::string h = "e2e_latency_seconds";
    EXPECT_EQ(Value(port, h + "_count" + sel), "4");
    EXPECT_NEAR(std::stod(Value(port, h + "_sum" + sel)), 3.05, 1e-9);
    const std::string b = "{job=\"" + e.service + "\",le=\"";
    EXPECT_EQ(Value(port, h + "_bucket" + b + "0.1\"}"), "1");
    EXPECT_EQ(Value(port, h + "_bucket" + b + "0.5\"}"), "2");
    EXPECT_EQ(Value(port, h + "_bucket" + b + "1\"}"), "3");
    EXPECT_EQ(Value(port, h + "_bucket" + b + "+Inf\"}"), "4");
    // Exponential histogram (3 and 5) as classic series; the median lies in (2, 4] or (4, 8].
    EXPECT_EQ(Value(port, "e2e_size_bytes_count" + sel), "2");
    EXPECT_EQ(Value(port, "e2e_size_bytes_sum" + sel), "8");
    EXPECT_EQ(Value(port, "e2e_size_bytes_bucket{job=\"" + e.service + "\",le=\"+Inf\"}"), "2");
    const double median =
        std::stod(Value(port, "histogram_quantile(0.5, e2e_size_bytes_bucket" + sel + ")"));
    EXPECT_GE(median, 2.9);
    EXPECT_LE(median, 5.1);
    // Resource attributes other than service.* go to target_info.
    EXPECT_EQ(Value(port, "target_info{job=\"" + e.service + "\",deployment_environment=\"e2e\"}"),
              "1");
  }
  // Every request was counted as a success.
  auto metrics = HttpGet(port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(
      metrics->body.find(R"(osprey_ingest_requests_total{protocol="otlp",outcome="success"})"),
      std::string::npos)
      << metrics->body;
  for (const char* outcome : {"rejected", "malformed", "commit_failed"}) {
    EXPECT_EQ(
        metrics->body.find(
            std::string(R"(osprey_ingest_requests_total{protocol="otlp",outcome=")") + outcome),
        std::string::npos)
        << metrics->body;
  }
}

TEST(OtlpE2eTest, BadRequestsGetClearAnswers) {
  auto osprey = StartWithOtlp();
  ASSERT_TRUE(osprey.ok()) << osprey.status().ToString();
  int http_port = 0;
  int grpc_port = 0;
  ASSERT_TRUE(OtlpPorts(**osprey, &http_port, &grpc_port)) << (*osprey)->Stderr();
  for (int port : {(*osprey)->port(), http_port}) {
    auto r = HttpPost(port, "/v1/metrics", "x", "text/plain");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 415);
    EXPECT_NE(r->body.find("want application/x-protobuf or application/json"), std::string::npos);

    r = HttpPost(port, "/v1/metrics", R"({"resourceMetrics":[{"scopeMetrics":7}]})",
                 "application/json");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->Header("content-type").value_or(""), "application/json");
    Json status = Json::parse(r->body, nullptr, false);
    EXPECT_EQ(status["code"], 3) << r->body;
    EXPECT_EQ(status["message"],
              "invalid OTLP JSON: resourceMetrics[0]: scopeMetrics: want an array, got a number");

    r = HttpPost(port, "/v1/metrics", std::string("\x0a\x10", 2), "application/x-protobuf");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(r->body.find("invalid OTLP protobuf at byte 0"), std::string::npos) << r->body;

    r = HttpPost(port, "/v1/metrics", "", "application/x-protobuf");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "");
    r = HttpPost(port, "/v1/metrics", "{}", "application/json; charset=utf-8");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "{}");
  }
}

// A socket listening on 127.0.0.1 at an ephemeral port, closed on destruction.
class BusyPort {
 public:
  BusyPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return;
    if (::listen(fd_, 1) != 0) return;
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(OtlpE2eTest, TakenOtlpPortStopsStartUp) {
  BusyPort busy;
  ASSERT_NE(busy.port(), 0);
  const std::string address = "127.0.0.1:" + std::to_string(busy.port());
  testing::TempDir dir;
  const std::string config = dir.WriteFile("osprey.yml", "");
  for (const char* f : {"--otlp.grpc-listen-address=", "--otlp.http-listen-address="}) {
    const std::string flag = f;
    SCOPED_TRACE(flag);
    const bool grpc = flag.find("grpc") != std::string::npos;
    auto r = OspreyProcess::RunToExit(
        {"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
         "--storage.tsdb.path=" + dir.Join(grpc ? "data1" : "data2"), flag + address,
         grpc ? "--otlp.http-listen-address=" : "--otlp.grpc-listen-address="});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->exit_code, 1) << r->stderr_text;
    EXPECT_NE(r->stderr_text.find("msg=\"Error starting Osprey\""), std::string::npos)
        << r->stderr_text;
    EXPECT_NE(r->stderr_text.find("listen tcp " + address), std::string::npos) << r->stderr_text;
  }
}

}  // namespace
}  // namespace osprey::server
