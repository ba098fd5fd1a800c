// Options of http::Server (server.h), after Prometheus's --web.* flags and the exporter-toolkit
// web config file (tls_server_config, basic_auth_users).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace osprey::http {

struct TlsOptions {
  std::string cert_file;       // PEM certificate chain.
  std::string key_file;        // PEM private key.
  std::string client_ca_file;  // PEM CAs that client certificates must chain to.
  // NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven,
  // RequireAndVerifyClientCert (the last two need client_ca_file).
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS10, TLS11, TLS12, TLS13.
  std::string max_version;            // "" means the highest supported.
};

struct AuthOptions {
  // User name -> bcrypt hash ("$2a$", "$2b$" or "$2y$").
  std::map<std::string, std::string> basic_auth_users;
  // Accepted "Authorization: Bearer <token>" values.
  std::vector<std::string> bearer_tokens;
  // Paths (exact, decoded) served without credentials; one ending in "/*" opens every path
  // below it ("/ack/*": "/ack/x", not "/ack").
  std::vector<std::string> open_paths = {"/-/healthy"};
};

struct ServerOptions {
  // "host:port", ":port" (every interface), "[::1]:port"; port 0 picks a free port.
  std::string listen_address = ":9090";
  int threads = 0;  // 0: std::thread::hardware_concurrency().
  std::optional<TlsOptions> tls;
  AuthOptions auth;
  // Applies to the body as sent and again to the decoded body (a "zip bomb" gets 413).
  size_t max_body_bytes = 32 * 1024 * 1024;
  // Request line plus header fields; larger gets 431.
  size_t max_header_bytes = 64 * 1024;
  // From the first byte of a request (or from accept) until its header is complete; bounds the
  // TLS handshake too. Stops slowloris clients.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // From the end of the header until the end of the body.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};
  // Between requests on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  // For writing one response.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};
  // Responses at least this large are gzipped when the client accepts gzip.
  size_t gzip_min_bytes = 1024;
  // Connections accepted beyond this many open ones are closed at once (and counted in
  // osprey_http_connections_rejected_total).
  int max_connections = 1024;
};

}  // namespace osprey::http
