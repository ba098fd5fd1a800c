// Appends Prometheus text exposition format 0.0.4 to a string: HELP and TYPE lines, samples
// with escaped label values, numbers printed exactly (integers as integers, doubles in their
// shortest round-trip form). The caller keeps each family's samples together.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace osprey::agent::internal {

using LabelPair = std::pair<std::string_view, std::string_view>;

// Single-threaded. Holds a reference to `out`, which must outlive the writer.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  // `# HELP name help` and `# TYPE name type` ("counter", "gauge", "untyped").
  void Family(std::string_view name, std::string_view help, std::string_view type);
  void Sample(std::string_view name, double value) { Sample(name, {}, value); }
  void Sample(std::string_view name, std::initializer_list<LabelPair> labels, double value);
  void SampleInt(std::string_view name, std::initializer_list<LabelPair> labels, uint64_t value);

  std::string& out() { return out_; }

 private:
  void Labels(std::string_view name, std::initializer_list<LabelPair> labels);

  std::string& out_;
};

// Appends a double as Prometheus prints it: shortest round-trip, NaN, +Inf, -Inf.
void AppendDouble(std::string& out, double value);
void AppendLabelValue(std::string& out, std::string_view value);
// Appends `s` with each byte that is not part of valid UTF-8 replaced by U+FFFD: what
// AppendLabelValue writes for it, so names equal after this give equal label values.
void AppendValidUtf8(std::string& out, std::string_view s);

}  // namespace osprey::agent::internal
