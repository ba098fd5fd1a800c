// End-to-end tests of the real build/osprey binary, over HTTP on 127.0.0.1.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "testing/http_client.h"
#include "testing/osprey_process.h"
#include "testing/temp_dir.h"

namespace osprey {
namespace {

using ::testing::HasSubstr;
using testing::HttpGet;
using testing::HttpPost;
using ::testing::Not;
using testing::OspreyProcess;
using Json = nlohmann::json;

constexpr char kSelfScrapeConfig[] = R"(global:
  scrape_interval: 15s
scrape_configs:
  - job_name: osprey
    static_configs:
      - targets: ['localhost:9090']
)";

// "s3cret" hashed with bcrypt, cost 5.
constexpr char kBcryptS3cret[] = "$2b$05$T71LaW6fEGwm/Cr1s9.vO.c6vYt0sRjbYh/YLxw4bNGVgnryaYU/W";

std::unique_ptr<OspreyProcess> StartOrDie(testing::OspreyProcessOptions options = {}) {
  if (options.config_yaml.empty()) options.config_yaml = kSelfScrapeConfig;
  auto p = OspreyProcess::Start(std::move(options));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : nullptr;
}

// The value of an unlabelled sample in exposition text, or NaN when absent.
double SampleValue(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n')
      return std::strtod(text.c_str() + pos + series.size() + 1, nullptr);
    pos += series.size();
  }
  return std::nan("");
}

TEST(ServerE2ETest, ServesHealthReadyAndStatusEndpoints) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  int port = osprey->port();

  auto healthy = HttpGet(port, "/-/healthy");
  ASSERT_TRUE(healthy.ok()) << healthy.status().ToString();
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "Osprey is Healthy.\n");
  EXPECT_EQ(HttpGet(port, "/-/ready")->status, 200);

  auto build = HttpGet(port, "/api/v1/status/buildinfo");
  ASSERT_EQ(build->status, 200);
  Json b = Json::parse(build->body);
  EXPECT_EQ(b["status"], "success");
  EXPECT_FALSE(b["data"]["version"].get<std::string>().empty());
  EXPECT_EQ(build->Header("content-type").value_or(""), "application/json");

  Json flags = Json::parse(HttpGet(port, "/api/v1/status/flags")->body);
  EXPECT_EQ(flags["data"]["storage.tsdb.path"], osprey->data_path());
  EXPECT_EQ(flags["data"]["web.listen-address"], "127.0.0.1:0");
  EXPECT_EQ(flags["data"]["storage.tsdb.retention.time"], "15d");

  Json config = Json::parse(HttpGet(port, "/api/v1/status/config")->body);
  std::string yaml = config["data"]["yaml"];
  EXPECT_THAT(yaml, HasSubstr("job_name: osprey"));
  EXPECT_THAT(yaml, HasSubstr("scrape_interval: 15s"));

  Json runtime = Json::parse(HttpGet(port, "/api/v1/status/runtimeinfo")->body);
  EXPECT_EQ(runtime["data"]["reloadConfigSuccess"], true);
  EXPECT_EQ(runtime["data"]["storageRetention"], "15d");
}

TEST(ServerE2ETest, MetricsEndpointPassesPromtool) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  ASSERT_EQ(HttpGet(osprey->port(), "/-/healthy")->status, 200);
  auto metrics = HttpGet(osprey->port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->Header("content-type").value_or(""), HasSubstr("version=0.0.4"));
  const std::string& text = metrics->body;
  EXPECT_GT(SampleValue(text, "process_resident_memory_bytes"), 0);
  EXPECT_GT(SampleValue(text, "process_start_time_seconds"), 1.7e9);
  EXPECT_GT(SampleValue(text, "process_open_fds"), 2);
  EXPECT_EQ(SampleValue(text, "osprey_config_last_reload_successful"), 1);
  EXPECT_THAT(text, HasSubstr("osprey_build_info{"));
  EXPECT_THAT(text, HasSubstr("osprey_http_requests_total{code=\"200\",handler=\"/-/healthy\"} 1"));

  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true") {
      FAIL() << "promtool is not installed (Debian package prometheus)";
    }
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  std::string file = osprey->dir().WriteFile("metrics.txt", text);
  std::string cmd = "promtool check metrics < " + file + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof(buf), p)) out.append(buf, n);
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "");
}

