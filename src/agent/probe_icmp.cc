// The icmp module: one echo request to the resolved target, one matching reply before the
// deadline. Prefers an unprivileged ping socket (SOCK_DGRAM + IPPROTO_ICMP, allowed when
// net.ipv4.ping_group_range covers the process's group; the kernel sets the identifier and
// the checksum and delivers only our replies) and falls back to a raw socket (CAP_NET_RAW;
// we fill in identifier and checksum and filter the replies ourselves).
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "agent/probe_runner.h"

namespace osprey::agent {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr size_t kIcmpHeaderBytes = 8;

// Sequence numbers are unique per process, so concurrent probes on raw sockets (which all
// receive every echo reply) never take each other's replies.
std::atomic<uint16_t> next_sequence{1};

int RemainingMs(SteadyTime deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

double SecondsSince(SteadyTime start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Fd {
  int fd = -1;
  bool raw = false;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string PermissionMessage(bool ipv6) {
  std::string out(ipv6 ? "ICMPv6" : "ICMP");
  out.append(" needs CAP_NET_RAW or net.ipv4.ping_group_range to include gid ")
      .append(std::to_string(::getegid()));
  std::ifstream range("/proc/sys/net/ipv4/ping_group_range");
  std::string low, high;
  if (range >> low >> high) out.append(" (it is \"").append(low).append(" ").append(high) += "\")";
  return out;
}

// Opens a ping socket, else a raw one.
Status OpenSocket(bool ipv6, Fd* out) {
  const int family = ipv6 ? AF_INET6 : AF_INET;
  const int protocol = ipv6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  out->fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (out->fd >= 0) return OkStatus();
  const int dgram_errno = errno;
  out->fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (out->fd >= 0) {
    out->raw = true;
    return OkStatus();
  }
  const int raw_errno = errno;
  if (raw_errno == EPERM || raw_errno == EACCES) {
    return PermissionDeniedError(PermissionMessage(ipv6));
  }
  return ErrnoError(std::string("opening ICMP socket (ping socket: ")
                        .append(std::strerror(dgram_errno))
                        .append("; raw socket)"),
                    raw_errno);
}

uint16_t Checksum(const uint8_t* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (size % 2 == 1) sum += static_cast<uint32_t>(data[size - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// Echo request or reply: type, code, checksum, identifier, sequence (network order), payload.
std::vector<uint8_t> EchoRequest(bool ipv6, uint16_t id, uint16_t seq, size_t payload_size) {
  std::vector<uint8_t> p(kIcmpHeaderBytes + payload_size);
  p[0] = ipv6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  p[4] = static_cast<uint8_t>(id >> 8);
  p[5] = static_cast<uint8_t>(id);
  p[6] = static_cast<uint8_t>(seq >> 8);
  p[7] = static_cast<uint8_t>(seq);
  for (size_t i = 0; i < payload_size; ++i) {
    p[kIcmpHeaderBytes + i] = static_cast<uint8_t>("osprey"[i % 6]);
  }
  if (!ipv6) {  // The kernel fills in ICMPv6 checksums (they cover a pseudo-header).
    const uint16_t sum = Checksum(p.data(), p.size());
    p[2] = static_cast<uint8_t>(sum >> 8);
    p[3] = static_cast<uint8_t>(sum);
  }
  return p;
}

struct Target {
  sockaddr_storage addr = {};
  socklen_t len = 0;
};

Status ParseAddress(const std::string& text, bool ipv6, Target* out) {
  if (ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&out->addr);
    a->sin6_family = AF_INET6;
    out->len = sizeof(sockaddr_in6);
    if (::inet_pton(AF_INET6, text.c_str(), &a->sin6_addr) == 1) return OkStatus();
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&out->addr);
    a->sin_family = AF_INET;
    out->len = sizeof(sockaddr_in);
    if (::inet_pton(AF_INET, text.c_str(), &a->sin_addr) == 1) return OkStatus();
  }
  return InvalidArgumentError("bad address " + text);
}

bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
}

// Waits for the echo reply matching `request`; its hop limit in *hop_limit, or -1.
Status AwaitReply(const Fd& fd, bool ipv6, const Target& target,
                  const std::vector<uint8_t>& request, const std::string& address,
                  SteadyTime deadline, int* hop_limit) {
  const uint8_t reply_type = ipv6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  std::vector<uint8_t> buf(request.size() + 128);
  while (true) {
    const int ms = RemainingMs(deadline);
    if (ms <= 0) return DeadlineExceededError("no echo reply from " + address + " in time");
    pollfd p = {fd.fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, ms);
    if (rc < 0 && errno != EINTR) return ErrnoError("waiting for echo reply", errno);
    if (rc <= 0) continue;
    sockaddr_storage from = {};
    alignas(cmsghdr) char control[256];
    iovec iov = {buf.data(), buf.size()};
    msghdr msg = {};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = ::recvmsg(fd.fd, &msg, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return ErrnoError("receiving echo reply from " + address, errno);
    }
    const uint8_t* icmp = buf.data();
    size_t size = static_cast<size_t>(n);
    int hops = -1;
    if (fd.raw && !ipv6) {  // Raw IPv4 sockets deliver the IP header too.
      if (size < 20) continue;
      const size_t header = static_cast<size_t>(icmp[0] & 0x0f) * 4;
      if (header < 20 || size < header) continue;
      hops = icmp[8];
      icmp += header;
      size -= header;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      const bool ttl = (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
                       (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT);
      if (ttl && c->cmsg_len >= CMSG_LEN(sizeof(int)))
        std::memcpy(&hops, CMSG_DATA(c), sizeof(int));
    }
    if (size < kIcmpHeaderBytes || icmp[0] != reply_type || icmp[1] != 0) continue;
    if (!SameAddress(from, target.addr)) continue;
    // Ping sockets: the kernel replaced the identifier and only delivers our replies.
    if (fd.raw && (icmp[4] != request[4] || icmp[5] != request[5])) continue;
    if (icmp[6] != request[6] || icmp[7] != request[7]) continue;
    if (size != request.size() ||
        std::memcmp(icmp + kIcmpHeaderBytes, request.data() + kIcmpHeaderBytes,
                    size - kIcmpHeaderBytes) != 0) {
      continue;
    }
    *hop_limit = hops;
    return OkStatus();
  }
}

Status Probe(const config::ProbeConfig& config, SteadyTime deadline, ProbeRun* run) {
  const bool ipv6 = config.icmp.ip_protocol == "ip6";
  std::string host = config.target;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const SteadyTime resolve_start = std::chrono::steady_clock::now();
  Result<std::vector<std::string>> addresses = internal::ResolveHost(
      host, ipv6 ? AF_INET6 : AF_INET, std::chrono::milliseconds(RemainingMs(deadline)));
  const double resolve_seconds = SecondsSince(resolve_start);
  run->samples.push_back({"probe_icmp_duration_seconds", "resolve", resolve_seconds});
  run->samples.push_back({"probe_dns_lookup_time_seconds", "", resolve_seconds});
  run->samples.push_back({"probe_ip_protocol", "", ipv6 ? 6.0 : 4.0});
  OSPREY_RETURN_IF_ERROR(addresses.status());
  const std::string& address = addresses->front();
  Target target;
  OSPREY_RETURN_IF_ERROR(ParseAddress(address, ipv6, &target));

  const SteadyTime setup_start = std::chrono::steady_clock::now();
  Fd fd;
  Status opened = OpenSocket(ipv6, &fd);
  if (opened.code() == StatusCode::kPermissionDenied) run->permission_denied = true;
  OSPREY_RETURN_IF_ERROR(opened);
  const int on = 1;
  // Best effort: without these there is no probe_icmp_reply_hop_limit.
  if (ipv6) {
    (void)::setsockopt(fd.fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
  } else if (!fd.raw) {
    (void)::setsockopt(fd.fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
  }
  if (fd.raw && ipv6) {  // Only echo replies reach a filtered raw ICMPv6 socket.
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    (void)::setsockopt(fd.fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
  }
  const uint16_t seq = next_sequence.fetch_add(1);
  const std::vector<uint8_t> request = EchoRequest(ipv6, static_cast<uint16_t>(::getpid()), seq,
                                                   static_cast<size_t>(config.icmp.payload_size));
  run->samples.push_back({"probe_icmp_duration_seconds", "setup", SecondsSince(setup_start)});

  const SteadyTime rtt_start = std::chrono::steady_clock::now();
  while (::sendto(fd.fd, request.data(), request.size(), 0,
                  reinterpret_cast<const sockaddr*>(&target.addr), target.len) < 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      pollfd p = {fd.fd, POLLOUT, 0};
      if (RemainingMs(deadline) > 0 && ::poll(&p, 1, RemainingMs(deadline)) >= 0) continue;
    }
    return ErrnoError("sending echo request to " + address, err);
  }
  int hop_limit = -1;
  OSPREY_RETURN_IF_ERROR(AwaitReply(fd, ipv6, target, request, address, deadline, &hop_limit));
  run->samples.push_back({"probe_icmp_duration_seconds", "rtt", SecondsSince(rtt_start)});
  if (hop_limit >= 0) {
    run->samples.push_back({"probe_icmp_reply_hop_limit", "", static_cast<double>(hop_limit)});
  }
  return OkStatus();
}

}  // namespace

Status CheckIcmpAvailable(bool ipv6) {
  Fd fd;
  return OpenSocket(ipv6, &fd);
}

ProbeRun RunIcmpProbe(const config::ProbeConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  ProbeRun run;
  const Status status = Probe(config, start + std::chrono::milliseconds(config.timeout.ms), &run);
  run.duration_seconds = SecondsSince(start);
  run.success = status.ok();
  if (!status.ok()) run.error = status.message();
  return run;
}

}  // namespace osprey::agent
