#include "config/http_client_config.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<BasicAuth> DecodeBasicAuth(const YamlDocument& doc, const YamlNode& node,
                                  const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path, {"username", "password", "password_file"}));
  BasicAuth a;
  OSPREY_RETURN_IF_ERROR(m.Optional("username", &a.username));
  OSPREY_RETURN_IF_ERROR(m.Optional("password", &a.password));
  OSPREY_RETURN_IF_ERROR(m.Optional("password_file", &a.password_file));
  if (!a.password.empty() && !a.password_file.empty()) {
    return m.ErrorAt(m.KeyMark("password_file"),
                     "at most one of basic_auth password & password_file must be configured");
  }
  return a;
}

Result<Authorization> DecodeAuthorization(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder m,
      MappingDecoder::Open(doc, node, path, {"type", "credentials", "credentials_file"}));
  Authorization a;
  std::string type;
  OSPREY_RETURN_IF_ERROR(m.Optional("type", &type));
  OSPREY_RETURN_IF_ERROR(m.Optional("credentials", &a.credentials));
  OSPREY_RETURN_IF_ERROR(m.Optional("credentials_file", &a.credentials_file));
  type = Trim(type);
  if (!type.empty()) a.type = type;
  if (Lower(a.type) == "basic") {
    return m.ErrorAt(m.ValueMark("type"),
                     "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
  }
  if (!a.credentials.empty() && !a.credentials_file.empty()) {
    return m.ErrorAt(m.KeyMark("credentials_file"),
                     "at most one of authorization credentials & credentials_file must be "
                     "configured");
  }
  return a;
}

void EmitIfSet(YAML::Emitter& out, const char* key, const std::string& value) {
  if (value.empty()) return;
  internal::WriteStringEntry(out, key, value);
}

void EmitSecret(YAML::Emitter& out, const char* key, const std::string& value) {
  if (value.empty()) return;
  out << YAML::Key << key << YAML::Value << std::string(kSecretMask);
}

}  // namespace

std::string_view TlsVersionName(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10:
      return "TLS10";
    case TlsVersion::kTls11:
      return "TLS11";
    case TlsVersion::kTls12:
      return "TLS12";
    case TlsVersion::kTls13:
      return "TLS13";
  }
  return "TLS12";
}

std::optional<TlsVersion> ParseTlsVersion(std::string_view name) {
  for (TlsVersion v :
       {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12, TlsVersion::kTls13}) {
    if (TlsVersionName(v) == name) return v;
  }
  return std::nullopt;
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   TlsVersion* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "a TLS version", field);
  std::optional<TlsVersion> v = ParseTlsVersion(node.scalar());
  if (!v) {
    return doc.Error(node.mark(), "invalid TLS version " + internal::Quote(node.scalar()) +
                                      " for " + std::string(field) +
                                      ": must be one of TLS10, TLS11, TLS12, TLS13");
  }
  *out = *v;
  return OkStatus();
}

Result<TlsConfig> DecodeTlsConfig(const YamlDocument& doc, const YamlNode& node,
                                  const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, path,
                                               {"ca_file", "cert_file", "key_file", "server_name",
                                                "insecure_skip_verify", "min_version"}));
  TlsConfig t;
  OSPREY_RETURN_IF_ERROR(m.Optional("ca_file", &t.ca_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("cert_file", &t.cert_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("key_file", &t.key_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("server_name", &t.server_name));
  OSPREY_RETURN_IF_ERROR(m.Optional("insecure_skip_verify", &t.insecure_skip_verify));
  if (m.Has("min_version")) {
    TlsVersion v = TlsVersion::kTls12;
    OSPREY_RETURN_IF_ERROR(m.Optional("min_version", &v));
    t.min_version = v;
  }
  if (!t.cert_file.empty() && t.key_file.empty()) {
    return m.ErrorAt(m.KeyMark("cert_file"),
                     "key_file must be configured when a client certificate is configured");
  }
  if (!t.key_file.empty() && t.cert_file.empty()) {
    return m.ErrorAt(m.KeyMark("key_file"),
                     "cert_file must be configured when a client key is configured");
  }
  return t;
}

Result<HttpClientConfig> DecodeHttpClientConfig(const MappingDecoder& m) {
  HttpClientConfig c;
  if (const YamlNode* n = m.Get("basic_auth")) {
    OSPREY_ASSIGN_OR_RETURN(c.basic_auth, DecodeBasicAuth(m.doc(), *n, m.ChildPath("basic_auth")));
  }
  if (const YamlNode* n = m.Get("authorization")) {
    OSPREY_ASSIGN_OR_RETURN(c.authorization,
                            DecodeAuthorization(m.doc(), *n, m.ChildPath("authorization")));
  }
  if (const YamlNode* n = m.Get("tls_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.tls_config, DecodeTlsConfig(m.doc(), *n, m.ChildPath("tls_config")));
  }
  if (c.basic_auth && c.authorization) {
    return m.ErrorAt(m.KeyMark("authorization"),
                     "at most one of basic_auth & authorization must be configured");
  }
  return c;
}

void ResolveHttpClientPaths(std::string_view dir, HttpClientConfig* c) {
  if (c->basic_auth) {
    c->basic_auth->password_file = internal::JoinDir(dir, c->basic_auth->password_file);
  }
  if (c->authorization) {
    c->authorization->credentials_file = internal::JoinDir(dir, c->authorization->credentials_file);
  }
  TlsConfig& t = c->tls_config;
  t.ca_file = internal::JoinDir(dir, t.ca_file);
  t.cert_file = internal::JoinDir(dir, t.cert_file);
  t.key_file = internal::JoinDir(dir, t.key_file);
}

void EmitTlsConfig(const TlsConfig& t, YAML::Emitter& out) {
  out << YAML::BeginMap;
  EmitIfSet(out, "ca_file", t.ca_file);
  EmitIfSet(out, "cert_file", t.cert_file);
  EmitIfSet(out, "key_file", t.key_file);
  EmitIfSet(out, "server_name", t.server_name);
  out << YAML::Key << "insecure_skip_verify" << YAML::Value << t.insecure_skip_verify;
  if (t.min_version) {
    out << YAML::Key << "min_version" << YAML::Value << std::string(TlsVersionName(*t.min_version));
  }
  out << YAML::EndMap;
}

void EmitHttpClientConfig(const HttpClientConfig& c, YAML::Emitter& out) {
  if (c.basic_auth) {
    out << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap;
    EmitIfSet(out, "username", c.basic_auth->username);
    EmitSecret(out, "password", c.basic_auth->password);
    EmitIfSet(out, "password_file", c.basic_auth->password_file);
    out << YAML::EndMap;
  }
  if (c.authorization) {
    out << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
    internal::WriteStringEntry(out, "type", c.authorization->type);
    EmitSecret(out, "credentials", c.authorization->credentials);
    EmitIfSet(out, "credentials_file", c.authorization->credentials_file);
    out << YAML::EndMap;
  }
  out << YAML::Key << "tls_config" << YAML::Value;
  EmitTlsConfig(c.tls_config, out);
}

Result<std::string> ReadSecret(std::string_view value, std::string_view file) {
  if (file.empty()) return std::string(value);
  std::ifstream in{std::string(file), std::ios::binary};
  if (!in) return UnavailableError(std::string("unable to read secret file ").append(file));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return std::string();
  const size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

}  // namespace osprey::config