TEST(ServerE2ETest, UnknownPathsAndWrongMethodsGetPrometheusShapedErrors) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  auto missing = HttpGet(osprey->port(), "/api/v1/nope");
  EXPECT_EQ(missing->status, 404);
  Json err = Json::parse(missing->body);
  EXPECT_EQ(err["status"], "error");
  EXPECT_FALSE(err["errorType"].get<std::string>().empty());
  EXPECT_FALSE(err["error"].get<std::string>().empty());

  auto wrong = HttpPost(osprey->port(), "/api/v1/status/buildinfo", "");
  EXPECT_EQ(wrong->status, 405);
  EXPECT_THAT(wrong->Header("allow").value_or(""), HasSubstr("GET"));

  auto garbage = testing::HttpConnection::Connect("127.0.0.1", osprey->port());
  ASSERT_TRUE(garbage.ok());
  ASSERT_TRUE(garbage->SendRaw("NOT HTTP AT ALL\r\n\r\n").ok());
  auto resp = garbage->ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status, 400);
  // The server is still fine afterwards.
  EXPECT_EQ(HttpGet(osprey->port(), "/-/healthy")->status, 200);
}

TEST(ServerE2ETest, CompressesResponsesForClientsThatAcceptGzip) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  auto gz = testing::HttpDo(osprey->port(),
                            {.target = "/metrics", .headers = {{"Accept-Encoding", "gzip"}}});
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(gz->Header("content-encoding").value_or(""), "gzip");
  auto plain = HttpGet(osprey->port(), "/metrics");
  EXPECT_FALSE(plain->Header("content-encoding").has_value());
  EXPECT_LT(gz->body.size(), plain->body.size());
}

