// Authentication and TLS, over real sockets. Certificates are made at test time with the
// openssl command-line tool.
#include <crypt.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "http/basic_auth.h"
#include "http/internal/authenticator.h"
#include "http/server.h"
#include "http/server_test_util.h"

namespace osprey::http {
namespace {

using testing::RoundTrip;
using testing::TempDir;
using testing::TestConnection;
using testing::TestServer;
using testing::TlsClientOptions;

std::string BcryptHash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  // Cost 5: the cheapest bcrypt, to keep the test fast.
  EXPECT_NE(crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof(salt)), nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  EXPECT_NE(hash, nullptr);
  return hash == nullptr ? "" : hash;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string Get(int port, std::string_view path, std::string_view auth_header = "") {
  std::string req = "GET " + std::string(path) + " HTTP/1.1\r\n";
  if (!auth_header.empty()) req += "Authorization: " + std::string(auth_header) + "\r\n";
  auto r = RoundTrip(port, req + "\r\n");
  return r.ok() ? std::to_string(r->status) : r.status().ToString();
}

void AddRoutes(Router& router) {
  router.Handle("GET", "/secret", [](const Request&) { return Response::Text("secret"); });
  router.Handle("GET", "/-/healthy", [](const Request&) { return Response::Text("Healthy\n"); });
}

TEST(ServerAuthTest, BasicAuthWithBcrypt) {
  TestServer s;
  AddRoutes(s.router);
  ServerOptions o = testing::LocalOptions();
  o.auth.basic_auth_users = {{"alice", BcryptHash("wonderland")}};
  s.Start(o);
  auto r = RoundTrip(s.port(), "GET /secret HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->Header("www-authenticate"), "Basic");
  EXPECT_EQ(Get(s.port(), "/secret", "Basic " + Base64("alice:wrong")), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Basic " + Base64("bob:wonderland")), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Basic not-base64!"), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Basic " + Base64("alice:wonderland")), "200");
  // Second time from the cache of verified logins.
  EXPECT_EQ(Get(s.port(), "/secret", "basic " + Base64("alice:wonderland")), "200");
  EXPECT_EQ(Get(s.port(), "/-/healthy"), "200");
  EXPECT_NE(s.Metrics().find(R"(osprey_http_bad_requests_total{reason="unauthorized"} 4)"),
            std::string::npos);
}

TEST(ServerAuthTest, BearerTokens) {
  TestServer s;
  AddRoutes(s.router);
  ServerOptions o = testing::LocalOptions();
  o.auth.bearer_tokens = {"token-one", "token-two"};
  s.Start(o);
  EXPECT_EQ(Get(s.port(), "/secret"), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer token-three"), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer token-on"), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Basic " + Base64("token-one:")), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer token-one"), "200");
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer token-two"), "200");
  EXPECT_EQ(Get(s.port(), "/-/healthy"), "200");
}

TEST(ServerAuthTest, UpdateSecurityAppliesToNextRequestsAndKeepsOldOnError) {
  TestServer s;
  AddRoutes(s.router);
  s.Start();
  EXPECT_EQ(Get(s.port(), "/secret"), "200");
  AuthOptions auth;
  auth.bearer_tokens = {"t"};
  ASSERT_TRUE(s.server->UpdateSecurity(std::nullopt, auth).ok());
  EXPECT_EQ(Get(s.port(), "/secret"), "401");
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer t"), "200");

  AuthOptions bad;
  bad.basic_auth_users = {{"u", "plaintext"}};
  Status st = s.server->UpdateSecurity(std::nullopt, bad);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("\"u\""), std::string::npos) << st.ToString();
  EXPECT_EQ(Get(s.port(), "/secret", "Bearer t"), "200");
}

TEST(AuthenticatorTest, OpenPathEndingInStarOpensEveryPathBelowIt) {
  AuthOptions o;
  o.bearer_tokens = {"t"};
  o.open_paths = {"/-/healthy", "/ack/*"};
  auto auth = internal::Authenticator::Create(o);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE((*auth)->Allows("/ack/abc.def", std::nullopt));
  EXPECT_TRUE((*auth)->Allows("/ack/a/b", std::nullopt));
  EXPECT_FALSE((*auth)->Allows("/ack/", std::nullopt));
  EXPECT_FALSE((*auth)->Allows("/ack", std::nullopt));
  EXPECT_FALSE((*auth)->Allows("/acknowledge", std::nullopt));
  EXPECT_FALSE((*auth)->Allows("/-/healthy/x", std::nullopt));
  EXPECT_TRUE((*auth)->Allows("/-/healthy", std::nullopt));
}

TEST(BasicAuthTest, ParsesBasicCredentialsAndRejectsMalformedOnes) {
  std::optional<BasicCredentials> c = ParseBasicAuthorization("Basic YWxpY2U6cHc=");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "pw");
  c = ParseBasicAuthorization(" basic   YWxpY2U6YTpi \t");  // "alice:a:b"
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "a:b");
  c = ParseBasicAuthorization("Basic Ojo=");  // "::"
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "");
  EXPECT_EQ(c->password, ":");
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U=").has_value());      // no ':'
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U6cHc").has_value());   // padding missing
  EXPECT_FALSE(ParseBasicAuthorization("Basic Y=xpY2U6cHc=").has_value());  // '=' inside
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxp-2U6cHc=").has_value());  // URL alphabet
  EXPECT_FALSE(ParseBasicAuthorization("Bearer YWxpY2U6cHc=").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("BasicYWxpY2U6cHc=").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("").has_value());
}

