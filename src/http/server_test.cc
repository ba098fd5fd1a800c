// The server over real sockets: routing, keep-alive, pipelining, content codings, metrics.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/compression.h"
#include "http/server_test_util.h"

namespace osprey::http {
namespace {

using testing::RoundTrip;
using testing::TestConnection;
using testing::TestResponse;
using testing::TestServer;

void AddRoutes(Router& router) {
  router.Handle("GET", "/hello", [](const Request&) { return Response::Text("hello"); });
  router.Handle("GET", "/big",
                [](const Request&) { return Response::Text(std::string(5000, 'x')); });
  router.Handle("POST", "/echo", [](const Request& r) {
    return Response::Text(r.body, 200, std::string(r.Header("Content-Type").value_or("none")));
  });
  router.Handle("GET", "/label/:name", [](const Request& r) {
    return Response::Text(std::string(r.PathParam("name")) + "|" +
                          std::string(r.Param("q").value_or("-")));
  });
  router.Handle("POST", "/label/:name", [](const Request& r) {
    return Response::Text(std::string(r.PathParam("name")) + "|" +
                          std::string(r.Param("q").value_or("-")));
  });
  router.Handle("GET", "/remote",
                [](const Request& r) { return Response::Text(r.remote_address); });
  router.Handle("GET", "/throws",
                [](const Request&) -> Response { throw std::runtime_error("boom"); });
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddRoutes(s_.router);
    s_.Start();
  }
  int port() const { return s_.port(); }
  TestServer s_;
};

TEST_F(ServerTest, RoutesRequestsWithPathAndQueryParams) {
  auto r = RoundTrip(port(), "GET /label/job%20name?q=a%26b HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "job name|a&b");
  EXPECT_EQ(r->Header("content-type"), "text/plain; charset=utf-8");
}

TEST_F(ServerTest, FormPostParamsReachTheHandlerAndWinOverTheQuery) {
  std::string body = "q=from+form";
  auto r = RoundTrip(port(),
                     "POST /label/x?q=from+query HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "x|from form");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405) {
  auto r = RoundTrip(port(), "GET /nope HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body,
            R"({"status":"error","errorType":"not_found","error":"path /nope not found"})");
  r = RoundTrip(port(), "DELETE /hello HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto first = (*conn)->Get("/hello");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->body, "hello");
  EXPECT_FALSE(first->Header("connection"));
  auto second = (*conn)->Get("/label/b");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->body, "b|-");
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  std::string batch;
  for (std::string name : {"one", "two", "three"}) {
    batch += "GET /label/" + name + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  batch += "POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nlast";
  ASSERT_TRUE((*conn)->Send(batch).ok());
  for (std::string want : {"one|-", "two|-", "three|-", "last"}) {
    auto r = (*conn)->ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, want);
  }
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveRequested) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Header("connection"), "keep-alive");
  ASSERT_TRUE((*conn)->Send("GET /hello HTTP/1.0\r\n\r\n").ok());
  r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
}

TEST_F(ServerTest, ConnectionCloseRequestClosesAfterResponse) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->Get("/hello", "Connection: close\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
}

TEST_F(ServerTest, HeadSendsGetHeadersWithoutBody) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("HEAD /hello HTTP/1.1\r\n\r\n").ok());
  auto head = (*conn)->ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "5");
  // The next response starts right after the headers: no body was sent.
  auto next = (*conn)->Get("/label/z");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, "z|-");
}

TEST_F(ServerTest, GzipsLargeResponsesOnlyWhenAccepted) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  auto gz = (*conn)->Get("/big", "Accept-Encoding: deflate, gzip\r\n");
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(gz->Header("content-encoding"), "gzip");
  EXPECT_EQ(gz->Header("vary"), "Accept-Encoding");
  EXPECT_LT(gz->body.size(), 5000u);
  EXPECT_EQ(*Decompress("gzip", gz->body, 10000), std::string(5000, 'x'));

  auto plain = (*conn)->Get("/big");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->Header("content-encoding"));
  EXPECT_EQ(plain->body, std::string(5000, 'x'));

  auto small = (*conn)->Get("/hello", "Accept-Encoding: gzip\r\n");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_FALSE(small->Header("content-encoding"));
  EXPECT_EQ(small->body, "hello");
}

TEST_F(ServerTest, DecodesGzipDeflateAndSnappyRequestBodies) {
  std::string payload = "remote write payload " + std::string(3000, 'p');
  for (std::string encoding : {"gzip", "snappy"}) {
    SCOPED_TRACE(encoding);
    std::string body = encoding == "gzip" ? GzipCompress(payload) : SnappyCompress(payload);
    auto r = RoundTrip(port(),
                       "POST /echo HTTP/1.1\r\nContent-Type: application/x-protobuf\r\n"
                       "Content-Encoding: " +
                           encoding + "\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n" + body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, payload);
    EXPECT_EQ(r->Header("content-type"), "application/x-protobuf");
  }
}

TEST_F(ServerTest, BadAndUnknownEncodingsAreRejected) {
  auto bad = RoundTrip(port(),
                       "POST /echo HTTP/1.1\r\nContent-Encoding: snappy\r\n"
                       "Content-Length: 5\r\n\r\n\x05junk");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("snappy"), std::string::npos) << bad->body;
  EXPECT_NE(bad->body.find(R"("errorType":"bad_data")"), std::string::npos);
  auto unknown = RoundTrip(port(),
                           "POST /echo HTTP/1.1\r\nContent-Encoding: zstd\r\n"
                           "Content-Length: 4\r\n\r\njunk");
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_EQ(unknown->status, 415);
  std::string m = s_.Metrics();
  EXPECT_NE(m.find(R"(osprey_http_bad_requests_total{reason="bad_encoding"} 1)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(osprey_http_bad_requests_total{reason="unsupported_encoding"} 1)"),
            std::string::npos);
}

