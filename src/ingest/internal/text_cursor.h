// Lexing shared by the text-format parsers (Prometheus 0.0.4 now, OpenMetrics later): a
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

// Single-threaded. Views it returns point into the body, or into the caller's scratch string
// for unescaped values.
class TextCursor {
 public:
  explicit TextCursor(std::string_view text) : text_(text) {}

  // True when every line has been consumed.
  bool Done() const { return pos_ >= text_.size(); }
  // Begins the line at the cursor. Requires: !Done().
  void StartLine();
  // Moves past the end of the current line (and its '\n').
  void FinishLine() { pos_ = line_end_ + 1; }

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

  // Skips spaces and tabs; returns how many.
  size_t SkipBlanks();
  // [a-zA-Z_:][a-zA-Z0-9_:]*, or empty (cursor unmoved) when none starts here.
  std::string_view ReadMetricName();
  // [a-zA-Z_][a-zA-Z0-9_]*, or empty.
  std::string_view ReadLabelName();
  // Bytes up to the next blank or the line end.
  std::string_view ReadToken();
  // The rest of the line.
  std::string_view ReadRestOfLine();

  // Reads `{name="value", ...}` starting at '{' into `labels` (cleared first). Escaped values
  // are unescaped into `scratch`, which must have been cleared at the start of the line and
  // not reallocated since (it is reserved to the line length, so views stay valid).
  Status ReadLabelSet(std::vector<LabelView>& labels, std::string& scratch);

  // "line L, column C: message" at the cursor or at byte `pos` of the current line.
  Status ErrorHere(std::string_view message) const { return ErrorAt(pos_, message); }
  Status ErrorAt(size_t pos, std::string_view message) const;

 private:
  Status ReadQuotedValue(std::string& scratch, std::string_view* out);

  const std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  size_t line_end_ = 0;
  int line_ = 0;
};

// A sample value: a decimal float, or NaN / Inf / Infinity with an optional sign for the
// infinities, case-insensitive. False when `token` is not entirely one.
bool ParseSampleValue(std::string_view token, double* out);
// A base-10 int64 with an optional sign. False when `token` is not entirely one.
bool ParseTimestamp(std::string_view token, int64_t* out);
// HELP text: `\\` -> `\`, `\n` -> newline, other escapes kept. Returns `raw` itself when it
// has no backslash, else a view into `scratch` (appended to; reserve it beforehand).
std::string_view UnescapeHelp(std::string_view raw, std::string& scratch);

}  // namespace osprey::ingest::internal