// Certificates for a TLS server, a CA and a client certificate it signed.
class TlsFiles {
 public:
  TlsFiles() {
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    Run("openssl req -x509" + ec + "-keyout " + dir_.Path("server.key") + " -out " +
        dir_.Path("server.pem") + " -days 2 -subj /CN=localhost");
    Run("openssl req -x509" + ec + "-keyout " + dir_.Path("ca.key") + " -out " +
        dir_.Path("ca.pem") + " -days 2 -subj /CN=osprey-test-ca");
    Run("openssl req" + ec + "-keyout " + dir_.Path("client.key") + " -out " +
        dir_.Path("client.csr") + " -subj /CN=client");
    Run("openssl x509 -req -in " + dir_.Path("client.csr") + " -CA " + dir_.Path("ca.pem") +
        " -CAkey " + dir_.Path("ca.key") + " -CAcreateserial -out " + dir_.Path("client.pem") +
        " -days 2");
  }
  std::string Path(std::string_view name) const { return dir_.Path(name); }
  TlsOptions Server() const {
    TlsOptions t;
    t.cert_file = Path("server.pem");
    t.key_file = Path("server.key");
    return t;
  }

 private:
  static void Run(const std::string& command) {
    ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
  }
  TempDir dir_;
};

TEST(ServerTlsTest, ServesHttps) {
  TlsFiles files;
  TestServer s;
  AddRoutes(s.router);
  ServerOptions o = testing::LocalOptions();
  o.tls = files.Server();
  s.Start(o);
  auto conn = TestConnection::ConnectTls(s.port());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto r = (*conn)->Get("/secret");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "secret");
  auto again = (*conn)->Get("/-/healthy");  // keep-alive over TLS
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->status, 200);
  // Plain HTTP to the TLS port fails the handshake.
  auto plain = RoundTrip(s.port(), "GET /secret HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(plain.ok() && plain->status == 200);
}

TEST(ServerTlsTest, RequiredClientCertificateIsEnforced) {
  TlsFiles files;
  TestServer s;
  AddRoutes(s.router);
  ServerOptions o = testing::LocalOptions();
  o.tls = files.Server();
  o.tls->client_auth_type = "RequireAndVerifyClientCert";
  o.tls->client_ca_file = files.Path("ca.pem");
  s.Start(o);

  // Without a certificate (TLS 1.3 reports the failure on the first read).
  auto without = TestConnection::ConnectTls(s.port());
  EXPECT_FALSE(without.ok() && (*without)->Get("/secret").ok());
  // With a certificate the CA did not sign.
  TlsClientOptions wrong{.cert_file = files.Path("server.pem"),
                         .key_file = files.Path("server.key")};
  auto untrusted = TestConnection::ConnectTls(s.port(), wrong);
  EXPECT_FALSE(untrusted.ok() && (*untrusted)->Get("/secret").ok());

  TlsClientOptions client{.cert_file = files.Path("client.pem"),
                          .key_file = files.Path("client.key")};
  auto with = TestConnection::ConnectTls(s.port(), client);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  auto r = (*with)->Get("/secret");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(ServerTlsTest, UnreadableFilesAndBadSettingsAreReported) {
  TlsFiles files;
  Router router;
  struct Case {
    std::string name;
    TlsOptions tls;
    std::string want;
  };
  TlsOptions missing = files.Server();
  missing.cert_file = files.Path("nope.pem");
  TlsOptions swapped = files.Server();
  swapped.key_file = files.Path("ca.key");  // A key of another certificate.
  TlsOptions no_ca = files.Server();
  no_ca.client_auth_type = "RequireAndVerifyClientCert";
  TlsOptions bad_version = files.Server();
  bad_version.min_version = "TLS99";
  TlsOptions not_pem = files.Server();
  not_pem.cert_file = files.Path("client.csr");
  for (const Case& c : std::vector<Case>{{"missing", missing, files.Path("nope.pem")},
                                         {"mismatch", swapped, files.Path("ca.key")},
                                         {"no ca", no_ca, "client_ca_file"},
                                         {"bad version", bad_version, "TLS99"},
                                         {"not a cert", not_pem, files.Path("client.csr")}}) {
    SCOPED_TRACE(c.name);
    metrics::Registry registry;
    ServerOptions o = testing::LocalOptions();
    o.tls = c.tls;
    auto started = Server::Start(o, router, registry, testing::QuietLogger());
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.status().message().find(c.want), std::string::npos)
        << started.status().ToString();
  }
}

TEST(ServerTlsTest, UpdateSecurityTurnsOnTlsForNewConnections) {
  TlsFiles files;
  TestServer s;
  AddRoutes(s.router);
  s.Start();
  EXPECT_EQ(Get(s.port(), "/secret"), "200");
  ASSERT_TRUE(s.server->UpdateSecurity(files.Server(), AuthOptions{}).ok());
  auto conn = TestConnection::ConnectTls(s.port());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto r = (*conn)->Get("/secret");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace osprey::http
