// Appends Prometheus text exposition format 0.0.4 to a string: HELP and TYPE lines, samples
// with escaped label values, numbers printed exactly (integers as integers, doubles in their
// shortest round-trip form). The caller keeps each family's samples together.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "base/strings.h"

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
// metrics::AppendEscapedLabelValue: \\ \" \n escaped, invalid UTF-8 bytes as U+FFFD.
void AppendLabelValue(std::string& out, std::string_view value);
// base's AppendValidUtf8 replaces each invalid byte by U+FFFD as AppendLabelValue does, so names
// equal after it give equal label values.
using ::osprey::AppendValidUtf8;

}  // namespace osprey::agent::internal
