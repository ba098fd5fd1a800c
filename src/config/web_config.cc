#include "config/web_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "config/config.h"
#include "config/internal/validate.h"
#include "config/yaml_decoder.h"
#include "config/yaml_node.h"

namespace osprey::config {
namespace {

using internal::Quote;

constexpr std::array<ClientAuthType, 5> kClientAuthTypes = {
    ClientAuthType::kNoClientCert, ClientAuthType::kRequestClientCert,
    ClientAuthType::kRequireAnyClientCert, ClientAuthType::kVerifyClientCertIfGiven,
    ClientAuthType::kRequireAndVerifyClientCert};

struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;  // Empty: any value.
};

// The exporter toolkit's list of configurable response headers.
std::vector<AllowedHeader> AllowedHeaders() {
  return {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsBcryptChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

// "$2b$10$" + 22 characters of salt + 31 of hash, in bcrypt's base64 alphabet.
bool IsBcryptHash(std::string_view h) {
  if (h.size() != 60) return false;
  if (!h.starts_with("$2a$") && !h.starts_with("$2b$") && !h.starts_with("$2y$")) return false;
  if (!std::isdigit(static_cast<unsigned char>(h[4])) ||
      !std::isdigit(static_cast<unsigned char>(h[5])) || h[6] != '$') {
    return false;
  }
  return std::all_of(h.begin() + 7, h.end(), IsBcryptChar);
}

Result<std::optional<TlsServerConfig>> DecodeTlsServerConfig(const YamlDocument& doc,
                                                             const YamlNode& node) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, node, "tls_server_config",
                                               {"cert_file", "key_file", "client_auth_type",
                                                "client_ca_file", "min_version", "max_version",
                                                "cipher_suites", "prefer_server_cipher_suites"}));
  if (node.entries().empty()) return std::optional<TlsServerConfig>();
  TlsServerConfig t;
  OSPREY_RETURN_IF_ERROR(m.Required("cert_file", &t.cert_file));
  OSPREY_RETURN_IF_ERROR(m.Required("key_file", &t.key_file));
  std::vector<std::string_view> auth_names;
  for (ClientAuthType a : kClientAuthTypes) auth_names.push_back(ClientAuthTypeName(a));
  std::string auth(ClientAuthTypeName(t.client_auth_type));
  OSPREY_RETURN_IF_ERROR(m.OptionalOneOf("client_auth_type", auth_names, &auth));
  for (ClientAuthType a : kClientAuthTypes) {
    if (ClientAuthTypeName(a) == auth) t.client_auth_type = a;
  }
  OSPREY_RETURN_IF_ERROR(m.Optional("client_ca_file", &t.client_ca_file));
  OSPREY_RETURN_IF_ERROR(m.Optional("min_version", &t.min_version));
  OSPREY_RETURN_IF_ERROR(m.Optional("max_version", &t.max_version));
  OSPREY_RETURN_IF_ERROR(m.Optional("cipher_suites", &t.cipher_suites));
  OSPREY_RETURN_IF_ERROR(m.Optional("prefer_server_cipher_suites", &t.prefer_server_cipher_suites));

  if (t.cert_file.empty()) return m.ErrorAt(m.ValueMark("cert_file"), "cert_file is empty");
  if (t.key_file.empty()) return m.ErrorAt(m.ValueMark("key_file"), "key_file is empty");
  if (!t.client_ca_file.empty() && t.client_auth_type == ClientAuthType::kNoClientCert) {
    return m.ErrorAt(m.KeyMark("client_ca_file"),
                     "client_ca_file is set but client_auth_type is NoClientCert");
  }
  if (t.client_ca_file.empty() &&
      (t.client_auth_type == ClientAuthType::kVerifyClientCertIfGiven ||
       t.client_auth_type == ClientAuthType::kRequireAndVerifyClientCert)) {
    return m.ErrorAt(m.ValueMark("client_auth_type"),
                     "client_ca_file is required for client_auth_type " + auth);
  }
  if (t.min_version > t.max_version) {
    return m.ErrorAt(m.Has("min_version") ? m.ValueMark("min_version") : m.ValueMark("max_version"),
                     "min_version " + std::string(TlsVersionName(t.min_version)) +
                         " is greater than max_version " +
                         std::string(TlsVersionName(t.max_version)));
  }
  return std::optional<TlsServerConfig>(std::move(t));
}

