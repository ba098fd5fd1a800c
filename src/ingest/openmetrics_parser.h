// A zero-copy parser of the OpenMetrics 1.0 text format
// (https://github.com/prometheus/OpenMetrics/blob/v1.0.0/specification/OpenMetrics.md), for
// scrapes that answer with Content-Type application/openmetrics-text (exposition.h).
//
//   # TYPE foo counter
//   # UNIT foo_seconds seconds
//   # HELP foo Requests, with \"quotes\" and \\n escapes.
//   foo_total{path="/"} 17.0 1520879607.789 # {trace_id="abc"} 0.67 1520879607.5
//   foo_created{path="/"} 1520872607.123
//   # EOF
//
// Grammar, as Prometheus's openmetricsparse.go (v3): each line ends with '\n' except the last,
// which is exactly `# EOF` (with or without '\n'); nothing may follow it. No empty lines, no
// leading or trailing blanks, separators exactly one space. `# HELP name text` (text valid
// UTF-8, unescaping `\\`, `\"`, `\n`), `# TYPE name counter|gauge|histogram|gaugehistogram|
// summary|info|stateset|unknown` (unknown -> kUntyped) and `# UNIT name unit` (unit empty or
// a `_`-separated suffix of the name); the name may be quoted. No other `#` line. A sample:
// metric name, optional label set with no blanks (`{a="1",b="2"}`, ',' required between pairs,
// a trailing one allowed, names plain or quoted, values valid UTF-8 unescaping `\\`, `\"`,
// `\n`; a quoted string alone is the metric name), ` value` (as in text_parser.h), optional
// ` timestamp` (float seconds -> int64 ms, truncated as upstream), optional exemplar
// ` # {labels} value[ timestamp]`. Exemplars are accepted after any sample (as upstream's
// parser); one whose label set exceeds 128 code points (names + values) is dropped and
// reported through TextVisitor::OnDroppedExemplar, its sample kept. `_created` lines are
// ordinary samples. After TYPE histogram / summary, `le` / `quantile` values are normalized as
// in text_parser.h.
//
// Errors are kInvalidArgument "line L, column C: message", e.g. "line 4, column 1: expected
// # EOF" for a body that stops without it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ingest/text_parser.h"

namespace osprey::ingest {

namespace internal {
class TextCursor;
}  // namespace internal

// Thread-compatible; reuse one parser per thread so its scratch buffers stay allocated.
// Cost: linear in the body; allocation only while the scratch space grows.
class OpenMetricsParser {
 public:
  OpenMetricsParser() = default;
  OpenMetricsParser(const OpenMetricsParser&) = delete;
  OpenMetricsParser& operator=(const OpenMetricsParser&) = delete;

  // Parses a whole body, which must end with `# EOF`. On a syntax error returns
  // kInvalidArgument; the visitor may already have seen the lines before it.
  Status Parse(std::string_view body, TextVisitor& visitor);

 private:
  Status ParseDescriptor(internal::TextCursor& c, TextVisitor& visitor, MetricType& type);
  Status ParseExemplar(internal::TextCursor& c, TextExemplar& exemplar, size_t* label_set_length);

  std::vector<LabelView> labels_;
  std::vector<LabelView> exemplar_labels_;
  std::string unescaped_;
  std::string normalized_;
};

}  // namespace osprey::ingest
