#include "http/config_client_options.h"

namespace osprey::http {
namespace {

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

Result<ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c) {
  ClientOptions o;
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
    OSPREY_ASSIGN_OR_RETURN(
        o.password, config::ReadSecret(c.basic_auth->password, c.basic_auth->password_file));
  }
  if (c.authorization.has_value()) {
    OSPREY_ASSIGN_OR_RETURN(
        std::string credentials,
        config::ReadSecret(c.authorization->credentials, c.authorization->credentials_file));
    o.authorization = c.authorization->type;
    o.authorization += ' ';
    o.authorization += credentials;
  }
  return o;
}

}  // namespace osprey::http
