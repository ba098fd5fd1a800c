#include "http/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "http/server_test_util.h"

namespace osprey::http {
namespace {

using testing::TestServer;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.router.Handle("GET", "/text", [](const Request&) {
      return Response::Text("hello", 200, "text/plain; version=0.0.4");
    });
    server_.router.Handle("GET", "/big",
                          [](const Request&) { return Response::Text(std::string(100000, 'x')); });
    server_.router.Handle("GET", "/echo-auth", [](const Request& r) {
      return Response::Text(std::string(r.Header("Authorization").value_or("none")) + "|" +
                            std::string(r.Header("X-Extra").value_or("none")));
    });
    server_.router.Handle("POST", "/echo-body",
                          [](const Request& r) { return Response::Text(r.body, 201); });
    server_.router.Handle("GET", "/redirect", [](const Request&) {
      Response r = Response::Text("", 302);
      r.SetHeader("Location", "/text");
      return r;
    });
    server_.router.Handle("GET", "/redirect-ftp", [](const Request&) {
      Response r = Response::Text("", 302);
      r.SetHeader("Location", "ftp://127.0.0.1/x");
      return r;
    });
    server_.router.Handle("GET", "/slow", [this](const Request&) {
      while (!release_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Response::Text("late");
    });
    server_.Start();
  }
  void TearDown() override { release_ = true; }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + std::string(path);
  }

  TestServer server_;
  std::atomic<bool> release_{false};
};

TEST_F(ClientTest, GetReturnsStatusContentTypeAndBody) {
  HttpClient client(ClientOptions{});
  auto r = client.Do({.url = Url("/text")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("content-type"), "text/plain; version=0.0.4");
  // A second request on the same client reuses its handle.
  auto again = client.Do({.url = Url("/missing")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 404);
}

TEST_F(ClientTest, GzipBodiesAreDecodedAndTheLimitAppliesToTheDecodedSize) {
  HttpClient client(ClientOptions{});
  auto r = client.Do({.url = Url("/big"), .max_body_bytes = 100000});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body.size(), 100000u);
  EXPECT_EQ(r->Header("content-encoding"), "gzip");  // the server compressed it
  auto over = client.Do({.url = Url("/big"), .max_body_bytes = 99999});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("body size limit of 99999 bytes"), std::string::npos);
}

