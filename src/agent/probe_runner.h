// One run of one uptime probe (blackbox_exporter's modules): the checks themselves, without
// scheduling or storage. ProbeManager (probe_manager.h) runs these on its threads.
//
//   agent::ProbeRun run = agent::RunProbe(config);   // returns within config.timeout (+ a little)
//   run.success, run.samples  // {"probe_http_status_code", "", 200}, ...
//
// Every run returns within the probe's timeout: HTTP through libcurl's timeout, TCP through
// poll() deadlines, name resolution on a detached thread that is abandoned at the deadline.
// Thread-safe: runs share nothing.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/probe_config.h"

namespace osprey::agent {

// One value of one run. `phase` is probe_http_duration_seconds's label; empty otherwise.
struct ProbeSample {
  std::string name;
  std::string phase;
  double value = 0;
};

struct ProbeRun {
  bool success = false;
  double duration_seconds = 0;
  // Module metrics, without probe_success and probe_duration_seconds.
  std::vector<ProbeSample> samples;
  std::string error;  // Why it failed, one line; empty on success.
  // icmp: no socket could be opened for lack of privilege (error says what to change).
  bool permission_denied = false;
};

// Dispatches on config.module ("http", "tcp", "dns", "icmp").
ProbeRun RunProbe(const config::ProbeConfig& config);

ProbeRun RunHttpProbe(const config::ProbeConfig& config);
ProbeRun RunTcpProbe(const config::ProbeConfig& config);
ProbeRun RunDnsProbe(const config::ProbeConfig& config);
// One echo request, one matching reply (probe_icmp.cc). Samples: probe_icmp_duration_seconds
// {phase="resolve"|"setup"|"rtt"}, probe_icmp_reply_hop_limit (when the kernel reports it),
// probe_ip_protocol, probe_dns_lookup_time_seconds.
ProbeRun RunIcmpProbe(const config::ProbeConfig& config);

// Whether this process can send ICMP echo requests (ping socket or raw socket), for rejecting
// icmp probes at start. kPermissionDenied: "ICMP needs CAP_NET_RAW or
// net.ipv4.ping_group_range to include gid N (it is "1 0")".
Status CheckIcmpAvailable(bool ipv6 = false);

namespace internal {
// getaddrinfo for `host` (AF_INET, AF_INET6 or AF_UNSPEC) cut at `timeout`: the addresses
// as text, in the resolver's order without duplicates. Errors name the host.
Result<std::vector<std::string>> ResolveHost(const std::string& host, int family,
                                             std::chrono::milliseconds timeout);
}  // namespace internal

}  // namespace osprey::agent
