// The dns probe against a real DNS server: dnsmasq (Debian's dnsmasq-base), started on
// 127.0.0.1 with an ephemeral port and a fixed set of records.
#include <gtest/gtest.h>

#include <memory>

#include "agent/probe_runner.h"
#include "agent/probe_test_util.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

double Value(const ProbeRun& run, std::string_view name) {
  for (const ProbeSample& s : run.samples) {
    if (s.name == name) return s.value;
  }
  return -1;
}

class DnsServerProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dnsmasq = osprey::testing::FindExecutable({"/usr/sbin/dnsmasq"});
    if (dnsmasq.empty()) {
      if (osprey::testing::RunningUnderCi()) FAIL() << "dnsmasq is missing (apt dnsmasq-base)";
      GTEST_SKIP() << "dnsmasq is missing (apt dnsmasq-base); skipping the dns probe tests";
    }
    port_ = osprey::testing::FreeLocalPort();
    auto child = osprey::testing::ChildProcess::Start(
        {dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null",
         "--port=" + std::to_string(port_), "--listen-address=127.0.0.1", "--bind-interfaces",
         "--no-resolv", "--no-hosts",
         "--pid-file=", "--user=" + std::string(getuid() == 0 ? "root" : ""), "--local=/test/",
         "--address=/a.test/127.0.0.7", "--address=/a.test/::7", "--mx-host=mx.test,mail.test,10",
         "--txt-record=txt.test,hello world", "--cname=alias.test,a.test",
         "--srv-host=_http._tcp.test,web.test,8080,1,2", "--log-facility=-"},
        dir_.path() + "/dnsmasq.log");
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    dnsmasq_ = std::move(*child);
    ASSERT_TRUE(osprey::testing::WaitForPort(port_)) << dnsmasq_->Log();
  }

  config::ProbeConfig Query(std::string type, std::string name) {
    config::ProbeConfig c = testing::Probe("dns", "dns", "127.0.0.1:" + std::to_string(port_));
    c.dns.query_type = std::move(type);
    c.dns.query_name = std::move(name);
    return c;
  }

  osprey::testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<osprey::testing::ChildProcess> dnsmasq_;
};

TEST_F(DnsServerProbeTest, RecordTypesAndExpectedAnswers) {
  config::ProbeConfig c = Query("A", "a.test");
  c.dns.valid_answers = {"^127\\.0\\.0\\.7$"};
  ProbeRun run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;
  EXPECT_EQ(Value(run, "probe_dns_answer_rrs"), 1);
  EXPECT_EQ(Value(run, "probe_dns_query_succeeded"), 1);
  EXPECT_GE(Value(run, "probe_dns_lookup_time_seconds"), 0);

  c = Query("AAAA", "a.test");
  c.dns.valid_answers = {"^::7$"};
  EXPECT_TRUE(RunProbe(c).success) << RunProbe(c).error;

  c = Query("MX", "mx.test");
  c.dns.valid_answers = {"^10 mail\\.test\\.$"};
  run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;

  c = Query("TXT", "txt.test");
  c.dns.valid_answers = {"^\"hello world\"$"};
  run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;

  c = Query("CNAME", "alias.test");
  c.dns.valid_answers = {"^a\\.test\\.$"};
  run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;

  c = Query("SRV", "_http._tcp.test");
  c.dns.valid_answers = {"^1 2 8080 web\\.test\\.$"};
  run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;
}

TEST_F(DnsServerProbeTest, TcpTransport) {
  config::ProbeConfig c = Query("A", "a.test");
  c.dns.transport_protocol = "tcp";
  c.dns.valid_answers = {"127\\.0\\.0\\.7"};
  ProbeRun run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;
}

TEST_F(DnsServerProbeTest, FailuresSayWhy) {
  // An answer that does not match.
  config::ProbeConfig c = Query("A", "a.test");
  c.dns.valid_answers = {"^10\\."};
  ProbeRun run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(run.error, "no answer matched regexp ^10\\.");
  // An answer that must not be there.
  c.dns.valid_answers = {};
  c.dns.invalid_answers = {"^127\\."};
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(run.error, "answer \"127.0.0.7\" matched regexp ^127\\.");

  // An unknown name: NXDOMAIN is a failure unless listed as valid.
  c = Query("A", "nope.test");
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("rcode NXDOMAIN for nope.test A"), std::string::npos) << run.error;
  EXPECT_EQ(Value(run, "probe_dns_query_succeeded"), 1);
  EXPECT_EQ(Value(run, "probe_dns_answer_rrs"), 0);
  c.dns.valid_rcodes = {"NXDOMAIN"};
  run = RunProbe(c);
  EXPECT_TRUE(run.success) << run.error;

  // No server listening: UDP gets connection refused or a timeout.
  c = Query("A", "a.test");
  c.target = "127.0.0.1:" + std::to_string(osprey::testing::FreeLocalPort());
  c.timeout = model::Duration::Millis(300);
  run = RunProbe(c);
  EXPECT_FALSE(run.success);
  EXPECT_EQ(Value(run, "probe_dns_query_succeeded"), 0);
  EXPECT_NE(run.error.find("(127.0.0.1:"), std::string::npos) << run.error;
}

TEST(DnsProbeTimeoutTest, ASilentServerIsCutAtTheTimeout) {
  // A UDP socket that reads nothing and answers nothing.
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  config::ProbeConfig c =
      testing::Probe("dns", "dns", "127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  c.dns.query_name = "a.test";
  c.timeout = model::Duration::Millis(200);
  const ProbeRun run = RunProbe(c);
  ::close(fd);
  EXPECT_FALSE(run.success);
  EXPECT_NE(run.error.find("udp query: timeout"), std::string::npos) << run.error;
}

}  // namespace
}  // namespace osprey::agent
