// udp_queues (<procfs>/net/udp, net/udp6) and tcpstat (NETLINK_SOCK_DIAG dumps of the TCP
// sockets, IPv4 and, when <procfs>/net/tcp6 exists, IPv6), with node_exporter 1.5's names.
//
// tcpstat asks the kernel over sock_diag, as node_exporter does, rather than reading
// /proc/net/tcp: for a listening socket sock_diag reports the accept backlog limit as its
// write queue (which node_exporter sums into tx_queued_bytes) and /proc reports 0.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

// Sums of one /proc/net/udp-style table's tx_queue and rx_queue columns ("0000:0000" hex).
Status SumUdpQueues(std::string_view body, const std::string& path, uint64_t& tx, uint64_t& rx) {
  std::string_view rest = body, line;
  NextLine(rest, line);  // header
  while (NextLine(rest, line)) {
    if (Trim(line).empty()) continue;
    std::string_view tail = line;
    std::string_view fields[10];
    int n = 0;
    for (std::string_view f = NextField(tail); !f.empty() && n < 10; f = NextField(tail)) {
      fields[n++] = f;
    }
    auto malformed = [&] {
      return DataLossError(std::string("malformed line in ")
                               .append(path)
                               .append(": \"")
                               .append(line.substr(0, 120))
                               .append("\""));
    };
    if (n < 10) return malformed();
    std::string_view queues = fields[4];
    size_t colon = queues.find(':');
    if (colon == std::string_view::npos) return malformed();
    uint64_t t = 0, r = 0;
    auto parse = [](std::string_view s, uint64_t& v) {
      if (s.empty() || s.size() > 16) return false;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
      return ec == std::errc() && end == s.data() + s.size();
    };
    if (!parse(queues.substr(0, colon), t) || !parse(queues.substr(colon + 1), r)) {
      return malformed();
    }
    tx += t;
    rx += r;
  }
  return OkStatus();
}

constexpr std::string_view kTcpStates[] = {"unknown",    "established", "syn_sent",  "syn_recv",
                                           "fin_wait1",  "fin_wait2",   "time_wait", "close",
                                           "close_wait", "last_ack",    "listen",    "closing"};

}  // namespace

Status Collectors::CollectUdpQueues(TextWriter& w) {
  struct Table {
    std::string_view file, ip;
    uint64_t tx = 0, rx = 0;
    bool present = false;
  } tables[2] = {{"net/udp", "v4"}, {"net/udp6", "v6"}};
  for (Table& t : tables) {
    Result<std::string_view> body = ReadProc(t.file);
    if (!body.ok()) {
      if (body.status().code() == StatusCode::kNotFound) continue;  // no IPv6: skipped
      return body.status();
    }
    OSPREY_RETURN_IF_ERROR(SumUdpQueues(*body, ProcPath(t.file), t.tx, t.rx));
    t.present = true;
  }
  if (!tables[0].present && !tables[1].present) {
    return NotFoundError(std::string("no ").append(ProcPath("net/udp")).append(" nor udp6"));
  }
  w.Family("node_udp_queues",
           "Number of allocated memory in the kernel for UDP datagrams in bytes.", "gauge");
  for (const Table& t : tables) {
    if (!t.present) continue;
    w.SampleInt("node_udp_queues", {{"ip", t.ip}, {"queue", "rx"}}, t.rx);
    w.SampleInt("node_udp_queues", {{"ip", t.ip}, {"queue", "tx"}}, t.tx);
  }
  return OkStatus();
}