Result<HttpServerConfig> DecodeHttpServerConfig(const YamlDocument& doc, const YamlNode& node) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, "http_server_config",
                                                                 {"http2", "headers"}));
  HttpServerConfig h;
  OSPREY_RETURN_IF_ERROR(m.Optional("http2", &h.http2));
  OSPREY_RETURN_IF_ERROR(m.Optional("headers", &h.headers));
  if (const YamlNode* headers = m.Get("headers")) {
    const std::vector<AllowedHeader> allowed = AllowedHeaders();
    for (const YamlEntry& e : headers->entries()) {
      auto it = std::find_if(allowed.begin(), allowed.end(),
                             [&](const AllowedHeader& a) { return a.name == e.key; });
      if (it == allowed.end()) {
        return m.ErrorAt(e.key_mark, "HTTP header " + Quote(e.key) + " can not be configured");
      }
      if (it->values.empty()) continue;
      const std::string& value = e.value.scalar();
      if (std::none_of(it->values.begin(), it->values.end(),
                       [&](std::string_view v) { return EqualsIgnoreCase(v, value); })) {
        std::string why;
        for (std::string_view v : it->values) why += (why.empty() ? "" : ", ") + Quote(v);
        return m.ErrorAt(e.value.mark(), "invalid value " + Quote(value) + " for header " + e.key +
                                             ": must be one of " + why);
      }
    }
  }
  return h;
}

Status DecodeUsers(const MappingDecoder& m, std::map<std::string, std::string>* users) {
  OSPREY_RETURN_IF_ERROR(m.Optional("basic_auth_users", users));
  const YamlNode* node = m.Get("basic_auth_users");
  if (node == nullptr) return OkStatus();
  for (const YamlEntry& e : node->entries()) {
    if (e.key.empty()) return m.ErrorAt(e.key_mark, "empty user name in basic_auth_users");
    if (e.key.find(':') != std::string::npos) {
      return m.ErrorAt(e.key_mark, "user name " + Quote(e.key) + " must not contain ':'");
    }
    if (!IsBcryptHash(e.value.scalar())) {
      return m.ErrorAt(e.value.mark(), "password for user " + Quote(e.key) +
                                           " is not a bcrypt hash ($2a$, $2b$ or $2y$)");
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view ClientAuthTypeName(ClientAuthType t) {
  switch (t) {
    case ClientAuthType::kNoClientCert:
      return "NoClientCert";
    case ClientAuthType::kRequestClientCert:
      return "RequestClientCert";
    case ClientAuthType::kRequireAnyClientCert:
      return "RequireAnyClientCert";
    case ClientAuthType::kVerifyClientCertIfGiven:
      return "VerifyClientCertIfGiven";
    case ClientAuthType::kRequireAndVerifyClientCert:
      return "RequireAndVerifyClientCert";
  }
  return "NoClientCert";
}

Result<WebConfig> ParseWebConfig(std::string_view yaml_text, std::string_view filename) {
  OSPREY_ASSIGN_OR_RETURN(YamlDocument doc, YamlDocument::Parse(yaml_text, std::string(filename)));
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder m,
                          MappingDecoder::Open(doc, doc.root(), "",
                                               {"tls_server_config", "http_server_config",
                                                "basic_auth_users", "bearer_tokens"}));
  WebConfig c;
  if (const YamlNode* n = m.Get("tls_server_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.tls_server_config, DecodeTlsServerConfig(doc, *n));
  }
  if (const YamlNode* n = m.Get("http_server_config")) {
    OSPREY_ASSIGN_OR_RETURN(c.http_server_config, DecodeHttpServerConfig(doc, *n));
  }
  OSPREY_RETURN_IF_ERROR(DecodeUsers(m, &c.basic_auth_users));
  OSPREY_RETURN_IF_ERROR(m.Optional("bearer_tokens", &c.bearer_tokens));
  if (const YamlNode* n = m.Get("bearer_tokens")) {
    for (size_t i = 0; i < c.bearer_tokens.size(); ++i) {
      if (c.bearer_tokens[i].empty()) return m.ErrorAt(n->items()[i].mark(), "empty bearer token");
    }
  }
  return c;
}

Result<WebConfig> LoadWebConfigFile(const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  OSPREY_ASSIGN_OR_RETURN(WebConfig c, ParseWebConfig(text, path));
  if (c.tls_server_config) {
    const std::string dir = internal::DirName(path);
    TlsServerConfig& t = *c.tls_server_config;
    t.cert_file = internal::JoinDir(dir, t.cert_file);
    t.key_file = internal::JoinDir(dir, t.key_file);
    t.client_ca_file = internal::JoinDir(dir, t.client_ca_file);
  }
  return c;
}

}  // namespace osprey::config
