#include "ingest/http_client_options.h"

#include <fstream>
#include <sstream>

namespace osprey::ingest {
namespace {

Result<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("unable to read secret file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return std::string();
  const size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::string_view TlsVersionText(config::TlsVersion v) {
  switch (v) {
    case config::TlsVersion::kTls10:
      return "1.0";
    case config::TlsVersion::kTls11:
      return "1.1";
    case config::TlsVersion::kTls12:
      return "1.2";
    case config::TlsVersion::kTls13:
      return "1.3";
  }
  return "";
}

}  // namespace

Result<http::ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c) {
  http::ClientOptions o;
  o.tls.ca_file = c.tls_config.ca_file;
  o.tls.cert_file = c.tls_config.cert_file;
  o.tls.key_file = c.tls_config.key_file;
  o.tls.server_name = c.tls_config.server_name;
  o.tls.insecure_skip_verify = c.tls_config.insecure_skip_verify;
  if (c.tls_config.min_version.has_value()) {
    o.tls.min_version = std::string(TlsVersionText(*c.tls_config.min_version));
  }
  if (c.basic_auth.has_value()) {
    o.basic_auth = true;
    o.username = c.basic_auth->username;
    o.password = c.basic_auth->password;
    if (!c.basic_auth->password_file.empty()) {
      OSPREY_ASSIGN_OR_RETURN(o.password, ReadSecretFile(c.basic_auth->password_file));
    }
  }
  if (c.authorization.has_value()) {
    std::string credentials = c.authorization->credentials;
    if (!c.authorization->credentials_file.empty()) {
      OSPREY_ASSIGN_OR_RETURN(credentials, ReadSecretFile(c.authorization->credentials_file));
    }
    o.authorization = c.authorization->type;
    o.authorization += ' ';
    o.authorization += credentials;
  }
  return o;
}

}  // namespace osprey::ingest
