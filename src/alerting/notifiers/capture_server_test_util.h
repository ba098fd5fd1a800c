// Test helper: an HTTP server on 127.0.0.1 (ephemeral port) that records every request and
// answers with a status and body the test chooses.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/logger.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace osprey::alerting::notifiers::testing {

struct CapturedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  http::KeyValues headers;
  std::string body;
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (http::EqualsIgnoreCase(k, name)) return v;
    }
    return "";
  }
};

class CaptureServer {
 public:
  CaptureServer() {
    for (const char* method : {"GET", "POST", "PUT"}) {
      router_.Handle(method, "/*path", [this](const http::Request& r) {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back({r.method, r.target, r.headers, r.body});
        return http::Response::Text(reply_body_, reply_status_, "application/json");
      });
    }
    http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.threads = 2;
    auto started =
        http::Server::Start(std::move(o), router_, registry_,
                            Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (started.ok()) server_ = std::move(started).value();
  }

  std::string Url(std::string_view path = "/") const {
    return std::string("http://127.0.0.1:")
        .append(std::to_string(server_ ? server_->port() : 0))
        .append(path);
  }
  void Reply(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    reply_status_ = status;
    reply_body_ = std::move(body);
  }
  std::vector<CapturedRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  metrics::Registry registry_;
  http::Router router_;
  mutable std::mutex mu_;
  std::vector<CapturedRequest> requests_;
  int reply_status_ = 200;
  std::string reply_body_ = "{}";
  std::unique_ptr<http::Server> server_;  // last: stops before the members it uses
};

}  // namespace osprey::alerting::notifiers::testing
