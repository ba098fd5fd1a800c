#include "ingest/text_parser.h"

#include "ingest/internal/text_cursor.h"

// Follows Prometheus's promlex.l / promparse.go (v3), including its leniencies: blanks
// around every token, an optional ',' between label pairs, HELP/TYPE only when `#`, the
// keyword and the metric name are each followed by blanks; and its strictness: TYPE text
// compared exactly (a trailing blank makes it invalid), timestamps digits only, label values
// and help texts valid UTF-8 (TextParserOptions::reject_invalid_utf8). Where upstream silently
// mangles a broken line (`# HELP a-b x` reads help "b x" for "a"), this parser reports an error
// instead.

namespace osprey::ingest {
namespace {

using internal::TextCursor;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool ParseMetricType(std::string_view s, MetricType* out) {
  if (s == "counter") {
    *out = MetricType::kCounter;
  } else if (s == "gauge") {
    *out = MetricType::kGauge;
  } else if (s == "histogram") {
    *out = MetricType::kHistogram;
  } else if (s == "summary") {
    *out = MetricType::kSummary;
  } else if (s == "untyped") {
    *out = MetricType::kUntyped;
  } else {
    return false;
  }
  return true;
}

// The metric name of a HELP or TYPE line, plain or quoted. One blank after it is part of the
// separator; the text is the rest of the line.
Status ReadDescriptor(TextCursor& c, std::string_view keyword, std::string& scratch,
                      std::string_view* name, std::string_view* text, size_t* text_pos) {
  if (c.Peek() == '"') {
    OSPREY_RETURN_IF_ERROR(c.ReadQuoted("metric name", scratch, name));
  } else {
    *name = c.ReadMetricName();
  }
  if (name->empty()) {
    std::string message = "expected a metric name after ";
    message += keyword;
    return c.ErrorHere(message);
  }
  if (!c.AtLineEnd()) {
    if (!IsBlank(c.Peek())) return c.ErrorHere("expected a space after the metric name");
    c.Advance();
  }
  *text_pos = c.pos();
  *text = c.ReadRestOfLine();
  return OkStatus();
}

}  // namespace

Status TextParser::Parse(std::string_view body, TextVisitor& visitor) {
  TextCursor c(body);
  TextSample sample;
  internal::LabelSetSyntax syntax = internal::kPrometheusLabelSet;
  syntax.check_utf8 = options_.reject_invalid_utf8;
  // As upstream, the type of the last TYPE line applies to the lines after it (it decides
  // which `le` / `quantile` values are normalized), whatever their metric name.
  MetricType type = MetricType::kUntyped;
  while (!c.Done()) {
    c.StartLine();
    unescaped_.clear();
    c.SkipBlanks();
    const char first = c.Peek();
    if (first == '\n') {
      c.FinishLine();
      continue;
    }
    if (first == '\0') return OkStatus();  // upstream's lexer reads a NUL here as the end
    if (first == '#') {
      c.Advance();
      // `#` + blanks + HELP or TYPE + blanks; anything else is a comment.
      if (c.SkipBlanks() == 0) {
        c.FinishLine();
        continue;
      }
      const bool help = c.Consume("HELP");
      if ((!help && !c.Consume("TYPE")) || c.SkipBlanks() == 0) {
        c.FinishLine();
        continue;
      }
      const std::string_view keyword = help ? "HELP" : "TYPE";
      unescaped_.reserve(c.line_length());
      std::string_view name;
      std::string_view text;
      size_t text_pos = 0;
      OSPREY_RETURN_IF_ERROR(ReadDescriptor(c, keyword, unescaped_, &name, &text, &text_pos));
      if (help) {
        if (options_.reject_invalid_utf8 && !internal::ValidUtf8(text))
          return c.ErrorAt(text_pos, "invalid UTF-8 in help text");
        OSPREY_RETURN_IF_ERROR(visitor.OnHelp(name, internal::UnescapeHelp(text, unescaped_)));
      } else {
        if (text.empty())
          return c.ErrorAt(text_pos, "expected a metric type after the metric name");
        if (!ParseMetricType(text, &type)) {
          std::string message = "invalid metric type \"";
          message.append(text);
          message += '"';
          return c.ErrorAt(text_pos, message);
        }
        OSPREY_RETURN_IF_ERROR(visitor.OnType(name, type));
      }
      c.FinishLine();
      continue;
    }

    const size_t start = c.pos();
    sample.metric_name = first == '{' ? std::string_view() : c.ReadMetricName();
    if (sample.metric_name.empty() && first != '{') return c.ErrorHere("expected a metric name");
    const size_t name_end = c.pos();
    const size_t blanks = c.SkipBlanks();
    if (c.Peek() == '{') {
      OSPREY_RETURN_IF_ERROR(c.ReadLabelSet(syntax, labels_, unescaped_, &sample.metric_name));
      if (sample.metric_name.empty()) return c.ErrorAt(start, "expected a metric name");
      sample.series_text = c.Slice(start, c.pos());
      c.SkipBlanks();
    } else {
      labels_.clear();
      sample.series_text = c.Slice(start, name_end);
      if (blanks == 0 && !c.AtLineEnd()) {
        return c.ErrorHere("expected a space or '{' after the metric name");
      }
    }
    if (c.AtLineEnd()) return c.ErrorHere("expected a value");
    const size_t value_pos = c.pos();
    const std::string_view value = c.ReadToken();
    if (!internal::ParseSampleValue(value, &sample.value)) {
      std::string message = "invalid value \"";
      message.append(value);
      message += '"';
      return c.ErrorAt(value_pos, message);
    }
    c.SkipBlanks();
    sample.has_timestamp = !c.AtLineEnd();
    if (sample.has_timestamp) {
      const size_t ts_pos = c.pos();
      const std::string_view ts = c.ReadToken();
      if (!internal::ParseTimestamp(ts, &sample.timestamp_ms)) {
        std::string message = "invalid timestamp \"";
        message.append(ts);
        message += '"';
        return c.ErrorAt(ts_pos, message);
      }
      c.SkipBlanks();
      if (!c.AtLineEnd()) return c.ErrorHere("unexpected text after the timestamp");
    } else {
      sample.timestamp_ms = 0;
    }
    if (type == MetricType::kHistogram) {
      internal::NormalizeFloatLabel("le", labels_, normalized_);
    } else if (type == MetricType::kSummary) {
      internal::NormalizeFloatLabel("quantile", labels_, normalized_);
    }
    sample.labels = labels_;
    sample.line = c.line();
    OSPREY_RETURN_IF_ERROR(visitor.OnSample(sample));
    c.FinishLine();
  }
  return OkStatus();
}

}  // namespace osprey::ingest
