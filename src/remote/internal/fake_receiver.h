// A remote_write receiver for tests: an http::Server on 127.0.0.1:0 that decodes each
// request, records it, and answers with scripted status codes (204 once the script is used
// up). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <string>
#include <utility>  // before Asio (Boost 1.74 + g++ 12)
#include <vector>

#include "base/logger.h"
#include "base/thread_annotations.h"
#include "http/router.h"
#include "http/server.h"
#include "ingest/remote_write_decoder.h"
#include "metrics/registry.h"
#include "model/labels.h"
#include "model/sample.h"

namespace osprey::remote::internal {

struct ReceivedSeries {
  model::Labels labels;
  std::vector<model::Sample> samples;
};

struct ReceivedRequest {
  int status = 0;  // what was answered
  std::vector<ReceivedSeries> series;
  std::vector<std::pair<std::string, std::string>> headers;
  size_t SampleCount() const {
    size_t n = 0;
    for (const ReceivedSeries& s : series) n += s.samples.size();
    return n;
  }
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() == name.size() &&
          std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return "";
  }
};

class FakeReceiver {
 public:
  FakeReceiver() {
    router_.Handle("POST", "/api/v1/write", [this](const http::Request& r) { return Handle(r); });
    auto server =
        http::Server::Start({.listen_address = "127.0.0.1:0"}, router_, registry_,
                            Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    OSPREY_CHECK(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  ~FakeReceiver() { server_->Shutdown(std::chrono::milliseconds(0)); }

  std::string url() const {
    return std::string("http://127.0.0.1:")
        .append(std::to_string(server_->port()))
        .append("/api/v1/write");
  }

  // Answers the next requests with these codes, in order.
  void Script(std::vector<int> codes) {
    MutexLock lock(mu_);
    script_.assign(codes.begin(), codes.end());
  }
  // Answers every request with `code` from now on (0: back to the script, then 204).
  void AlwaysAnswer(int code) {
    MutexLock lock(mu_);
    always_ = code;
  }

  std::vector<ReceivedRequest> Requests() {
    MutexLock lock(mu_);
    return requests_;
  }
  // Samples in the requests answered 2xx, per series, in arrival order.
  std::vector<std::pair<model::Labels, model::Sample>> Accepted() {
    MutexLock lock(mu_);
    std::vector<std::pair<model::Labels, model::Sample>> out;
    for (const ReceivedRequest& r : requests_) {
      if (r.status / 100 != 2) continue;
      for (const ReceivedSeries& s : r.series) {
        for (const model::Sample& x : s.samples) out.emplace_back(s.labels, x);
      }
    }
    return out;
  }
  // Waits (up to 30 s, a safety net against hangs) until `pred()` holds, checked after each
  // request. Returns pred().
  template <typename Pred>
  bool WaitFor(Pred pred) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    MutexLock lock(mu_);
    while (true) {
      mu_.Unlock();
      const bool ok = pred();
      mu_.Lock();
      if (ok) return true;
      if (std::chrono::steady_clock::now() >= until) return false;
      cv_.wait_for(mu_, std::chrono::milliseconds(50));
    }
  }
  bool WaitForAccepted(size_t n) {
    return WaitFor([&] { return Accepted().size() >= n; });
  }
  bool WaitForRequests(size_t n) {
    return WaitFor([&] { return Requests().size() >= n; });
  }

 private:
  struct Visitor : ingest::WriteRequestVisitor {
    ReceivedRequest* out;
    Status OnTimeSeries(const ingest::TimeSeriesView& ts) override {
      model::LabelsBuilder b;
      for (const ingest::LabelView& l : ts.labels) b.Set(l.name, l.value);
      out->series.push_back(ReceivedSeries{
          b.Build(), std::vector<model::Sample>(ts.samples.begin(), ts.samples.end())});
      return OkStatus();
    }
  };

  http::Response Handle(const http::Request& r) {
    ReceivedRequest req;
    for (const auto& [k, v] : r.headers) req.headers.emplace_back(k, v);
    Visitor v;
    v.out = &req;
    ingest::RemoteWriteDecoder decoder;
    Status s = decoder.Decode(r.body, v);
    int code = 204;
    {
      MutexLock lock(mu_);
      if (always_ != 0) {
        code = always_;
      } else if (!script_.empty()) {
        code = script_.front();
        script_.pop_front();
      }
      if (!s.ok()) code = 400;
      req.status = code;
      requests_.push_back(std::move(req));
    }
    cv_.notify_all();
    return http::Response::Text(code == 204 ? "" : "scripted error\n", code);
  }

  metrics::Registry registry_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<int> script_ OSPREY_GUARDED_BY(mu_);
  int always_ OSPREY_GUARDED_BY(mu_) = 0;
  std::vector<ReceivedRequest> requests_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::remote::internal
