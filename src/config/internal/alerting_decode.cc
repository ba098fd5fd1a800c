#include "config/internal/alerting_decode.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <algorithm>
#include <cctype>

#include "config/internal/emit.h"
#include "config/internal/validate.h"
#include "model/alert_matchers.h"

namespace osprey::config::internal {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status ValidateHttpUrl(const MappingDecoder& m, std::string_view key, std::string_view url,
                       bool allow_mask) {
  if (allow_mask && url == kSecretMask) return OkStatus();
  const YamlMark at = m.ValueMark(key);
  const std::string prefix =
      std::string("invalid URL ").append(Quote(url)).append(" for ").append(key);
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return m.ErrorAt(at, prefix + ": missing scheme");
  const std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return m.ErrorAt(at, prefix + ": scheme must be http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at_sign = authority.rfind('@');
  if (at_sign != std::string_view::npos) authority.remove_prefix(at_sign + 1);
  if (authority.empty()) return m.ErrorAt(at, prefix + ": host is missing");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return m.ErrorAt(at, prefix + ": invalid character in URL");
    }
  }
  return OkStatus();
}

Status AtMostOne(const MappingDecoder& m, std::string_view a, std::string_view a_value,
                 std::string_view b, std::string_view b_value) {
  if (a_value.empty() || b_value.empty()) return OkStatus();
  return m.ErrorAt(m.KeyMark(b), std::string("at most one of ")
                                     .append(a)
                                     .append(" & ")
                                     .append(b)
                                     .append(" must be configured"));
}

Result<HttpClientConfig> DecodeNestedHttpConfig(const MappingDecoder& m,
                                                const HttpClientConfig& fallback) {
  const YamlNode* n = m.Get("http_config");
  if (n == nullptr) return fallback;
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder h,
      MappingDecoder::Open(m.doc(), *n, m.ChildPath("http_config"),
                           {std::begin(kHttpClientConfigKeys), std::end(kHttpClientConfigKeys)}));
  return DecodeHttpClientConfig(h);
}

Status DecodeMatcherList(const MappingDecoder& m, std::string_view key,
                         std::vector<model::Matcher>* out) {
  const YamlNode* n = m.Get(key);
  if (n == nullptr) return OkStatus();
  if (!n->IsSequence()) return TypeError(m.doc(), *n, "a list", key);
  for (const YamlNode& item : n->items()) {
    std::string text;
    OSPREY_RETURN_IF_ERROR(DecodeValue(m.doc(), item, key, &text));
    Result<std::vector<model::Matcher>> ms = model::ParseAlertMatchers(text);
    if (!ms.ok()) {
      return m.ErrorAt(item.mark(), std::string("invalid matcher ")
                                        .append(Quote(text))
                                        .append(" in ")
                                        .append(m.ChildPath(key))
                                        .append(": ")
                                        .append(ms.status().message()));
    }
    for (model::Matcher& x : *ms) out->push_back(std::move(x));
  }
  return OkStatus();
}

Status DecodeMatchMap(const MappingDecoder& m, std::string_view key, model::MatchType type,
                      std::vector<model::Matcher>* out) {
  const YamlNode* n = m.Get(key);
  if (n == nullptr) return OkStatus();
  if (!n->IsMapping()) return TypeError(m.doc(), *n, "a mapping", key);
  for (const YamlEntry& e : n->entries()) {
    if (!IsValidLabelName(e.key)) {
      return m.ErrorAt(e.key_mark, std::string("invalid label name ")
                                       .append(Quote(e.key))
                                       .append(" in ")
                                       .append(m.ChildPath(key)));
    }
    std::string value;
    OSPREY_RETURN_IF_ERROR(DecodeValue(m.doc(), e.value, e.key, &value));
    Result<model::Matcher> x = model::Matcher::Create(type, e.key, value);
    if (!x.ok()) {
      return m.ErrorAt(e.value.mark(),
                       std::string(x.status().message()).append(" in ").append(m.ChildPath(key)));
    }
    // Alertmanager 0.25 anchors the old match_re values, and they show so in route keys
    // (and so in webhook groupKeys): `{}/{team=~"^(?:a|b)$"}`.
    if (type == model::MatchType::kRegexMatch) {
      x = model::Matcher::Create(type, e.key, std::string("^(?:").append(value).append(")$"));
      if (!x.ok()) return x.status();
    }
    out->push_back(std::move(*x));
  }
  return OkStatus();
}

void EmitIfSet(YAML::Emitter& out, std::string_view key, const std::string& value) {
  if (!value.empty()) WriteStringEntry(out, key, value);
}

void EmitSecretIfSet(YAML::Emitter& out, std::string_view key, const std::string& value) {
  if (!value.empty()) WriteStringEntry(out, key, kSecretMask);
}

void EmitStringListEntry(YAML::Emitter& out, std::string_view key,
                         const std::vector<std::string>& v) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const std::string& s : v) WriteString(out, s);
  out << YAML::EndSeq;
}

void EmitStringMapEntry(YAML::Emitter& out, std::string_view key,
                        const std::map<std::string, std::string>& m) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) WriteStringEntry(out, k, v);
  out << YAML::EndMap;
}

void EmitMatchersEntry(YAML::Emitter& out, std::string_view key,
                       const std::vector<model::Matcher>& ms) {
  if (ms.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const model::Matcher& x : ms) WriteString(out, model::FormatAlertMatcher(x));
  out << YAML::EndSeq;
}

void EmitNestedHttpConfig(YAML::Emitter& out, const HttpClientConfig& c) {
  out << YAML::Key << "http_config" << YAML::Value << YAML::BeginMap;
  EmitHttpClientConfig(c, out);
  out << YAML::EndMap;
}

}  // namespace osprey::config::internal
