// The dns module. Two ways to ask:
// - With `query_name`, the target is a DNS server (host or host:port, default port 53) and
//   the question goes to it over UDP (TCP when configured or when the answer is truncated),
//   as blackbox_exporter's dns prober does. Any record type; rcode and answers are checked.
// - Without it, the target is the name. A and AAAA go through the system resolver
//   (getaddrinfo: /etc/hosts and nsswitch apply); other types go to the first nameserver of
//   /etc/resolv.conf.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <re2/re2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "agent/dns_message.h"
#include "agent/probe_runner.h"

namespace osprey::agent {
namespace {

using Clock = std::chrono::steady_clock;

struct Server {
  std::string host;
  uint16_t port = 53;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// "host", "host:port", "[v6]:port" or a bare IPv6 address.
Result<Server> ParseServer(std::string_view target) {
  Server s;
  std::string_view port;
  if (!target.empty() && target.front() == '[') {
    const size_t close = target.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgumentError("dns server \"" + std::string(target) + "\": missing ']'");
    }
    s.host = std::string(target.substr(1, close - 1));
    if (close + 1 < target.size()) {
      if (target[close + 1] != ':') {
        return InvalidArgumentError("dns server \"" + std::string(target) + "\": junk after ']'");
      }
      port = target.substr(close + 2);
    }
  } else if (std::count(target.begin(), target.end(), ':') == 1) {
    const size_t colon = target.find(':');
    s.host = std::string(target.substr(0, colon));
    port = target.substr(colon + 1);
  } else {
    s.host = std::string(target);
  }
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return InvalidArgumentError("dns server \"" + std::string(target) + "\": bad port");
      }
      p = p * 10 + (c - '0');
    }
    if (p == 0 || p > 65535) {
      return InvalidArgumentError("dns server \"" + std::string(target) + "\": bad port");
    }
    s.port = static_cast<uint16_t>(p);
  }
  return s;
}

Result<Server> SystemNameserver() {
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver") return Server{value, 53};
  }
  return FailedPreconditionError("no nameserver in /etc/resolv.conf");
}

bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p = {fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

Result<sockaddr_storage> Address(const std::string& ip, uint16_t port, socklen_t* len) {
  sockaddr_storage ss = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
  } else {
    return InvalidArgumentError("not an IP address: " + ip);
  }
  return ss;
}

Result<std::string> ExchangeUdp(const sockaddr_storage& addr, socklen_t len,
                                const std::string& query, uint16_t id, Clock::time_point deadline) {
  Fd fd(::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return UnavailableError(std::string("socket: ") + strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0 ||
      ::send(fd.get(), query.data(), query.size(), 0) < 0) {
    return UnavailableError(std::string("send: ") + strerror(errno));
  }
  std::string buf(65535, '\0');
  for (;;) {
    if (!WaitFor(fd.get(), POLLIN, deadline)) return DeadlineExceededError("udp query: timeout");
    const ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return UnavailableError(std::string("recv: ") + strerror(errno));
    }
    // Answers to other queries (a late reply to an earlier run) are skipped.
    if (n >= 2 && ((static_cast<uint8_t>(buf[0]) << 8) | static_cast<uint8_t>(buf[1])) == id) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
  }
}

