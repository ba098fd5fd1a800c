#include "agent/probe_runner.h"

#include <gtest/gtest.h>

#include <ctime>

#include "agent/probe_test_util.h"

namespace osprey::agent {
namespace {

using testing::ClosedPort;
using testing::EchoServer;
using testing::Probe;
using testing::ProbeHttpServer;

// The value of a sample of the run, or -1 when absent.
double Value(const ProbeRun& run, std::string_view name, std::string_view phase = "") {
  for (const ProbeSample& s : run.samples) {
    if (s.name == name && s.phase == phase) return s.value;
  }
  return -1;
}

TEST(HttpProbeTest, SucceedsOnA2xxAndReportsTheResponse) {
  ProbeHttpServer server;
  const ProbeRun run = RunProbe(Probe("api", "http", server.Url("/ok")));
  EXPECT_TRUE(run.success) << run.error;
  EXPECT_EQ(Value(run, "probe_http_status_code"), 200);
  EXPECT_EQ(Value(run, "probe_http_content_length"), 8);
  EXPECT_EQ(Value(run, "probe_http_redirects"), 0);
  EXPECT_EQ(Value(run, "probe_http_ssl"), 0);
  EXPECT_EQ(Value(run, "probe_failed_due_to_regex"), 0);
  EXPECT_EQ(Value(run, "probe_ssl_earliest_cert_expiry"), -1);
  for (const char* phase : {"resolve", "connect", "tls", "processing", "transfer"}) {
    EXPECT_GE(Value(run, "probe_http_duration_seconds", phase), 0) << phase;
  }
  EXPECT_EQ(Value(run, "probe_http_duration_seconds", "tls"), 0);
  EXPECT_GT(run.duration_seconds, 0);
}

TEST(HttpProbeTest, WrongStatusFailsUnlessListedAsValid) {
  ProbeHttpServer server;
  config::ProbeConfig c = Probe("api", "http", server.Url("/error"));
  ProbeRun run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(Value(run, "probe_http_status_code"), 500);
  EXPECT_NE(run.error.find("500"), std::string::npos) << run.error;
  c.http.valid_status_codes = {500};
  EXPECT_TRUE(RunProbe(c).success);
}

TEST(HttpProbeTest, BodyRegexps) {
  ProbeHttpServer server;
  config::ProbeConfig c = Probe("api", "http", server.Url("/body-error"));
  c.http.fail_if_body_matches_regexp = {"error"};
  ProbeRun run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(Value(run, "probe_failed_due_to_regex"), 1);

  c.target = server.Url("/ok");
  EXPECT_TRUE(RunProbe(c).success);
  c.http.fail_if_body_matches_regexp.clear();
  c.http.fail_if_body_not_matches_regexp = {"fine$"};
  EXPECT_TRUE(RunProbe(c).success);
  c.http.fail_if_body_not_matches_regexp = {"healthy"};
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(Value(run, "probe_failed_due_to_regex"), 1);
}

TEST(HttpProbeTest, RedirectsAreFollowedOnlyWhenConfigured) {
  ProbeHttpServer server;
  config::ProbeConfig c = Probe("api", "http", server.Url("/redirect"));
  ProbeRun run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;
  EXPECT_EQ(Value(run, "probe_http_redirects"), 1);
  EXPECT_EQ(Value(run, "probe_http_status_code"), 200);
  c.http.follow_redirects = false;
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(Value(run, "probe_http_status_code"), 302);
}

TEST(HttpProbeTest, TimeoutAndRefusedFail) {
  ProbeHttpServer server;
  ProbeRun run = RunProbe(Probe("api", "http", server.Url("/hang"), 200));
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("timeout"), std::string::npos) << run.error;
  EXPECT_EQ(Value(run, "probe_http_status_code"), 0);

  run = RunProbe(Probe("api", "http", "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/ok"));
  EXPECT_FALSE(run.success);
  EXPECT_FALSE(run.error.empty());
}

TEST(HttpProbeTest, TlsVerifiesAndReportsTheCertificateExpiry) {
  ProbeHttpServer server(/*tls=*/true);
  config::ProbeConfig c = Probe("api", "http", server.Url("/ok"));
  ProbeRun run = RunProbe(c);  // the system trust store does not know the test certificate
  EXPECT_FALSE(run.success);

  c.http.tls_config.ca_file = server.cert_file();
  run = RunProbe(c);
  ASSERT_TRUE(run.success) << run.error;
  EXPECT_EQ(Value(run, "probe_http_ssl"), 1);
  const double expiry = Value(run, "probe_ssl_earliest_cert_expiry");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(expiry, now + 29 * 86400.0);
  EXPECT_LT(expiry, now + 31 * 86400.0);
  EXPECT_GE(Value(run, "probe_http_duration_seconds", "tls"), 0);

  c.http.tls_config = {.insecure_skip_verify = true};
  EXPECT_TRUE(RunProbe(c).success);
}

TEST(TcpProbeTest, SendAndExpect) {
  EchoServer echo;
  config::ProbeConfig c = Probe("db", "tcp", echo.Target());
  EXPECT_TRUE(RunProbe(c).success);  // connect only
  c.tcp.send = "PING\n";
  c.tcp.expect = "^PONG";
  ProbeRun run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;
  c.tcp.expect = "^HELLO";
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("^HELLO"), std::string::npos) << run.error;
}

TEST(TcpProbeTest, RefusedAndTimeoutFail) {
  ProbeRun run = RunProbe(Probe("db", "tcp", "127.0.0.1:" + std::to_string(ClosedPort())));
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("onnection refused"), std::string::npos) << run.error;

  EchoServer silent(/*silent=*/true);
  config::ProbeConfig c = Probe("db", "tcp", silent.Target(), 200);
  c.tcp.expect = "PONG";
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("timeout"), std::string::npos) << run.error;
}

TEST(TcpProbeTest, TlsVerifiesAndReportsTheCertificateExpiry) {
  ProbeHttpServer server(/*tls=*/true);
  config::ProbeConfig c = Probe("web", "tcp", "127.0.0.1:" + std::to_string(server.port()));
  c.tcp.tls = true;
  ProbeRun run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("verify"), std::string::npos) << run.error;

  c.tcp.tls_config.ca_file = server.cert_file();
  c.tcp.send = "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  c.tcp.expect = "all fine";
  run = RunProbe(c);
  ASSERT_TRUE(run.success) << run.error;
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(Value(run, "probe_ssl_earliest_cert_expiry"), now + 29 * 86400.0);
}

TEST(DnsProbeTest, ResolvesLocalhostAndChecksAnswers) {
  config::ProbeConfig c = Probe("dns", "dns", "localhost");
  c.dns.valid_answers = {"^127\\."};
  ProbeRun run = RunProbe(c);
  ASSERT_TRUE(run.success) << run.error;
  EXPECT_GE(Value(run, "probe_dns_answer_rrs"), 1);
  EXPECT_GE(Value(run, "probe_dns_lookup_time_seconds"), 0);
  c.dns.valid_answers = {"^10\\."};
  EXPECT_FALSE(RunProbe(c).success);
}

}  // namespace
}  // namespace osprey::agent
