// A zero-copy parser of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for
// POST /api/v1/import/prometheus (text_importer.h) and later the scrape loop.
//
//   # HELP http_requests_total Requests.\nSecond line.
//   # TYPE http_requests_total counter
//   http_requests_total{method="post",code="200"} 1027 1395066363000
//   rpc_duration_seconds{quantile="0.5",} 4773
//   temperature NaN
//
// Grammar, per line: blanks (space, tab) are skipped at the start; an empty line is ignored;
// `#` starts a comment, which is a HELP line (`# HELP name text`, text unescaping `\\` and
// `\n`), a TYPE line (`# TYPE name counter|gauge|histogram|summary|untyped`) or ignored;
// otherwise a sample: a metric name [a-zA-Z_:][a-zA-Z0-9_:]*, an optional label set
// `{name="value",...}` (names [a-zA-Z_][a-zA-Z0-9_]*, blanks allowed around tokens, a
// trailing comma allowed, values unescaping `\\`, `\"` and `\n`; any other escaped character
// is kept with its backslash, as Prometheus does), blanks, a value (a decimal float, or
// NaN, Inf, +Inf, -Inf, Infinity in any case; hexadecimal floats are not accepted), and an
// optional int64 timestamp in milliseconds. Lines end at `\n` (a `\r` before it is not a
// blank); the last line may lack it.
//
// Errors are kInvalidArgument with a 1-based line and byte column:
//   "line 3, column 17: expected '=' after label name"
//
// Structure for other text formats (OpenMetrics): the lexing of names, label sets, values
// and timestamps lives in internal/text_cursor.h; a format is a parser class that drives a
// cursor and reports to the same TextVisitor.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ingest/remote_write_decoder.h"

namespace osprey::ingest {

// TYPE values. The text format 0.0.4 knows the first five; the others are OpenMetrics'.
enum class MetricType {
  kUntyped,
  kCounter,
  kGauge,
  kHistogram,
  kSummary,
  kInfo,
  kStateset,
  kGaugeHistogram,
};

// One sample line. Views point into the body or into the parser's scratch space and are
// valid only during the OnSample call that receives them.
struct TextSample {
  std::string_view metric_name;
  // In the order written, values unescaped; not checked for order, duplicates or UTF-8.
  std::span<const LabelView> labels;
  double value = 0;
  bool has_timestamp = false;
  int64_t timestamp_ms = 0;
  // The metric name and label set exactly as written: equal texts mean equal series.
  std::string_view series_text;
  int line = 0;
};

// Receives the parts of a body in order. A non-OK status stops parsing and is returned by
// Parse unchanged.
class TextVisitor {
 public:
  virtual ~TextVisitor() = default;
  virtual Status OnSample(const TextSample& sample) = 0;
  // `help` is unescaped and valid only during the call.
  virtual Status OnHelp(std::string_view /*metric_name*/, std::string_view /*help*/) {
    return OkStatus();
  }
  virtual Status OnType(std::string_view /*metric_name*/, MetricType /*type*/) {
    return OkStatus();
  }
};

// Thread-compatible; reuse one parser per thread so its scratch buffers stay allocated.
// Cost: linear in the body; allocation only while the scratch space grows.
class TextParser {
 public:
  TextParser() = default;
  TextParser(const TextParser&) = delete;
  TextParser& operator=(const TextParser&) = delete;

  // Parses a whole body. On a syntax error returns kInvalidArgument; the visitor may already
  // have seen the lines before it.
  Status Parse(std::string_view body, TextVisitor& visitor);

 private:
  std::vector<LabelView> labels_;
  std::string unescaped_;
};

}  // namespace osprey::ingest
