// The values a PromQL query produces (Prometheus's promql/value.go, floats only) and the
// warning/info annotations that travel with them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "model/sample.h"
#include "promql/ast.h"

namespace osprey::promql {

// One float point of a series.
struct FPoint {
  model::Timestamp t = 0;
  double v = 0;
  friend bool operator==(const FPoint&, const FPoint&) = default;
};

// One element of an instant vector. `t` is the evaluation time (for timestamp() over a
// selector: the sample's own time).
struct VectorSample {
  model::Labels labels;
  model::Timestamp t = 0;
  double v = 0;
};
using Vector = std::vector<VectorSample>;

// One series of a range vector or range-query result: points in increasing time order.
struct SeriesPoints {
  model::Labels labels;
  std::vector<FPoint> points;
};
using Matrix = std::vector<SeriesPoints>;

// Prometheus's annotations: warnings ("PromQL warning: ...") and infos ("PromQL info:
// ..."), each tied to the part of the query it is about. Duplicates collapse.
struct Annotation {
  bool info = false;
  std::string message;  // starts with "PromQL warning: " or "PromQL info: "
  PositionRange pos;
  friend bool operator==(const Annotation& a, const Annotation& b) {
    return a.info == b.info && a.message == b.message && a.pos.start == b.pos.start &&
           a.pos.end == b.pos.end;
  }
};

class Annotations {
 public:
  // `text` without the "PromQL warning: " / "PromQL info: " prefix.
  void Warn(std::string_view text, PositionRange pos);
  void Info(std::string_view text, PositionRange pos);
  void Merge(const Annotations& other);

  bool empty() const { return items_.empty(); }
  const std::vector<Annotation>& items() const { return items_; }
  // Messages of one kind. With a query, each gets " (<line>:<col>)" of its position, as
  // Prometheus's API returns them; without, the bare message (as the test scripts want).
  std::vector<std::string> Warnings(std::string_view query = {}) const;
  std::vector<std::string> Infos(std::string_view query = {}) const;

 private:
  void Add(bool info, std::string message, PositionRange pos);
  std::vector<Annotation> items_;
};

}  // namespace osprey::promql
