#include "config/yaml_decoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

// `invalid <type> "<text>" for <field>[: <why>]`.
Status InvalidValue(const YamlDocument& doc, const YamlNode& node, std::string_view type,
                    std::string_view field, std::string_view why = {}) {
  std::string m = "invalid ";
  m += type;
  m += ' ';
  m += Quote(node.scalar());
  m += " for ";
  m += field;
  if (!why.empty()) {
    m += ": ";
    m += why;
  }
  return doc.Error(node.mark(), m);
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

// Digits with an optional sign; sets *negative and returns the digits, or empty if malformed.
std::string_view SplitSign(std::string_view s, bool* negative) {
  *negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return {};
  for (char c : s) {
    if (c < '0' || c > '9') return {};
  }
  return s;
}

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string IndexPath(std::string_view path, size_t index) {
  std::string out(path);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

Status TypeError(const YamlDocument& doc, const YamlNode& node, std::string_view what,
                 std::string_view field) {
  std::string m = "expected ";
  m += what;
  m += " for ";
  m += field;
  m += ", got ";
  m += node.KindName();
  return doc.Error(node.mark(), m);
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::string* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "a string", field);
  *out = node.scalar();
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   bool* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "a boolean", field);
  if (!node.plain())
    return InvalidValue(doc, node, "boolean", field, "quoted strings are not booleans");
  const std::string& s = node.scalar();
  // The YAML 1.1 forms that Go's yaml.v2 (and so Prometheus) accepts.
  if (IsOneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})) {
    *out = true;
    return OkStatus();
  }
  if (IsOneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})) {
    *out = false;
    return OkStatus();
  }
  return InvalidValue(doc, node, "boolean", field);
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   int64_t* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "an integer", field);
  if (!node.plain())
    return InvalidValue(doc, node, "integer", field, "quoted strings are not numbers");
  bool negative = false;
  std::string_view digits = SplitSign(node.scalar(), &negative);
  if (digits.empty()) return InvalidValue(doc, node, "integer", field);
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (ec != std::errc() || ptr != digits.data() + digits.size() || magnitude > limit) {
    return InvalidValue(doc, node, "integer", field, "out of range");
  }
  *out = negative ? static_cast<int64_t>(~magnitude + 1) : static_cast<int64_t>(magnitude);
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   uint64_t* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "an integer", field);
  if (!node.plain())
    return InvalidValue(doc, node, "integer", field, "quoted strings are not numbers");
  bool negative = false;
  std::string_view digits = SplitSign(node.scalar(), &negative);
  if (digits.empty()) return InvalidValue(doc, node, "integer", field);
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return InvalidValue(doc, node, "integer", field, "out of range");
  }
  if (negative && value != 0)
    return InvalidValue(doc, node, "integer", field, "must not be negative");
  *out = value;
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   double* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "a number", field);
  if (!node.plain())
    return InvalidValue(doc, node, "number", field, "quoted strings are not numbers");
  std::string_view s = node.scalar();
  if (IsOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    *out = std::numeric_limits<double>::infinity();
    return OkStatus();
  }
  if (IsOneOf(s, {"-.inf", "-.Inf", "-.INF"})) {
    *out = -std::numeric_limits<double>::infinity();
    return OkStatus();
  }
  if (IsOneOf(s, {".nan", ".NaN", ".NAN"})) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return OkStatus();
  }
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') {
    body.remove_prefix(1);
    if (!body.empty() && body[0] == '-') return InvalidValue(doc, node, "number", field);
  }
  // from_chars also accepts "inf", "nan" and hex forms; YAML numbers are digits only.
  const bool has_digit =
      std::any_of(body.begin(), body.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool only_number_chars = std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  });
  double value = 0;
  if (!has_digit || !only_number_chars) return InvalidValue(doc, node, "number", field);
  auto [ptr, ec] =
      std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  if (ec != std::errc() || ptr != body.data() + body.size() || !std::isfinite(value)) {
    return InvalidValue(doc, node, "number", field);
  }
  *out = value;
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   model::Duration* out) {
  if (!node.IsScalar()) return TypeError(doc, node, "a duration", field);
  Result<model::Duration> d = model::ParseDuration(node.scalar());
  if (!d.ok()) return InvalidValue(doc, node, "duration", field, d.status().message());
  *out = *d;
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::vector<std::string>* out) {
  if (!node.IsSequence()) return TypeError(doc, node, "a list of strings", field);
  std::vector<std::string> values;
  values.reserve(node.items().size());
  for (const YamlNode& item : node.items()) {
    if (!item.IsScalar()) return TypeError(doc, item, "a string", field);
    values.push_back(item.scalar());
  }
  *out = std::move(values);
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::map<std::string, std::string>* out) {
  if (!node.IsMapping()) return TypeError(doc, node, "a mapping of strings", field);
  std::map<std::string, std::string> values;
  for (const YamlEntry& e : node.entries()) {
    if (!e.value.IsScalar()) return TypeError(doc, e.value, "a string", JoinPath(field, e.key));
    values.emplace(e.key, e.value.scalar());
  }
  *out = std::move(values);
  return OkStatus();
}

Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::map<std::string, std::vector<std::string>>* out) {
  if (!node.IsMapping()) return TypeError(doc, node, "a mapping of lists", field);
  std::map<std::string, std::vector<std::string>> values;
  for (const YamlEntry& e : node.entries()) {
    std::vector<std::string> list;
    OSPREY_RETURN_IF_ERROR(DecodeValue(doc, e.value, JoinPath(field, e.key), &list));
    values.emplace(e.key, std::move(list));
  }
  *out = std::move(values);
  return OkStatus();
}

