// The dns module: resolves the target through the system resolver (getaddrinfo, so
// /etc/hosts and nsswitch apply) and checks the answers.
#include <netdb.h>
#include <re2/re2.h>
#include <sys/socket.h>

#include <chrono>

#include "agent/probe_runner.h"

namespace osprey::agent {

ProbeRun RunDnsProbe(const config::ProbeConfig& config) {
  const int family = config.dns.query_type == "AAAA" ? AF_INET6 : AF_INET;
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<std::string>> answers =
      internal::ResolveHost(config.target, family, std::chrono::milliseconds(config.timeout.ms));
  ProbeRun run;
  run.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.samples.push_back({"probe_dns_lookup_time_seconds", "", run.duration_seconds});
  const size_t count = answers.ok() ? answers->size() : 0;
  run.samples.push_back({"probe_dns_answer_rrs", "", static_cast<double>(count)});
  if (!answers.ok()) {
    run.error = answers.status().message();
    return run;
  }
  for (const std::string& pattern : config.dns.valid_answers) {
    RE2 re(pattern, RE2::Quiet);
    bool matched = false;
    for (const std::string& a : *answers) matched = matched || RE2::PartialMatch(a, re);
    if (!matched) {
      run.error = "no answer matched regexp " + pattern;
      return run;
    }
  }
  run.success = true;
  return run;
}

}  // namespace osprey::agent