Status ReadFull(int fd, char* out, size_t n, Clock::time_point deadline) {
  size_t got = 0;
  while (got < n) {
    if (!WaitFor(fd, POLLIN, deadline)) return DeadlineExceededError("tcp query: timeout");
    const ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r == 0) return UnavailableError("tcp query: connection closed by the server");
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return UnavailableError(std::string("recv: ") + strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  return OkStatus();
}

Result<std::string> ExchangeTcp(const sockaddr_storage& addr, socklen_t len,
                                const std::string& query, Clock::time_point deadline) {
  Fd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return UnavailableError(std::string("socket: ") + strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    if (errno != EINPROGRESS) return UnavailableError(std::string("connect: ") + strerror(errno));
    if (!WaitFor(fd.get(), POLLOUT, deadline)) return DeadlineExceededError("connect: timeout");
    int err = 0;
    socklen_t err_len = sizeof(err);
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) return UnavailableError(std::string("connect: ") + strerror(err));
  }
  std::string framed;
  framed.push_back(static_cast<char>(query.size() >> 8));
  framed.push_back(static_cast<char>(query.size() & 0xFF));
  framed += query;
  size_t sent = 0;
  while (sent < framed.size()) {
    if (!WaitFor(fd.get(), POLLOUT, deadline)) return DeadlineExceededError("send: timeout");
    const ssize_t n = ::send(fd.get(), framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return UnavailableError(std::string("send: ") + strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  char prefix[2];
  OSPREY_RETURN_IF_ERROR(ReadFull(fd.get(), prefix, 2, deadline));
  std::string message((static_cast<uint8_t>(prefix[0]) << 8) | static_cast<uint8_t>(prefix[1]),
                      '\0');
  OSPREY_RETURN_IF_ERROR(ReadFull(fd.get(), message.data(), message.size(), deadline));
  return message;
}

void AddCounts(const DnsResponse& r, ProbeRun* run) {
  run->samples.push_back({"probe_dns_answer_rrs", "", static_cast<double>(r.answers.size())});
  run->samples.push_back({"probe_dns_authority_rrs", "", static_cast<double>(r.authority.size())});
  run->samples.push_back(
      {"probe_dns_additional_rrs", "", static_cast<double>(r.additional.size())});
  for (const DnsRecord& rr : r.answers) {
    if (rr.soa_serial) {
      run->samples.push_back({"probe_dns_serial", "", static_cast<double>(*rr.soa_serial)});
      break;
    }
  }
}

// The answers' data must match every valid_answers pattern somewhere and no
// invalid_answers pattern anywhere.
std::string CheckAnswers(const config::ProbeDnsConfig& c, const std::vector<std::string>& answers) {
  for (const std::string& pattern : c.valid_answers) {
    RE2 re(pattern, RE2::Quiet);
    bool matched = false;
    for (const std::string& a : answers) matched = matched || RE2::PartialMatch(a, re);
    if (!matched) return "no answer matched regexp " + pattern;
  }
  for (const std::string& pattern : c.invalid_answers) {
    RE2 re(pattern, RE2::Quiet);
    for (const std::string& a : answers) {
      if (RE2::PartialMatch(a, re)) return "answer \"" + a + "\" matched regexp " + pattern;
    }
  }
  return "";
}

ProbeRun RunSystemResolver(const config::ProbeConfig& config) {
  const int family = config.dns.query_type == "AAAA" ? AF_INET6 : AF_INET;
  const auto start = Clock::now();
  Result<std::vector<std::string>> answers =
      internal::ResolveHost(config.target, family, std::chrono::milliseconds(config.timeout.ms));
  ProbeRun run;
  run.duration_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.samples.push_back({"probe_dns_lookup_time_seconds", "", run.duration_seconds});
  const size_t count = answers.ok() ? answers->size() : 0;
  run.samples.push_back({"probe_dns_answer_rrs", "", static_cast<double>(count)});
  run.samples.push_back({"probe_dns_query_succeeded", "", answers.ok() ? 1.0 : 0.0});
  if (!answers.ok()) {
    run.error = answers.status().message();
    return run;
  }
  run.error = CheckAnswers(config.dns, *answers);
  run.success = run.error.empty();
  return run;
}

ProbeRun RunServerQuery(const config::ProbeConfig& config) {
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(config.timeout.ms);
  ProbeRun run;
  auto finish = [&](std::string error) {
    run.duration_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    run.error = std::move(error);
    run.success = run.error.empty();
    return run;
  };
  const bool explicit_server = !config.dns.query_name.empty();
  const std::string& qname = explicit_server ? config.dns.query_name : config.target;
  Result<Server> server = explicit_server ? ParseServer(config.target) : SystemNameserver();
  if (!server.ok()) return finish(server.status().message());
  // The server's own name (rarely not an IP) goes through the system resolver.
  const auto resolve_start = Clock::now();
  Result<std::vector<std::string>> ips =
      internal::ResolveHost(server->host, AF_UNSPEC, std::chrono::milliseconds(config.timeout.ms));
  if (!ips.ok()) return finish(ips.status().message());
  socklen_t len = 0;
  Result<sockaddr_storage> addr = Address(ips->front(), server->port, &len);
  if (!addr.ok()) return finish(addr.status().message());
  const std::optional<DnsType> type = DnsTypeFromName(config.dns.query_type);
  static thread_local std::mt19937 rng{std::random_device{}()};
  const auto id = static_cast<uint16_t>(rng());
  Result<std::string> query = EncodeDnsQuery(id, qname, static_cast<uint16_t>(*type));
  if (!query.ok()) return finish(query.status().message());

  const auto query_start = Clock::now();
  const std::string where = " (" + server->host + ":" + std::to_string(server->port) + ")";
  Result<std::string> raw = config.dns.transport_protocol == "tcp"
                                ? ExchangeTcp(*addr, len, *query, deadline)
                                : ExchangeUdp(*addr, len, *query, id, deadline);
  Result<DnsResponse> resp = raw.ok() ? ParseDnsResponse(*raw) : Result<DnsResponse>(raw.status());
  if (resp.ok() && resp->truncated && config.dns.transport_protocol != "tcp") {
    raw = ExchangeTcp(*addr, len, *query, deadline);
    resp = raw.ok() ? ParseDnsResponse(*raw) : Result<DnsResponse>(raw.status());
  }
  const double lookup = std::chrono::duration<double>(Clock::now() - query_start).count() +
                        std::chrono::duration<double>(query_start - resolve_start).count();
  run.samples.push_back({"probe_dns_lookup_time_seconds", "", lookup});
  run.samples.push_back({"probe_dns_query_succeeded", "", resp.ok() ? 1.0 : 0.0});
  if (!resp.ok()) {
    run.samples.push_back({"probe_dns_answer_rrs", "", 0});
    return finish(resp.status().message() + where);
  }
  AddCounts(*resp, &run);
  const std::vector<std::string>& valid = config.dns.valid_rcodes;
  const std::string rcode = DnsRcodeName(resp->rcode);
  if (std::find(valid.begin(), valid.end(), rcode) == valid.end()) {
    return finish("rcode " + rcode + " for " + qname + " " + config.dns.query_type +
                  " is not one of the valid_rcodes" + where);
  }
  std::vector<std::string> answers;
  for (const DnsRecord& rr : resp->answers) answers.push_back(rr.data);
  return finish(CheckAnswers(config.dns, answers));
}

}  // namespace

ProbeRun RunDnsProbe(const config::ProbeConfig& config) {
  const bool system = config.dns.query_name.empty() &&
                      (config.dns.query_type == "A" || config.dns.query_type == "AAAA") &&
                      config.dns.transport_protocol != "tcp";
  return system ? RunSystemResolver(config) : RunServerQuery(config);
}

}  // namespace osprey::agent
