#include "config/probe_config.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace osprey::config {
namespace {

std::string ErrorOf(std::string_view yaml) {
  auto c = ParseConfig(yaml, "osprey.yml");
  EXPECT_FALSE(c.ok()) << yaml;
  return c.ok() ? "" : c.status().message();
}

TEST(ProbeConfigTest, DefaultsAndRoundTrip) {
  auto c = ParseConfig(
      "probes:\n"
      "  - name: api\n"
      "    module: http\n"
      "    target: https://api.example.com/healthz\n"
      "    labels: {team: payments}\n"
      "    http:\n"
      "      method: POST\n"
      "      headers: {X-Probe: '1'}\n"
      "      body: ping\n"
      "      valid_status_codes: [200, 204]\n"
      "      fail_if_body_matches_regexp: ['error']\n"
      "      fail_if_body_not_matches_regexp: ['ok|fine']\n"
      "      follow_redirects: false\n"
      "      tls_config: {insecure_skip_verify: true, ca_file: ca.pem}\n"
      "  - name: db\n"
      "    module: tcp\n"
      "    target: 127.0.0.1:5432\n"
      "    interval: 5s\n"
      "    tcp: {send: \"PING\\n\", expect: PONG}\n"
      "  - name: resolver\n"
      "    module: dns\n"
      "    target: localhost\n"
      "    interval: 1m\n"
      "    timeout: 20s\n"
      "    dns: {query_type: AAAA, valid_answers: ['::1']}\n",
      "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->probes.size(), 3u);
  const ProbeConfig& api = c->probes[0];
  EXPECT_EQ(api.interval.ms, 30000);
  EXPECT_EQ(api.timeout.ms, 10000);
  EXPECT_EQ(api.labels.at("team"), "payments");
  EXPECT_EQ(api.http.method, "POST");
  EXPECT_EQ(api.http.valid_status_codes, (std::vector<int64_t>{200, 204}));
  EXPECT_FALSE(api.http.follow_redirects);
  EXPECT_TRUE(api.http.tls_config.insecure_skip_verify);
  EXPECT_EQ(c->probes[1].timeout.ms, 5000);  // min(10s, interval)
  EXPECT_EQ(c->probes[1].tcp.send, "PING\n");
  EXPECT_EQ(c->probes[2].timeout.ms, 20000);
  EXPECT_EQ(c->probes[2].dns.query_type, "AAAA");

  auto again = ParseConfig(c->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << c->ToYaml();
  EXPECT_EQ(again->probes, c->probes);
}

TEST(ProbeConfigTest, ResolvesTlsPaths) {
  auto c = ParseConfig(
      "probes: [{name: a, module: http, target: 'https://x/', http: {tls_config: {ca_file: "
      "ca.pem}}}]\n",
      "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ResolveConfigPaths("/etc/osprey", &*c);
  EXPECT_EQ(c->probes[0].http.tls_config.ca_file, "/etc/osprey/ca.pem");
}

TEST(ProbeConfigTest, ErrorsNameThePlaceAndTheProbe) {
  std::string e = ErrorOf("probes:\n  - name: api\n    module: ftp\n    target: x\n");
  EXPECT_NE(e.find("osprey.yml:3:13"), std::string::npos) << e;
  EXPECT_NE(e.find("\"ftp\""), std::string::npos) << e;
  EXPECT_NE(e.find("(probe \"api\")"), std::string::npos) << e;

  e = ErrorOf(
      "probes:\n  - {name: a, module: http, target: 'http://x'}\n  - {name: a, module: tcp, "
      "target: 'h:1'}\n");
  EXPECT_NE(e.find("multiple probes named \"a\""), std::string::npos) << e;

  e = ErrorOf("probes: [{name: a, module: http, target: 'ftp://x'}]\n");
  EXPECT_NE(e.find("http:// or https://"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: a, module: tcp, target: 'host'}]\n");
  EXPECT_NE(e.find("host:port"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: a, module: tcp, target: 'h:1', interval: 5s, timeout: 6s}]\n");
  EXPECT_NE(e.find("greater than interval"), std::string::npos) << e;
  e = ErrorOf(
      "probes: [{name: a, module: http, target: 'http://x', http: {fail_if_body_matches_"
      "regexp: ['(']}}]\n");
  EXPECT_NE(e.find("invalid regexp \"(\""), std::string::npos) << e;
  e = ErrorOf(
      "probes: [{name: a, module: http, target: 'http://x', http: {valid_status_codes: "
      "[99]}}]\n");
  EXPECT_NE(e.find("must be 100-599"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: a, module: tcp, target: 'h:1', http: {}}]\n");
  EXPECT_NE(e.find("does not apply to module tcp"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: a, module: tcp, target: 'h:1', labels: {job: x}}]\n");
  EXPECT_NE(e.find("set by the probe itself"), std::string::npos) << e;
  e = ErrorOf("probes: [{module: tcp, target: 'h:1'}]\n");
  EXPECT_NE(e.find("missing required field \"name\""), std::string::npos) << e;
  e = ErrorOf("probes: [{name: a, module: tcp, target: 'h:1', tcp: {sned: x}}]\n");
  EXPECT_NE(e.find("unknown field \"sned\" in probes[0].tcp"), std::string::npos) << e;
}

TEST(ProbeConfigTest, IcmpDefaultsAndRoundTrip) {
  auto c = ParseConfig(
      "probes:\n"
      "  - {name: gw, module: icmp, target: 10.0.0.1}\n"
      "  - {name: v6, module: icmp, target: 'fe80::1', icmp: {ip_protocol: ip6, payload_size: 0}}\n"
      "  - {name: host, module: icmp, target: db.example.com, icmp: {payload_size: 1400}}\n",
      "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->probes.size(), 3u);
  EXPECT_EQ(c->probes[0].icmp.ip_protocol, "ip4");
  EXPECT_EQ(c->probes[0].icmp.payload_size, 56);
  EXPECT_EQ(c->probes[1].icmp.ip_protocol, "ip6");
  EXPECT_EQ(c->probes[1].icmp.payload_size, 0);
  EXPECT_EQ(c->probes[2].icmp.payload_size, 1400);
  auto again = ParseConfig(c->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << c->ToYaml();
  EXPECT_EQ(again->probes, c->probes);
}

TEST(ProbeConfigTest, IcmpErrors) {
  std::string e =
      ErrorOf("probes:\n  - {name: p, module: icmp, target: h, icmp: {ip_protocol: ip5}}\n");
  EXPECT_NE(e.find("\"ip5\""), std::string::npos) << e;
  EXPECT_NE(e.find("(probe \"p\")"), std::string::npos) << e;
  e = ErrorOf("probes:\n  - {name: p, module: icmp, target: h, icmp: {payload_size: 70000}}\n");
  EXPECT_NE(e.find("invalid payload_size 70000: must be 0-65000"), std::string::npos) << e;
  EXPECT_NE(e.find("osprey.yml:2:"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: icmp, target: h, icmp: {payload_size: -1}}]\n");
  EXPECT_NE(e.find("invalid payload_size -1"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: icmp, target: h, icmp: {size: 1}}]\n");
  EXPECT_NE(e.find("unknown field \"size\" in probes[0].icmp"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: icmp, target: 'http://h/'}]\n");
  EXPECT_NE(e.find("must be a host name or IP address"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: tcp, target: 'h:1', icmp: {}}]\n");
  EXPECT_NE(e.find("does not apply to module tcp"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: icmp, target: h, dns: {}}]\n");
  EXPECT_NE(e.find("does not apply to module icmp"), std::string::npos) << e;
}

TEST(ProbeConfigTest, DnsServerQueries) {
  auto c = ParseConfig(
      "probes:\n"
      "  - name: mx\n"
      "    module: dns\n"
      "    target: '127.0.0.1:5353'\n"
      "    dns: {query_type: MX, query_name: example.com, transport_protocol: tcp,\n"
      "          valid_rcodes: [NOERROR, NXDOMAIN], valid_answers: ['mail'],\n"
      "          invalid_answers: ['^0 ']}\n"
      "  - {name: plain, module: dns, target: example.com}\n",
      "osprey.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const ProbeDnsConfig& d = c->probes[0].dns;
  EXPECT_EQ(d.query_type, "MX");
  EXPECT_EQ(d.query_name, "example.com");
  EXPECT_EQ(d.transport_protocol, "tcp");
  EXPECT_EQ(d.valid_rcodes, (std::vector<std::string>{"NOERROR", "NXDOMAIN"}));
  EXPECT_EQ(d.invalid_answers, (std::vector<std::string>{"^0 "}));
  EXPECT_EQ(c->probes[1].dns.valid_rcodes, (std::vector<std::string>{"NOERROR"}));
  EXPECT_EQ(c->probes[1].dns.transport_protocol, "udp");
  auto again = ParseConfig(c->ToYaml(), "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << c->ToYaml();
  EXPECT_EQ(again->probes, c->probes);
}

TEST(ProbeConfigTest, DnsErrors) {
  std::string e = ErrorOf("probes: [{name: p, module: dns, target: h, dns: {query_type: MXX}}]\n");
  EXPECT_NE(e.find("\"MXX\""), std::string::npos) << e;
  e = ErrorOf(
      "probes: [{name: p, module: dns, target: h, dns: {valid_rcodes: [NOERROR, NOPE]}}]\n");
  EXPECT_NE(e.find("invalid rcode \"NOPE\" in valid_rcodes"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: dns, target: h, dns: {transport_protocol: quic}}]\n");
  EXPECT_NE(e.find("\"quic\""), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: dns, target: h, dns: {query_name: 'a b'}}]\n");
  EXPECT_NE(e.find("invalid query_name \"a b\""), std::string::npos) << e;
  // Without query_name the target is a name, so host:port is a mistake.
  e = ErrorOf("probes: [{name: p, module: dns, target: 'h:53'}]\n");
  EXPECT_NE(e.find("for module dns: must be a name"), std::string::npos) << e;
  e = ErrorOf(
      "probes: [{name: p, module: dns, target: 'http://h/', dns: {query_name: example.com}}]\n");
  EXPECT_NE(e.find("must be a DNS server"), std::string::npos) << e;
  e = ErrorOf("probes: [{name: p, module: dns, target: h, dns: {invalid_answers: ['(']}}]\n");
  EXPECT_NE(e.find("invalid_answers"), std::string::npos) << e;
}

}  // namespace
}  // namespace osprey::config
