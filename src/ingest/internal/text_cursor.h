// Lexing shared by the text-format parsers (Prometheus text 0.0.4 and OpenMetrics 1.0): a
// cursor over one body that works line by line, reads names, label sets, values and
// timestamps, and formats errors as "line L, column C: message" (1-based, byte columns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ingest/remote_write_decoder.h"

namespace osprey::ingest::internal {

// How a label set is written.
struct LabelSetSyntax {
  // Prometheus text: blanks (space, tab) around every token, and the ',' between two pairs
  // may be left out (upstream accepts `{a="1" b="2"}`). OpenMetrics: no blanks, ',' required.
  bool prometheus = true;
  // A quoted string standing alone (`{"my.metric", a="b"}`) names the metric (UTF-8 metric
  // names, Prometheus 3). Not in exemplar label sets.
  bool quoted_metric_name = true;
  // Label values must be valid UTF-8 (else an error).
  bool check_utf8 = true;
};
inline constexpr LabelSetSyntax kPrometheusLabelSet{.prometheus = true, .quoted_metric_name = true};
inline constexpr LabelSetSyntax kOpenMetricsLabelSet{.prometheus = false,
                                                     .quoted_metric_name = true};
inline constexpr LabelSetSyntax kExemplarLabelSet{.prometheus = false, .quoted_metric_name = false};

// Single-threaded. Views it returns point into the body, or into the caller's scratch string
// for unescaped values.
class TextCursor {
 public:
  explicit TextCursor(std::string_view text) : text_(text) {}

  // True when every line has been consumed.
  bool Done() const { return pos_ >= text_.size(); }
  // Begins the line at the cursor (an empty one at the end of the body).
  void StartLine();
  // Moves past the end of the current line (and its '\n').
  void FinishLine() { pos_ = line_end_ + 1; }
  // Whether the current line ends with '\n' (only the last line of a body may not).
  bool LineTerminated() const { return line_end_ < text_.size(); }

  // The current byte; '\n' at the end of the line (so a missing final newline reads like one).
  char Peek() const { return pos_ < line_end_ ? text_[pos_] : '\n'; }
  bool AtLineEnd() const { return pos_ >= line_end_; }
  void Advance() { ++pos_; }
  size_t pos() const { return pos_; }
  int line() const { return line_; }
  size_t line_length() const { return line_end_ - line_start_; }
  std::string_view Slice(size_t begin, size_t end) const {
    return text_.substr(begin, end - begin);
  }
  // The rest of the current line, without moving.
  std::string_view Rest() const { return text_.substr(pos_, line_end_ - pos_); }
  // Moves past `prefix` when the rest of the line starts with it.
  bool Consume(std::string_view prefix);

  // Skips spaces and tabs; returns how many.
  size_t SkipBlanks();
  // [a-zA-Z_:][a-zA-Z0-9_:]*, or empty (cursor unmoved) when none starts here.
  std::string_view ReadMetricName();
  // [a-zA-Z_][a-zA-Z0-9_]*, or empty.
  std::string_view ReadLabelName();
  // Bytes up to the next blank (space or tab) or the line end.
  std::string_view ReadToken();
  // Bytes up to the next space or the line end (OpenMetrics: a tab is part of a token).
  std::string_view ReadUntilSpace();
  // The rest of the line.
  std::string_view ReadRestOfLine();

  // Reads a quoted string at '"' (`\\`, `\"`, `\n` unescaped, other escapes kept with their
  // backslash), on one line. Escaped strings are unescaped into `scratch` under the rules of
  // ReadLabelSet. An unterminated string is the error "unterminated <what>".
  Status ReadQuoted(std::string_view what, std::string& scratch, std::string_view* out);

  // Reads `{name="value", ...}` starting at '{' into `labels` (cleared first). A quoted metric name
  // (syntax.quoted_metric_name) is stored in
  // `*metric_name`, which must be empty before (else an error: the name is set twice).
  // Escaped values are unescaped into `scratch`, which must have been cleared at the start of
  // the line and not reallocated since (it is reserved to the line length, so views stay
  // valid).
  Status ReadLabelSet(LabelSetSyntax syntax, std::vector<LabelView>& labels, std::string& scratch,
                      std::string_view* metric_name);

  // "line L, column C: message" at the cursor or at byte `pos` of the current line.
  Status ErrorHere(std::string_view message) const { return ErrorAt(pos_, message); }
  Status ErrorAt(size_t pos, std::string_view message) const;

 private:
  const std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  size_t line_end_ = 0;
  int line_ = 0;
};

// The NaN a parsed "NaN" becomes: Prometheus's value.NormalNaN, never the staleness marker.
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

// A sample value with Go's strconv.ParseFloat rules as Prometheus applies them: a decimal
// float (underflow gives 0, overflow is an error), or NaN / Inf / Infinity (any case, the
// infinities with an optional sign); no hexadecimal floats, no '_'. False when `token` is not
// entirely one.
bool ParseSampleValue(std::string_view token, double* out);
// Text-format timestamps: [0-9]+ fitting an int64 (no sign, as Prometheus's lexer).
bool ParseTimestamp(std::string_view token, int64_t* out);
// Unescapes `\\` and `\n` (and `\"` when `quotes`); other escapes are kept. Returns `raw`
// itself when it has no backslash, else a view into `scratch` (appended to; reserve it
// beforehand so earlier views stay valid).
std::string_view Unescape(std::string_view raw, bool quotes, std::string& scratch);
// Text-format HELP: `\\` and `\n` only.
inline std::string_view UnescapeHelp(std::string_view raw, std::string& scratch) {
  return Unescape(raw, /*quotes=*/false, scratch);
}
// UTF-8 as Go's utf8.Valid: no overlong forms, surrogates or code points past U+10FFFF.
bool ValidUtf8(std::string_view s);
// Code points in valid UTF-8 (bytes that do not continue a sequence).
size_t CountCodePoints(std::string_view s);
// Appends Prometheus's FormatOpenMetricsFloat: Go's %g (strconv 'g', shortest), with ".0"
// added when the result has neither '.' nor 'e'; "NaN", "+Inf", "-Inf".
void AppendOpenMetricsFloat(double v, std::string& out);
// Rewrites the values of labels named `name` that parse as floats into their
// AppendOpenMetricsFloat form (Prometheus 3 normalizes `le` of histograms and `quantile` of
// summaries: le="1" -> "1.0"). New values are written to `scratch` (cleared first).
void NormalizeFloatLabel(std::string_view name, std::vector<LabelView>& labels,
                         std::string& scratch);

}  // namespace osprey::ingest::internal
