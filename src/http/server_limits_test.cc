// The server's limits, timeouts and graceful shutdown, over real sockets.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/compression.h"
#include "http/server.h"
#include "http/server_test_util.h"

namespace osprey::http {
namespace {

using namespace std::chrono_literals;
using testing::RoundTrip;
using testing::TestConnection;
using testing::TestServer;

// A handler that signals when it starts and blocks until released.
struct Gate {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Handler handler() {
    return [this](const Request&) {
      entered.set_value();
      released.wait();
      return Response::Text("finished");
    };
  }
};

ServerOptions SmallLimits() {
  ServerOptions o = testing::LocalOptions();
  o.max_body_bytes = 64 * 1024;
  o.max_header_bytes = 4 * 1024;
  return o;
}

void AddEcho(Router& router) {
  router.Handle("POST", "/echo", [](const Request& r) { return Response::Text(r.body); });
  router.Handle("GET", "/hello", [](const Request&) { return Response::Text("hello"); });
}

TEST(ServerLimitsTest, BodyOverTheLimitGets413) {
  TestServer s;
  AddEcho(s.router);
  s.Start(SmallLimits());
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  // Only the header is sent: the declared length alone is refused, without reading the body.
  ASSERT_TRUE((*conn)->Send("POST /echo HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
}

TEST(ServerLimitsTest, BodyOverTheLimitSentInFullStillGets413) {
  TestServer s;
  AddEcho(s.router);
  s.Start(SmallLimits());
  std::string body(200 * 1024, 'b');
  // The server answers while the client is still sending; lingering keeps the answer readable.
  auto r =
      RoundTrip(s.port(), "POST /echo HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
}

TEST(ServerLimitsTest, ZipBombGets413) {
  TestServer s;
  AddEcho(s.router);
  s.Start(SmallLimits());
  std::string bomb = GzipCompress(std::string(10 * 1024 * 1024, '\0'));
  ASSERT_LT(bomb.size(), 64 * 1024u);
  auto r = RoundTrip(s.port(), "POST /echo HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                                   std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(s.Metrics().find(R"(osprey_http_bad_requests_total{reason="body_too_large"} 1)"),
            std::string::npos);
}

TEST(ServerLimitsTest, HugeHeaderGets431) {
  TestServer s;
  AddEcho(s.router);
  s.Start(SmallLimits());
  auto r = RoundTrip(s.port(),
                     "GET /hello HTTP/1.1\r\nX-Huge: " + std::string(8 * 1024, 'h') + "\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(s.Metrics().find(R"(osprey_http_bad_requests_total{reason="header_too_large"} 1)"),
            std::string::npos);
}

TEST(ServerLimitsTest, SlowlorisHeaderTimesOutWith408AndClose) {
  TestServer s;
  AddEcho(s.router);
  ServerOptions o = SmallLimits();
  o.header_timeout = 200ms;
  s.Start(o);
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("GET /hello HTTP/1.1\r\nX-Slow: a").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE((*conn)->WaitForClose());
  EXPECT_NE(s.Metrics().find(R"(osprey_http_bad_requests_total{reason="timeout"} 1)"),
            std::string::npos);
}

TEST(ServerLimitsTest, SlowBodyTimesOut) {
  TestServer s;
  AddEcho(s.router);
  ServerOptions o = SmallLimits();
  o.read_timeout = 200ms;
  s.Start(o);
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE((*conn)->WaitForClose());
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionIsClosedSilently) {
  TestServer s;
  AddEcho(s.router);
  ServerOptions o = SmallLimits();
  o.idle_timeout = 200ms;
  s.Start(o);
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Get("/hello").ok());
  // No 408: nothing of a next request was received, so the server closes without a byte.
  auto next = (*conn)->ReadResponse();
  ASSERT_FALSE(next.ok()) << "got status " << next->status;
  EXPECT_EQ(next.status().message(), "connection closed");
}

TEST(ServerLimitsTest, ConnectionsBeyondTheMaximumAreClosedAndCounted) {
  TestServer s;
  AddEcho(s.router);
  ServerOptions o = SmallLimits();
  o.max_connections = 1;
  s.Start(o);
  auto first = TestConnection::Connect(s.port());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Get("/hello").ok());  // Surely accepted and registered by now.
  auto second = TestConnection::Connect(s.port());
  ASSERT_TRUE(second.ok());  // The kernel accepts; the server closes it at once.
  EXPECT_TRUE((*second)->WaitForClose());
  EXPECT_NE(s.Metrics().find("osprey_http_connections_rejected_total 1"), std::string::npos);
  EXPECT_NE(s.Metrics().find("osprey_http_connections_open 1"), std::string::npos);
  auto again = (*first)->Get("/hello");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "hello");
}

TEST(ServerShutdownTest, InFlightRequestCompletesAndNewConnectionsAreRefused) {
  Gate gate;  // Outlives the server, whose handler uses it.
  TestServer s;
  s.router.Handle("GET", "/block", gate.handler());
  s.Start();
  int port = s.port();
  auto conn = TestConnection::Connect(port);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("GET /block HTTP/1.1\r\n\r\n").ok());
  gate.entered.get_future().wait();

