// Decoding typed config sections out of a YamlDocument, with every error naming
// file:line:column. Shared by all config files (osprey.yml sections, the web config, rule
// files): each section declares its fields once and decodes them with these helpers.
//
//   Result<GlobalConfig> DecodeGlobal(const YamlDocument& doc, const YamlNode& node) {
//     OSPREY_ASSIGN_OR_RETURN(MappingDecoder m, MappingDecoder::Open(doc, node, "global",
//                                 {"scrape_interval", "external_labels"}));
//     GlobalConfig g;
//     OSPREY_RETURN_IF_ERROR(m.Optional("scrape_interval", &g.scrape_interval));
//     OSPREY_RETURN_IF_ERROR(m.Optional("external_labels", &g.external_labels));
//     return g;
//   }
//
// Conventions, as in Prometheus's strict YAML decoding:
// - Unknown keys are errors: `unknown field "scrape_intreval" in scrape_configs[0]`.
// - A key whose value is null ("key:" or "key: ~") keeps its default, like an absent key.
// - Strings accept any scalar's text; booleans and numbers accept only plain (unquoted)
//   scalars. Durations use model::ParseDuration.
// - Value errors read `invalid <type> "<text>" for <key>[: <why>]`, type errors
//   `expected <type> for <key>, got <kind>`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/yaml_node.h"
#include "model/duration.h"

namespace osprey::config {

// Path of a child in messages: JoinPath("", "global") == "global",
// JoinPath("scrape_configs[0]", "basic_auth") == "scrape_configs[0].basic_auth".
std::string JoinPath(std::string_view parent, std::string_view key);
// IndexPath("scrape_configs", 2) == "scrape_configs[2]".
std::string IndexPath(std::string_view path, size_t index);

// Decodes one value. `field` names it in messages. A null node is an error here (callers
// that treat null as "absent" check before). Overloads:
//   std::string                          any scalar's text
//   bool                                 true/false, and yaml.v2's yes/no/on/off/y/n forms
//   int64_t, uint64_t                    decimal integers, optional sign
//   double                               decimal or exponent form, .inf, -.inf, .nan
//   model::Duration                      "1h30m", see model/duration.h
//   std::vector<std::string>             a list of scalars
//   std::map<std::string, std::string>   a mapping of scalars
//   std::map<std::string, std::vector<std::string>>   a mapping of lists of scalars
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::string* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   bool* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   int64_t* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   uint64_t* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   double* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   model::Duration* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::vector<std::string>* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::map<std::string, std::string>* out);
Status DecodeValue(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                   std::map<std::string, std::vector<std::string>>* out);

// `expected <what> for <field>, got <kind of node>` at the node.
Status TypeError(const YamlDocument& doc, const YamlNode& node, std::string_view what,
                 std::string_view field);

// Reads one mapping. Refers to `doc` and `node`, which must outlive it. Cheap to copy.
// Thread-compatible.
class MappingDecoder {
 public:
  // Checks that `node` is a mapping (null counts as an empty one) and that every key is in
  // `known`; the first other key, in document order, is the error
  // `unknown field "<key>" in <path>` (just `unknown field "<key>"` when `path` is empty, which
  // means the document root). `known` must hold views of storage that outlives the decoder
  // (string literals).
  static Result<MappingDecoder> Open(const YamlDocument& doc, const YamlNode& node,
                                     std::string path, std::vector<std::string_view> known);

  const YamlDocument& doc() const { return *doc_; }
  const YamlNode& node() const { return *node_; }
  const std::string& path() const { return path_; }
  // JoinPath(path(), key).
  std::string ChildPath(std::string_view key) const { return JoinPath(path_, key); }

  // The entry for `key`, or nullptr when absent. Requires: `key` is one of the known keys.
  const YamlEntry* Entry(std::string_view key) const;
  // The value for `key`, or nullptr when absent or null.
  const YamlNode* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  // Where to point errors about `key`: its value, or the mapping when the key is absent.
  YamlMark ValueMark(std::string_view key) const;
  YamlMark KeyMark(std::string_view key) const;

  // Decodes the value of `key` into *out; leaves *out unchanged when absent or null.
  template <typename T>
  Status Optional(std::string_view key, T* out) const {
    const YamlNode* n = Get(key);
    if (n == nullptr) return OkStatus();
    return DecodeValue(*doc_, *n, key, out);
  }
  // Like Optional, but absent or null is `missing required field "<key>" in <path>`.
  template <typename T>
  Status Required(std::string_view key, T* out) const {
    const YamlNode* n = Get(key);
    if (n == nullptr) return MissingError(key);
    return DecodeValue(*doc_, *n, key, out);
  }
  // Optional string that must be one of `allowed`:
  // `invalid value "ftp" for scheme: must be one of "http", "https"`.
  Status OptionalOneOf(std::string_view key, std::vector<std::string_view> allowed,
                       std::string* out) const;

  // Decodes a list under `key` item by item with
  //   Result<T> decode(const YamlNode& item, const std::string& item_path)
  // where item_path is "<path>.<key>[i]". Absent or null leaves *out unchanged.
  template <typename T, typename DecodeFn>
  Status DecodeList(std::string_view key, std::vector<T>* out, DecodeFn decode) const {
    const YamlNode* n = Get(key);
    if (n == nullptr) return OkStatus();
    if (!n->IsSequence()) return TypeError(*doc_, *n, "a list", key);
    const std::string list_path = ChildPath(key);
    std::vector<T> items;
    items.reserve(n->items().size());
    for (size_t i = 0; i < n->items().size(); ++i) {
      Result<T> item = decode(n->items()[i], IndexPath(list_path, i));
      if (!item.ok()) return std::move(item).status();
      items.push_back(std::move(item).value());
    }
    *out = std::move(items);
    return OkStatus();
  }

  Status MissingError(std::string_view key) const;
  // An error at `mark` in this document.
  Status ErrorAt(YamlMark mark, std::string_view message) const {
    return doc_->Error(mark, message);
  }

 private:
  MappingDecoder(const YamlDocument& doc, const YamlNode& node, std::string path,
                 std::vector<std::string_view> known)
      : doc_(&doc), node_(&node), path_(std::move(path)), known_(std::move(known)) {}

  const YamlDocument* doc_;
  const YamlNode* node_;
  std::string path_;
  std::vector<std::string_view> known_;
};

}  // namespace osprey::config