TEST_F(ClientTest, SendsAuthorizationBasicAuthAndExtraHeaders) {
  HttpClient bearer(ClientOptions{.authorization = "Bearer abc"});
  auto r = bearer.Do({.url = Url("/echo-auth"), .headers = {{"X-Extra", "1"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "Bearer abc|1");
  HttpClient basic(ClientOptions{.basic_auth = true, .username = "u", .password = "p"});
  r = basic.Do({.url = Url("/echo-auth")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "Basic dTpw|none");
}

TEST_F(ClientTest, PostsABody) {
  HttpClient client(ClientOptions{});
  auto r = client.Do({.method = "POST", .url = Url("/echo-body"), .body = "payload"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "payload");
}

TEST_F(ClientTest, FollowsRedirectsOnlyWhenAskedAndOnlyToHttp) {
  HttpClient follow(ClientOptions{});
  auto r = follow.Do({.url = Url("/redirect")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "hello");
  HttpClient stay(ClientOptions{.follow_redirects = false});
  r = stay.Do({.url = Url("/redirect")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 302);
  auto ftp = follow.Do({.url = Url("/redirect-ftp")});
  EXPECT_FALSE(ftp.ok());
}

TEST_F(ClientTest, ErrorsHaveSpecificCodes) {
  HttpClient client(ClientOptions{});
  auto slow = client.Do({.url = Url("/slow"), .timeout = std::chrono::milliseconds(100)});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::kDeadlineExceeded);
  release_ = true;
  // Port 1 on loopback: nothing listens there.
  auto refused = client.Do({.url = "http://127.0.0.1:1/metrics"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("http://127.0.0.1:1/metrics"), std::string::npos);
  auto bad = client.Do({.url = "gopher://127.0.0.1/"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ClientTest, AsyncClientRunsTransfersConcurrently) {
  AsyncHttpClient client;
  std::promise<Result<ClientResponse>> slow_done;
  client.Start(ClientOptions{}, {.url = Url("/slow")},
               [&](Result<ClientResponse> r) { slow_done.set_value(std::move(r)); });
  // A slow transfer does not hold back the others.
  constexpr int kFast = 20;
  std::atomic<int> ok{0};
  std::promise<void> all_fast;
  std::atomic<int> left{kFast};
  for (int i = 0; i < kFast; ++i) {
    client.Start(ClientOptions{}, {.url = Url("/text")}, [&](Result<ClientResponse> r) {
      if (r.ok() && r->body == "hello") ok.fetch_add(1);
      if (left.fetch_sub(1) == 1) all_fast.set_value();
    });
  }
  all_fast.get_future().wait();
  EXPECT_EQ(ok.load(), kFast);
  EXPECT_EQ(client.InFlight(), 1);
  release_ = true;
  auto slow = slow_done.get_future().get();
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->body, "late");
}

TEST_F(ClientTest, AsyncClientCancelsUnfinishedTransfersOnDestruction) {
  std::promise<Status> done;
  {
    AsyncHttpClient client;
    client.Start(ClientOptions{}, {.url = Url("/slow")},
                 [&](Result<ClientResponse> r) { done.set_value(r.status()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(done.get_future().get().code(), StatusCode::kCancelled);
  release_ = true;
}

// A self-signed server certificate for 127.0.0.1, and a CA that signed a client certificate.
class ClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    Run("openssl req -x509" + ec + "-keyout " + dir_.Path("server.key") + " -out " +
        dir_.Path("server.pem") +
        " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1");
    Run("openssl req -x509" + ec + "-keyout " + dir_.Path("ca.key") + " -out " +
        dir_.Path("ca.pem") + " -days 2 -subj /CN=osprey-test-ca");
    Run("openssl req" + ec + "-keyout " + dir_.Path("client.key") + " -out " +
        dir_.Path("client.csr") + " -subj /CN=client");
    Run("openssl x509 -req -in " + dir_.Path("client.csr") + " -CA " + dir_.Path("ca.pem") +
        " -CAkey " + dir_.Path("ca.key") + " -CAcreateserial -out " + dir_.Path("client.pem") +
        " -days 2");
    server_.router.Handle("GET", "/metrics",
                          [](const Request&) { return Response::Text("up 1\n"); });
    ServerOptions o = testing::LocalOptions();
    o.tls = TlsOptions{.cert_file = dir_.Path("server.pem"),
                       .key_file = dir_.Path("server.key"),
                       .client_ca_file = dir_.Path("ca.pem"),
                       .client_auth_type = "VerifyClientCertIfGiven"};
    server_.Start(o);
  }
  static void Run(const std::string& command) {
    ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
  }
  std::string Url() const {
    return "https://127.0.0.1:" + std::to_string(server_.port()) + "/metrics";
  }

  testing::TempDir dir_;
  TestServer server_;
};

TEST_F(ClientTlsTest, VerifiesTheServerAndPresentsClientCertificates) {
  HttpClient trusted(ClientOptions{.tls = {.ca_file = dir_.Path("server.pem")}});
  auto r = trusted.Do({.url = Url()});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "up 1\n");

  HttpClient untrusted(ClientOptions{});
  auto bad = untrusted.Do({.url = Url()});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnavailable) << bad.status().ToString();

  HttpClient insecure(ClientOptions{.tls = {.insecure_skip_verify = true}});
  EXPECT_TRUE(insecure.Do({.url = Url()}).ok());

  HttpClient with_cert(ClientOptions{.tls = {.ca_file = dir_.Path("server.pem"),
                                             .cert_file = dir_.Path("client.pem"),
                                             .key_file = dir_.Path("client.key"),
                                             .min_version = "1.2"}});
  r = with_cert.Do({.url = Url()});
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  // A client certificate the server's CA did not sign is refused.
  HttpClient wrong_cert(ClientOptions{.tls = {.ca_file = dir_.Path("server.pem"),
                                              .cert_file = dir_.Path("server.pem"),
                                              .key_file = dir_.Path("server.key")}});
  EXPECT_FALSE(wrong_cert.Do({.url = Url()}).ok());
  HttpClient missing(ClientOptions{.tls = {.ca_file = dir_.Path("nope.pem")}});
  auto m = missing.Do({.url = Url()});
  ASSERT_FALSE(m.ok());
}

}  // namespace
}  // namespace osprey::http