  std::jthread stopper([&] { s.server->Shutdown(10s); });
  EXPECT_TRUE(testing::WaitUntilRefused(port));
  gate.release.set_value();
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
  // Closing our end ends the server's lingering close, which Shutdown waits for.
  conn->reset();
  stopper.join();
  EXPECT_NE(s.Metrics().find("osprey_http_connections_open 0"), std::string::npos);
}

TEST(ServerShutdownTest, IdleKeepAliveConnectionsCloseAtOnce) {
  TestServer s;
  AddEcho(s.router);
  s.Start();
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Get("/hello").ok());
  // With a long grace, Shutdown only returns this soon if the idle connection was closed.
  std::jthread stopper([&] { s.server->Shutdown(60s); });
  EXPECT_TRUE((*conn)->WaitForClose());
}

TEST(ServerShutdownTest, PartialRequestMayFinishWithinGrace) {
  TestServer s;
  AddEcho(s.router);
  s.Start();
  int port = s.port();
  auto conn = TestConnection::Connect(port);
  ASSERT_TRUE(conn.ok());
  // The interim 100 proves the server has read the header before shutdown begins.
  ASSERT_TRUE((*conn)
                  ->Send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                  .ok());
  auto interim = (*conn)->ReadResponse();
  ASSERT_TRUE(interim.ok() && interim->status == 100);
  std::jthread stopper([&] { s.server->Shutdown(30s); });
  ASSERT_TRUE(testing::WaitUntilRefused(port));
  ASSERT_TRUE((*conn)->Send("abcd").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "abcd");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
  conn->reset();  // Ends the server's lingering close, which Shutdown waits for.
  stopper.join();
}

TEST(ServerShutdownTest, PartialRequestIsCutOffAfterGrace) {
  TestServer s;
  AddEcho(s.router);
  s.Start();
  auto conn = TestConnection::Connect(s.port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nab").ok());
  s.server->Shutdown(0ms);
  EXPECT_TRUE((*conn)->WaitForClose());
}

// Regression: a connection the pool had accepted but whose accept handler had not run yet when
// Shutdown closed the listener used to stay open until the Server was destroyed, because
// Shutdown stopped the io_context with that handler still queued. Clients connect while
// Shutdown runs; the Server stays alive while each connection must see the server close it.
TEST(ServerShutdownTest, ConnectionsAcceptedWhileShuttingDownAreClosed) {
  constexpr int kRounds = 100;
  constexpr size_t kMaxConnectionsPerRound = 64;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TestServer s;
    AddEcho(s.router);
    s.Start();
    int port = s.port();
    std::vector<std::unique_ptr<TestConnection>> conns;
    std::promise<void> first_connected;
    std::jthread client([&] {
      // Until refused: the listener is closed.
      while (conns.size() < kMaxConnectionsPerRound) {
        auto conn = TestConnection::Connect(port);
        if (!conn.ok()) break;
        (void)(*conn)->Send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nab");
        conns.push_back(std::move(conn).value());
        if (conns.size() == 1) first_connected.set_value();
      }
      if (conns.empty()) first_connected.set_value();
    });
    first_connected.get_future().wait();
    s.server->Shutdown(0ms);
    client.join();
    for (size_t i = 0; i < conns.size(); ++i) {
      EXPECT_TRUE(conns[i]->WaitForClose()) << "connection " << i << " of " << conns.size();
    }
  }
}

TEST(ServerShutdownTest, ShutdownIsIdempotentAndDestructorIsSafeAfterIt) {
  TestServer s;
  AddEcho(s.router);
  s.Start();
  s.server->Shutdown(0ms);
  s.server->Shutdown(0ms);
  s.server.reset();
}

}  // namespace
}  // namespace osprey::http