TEST_F(ServerTest, ChunkedRequestBodyIsAccepted) {
  auto r = RoundTrip(port(),
                     "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "abcde");
}

TEST_F(ServerTest, ExpectContinueGets100BeforeTheBody) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->Send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
                  .ok());
  auto interim = (*conn)->ReadResponse();
  ASSERT_TRUE(interim.ok()) << interim.status().ToString();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE((*conn)->Send("ok").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
}

TEST_F(ServerTest, GarbageGets400AndTheConnectionCloses) {
  auto conn = TestConnection::Connect(port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Send("\x01\x02 not http at all\r\n\r\n").ok());
  auto r = (*conn)->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE((*conn)->WaitForClose());
  EXPECT_NE(s_.Metrics().find(R"(osprey_http_bad_requests_total{reason="malformed"} 1)"),
            std::string::npos);
}

TEST_F(ServerTest, HandlerExceptionBecomes500) {
  auto r = RoundTrip(port(), "GET /throws HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find(R"("errorType":"internal")"), std::string::npos);
}

TEST_F(ServerTest, HandlerSeesRemoteAddress) {
  auto r = RoundTrip(port(), "GET /remote HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->body.starts_with("127.0.0.1:")) << r->body;
}

TEST_F(ServerTest, CountsRequestsByRoutePatternAndCode) {
  ASSERT_TRUE(RoundTrip(port(), "GET /nope HTTP/1.1\r\n\r\n").ok());
  ASSERT_TRUE(RoundTrip(port(), "GET /label/a HTTP/1.1\r\n\r\n").ok());
  ASSERT_TRUE(RoundTrip(port(), "GET /label/b HTTP/1.1\r\n\r\n").ok());
  std::string m = s_.Metrics();
  EXPECT_NE(m.find(R"(osprey_http_requests_total{code="404",handler="other"} 1)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(osprey_http_requests_total{code="200",handler="/label/:name"} 2)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(osprey_http_request_duration_seconds_count{handler="/label/:name"} 2)"),
            std::string::npos);
  EXPECT_NE(m.find(R"(osprey_http_response_size_bytes_count{handler="/label/:name"} 2)"),
            std::string::npos);
  EXPECT_NE(m.find("osprey_http_requests_in_flight 0"), std::string::npos);
}

TEST(ServerStartTest, BindErrorNamesTheAddress) {
  TestServer first;
  first.Start();
  metrics::Registry registry;
  Router router;
  ServerOptions o = testing::LocalOptions();
  o.listen_address = "127.0.0.1:" + std::to_string(first.port());
  auto second = Server::Start(o, router, registry, testing::QuietLogger());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(),
            "listen tcp " + o.listen_address + ": bind: address already in use");
  // The failed start registered nothing, so the registry can still be used.
  o.listen_address = "127.0.0.1:0";
  EXPECT_TRUE(Server::Start(o, router, registry, testing::QuietLogger()).ok());
}

TEST(ServerStartTest, MalformedAddressIsInvalidArgument) {
  for (std::string addr : {"nonsense", "127.0.0.1:99999", "[::1:80", "1.2.3.4:x"}) {
    SCOPED_TRACE(addr);
    metrics::Registry registry;
    Router router;
    ServerOptions o;
    o.listen_address = addr;
    auto s = Server::Start(o, router, registry, testing::QuietLogger());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(addr), std::string::npos) << s.status().ToString();
  }
}

TEST(ServerStartTest, ListensOnAllInterfacesWithColonPort) {
  TestServer s;
  s.router.Handle("GET", "/", [](const Request&) { return Response::Text("root"); });
  ServerOptions o = testing::LocalOptions();
  o.listen_address = ":0";
  s.Start(o);
  auto r = RoundTrip(s.port(), "GET / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "root");
}

TEST(ServerStartTest, TwoServersShareOneServerMetrics) {
  metrics::Registry registry;
  ServerMetrics shared(registry);
  Router router;
  router.Handle("GET", "/x", [](const Request&) { return Response::Text("x"); });
  auto a = Server::Start(testing::LocalOptions(), router, shared, testing::QuietLogger());
  auto b = Server::Start(testing::LocalOptions(), router, shared, testing::QuietLogger());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(RoundTrip((*a)->port(), "GET /x HTTP/1.1\r\n\r\n").ok());
  ASSERT_TRUE(RoundTrip((*b)->port(), "GET /x HTTP/1.1\r\n\r\n").ok());
  EXPECT_NE(
      registry.ExpositionText().find(R"(osprey_http_requests_total{code="200",handler="/x"} 2)"),
      std::string::npos);
}

TEST(ServerClientGoneTest, HandlerSeesTheClientHangUp) {
  std::atomic<bool> in_handler{false};
  std::atomic<bool> saw_gone{false};
  TestServer s;
  s.router.Handle("GET", "/slow", [&](const Request& r) {
    EXPECT_FALSE(r.client_gone());  // the client is still there
    in_handler = true;
    // Bounded: the test fails rather than hangs if the hang-up is never seen.
    for (int i = 0; i < 10000 && !saw_gone; ++i) {
      if (r.client_gone()) saw_gone = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Response::Text("late");
  });
  s.Start();
  {
    auto conn = TestConnection::Connect(s.port());
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").ok());
    while (!in_handler) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }  // closes the socket while the handler runs
  for (int i = 0; i < 10000 && !saw_gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(saw_gone);
}

}  // namespace
}  // namespace osprey::http
