// The `probes:` section of osprey.yml: uptime probes in the spirit of blackbox_exporter. Each
// probe checks one target on its own schedule and writes probe_success and friends.
//
//   probes:
//     - name: api-health            # unique, required
//       module: http                # http | tcp | dns | icmp
//       target: https://api.example.com/healthz   # URL; host:port for tcp; a name for dns;
//                                   # a host name or IP for icmp
//       interval: 30s               # default 30s
//       timeout: 10s                # default min(10s, interval); never above interval
//       labels: {team: payments}
//       http: {method: GET, headers: {X-A: b}, body: "", valid_status_codes: [200],
//              fail_if_body_matches_regexp: [..], fail_if_body_not_matches_regexp: [..],
//              follow_redirects: true,
//              tls_config: {insecure_skip_verify: false, ca_file: .., cert_file: .., key_file: ..}}
//       tcp: {send: "PING\n", expect: "PONG", tls: false, tls_config: {..}}
//       dns: {query_type: MX, query_name: example.com,   # target is then the DNS server
//             transport_protocol: udp, valid_rcodes: [NOERROR],
//             valid_answers: ["mail\\."], invalid_answers: []}
//       icmp: {ip_protocol: ip4, payload_size: 56}   # ip4 | ip6; payload 0-65000 bytes
//
// Errors name file:line:column and the probe: `osprey.yml:4:13: invalid value "ftp" for module
// in probes[0] ("api-health"): must be one of "http", "tcp", "dns", "icmp"`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/yaml_decoder.h"
#include "model/duration.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

struct ProbeTlsConfig {
  bool insecure_skip_verify = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  friend bool operator==(const ProbeTlsConfig&, const ProbeTlsConfig&) = default;
};

struct ProbeHttpConfig {
  std::string method = "GET";
  std::map<std::string, std::string> headers;
  std::string body;
  // Empty: any 2xx.
  std::vector<int64_t> valid_status_codes;
  // RE2 patterns (unanchored), validated at load.
  std::vector<std::string> fail_if_body_matches_regexp;
  std::vector<std::string> fail_if_body_not_matches_regexp;
  bool follow_redirects = true;
  ProbeTlsConfig tls_config;
  friend bool operator==(const ProbeHttpConfig&, const ProbeHttpConfig&) = default;
};

struct ProbeTcpConfig {
  std::string send;    // Written after connecting; empty: nothing.
  std::string expect;  // RE2 pattern the received data must match; empty: no read.
  bool tls = false;
  ProbeTlsConfig tls_config;
  friend bool operator==(const ProbeTcpConfig&, const ProbeTcpConfig&) = default;
};

struct ProbeDnsConfig {
  // A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT or ANY.
  std::string query_type = "A";
  // Set: the target is a DNS server (host or host:port, port 53 by default) that is asked
  // for this name, as blackbox_exporter does. Empty: the target is the name, asked of the
  // system resolver (getaddrinfo for A/AAAA, else the first nameserver in /etc/resolv.conf).
  std::string query_name;
  std::string transport_protocol = "udp";  // udp (TCP when truncated) or tcp.
  // Response codes that count as success: NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...
  std::vector<std::string> valid_rcodes = {"NOERROR"};
  // RE2 patterns; each must match at least one answer's data (dig's form: "127.0.0.1",
  // "10 mail.example.com.", "\"text\""). Empty: any.
  std::vector<std::string> valid_answers;
  // RE2 patterns no answer may match.
  std::vector<std::string> invalid_answers;
  friend bool operator==(const ProbeDnsConfig&, const ProbeDnsConfig&) = default;
};

struct ProbeIcmpConfig {
  std::string ip_protocol = "ip4";  // ip4 or ip6: the address family the target resolves to.
  int64_t payload_size = 56;        // Bytes after the 8-byte ICMP header, 0-65000.
  friend bool operator==(const ProbeIcmpConfig&, const ProbeIcmpConfig&) = default;
};

struct ProbeConfig {
  std::string name;
  std::string module;  // "http", "tcp", "dns" or "icmp".
  std::string target;
  model::Duration interval = model::Duration::Seconds(30);
  model::Duration timeout = model::Duration::Seconds(10);
  std::map<std::string, std::string> labels;
  ProbeHttpConfig http;
  ProbeTcpConfig tcp;
  ProbeDnsConfig dns;
  ProbeIcmpConfig icmp;
  friend bool operator==(const ProbeConfig&, const ProbeConfig&) = default;
};

// Decodes the whole `probes:` list (value of the key in `m`), checking unique names.
Status DecodeProbeConfigs(const MappingDecoder& m, std::vector<ProbeConfig>* out);
// Makes relative TLS file paths relative to `dir`.
void ResolveProbePaths(std::string_view dir, ProbeConfig* c);
void EmitProbeConfig(const ProbeConfig& c, YAML::Emitter& out);

}  // namespace osprey::config
