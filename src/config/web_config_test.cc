#include "config/web_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace osprey::config {
namespace {

// bcrypt("secret"), cost 4.
constexpr std::string_view kHash = "$2y$04$V88KHqQ59oZDGPW/8h87j.YY9QyNlxmGgH6h9iwZFtcw8yuUnbuq6";

WebConfig MustParse(std::string_view text) {
  Result<WebConfig> c = ParseWebConfig(text, "web.yml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : WebConfig{};
}

TEST(WebConfigTest, EmptyFileMeansNoTlsAndNoAuth) {
  WebConfig c = MustParse("");
  EXPECT_FALSE(c.tls_server_config.has_value());
  EXPECT_TRUE(c.http_server_config.http2);
  EXPECT_TRUE(c.http_server_config.headers.empty());
  EXPECT_TRUE(c.basic_auth_users.empty());
  EXPECT_TRUE(c.bearer_tokens.empty());
  EXPECT_FALSE(MustParse("tls_server_config:\n").tls_server_config.has_value());
  EXPECT_FALSE(MustParse("tls_server_config: {}\n").tls_server_config.has_value());
}

TEST(WebConfigTest, ReadsEveryField) {
  WebConfig c = MustParse(std::string(R"yaml(
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_AES_128_GCM_SHA256]
  prefer_server_cipher_suites: false
http_server_config:
  http2: false
  headers:
    X-Frame-Options: DENY
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  alice: )yaml") + std::string(kHash) +
                          R"yaml(
bearer_tokens: [tok1, tok2]
)yaml");
  ASSERT_TRUE(c.tls_server_config.has_value());
  const TlsServerConfig& t = *c.tls_server_config;
  EXPECT_EQ(t.cert_file, "server.crt");
  EXPECT_EQ(t.key_file, "server.key");
  EXPECT_EQ(t.client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);
  EXPECT_EQ(t.client_ca_file, "ca.crt");
  EXPECT_EQ(t.min_version, TlsVersion::kTls13);
  EXPECT_EQ(t.max_version, TlsVersion::kTls13);
  EXPECT_EQ(t.cipher_suites, std::vector<std::string>{"TLS_AES_128_GCM_SHA256"});
  EXPECT_FALSE(t.prefer_server_cipher_suites);
  EXPECT_FALSE(c.http_server_config.http2);
  EXPECT_EQ(c.http_server_config.headers.at("X-Frame-Options"), "DENY");
  EXPECT_EQ(c.basic_auth_users.at("alice"), kHash);
  EXPECT_EQ(c.bearer_tokens, (std::vector<std::string>{"tok1", "tok2"}));
}

TEST(WebConfigTest, TlsDefaultsFollowTheExporterToolkit) {
  WebConfig c = MustParse("tls_server_config: {cert_file: c, key_file: k}\n");
  ASSERT_TRUE(c.tls_server_config.has_value());
  EXPECT_EQ(c.tls_server_config->client_auth_type, ClientAuthType::kNoClientCert);
  EXPECT_EQ(c.tls_server_config->min_version, TlsVersion::kTls12);
  EXPECT_EQ(c.tls_server_config->max_version, TlsVersion::kTls13);
  EXPECT_TRUE(c.tls_server_config->prefer_server_cipher_suites);
}

TEST(WebConfigTest, ReportsBadInputWithPositions) {
  struct Case {
    std::string_view name;
    std::string yaml;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"unknown top-level", "tls_server_config: {}\nusers: {}\n",
       "web.yml:2:1: unknown field \"users\""},
      {"unknown tls field", "tls_server_config:\n  cert_file: c\n  keyfile: k\n",
       "web.yml:3:3: unknown field \"keyfile\" in tls_server_config"},
      {"cert without key", "tls_server_config:\n  cert_file: c\n",
       "web.yml:2:3: missing required field \"key_file\" in tls_server_config"},
      {"key without cert", "tls_server_config:\n  key_file: k\n",
       "web.yml:2:3: missing required field \"cert_file\" in tls_server_config"},
      {"empty cert", "tls_server_config: {cert_file: '', key_file: k}\n",
       "web.yml:1:32: cert_file is empty"},
      {"client auth type",
       "tls_server_config: {cert_file: c, key_file: k, client_auth_type: Always}\n",
       "web.yml:1:66: invalid value \"Always\" for client_auth_type: must be one of "
       "\"NoClientCert\", "
       "\"RequestClientCert\", \"RequireAnyClientCert\", \"VerifyClientCertIfGiven\", "
       "\"RequireAndVerifyClientCert\""},
      {"verify without ca",
       "tls_server_config: {cert_file: c, key_file: k, client_auth_type: "
       "VerifyClientCertIfGiven}\n",
       "web.yml:1:66: client_ca_file is required for client_auth_type VerifyClientCertIfGiven"},
      {"ca without client auth",
       "tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n",
       "web.yml:4:3: client_ca_file is set but client_auth_type is NoClientCert"},
      {"tls version", "tls_server_config: {cert_file: c, key_file: k, max_version: SSL3}\n",
       "web.yml:1:61: invalid TLS version \"SSL3\" for max_version: must be one of TLS10, TLS11, "
       "TLS12, TLS13"},
      {"min above max",
       "tls_server_config: {cert_file: c, key_file: k, min_version: TLS13, max_version: TLS12}\n",
       "web.yml:1:61: min_version TLS13 is greater than max_version TLS12"},
      {"header not allowed", "http_server_config:\n  headers:\n    X-Powered-By: osprey\n",
       "web.yml:3:5: HTTP header \"X-Powered-By\" can not be configured"},
      {"header value", "http_server_config:\n  headers: {X-Frame-Options: allow}\n",
       "web.yml:2:30: invalid value \"allow\" for header X-Frame-Options: must be one of \"deny\", "
       "\"sameorigin\""},
      {"http2 not bool", "http_server_config: {http2: maybe}\n",
       "web.yml:1:29: invalid boolean \"maybe\" for http2"},
      {"plain password", "basic_auth_users:\n  bob: hunter2\n",
       "web.yml:2:8: password for user \"bob\" is not a bcrypt hash ($2a$, $2b$ or $2y$)"},
      {"md5 crypt", "basic_auth_users:\n  bob: $1$abc$abcdefghijklmnopqrstuv\n",
       "web.yml:2:8: password for user \"bob\" is not a bcrypt hash ($2a$, $2b$ or $2y$)"},
      {"truncated hash", "basic_auth_users:\n  bob: " + std::string(kHash.substr(0, 59)) + "\n",
       "web.yml:2:8: password for user \"bob\" is not a bcrypt hash ($2a$, $2b$ or $2y$)"},
      {"colon in user", "basic_auth_users:\n  'a:b': " + std::string(kHash) + "\n",
       "web.yml:2:3: user name \"a:b\" must not contain ':'"},
      {"empty token", "bearer_tokens: [a, '']\n", "web.yml:1:20: empty bearer token"},
      {"syntax", "basic_auth_users: {a: b\n",
       "web.yml:2:1: invalid YAML: end of map flow not found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<WebConfig> r = ParseWebConfig(c.yaml, "web.yml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().message(), c.message) << c.yaml;
  }
}

TEST(LoadWebConfigFileTest, ResolvesTlsPathsAgainstTheFileDirectory) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile(
      "conf/web.yml",
      "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: /abs/server.key\n"
      "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ../ca.crt\n");
  Result<WebConfig> c = LoadWebConfigFile(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->tls_server_config->cert_file, dir.path() + "/conf/tls/server.crt");
  EXPECT_EQ(c->tls_server_config->key_file, "/abs/server.key");
  EXPECT_EQ(c->tls_server_config->client_ca_file, dir.path() + "/ca.crt");
}

TEST(LoadWebConfigFileTest, ErrorsNameTheFile) {
  testing::TempDir dir;
  Result<WebConfig> missing = LoadWebConfigFile(dir.Join("web.yml"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "open " + dir.Join("web.yml") + ": No such file or directory");
  const std::string path = dir.WriteFile("bad.yml", "tls_server_config:\n  cert_file: c\n");
  Result<WebConfig> bad = LoadWebConfigFile(path);
  EXPECT_EQ(bad.status().message(),
            path + ":2:3: missing required field \"key_file\" in tls_server_config");
}

}  // namespace
}  // namespace osprey::config
