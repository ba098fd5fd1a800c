// The http module: one request through http::HttpClient, judged by status and body.
#include <re2/re2.h>

#include <chrono>

#include "agent/probe_runner.h"
#include "http/client.h"

namespace osprey::agent {
namespace {

constexpr int64_t kMaxProbeBodyBytes = 10 << 20;

bool StatusIsValid(const config::ProbeHttpConfig& c, int status) {
  if (c.valid_status_codes.empty()) return status >= 200 && status < 300;
  for (int64_t code : c.valid_status_codes) {
    if (code == status) return true;
  }
  return false;
}

// Empty when the body passes every regexp, else which one failed.
std::string CheckBody(const config::ProbeHttpConfig& c, const std::string& body) {
  for (const std::string& pattern : c.fail_if_body_matches_regexp) {
    RE2 re(pattern, RE2::Quiet);
    if (re.ok() && RE2::PartialMatch(body, re)) {
      return "body matched regexp " + pattern;
    }
  }
  for (const std::string& pattern : c.fail_if_body_not_matches_regexp) {
    RE2 re(pattern, RE2::Quiet);
    if (re.ok() && !RE2::PartialMatch(body, re)) {
      return "body did not match regexp " + pattern;
    }
  }
  return "";
}

}  // namespace

ProbeRun RunHttpProbe(const config::ProbeConfig& config) {
  const config::ProbeHttpConfig& c = config.http;
  http::ClientOptions options;
  options.tls.ca_file = c.tls_config.ca_file;
  options.tls.cert_file = c.tls_config.cert_file;
  options.tls.key_file = c.tls_config.key_file;
  options.tls.insecure_skip_verify = c.tls_config.insecure_skip_verify;
  options.follow_redirects = c.follow_redirects;
  options.user_agent = "Osprey-probe";
  http::ClientRequest request;
  request.method = c.method;
  request.url = config.target;
  for (const auto& [name, value] : c.headers) request.headers.emplace_back(name, value);
  request.body = c.body;
  request.timeout = std::chrono::milliseconds(config.timeout.ms);
  request.max_body_bytes = kMaxProbeBodyBytes;
  request.want_cert_info = config.target.starts_with("https://");

  const auto start = std::chrono::steady_clock::now();
  http::HttpClient client(options);  // New per run: every phase is measured, none reused.
  Result<http::ClientResponse> response = client.Do(request);
  ProbeRun run;
  run.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  http::ClientResponse empty;
  const http::ClientResponse& r = response.ok() ? *response : empty;
  bool regex_failed = false;
  if (!response.ok()) {
    run.error = response.status().message();
  } else if (!StatusIsValid(c, r.status)) {
    run.error = "invalid HTTP status code " + std::to_string(r.status);
  } else if (std::string why = CheckBody(c, r.body); !why.empty()) {
    run.error = std::move(why);
    regex_failed = true;
  } else {
    run.success = true;
  }

  const http::ClientTimings& t = r.timings;
  for (const auto& [phase, seconds] : {std::pair<const char*, double>{"resolve", t.resolve},
                                       {"connect", t.connect},
                                       {"tls", t.tls},
                                       {"processing", t.processing},
                                       {"transfer", t.transfer}}) {
    run.samples.push_back({"probe_http_duration_seconds", phase, seconds});
  }
  run.samples.push_back({"probe_http_status_code", "", static_cast<double>(r.status)});
  run.samples.push_back(
      {"probe_http_content_length", "",
       static_cast<double>(r.content_length >= 0 ? r.content_length
                                                 : static_cast<int64_t>(r.body.size()))});
  run.samples.push_back({"probe_http_redirects", "", static_cast<double>(r.redirects)});
  run.samples.push_back({"probe_http_ssl", "", r.tls ? 1.0 : 0.0});
  run.samples.push_back({"probe_failed_due_to_regex", "", regex_failed ? 1.0 : 0.0});
  if (r.tls && r.cert_not_after > 0) {
    run.samples.push_back(
        {"probe_ssl_earliest_cert_expiry", "", static_cast<double>(r.cert_not_after)});
  }
  return run;
}

ProbeRun RunProbe(const config::ProbeConfig& config) {
  if (config.module == "http") return RunHttpProbe(config);
  if (config.module == "tcp") return RunTcpProbe(config);
  if (config.module == "dns") return RunDnsProbe(config);
  if (config.module == "icmp") return RunIcmpProbe(config);
  ProbeRun run;
  run.error = "unknown probe module " + config.module;
  return run;
}

}  // namespace osprey::agent