Result<bool> ParseInetDiagDump(std::string_view data, TcpStats& stats) {
  while (data.size() >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, data.data(), sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > data.size()) {
      return DataLossError("sock_diag: truncated netlink message");
    }
    std::string_view payload = data.substr(NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
    if (h.nlmsg_type == NLMSG_DONE) return true;
    if (h.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr err{};
      if (payload.size() >= sizeof err) std::memcpy(&err, payload.data(), sizeof err);
      return ErrnoError("sock_diag dump", err.error < 0 ? -err.error : EPROTO);
    }
    if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      inet_diag_msg m;
      if (payload.size() < sizeof m) return DataLossError("sock_diag: short inet_diag_msg");
      std::memcpy(&m, payload.data(), sizeof m);
      if (m.idiag_state < std::size(stats.states)) {
        ++stats.states[m.idiag_state];
      } else {
        ++stats.states[0];
      }
      stats.rx_queued += m.idiag_rqueue;
      stats.tx_queued += m.idiag_wqueue;
      ++stats.sockets;
    }
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= data.size()) break;
    data.remove_prefix(step);
  }
  return false;
}

Status Collectors::CollectTcpstat(TextWriter& w) {
  TcpStats stats;
  bool ipv6 = ::access(ProcPath("net/tcp6").c_str(), F_OK) == 0;
  for (int family : {AF_INET, AF_INET6}) {
    if (family == AF_INET6 && !ipv6) continue;
    // One socket kept between collections (sock_diag dumps are sequential on it); dropped on
    // any error so the next collection starts clean.
    if (netlink_fd_ < 0) {
      netlink_fd_ = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
      if (netlink_fd_ < 0) return ErrnoError("socket(NETLINK_SOCK_DIAG)", errno);
      // A dump that stalls must not hang the collection.
      timeval timeout{.tv_sec = 5, .tv_usec = 0};
      ::setsockopt(netlink_fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    Status dumped = DumpTcpSockets(family, stats);
    if (!dumped.ok()) {
      ::close(netlink_fd_);
      netlink_fd_ = -1;
      return dumped;
    }
  }
  WriteTcpStats(w, stats);
  return OkStatus();
}

Status Collectors::DumpTcpSockets(int family, TcpStats& stats) {
  const int fd = netlink_fd_;
  {
    struct {
      nlmsghdr header;
      inet_diag_req_v2 request;
    } req{};
    req.header.nlmsg_len = sizeof req;
    req.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.request.sdiag_family = static_cast<uint8_t>(family);
    req.request.sdiag_protocol = IPPROTO_TCP;
    req.request.idiag_states = 0xFFF;  // TCPF_ALL up to TCP_CLOSING, as node_exporter
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
        0) {
      return ErrnoError("sock_diag request", errno);
    }
    netlink_buf_.resize(1 << 16);
    bool done = false;
    // Bounded: a dump of millions of sockets still ends; a kernel that never sends DONE too.
    for (int reads = 0; !done && reads < (1 << 16); ++reads) {
      ssize_t n = ::recv(fd, netlink_buf_.data(), netlink_buf_.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("sock_diag read", errno);
      }
      if (n == 0) break;
      OSPREY_ASSIGN_OR_RETURN(
          done,
          ParseInetDiagDump(std::string_view(netlink_buf_.data(), static_cast<size_t>(n)), stats));
    }
    if (!done) return DataLossError("sock_diag dump did not end");
  }
  return OkStatus();
}

void WriteTcpStats(TextWriter& w, const TcpStats& stats) {
  if (stats.sockets == 0) return;
  w.Family("node_tcp_connection_states", "Number of connection states.", "gauge");
  for (size_t s = 1; s < std::size(stats.states); ++s) {
    if (stats.states[s] == 0) continue;
    w.SampleInt("node_tcp_connection_states", {{"state", kTcpStates[s]}}, stats.states[s]);
  }
  if (stats.states[0] != 0) {
    w.SampleInt("node_tcp_connection_states", {{"state", "unknown"}}, stats.states[0]);
  }
  w.SampleInt("node_tcp_connection_states", {{"state", "rx_queued_bytes"}}, stats.rx_queued);
  w.SampleInt("node_tcp_connection_states", {{"state", "tx_queued_bytes"}}, stats.tx_queued);
}

}  // namespace osprey::agent::internal
