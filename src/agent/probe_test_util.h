// Test helpers for the probe tests: real servers on 127.0.0.1 with ephemeral ports.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
#include "config/probe_config.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "model/matcher.h"
#include "storage/metrics.h"
#include "testing/storage_dump.h"
#include "testing/temp_dir.h"

namespace osprey::agent::testing {

inline Logger QuietLogger() {
  return Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {});
}

// An HTTP server with fixed routes: /ok "all fine", /error 500, /body-error "status: error",
// /redirect -> /ok, /hang (until the server is destroyed). With `tls`, a self-signed
// certificate for 127.0.0.1 valid for 30 days (cert_file()).
class ProbeHttpServer {
 public:
  explicit ProbeHttpServer(bool tls = false) {
    router_.Handle("GET", "/ok",
                   [](const http::Request&) { return http::Response::Text("all fine"); });
    router_.Handle("GET", "/error",
                   [](const http::Request&) { return http::Response::Text("oops", 500); });
    router_.Handle("GET", "/body-error",
                   [](const http::Request&) { return http::Response::Text("status: error"); });
    router_.Handle("GET", "/redirect", [](const http::Request&) {
      http::Response r = http::Response::Text("", 302);
      r.SetHeader("Location", "/ok");
      return r;
    });
    router_.Handle("GET", "/hang", [this](const http::Request&) {
      while (!release_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return http::Response::Text("late");
    });
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 4;
    if (tls) {
      const std::string command =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
          dir_.Join("server.key") + " -out " + dir_.Join("server.pem") +
          " -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
      EXPECT_EQ(std::system(command.c_str()), 0) << command;
      o.tls = http::TlsOptions{.cert_file = dir_.Join("server.pem"),
                               .key_file = dir_.Join("server.key")};
    }
    auto started = http::Server::Start(std::move(o), router_, registry_, QuietLogger());
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (started.ok()) server_ = std::move(started).value();
    scheme_ = tls ? "https" : "http";
  }
  ~ProbeHttpServer() {
    release_ = true;
    server_.reset();
  }
  int port() const { return server_->port(); }
  std::string Url(std::string_view path) const {
    return scheme_ + "://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }
  std::string cert_file() const { return dir_.Join("server.pem"); }

 private:
  osprey::testing::TempDir dir_;
  metrics::Registry registry_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::atomic<bool> release_{false};
  std::string scheme_;
};

// A TCP server on a thread: for each connection, reads a line and answers "PONG\n" to
// "PING\n" (then closes); with `silent`, accepts and never answers until destroyed.
class EchoServer {
 public:
  explicit EchoServer(bool silent = false) : silent_(silent) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    for (int c : held_) ::close(c);
  }
  int port() const { return port_; }
  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p = {fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      if (silent_) {
        held_.push_back(c);
        continue;
      }
      std::string got;
      char buf[256];
      while (got.find('\n') == std::string::npos) {
        pollfd q = {c, POLLIN, 0};
        if (::poll(&q, 1, 2000) <= 0) break;
        const ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      const std::string reply = got == "PING\n" ? "PONG\n" : "WHAT\n";
      (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  bool silent_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<int> held_;
  std::thread thread_;
};

// A port nothing listens on (bound, then closed).
inline int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline config::ProbeConfig Probe(std::string name, std::string module, std::string target,
                                 int64_t timeout_ms = 2000) {
  config::ProbeConfig c;
  c.name = std::move(name);
  c.module = std::move(module);
  c.target = std::move(target);
  c.interval = model::Duration{std::max<int64_t>(timeout_ms, 1000)};
  c.timeout = model::Duration{timeout_ms};
  return c;
}

using osprey::testing::Dump;

}  // namespace osprey::agent::testing
