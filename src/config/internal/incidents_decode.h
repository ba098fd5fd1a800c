// Helpers shared by the decoders of the `incidents:` section (incidents_config.cc and
// incidents_schedule_config.cc). Private to config/.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/incidents_config.h"
#include "config/internal/validate.h"
#include "config/yaml_decoder.h"

namespace osprey::config::internal {

using NameSet = std::set<std::string, std::less<>>;

// Names declared so far, for the cross-references of later lists.
struct IncidentNames {
  NameSet people, actions, schedules, policies;
};

// Appends " in <path>" to a decoder error that does not name its place in the section yet
// (type and value errors name only the key).
Status InPath(Status s, std::string_view path);

// `<what> in <where>` at `mark`.
Status ErrorIn(const MappingDecoder& m, YamlMark mark, std::string what, std::string_view where);

inline Result<MappingDecoder> OpenMapping(const YamlDocument& doc, const YamlNode& node,
                                          const std::string& path,
                                          std::vector<std::string_view> keys) {
  return MappingDecoder::Open(doc, node, path, std::move(keys));
}

// Decodes the list under `key` item by item. Item paths are "<path>.<key>[i]", followed by
// ` ("<name>")` for entries with a scalar `name`. With `names`, entry names must be unique and
// non-empty; they are added to *names.
template <typename T, typename DecodeFn>
Status DecodeItems(const MappingDecoder& m, std::string_view key, std::vector<T>* out,
                   NameSet* names, DecodeFn decode) {
  const YamlNode* n = m.Get(key);
  if (n == nullptr) return OkStatus();
  if (!n->IsSequence()) return InPath(TypeError(m.doc(), *n, "a list", key), m.path());
  const std::string list_path = m.ChildPath(key);
  for (size_t i = 0; i < n->items().size(); ++i) {
    const YamlNode& item = n->items()[i];
    std::string path = IndexPath(list_path, i);
    const YamlEntry* name = item.IsMapping() ? item.Find("name") : nullptr;
    if (name != nullptr && name->value.IsScalar()) {
      path.append(" (").append(Quote(name->value.scalar())).append(")");
    }
    Result<T> r = decode(item, path);
    if (!r.ok()) return InPath(std::move(r).status(), path);
    if constexpr (requires(const T& t) { t.name; }) {
      const YamlMark at = name != nullptr ? name->value.mark() : item.mark();
      if (names != nullptr && r->name.empty()) return ErrorIn(m, at, "empty name", path);
      if (names != nullptr && !names->insert(r->name).second) {
        return ErrorIn(m, at, "duplicate name " + Quote(r->name), IndexPath(list_path, i));
      }
    }
    out->push_back(std::move(r).value());
  }
  return OkStatus();
}

// A list of names that must each be in `known`: `unknown <kind> "x" in <path>.<key>`.
Status DecodeRefs(const MappingDecoder& m, std::string_view key, const NameSet& known,
                  std::string_view kind, std::vector<std::string>* out);

// One optional name that must be in `known` when set: `unknown <kind> "x" in <path>`.
Status DecodeRef(const MappingDecoder& m, std::string_view key, const NameSet& known,
                 std::string_view kind, std::string* out);

// "2026-01-05T09:00:00".
std::string FormatLocalDateTime(const LocalDateTime& t);

// One `schedules` entry; persons are checked against known.people.
Result<ScheduleConfig> DecodeIncidentSchedule(const YamlDocument& doc, const YamlNode& node,
                                              const std::string& path, const IncidentNames& known);

}  // namespace osprey::config::internal
