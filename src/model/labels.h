// A series' identity: its label set, sorted by name, names unique, no empty values
// (Prometheus treats a label with an empty value as absent). `__name__` is a label.
//
//   Labels l = Labels::FromStrings({"__name__", "up", "job", "api"});
//   l.Get("job") == "api";  l.ToString() == R"({__name__="up", job="api"})"
#pragma once

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::model {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string name;
  std::string value;
  friend auto operator<=>(const Label&, const Label&) = default;
  friend bool operator==(const Label&, const Label&) = default;
};

// True when `name` matches [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);
// True when `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);
// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

// Value type; cheap to move, copies its strings. Thread-compatible.
class Labels {
 public:
  Labels() = default;
  // Sorts by name and drops empty values. Duplicate names are kept so that Validate()
  // can report them; use LabelsBuilder to overwrite.
  explicit Labels(std::vector<Label> labels);
  // Pairs of name, value. Requires: an even count.
  static Labels FromStrings(std::initializer_list<std::string_view> name_values);

  // Empty when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }

  bool empty() const { return labels_.empty(); }
  size_t size() const { return labels_.size(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }
  const std::vector<Label>& vector() const { return labels_; }

  // 64-bit hash of names and values (xxh3), stable across runs and builds.
  uint64_t Hash() const;
  // {__name__="up", job="api"} with Go-style quoting of values.
  std::string ToString() const;
  // The label set without __name__.
  Labels WithoutMetricName() const;
  // Checks a series label set: names ([a-zA-Z_][a-zA-Z0-9_]*), a metric name, UTF-8
  // values and no duplicate names. The message names the label.
  Status ValidateSeries() const;
  // Total bytes of names and values.
  size_t ByteSize() const;

  friend auto operator<=>(const Labels&, const Labels&) = default;
  friend bool operator==(const Labels&, const Labels&) = default;

 private:
  std::vector<Label> labels_;
};

// Builds a Labels from a base set with overwrites and deletions.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base) : labels_(base.vector()) {}
  // An empty value deletes the label.
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  Labels Build() const { return Labels(labels_); }

 private:
  std::vector<Label> labels_;
};

}  // namespace osprey::model
