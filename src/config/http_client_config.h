// Outbound HTTP client settings shared by scrape configs and HTTP service discovery (and later
// alerting and remote_write): the subset of Prometheus's common/config HTTPClientConfig that
// Osprey implements, with Prometheus's validation rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/yaml_decoder.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config {

enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

// "TLS10" ... "TLS13", the names Prometheus and the exporter toolkit use.
std::string_view TlsVersionName(TlsVersion v);
std::optional<TlsVersion> ParseTlsVersion(std::string_view name);
// Decodes a TLS version scalar: `invalid TLS version "TLS14" for min_version: ...`.
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   TlsVersion* out);

struct BasicAuth {
  std::string username;
  std::string password;  // Secret: masked in ToYaml.
  std::string password_file;
  friend bool operator==(const BasicAuth&, const BasicAuth&) = default;
};

struct Authorization {
  std::string type = "Bearer";
  std::string credentials;  // Secret: masked in ToYaml.
  std::string credentials_file;
  friend bool operator==(const Authorization&, const Authorization&) = default;
};

// Client-side TLS (verifying a server, presenting a client certificate).
struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::optional<TlsVersion> min_version;  // nullopt: the TLS library's default.
  friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  TlsConfig tls_config;
  friend bool operator==(const HttpClientConfig&, const HttpClientConfig&) = default;
};

// The keys an HttpClientConfig occupies in the mapping that inlines it (as Prometheus's
// `yaml:",inline"`): add them to that mapping's known keys.
inline constexpr std::string_view kHttpClientConfigKeys[] = {"basic_auth", "authorization",
                                                             "tls_config"};

// Decodes the inlined HTTP client fields from `m` and validates them: at most one of
// basic_auth and authorization; at most one of password and password_file; at most one of
// credentials and credentials_file; authorization type "basic" is rejected; a client
// certificate needs its key and the other way round.
Result<HttpClientConfig> DecodeHttpClientConfig(const MappingDecoder& m);
Result<TlsConfig> DecodeTlsConfig(const YamlDocument& doc, const YamlNode& node,
                                  const std::string& path);

// Makes relative file paths (password_file, credentials_file, ca/cert/key files) relative to
// `dir`, as Prometheus does with the directory of the config file.
void ResolveHttpClientPaths(std::string_view dir, HttpClientConfig* c);

// Writes the inlined keys into the mapping being emitted; secrets become "<secret>".
// Requires: out.SetOutputCharset(YAML::EscapeNonAscii), so that any string reads back as is.
void EmitHttpClientConfig(const HttpClientConfig& c, YAML::Emitter& out);
void EmitTlsConfig(const TlsConfig& c, YAML::Emitter& out);

// The text that replaces a non-empty secret in emitted configs.
inline constexpr std::string_view kSecretMask = "<secret>";

// `value`, or the content of `file` (surrounding blanks trimmed, as Prometheus reads
// password_file and credentials_file) when `file` is set. Read at each call, so a rotated
// secret is picked up. kUnavailable naming the file when it cannot be read.
Result<std::string> ReadSecret(std::string_view value, std::string_view file);

}  // namespace osprey::config
