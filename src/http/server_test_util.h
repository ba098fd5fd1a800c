// Helpers shared by the server tests: a server on 127.0.0.1 with an ephemeral port and its own
// metrics registry, and an RAII temp dir.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "base/logger.h"
#include "http/server.h"
#include "http/test_client.h"
#include "metrics/registry.h"

namespace osprey::http::testing {

inline Logger QuietLogger() {
  return Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {});
}

inline ServerOptions LocalOptions() {
  ServerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.threads = 2;
  return o;
}

// Owns a registry, a router and (once started) a server using both.
struct TestServer {
  metrics::Registry registry;
  Router router;
  std::unique_ptr<Server> server;

  // Requires: every route is registered.
  void Start(ServerOptions options = LocalOptions()) {
    auto started = Server::Start(std::move(options), router, registry, QuietLogger());
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server = std::move(started).value();
  }
  int port() const { return server->port(); }
  std::string Metrics() const { return registry.ExpositionText(); }
};

// Polls until connecting to `port` is refused (the listener is closed); false after 10 s.
inline bool WaitUntilRefused(int port) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (!TestConnection::Connect(port).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "osprey_http_XXXXXX").string();
    path_ = mkdtemp(templ.data()) != nullptr ? templ : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Path(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace osprey::http::testing
