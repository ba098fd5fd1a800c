// Decoding and emitting helpers shared by the alerting sections (alertmanager_config.cc,
// receiver_config.cc, time_interval_config.cc). Private to config/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/http_client_config.h"
#include "config/yaml_decoder.h"
#include "model/matcher.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config::internal {

// An http or https URL with a host, checked at `key`'s value:
// `invalid URL "x" for url: missing scheme`. With `allow_mask`, the secret mask "<secret>"
// passes (a masked secret URL from ToYaml reads back).
Status ValidateHttpUrl(const MappingDecoder& m, std::string_view key, std::string_view url,
                       bool allow_mask = false);

// "at most one of <a> & <b> must be configured" at b's key when both are non-empty.
Status AtMostOne(const MappingDecoder& m, std::string_view a, std::string_view a_value,
                 std::string_view b, std::string_view b_value);

// The nested `http_config:` mapping of a receiver (basic_auth, authorization, tls_config);
// `fallback` (global.http_config) when absent.
Result<HttpClientConfig> DecodeNestedHttpConfig(const MappingDecoder& m,
                                                const HttpClientConfig& fallback);

// Appends the matchers of a `matchers:` list (each item in Alertmanager's syntax, possibly
// several per item). Errors point at the item.
Status DecodeMatcherList(const MappingDecoder& m, std::string_view key,
                         std::vector<model::Matcher>* out);
// Appends a `match:` (type kEqual) or `match_re:` (kRegexMatch) map as matchers; names
// must be valid label names, regexes must compile.
Status DecodeMatchMap(const MappingDecoder& m, std::string_view key, model::MatchType type,
                      std::vector<model::Matcher>* out);

void EmitIfSet(YAML::Emitter& out, std::string_view key, const std::string& value);
void EmitSecretIfSet(YAML::Emitter& out, std::string_view key, const std::string& value);
void EmitStringListEntry(YAML::Emitter& out, std::string_view key,
                         const std::vector<std::string>& v);
void EmitStringMapEntry(YAML::Emitter& out, std::string_view key,
                        const std::map<std::string, std::string>& m);
// `key: ['a="1"', ...]` in Alertmanager's matcher syntax; nothing when empty.
void EmitMatchersEntry(YAML::Emitter& out, std::string_view key,
                       const std::vector<model::Matcher>& ms);
// `http_config: {...}` (the nested form).
void EmitNestedHttpConfig(YAML::Emitter& out, const HttpClientConfig& c);

std::string Lower(std::string_view s);

}  // namespace osprey::config::internal