Result<MappingDecoder> MappingDecoder::Open(const YamlDocument& doc, const YamlNode& node,
                                            std::string path, std::vector<std::string_view> known) {
  if (!node.IsMapping() && !node.IsNull()) {
    if (path.empty()) {
      return doc.Error(node.mark(),
                       "expected a mapping at the top level, got " + std::string(node.KindName()));
    }
    return TypeError(doc, node, "a mapping", path);
  }
  for (const YamlEntry& e : node.entries()) {
    if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
    std::string m = "unknown field " + Quote(e.key);
    if (!path.empty()) m += " in " + path;
    return doc.Error(e.key_mark, m);
  }
  return MappingDecoder(doc, node, std::move(path), std::move(known));
}

const YamlEntry* MappingDecoder::Entry(std::string_view key) const {
  OSPREY_DCHECK(std::find(known_.begin(), known_.end(), key) != known_.end())
      << "field \"" << key << "\" is not declared for " << path_;
  return node_->Find(key);
}

const YamlNode* MappingDecoder::Get(std::string_view key) const {
  const YamlEntry* e = Entry(key);
  if (e == nullptr || e->value.IsNull()) return nullptr;
  return &e->value;
}

YamlMark MappingDecoder::ValueMark(std::string_view key) const {
  const YamlEntry* e = Entry(key);
  return e != nullptr ? e->value.mark() : node_->mark();
}

YamlMark MappingDecoder::KeyMark(std::string_view key) const {
  const YamlEntry* e = Entry(key);
  return e != nullptr ? e->key_mark : node_->mark();
}

Status MappingDecoder::MissingError(std::string_view key) const {
  std::string m = "missing required field " + Quote(key);
  if (!path_.empty()) m += " in " + path_;
  return doc_->Error(node_->mark(), m);
}

Status MappingDecoder::OptionalOneOf(std::string_view key, std::vector<std::string_view> allowed,
                                     std::string* out) const {
  const YamlNode* n = Get(key);
  if (n == nullptr) return OkStatus();
  std::string value;
  OSPREY_RETURN_IF_ERROR(DecodeValue(*doc_, *n, key, &value));
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string why = "must be one of ";
    for (size_t i = 0; i < allowed.size(); ++i) {
      if (i > 0) why += ", ";
      why += Quote(allowed[i]);
    }
    return InvalidValue(*doc_, *n, "value", key, why);
  }
  *out = std::move(value);
  return OkStatus();
}

}  // namespace osprey::config
