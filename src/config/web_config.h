// The web config file (--web.config.file): TLS and authentication for Osprey's own HTTP
// server, in the format of the Prometheus exporter toolkit's web configuration, plus Osprey's
// `bearer_tokens` extension.
//
//   tls_server_config:
//     cert_file: server.crt
//     key_file: server.key
//   basic_auth_users:
//     alice: $2y$10$...   # bcrypt hash
//
// Errors name file, line and column like osprey.yml errors; unknown keys are errors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/http_client_config.h"

namespace osprey::config {

enum class ClientAuthType {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

// "NoClientCert", "RequestClientCert", ... (Go's tls.ClientAuthType names).
std::string_view ClientAuthTypeName(ClientAuthType t);

struct TlsServerConfig {
  std::string cert_file;  // Required; relative paths resolved against the file's directory.
  std::string key_file;   // Required.
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;  // Required when client certificates are verified.
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  std::vector<std::string> cipher_suites;  // Go cipher suite names, as written.
  bool prefer_server_cipher_suites = true;
  friend bool operator==(const TlsServerConfig&, const TlsServerConfig&) = default;
};

struct HttpServerConfig {
  bool http2 = true;
  // Extra response headers. Only the exporter toolkit's security headers are allowed:
  // Strict-Transport-Security, X-Content-Type-Options (nosniff), X-Frame-Options (deny,
  // sameorigin), X-XSS-Protection, Content-Security-Policy.
  std::map<std::string, std::string> headers;
  friend bool operator==(const HttpServerConfig&, const HttpServerConfig&) = default;
};

struct WebConfig {
  // Set when the file configures TLS (a tls_server_config section with any field).
  std::optional<TlsServerConfig> tls_server_config;
  HttpServerConfig http_server_config;
  // User name -> bcrypt hash ($2a$, $2b$ or $2y$, 60 characters).
  std::map<std::string, std::string> basic_auth_users;
  // Osprey extension: tokens accepted as "Authorization: Bearer <token>".
  std::vector<std::string> bearer_tokens;
  friend bool operator==(const WebConfig&, const WebConfig&) = default;
};

// Parses web config text. `filename` is used in errors; paths stay as written. Empty text is a
// valid config (no TLS, no authentication).
Result<WebConfig> ParseWebConfig(std::string_view yaml_text, std::string_view filename);

// Reads and parses a web config file and resolves cert_file, key_file and client_ca_file
// against the file's directory.
Result<WebConfig> LoadWebConfigFile(const std::string& path);

}  // namespace osprey::config
