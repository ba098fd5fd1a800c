// JSON as Go's encoding/json writes it, so that receivers built for Alertmanager see the same
// bytes: `<`, `>` and `&` escaped as \u003c \u003e \u0026 (Go's HTML-safe default), U+2028 and
// U+2029 escaped, invalid UTF-8 replaced by U+FFFD, time.Time as RFC 3339 with trailing
// fractional zeros trimmed. Keys are written in the order the caller adds them (Go writes
// struct fields in declaration order and map keys sorted). Thread-compatible.
//
//   GoJsonWriter w;
//   w.BeginObject();
//   w.Key("status"); w.String("firing");
//   w.Key("startsAt"); w.Time(1700000000123);
//   w.EndObject();
//   std::string body = w.Take();  // {"status":"firing","startsAt":"2023-11-14T22:13:20.123Z"}
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"

namespace osprey::alerting::notifiers {

// Go's time.Time JSON form for milliseconds since the epoch, in UTC:
// "2023-11-14T22:13:20.12Z"; Go's zero time ("0001-01-01T00:00:00Z") for 0.
std::string GoTimeRfc3339(int64_t unix_ms);

// Appends `s` as a quoted JSON string with Go's escaping.
void AppendGoJsonString(std::string& out, std::string_view s);

class GoJsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view k);
  void String(std::string_view s);
  // Key and string only when `s` is not empty (Go's `json:",omitempty"`).
  void OptionalString(std::string_view key, std::string_view s);
  void Int(int64_t v);
  void Uint(uint64_t v);
  void Bool(bool v);
  void Null();
  // RFC 3339 string (GoTimeRfc3339).
  void Time(int64_t unix_ms);
  // An object of the labels' names and values (already sorted by name, as Go sorts map keys).
  void LabelsObject(const model::Labels& labels);
  // An object from a sorted map of strings.
  void StringMap(const std::map<std::string, std::string>& m);
  // A pre-encoded JSON value.
  void Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  // Per open container: whether a value was written (so the next one needs a comma).
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace osprey::alerting::notifiers