TEST(ServerE2ETest, BadConfigExitsTwoWithFileLineAndColumn) {
  testing::TempDir tmp;
  std::string config =
      tmp.WriteFile("osprey.yml", "global:\n  scrape_interval: 15s\n  scrape_intreval: 5s\n");
  auto r = OspreyProcess::RunToExit({"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                                     "--storage.tsdb.path=" + tmp.Join("data")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 2) << r->stderr_text;
  EXPECT_THAT(r->stderr_text, HasSubstr("osprey.yml:3:3"));
  EXPECT_THAT(r->stderr_text, HasSubstr("scrape_intreval"));
}

TEST(ServerE2ETest, BadFlagExitsTwo) {
  auto r = OspreyProcess::RunToExit({"--storage.tsdb.retention.time=forever"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_THAT(r->stderr_text, HasSubstr("storage.tsdb.retention.time"));
}

TEST(ServerE2ETest, PortInUseFailsWithOneLineNamingTheAddress) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  testing::TempDir tmp;
  std::string config = tmp.WriteFile("osprey.yml", "");
  auto r = OspreyProcess::RunToExit({"--config.file=" + config, "--web.listen-address=" + address,
                                     "--storage.tsdb.path=" + tmp.Join("data")});
  close(fd);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_THAT(r->stderr_text, HasSubstr(address));
  EXPECT_THAT(r->stderr_text, HasSubstr("address already in use"));
}

TEST(ServerE2ETest, UnwritableDataDirFailsNamingThePath) {
  testing::TempDir tmp;
  std::string config = tmp.WriteFile("osprey.yml", "");
  std::string file = tmp.WriteFile("not-a-dir", "x");
  auto r = OspreyProcess::RunToExit({"--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                                     "--storage.tsdb.path=" + file + "/data"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_THAT(r->stderr_text, HasSubstr(file + "/data"));
}

TEST(ServerE2ETest, ReloadAppliesGoodConfigAndKeepsOldOnBadOne) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  int port = osprey->port();

  osprey->dir().WriteFile("osprey.yml", "global:\n  scrape_interval: 7s\n");
  auto ok = HttpPost(port, "/-/reload", "");
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_THAT(
      Json::parse(HttpGet(port, "/api/v1/status/config")->body)["data"]["yaml"].get<std::string>(),
      HasSubstr("scrape_interval: 7s"));

  osprey->dir().WriteFile("osprey.yml", "global:\n  scrape_interval: banana\n");
  auto bad = HttpPost(port, "/-/reload", "");
  EXPECT_EQ(bad->status, 500);
  EXPECT_THAT(bad->body, HasSubstr("osprey.yml:2:20"));
  std::string metrics = HttpGet(port, "/metrics")->body;
  EXPECT_EQ(SampleValue(metrics, "osprey_config_last_reload_successful"), 0);
  EXPECT_THAT(
      Json::parse(HttpGet(port, "/api/v1/status/config")->body)["data"]["yaml"].get<std::string>(),
      HasSubstr("scrape_interval: 7s"));
  EXPECT_EQ(
      Json::parse(HttpGet(port, "/api/v1/status/runtimeinfo")->body)["data"]["reloadConfigSuccess"],
      false);
  EXPECT_THAT(osprey->Stderr(), HasSubstr("Error reloading config"));

  // SIGHUP reloads too.
  osprey->dir().WriteFile("osprey.yml", "global:\n  scrape_interval: 9s\n");
  ASSERT_TRUE(osprey->Signal(SIGHUP).ok());
  bool reloaded = false;
  for (int i = 0; i < 500 && !reloaded; ++i) {
    reloaded =
        SampleValue(HttpGet(port, "/metrics")->body, "osprey_config_last_reload_successful") == 1;
    if (!reloaded) usleep(10'000);
  }
  EXPECT_TRUE(reloaded);
  EXPECT_THAT(
      Json::parse(HttpGet(port, "/api/v1/status/config")->body)["data"]["yaml"].get<std::string>(),
      HasSubstr("scrape_interval: 9s"));
}

TEST(ServerE2ETest, SigtermExitsZeroAfterGracefulShutdown) {
  auto osprey = StartOrDie();
  ASSERT_NE(osprey, nullptr);
  // An idle keep-alive connection must not hold up shutdown.
  auto idle = testing::HttpConnection::Connect("127.0.0.1", osprey->port());
  ASSERT_TRUE(idle.ok());
  ASSERT_EQ(idle->RoundTrip({.target = "/-/healthy"})->status, 200);

  ASSERT_TRUE(osprey->Signal(SIGTERM).ok());
  auto exit = osprey->Wait();
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_EQ(exit->exit_code, 0) << exit->stderr_text;
  EXPECT_THAT(exit->stderr_text, HasSubstr("See you next time!"));
  EXPECT_TRUE(idle->PeerClosed());
}

TEST(ServerE2ETest, WebConfigBasicAuthProtectsEverythingButHealth) {
  testing::TempDir tmp;
  std::string web =
      tmp.WriteFile("web.yml", std::string("basic_auth_users:\n  alice: ") + kBcryptS3cret + "\n");
  auto osprey = StartOrDie({.extra_args = {"--web.config.file=" + web}});
  ASSERT_NE(osprey, nullptr);
  int port = osprey->port();
  EXPECT_EQ(HttpGet(port, "/-/healthy")->status, 200);
  auto denied = HttpGet(port, "/metrics");
  EXPECT_EQ(denied->status, 401);
  EXPECT_THAT(denied->Header("www-authenticate").value_or(""), HasSubstr("Basic"));
  // alice:s3cret and alice:wrong in base64.
  auto good = testing::HttpDo(
      port, {.target = "/metrics", .headers = {{"Authorization", "Basic YWxpY2U6czNjcmV0"}}});
  EXPECT_EQ(good->status, 200);
  auto bad = testing::HttpDo(
      port, {.target = "/metrics", .headers = {{"Authorization", "Basic YWxpY2U6d3Jvbmc="}}});
  EXPECT_EQ(bad->status, 401);
}

}  // namespace
}  // namespace osprey
