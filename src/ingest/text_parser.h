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
// Grammar, per line, as Prometheus's promparse.go (v3): blanks (space, tab) are skipped at
// the start; an empty line is ignored; a NUL there ends the body (as upstream). `#` + blanks +
// `HELP` or `TYPE` + blanks + a metric name starts a HELP line (`# HELP name text`, one blank
// after the name, unescaping `\\` and `\n`) or a TYPE line (`# TYPE name
// counter|gauge|histogram|summary|untyped`, compared exactly: no trailing blank); every other
// `#` line is a comment. Otherwise a sample: a metric name [a-zA-Z_:][a-zA-Z0-9_:]*, an
// optional label set `{name="value",...}` (names [a-zA-Z_][a-zA-Z0-9_]* or quoted, blanks
// allowed around tokens, the ',' between pairs optional and a trailing one allowed, values
// unescaping `\\`, `\"` and `\n`; any other escaped character is kept with
// its backslash, as Prometheus does), blanks, a value (a decimal float, or NaN, Inf, +Inf,
// -Inf, Infinity in any case; hexadecimal floats are not accepted), and an optional timestamp
// in milliseconds ([0-9]+, no sign, fitting int64). Prometheus 3's UTF-8 names: a quoted
// string alone in the label set is the metric name (`{"my.metric",a="b"} 1`), and HELP and
// TYPE lines may quote the name. Lines end at `\n` (a `\r` before it is not a blank); the last
// line may lack it. A label value with a raw newline (upstream's lexer allows one) is not
// accepted. Label values and HELP texts must be valid UTF-8 with reject_invalid_utf8.
//
// After a TYPE histogram line, `le` values that parse as floats are reported in Prometheus 3's
// normalized form (le="1" -> "1.0", as its FormatOpenMetricsFloat); likewise `quantile` after
// TYPE summary. As upstream, the last TYPE line applies until the next one.
//
// Errors are kInvalidArgument with a 1-based line and byte column:
//   "line 3, column 17: expected '=' after label name"
//
// Structure shared with OpenMetrics (openmetrics_parser.h): the lexing of names, label sets, values
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

// An OpenMetrics exemplar (`# {trace_id="abc"} 0.67 1520879607.789` after a sample). Views
// as in TextSample.
struct TextExemplar {
  std::span<const LabelView> labels;
  double value = 0;
  bool has_timestamp = false;
  int64_t timestamp_ms = 0;
};

// One sample line. Views point into the body or into the parser's scratch space and are
// valid only during the OnSample call that receives them.
struct TextSample {
  std::string_view metric_name;
  // In the order written, values unescaped; not checked for order or duplicates. Valid UTF-8
  // from OpenMetrics and from a TextParser with reject_invalid_utf8.
  std::span<const LabelView> labels;
  double value = 0;
  bool has_timestamp = false;
  int64_t timestamp_ms = 0;
  // The metric name and label set exactly as written: equal texts mean equal series.
  std::string_view series_text;
  int line = 0;
  // The sample's exemplar, or null. Valid only during OnSample; only OpenMetrics sets it.
  const TextExemplar* exemplar = nullptr;
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
  // OpenMetrics `# UNIT name unit`; `unit` is valid only during the call.
  virtual Status OnUnit(std::string_view /*metric_name*/, std::string_view /*unit*/) {
    return OkStatus();
  }
  // OpenMetrics: an exemplar dropped while its sample is kept (and reported next, with a null
  // `exemplar`), because its label set is longer than the spec's 128 code points. Prometheus
  // drops such an exemplar the same way without failing the scrape. `error` is
  // kInvalidArgument "line L, column C: ..."; count it.
  virtual Status OnDroppedExemplar(const Status& /*error*/) { return OkStatus(); }
};

// Thread-compatible; reuse one parser per thread so its scratch buffers stay allocated.
// Cost: linear in the body; allocation only while the scratch space grows.
struct TextParserOptions {
  // Reject (as a syntax error) a label value or HELP text that is not valid UTF-8, as
  // Prometheus's scraper does. Off, such values are reported as they are and the visitor
  // decides (the importer rejects just that series).
  bool reject_invalid_utf8 = false;
};

class TextParser {
 public:
  TextParser() = default;
  explicit TextParser(TextParserOptions options) : options_(options) {}
  TextParser(const TextParser&) = delete;
  TextParser& operator=(const TextParser&) = delete;

  // Parses a whole body. On a syntax error returns kInvalidArgument; the visitor may already
  // have seen the lines before it.
  Status Parse(std::string_view body, TextVisitor& visitor);

 private:
  const TextParserOptions options_{};
  std::vector<LabelView> labels_;
  std::string unescaped_;
  std::string normalized_;
};

}  // namespace osprey::ingest
