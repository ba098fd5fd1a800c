#include "ingest/text_parser.h"

#include "ingest/internal/text_cursor.h"

namespace osprey::ingest {
namespace {

using internal::TextCursor;

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

// Reads the metric name of a HELP or TYPE line, which must be followed by a blank or the end
// of the line, and skips the blanks after it.
Status ReadDescriptorName(TextCursor& c, std::string_view keyword, std::string_view* name) {
  c.SkipBlanks();
  *name = c.ReadMetricName();
  if (name->empty()) return c.ErrorHere("expected a metric name after " + std::string(keyword));
  if (c.SkipBlanks() == 0 && !c.AtLineEnd()) {
    return c.ErrorHere("expected a space after the metric name");
  }
  return OkStatus();
}

}  // namespace

Status TextParser::Parse(std::string_view body, TextVisitor& visitor) {
  TextCursor c(body);
  TextSample sample;
  while (!c.Done()) {
    c.StartLine();
    unescaped_.clear();
    c.SkipBlanks();
    const char first = c.Peek();
    if (first == '\n') {
      c.FinishLine();
      continue;
    }
    if (first == '#') {
      c.Advance();
      c.SkipBlanks();
      const std::string_view keyword = c.ReadToken();
      if (keyword == "HELP") {
        std::string_view name;
        OSPREY_RETURN_IF_ERROR(ReadDescriptorName(c, keyword, &name));
        unescaped_.reserve(c.line_length());
        OSPREY_RETURN_IF_ERROR(
            visitor.OnHelp(name, internal::UnescapeHelp(c.ReadRestOfLine(), unescaped_)));
      } else if (keyword == "TYPE") {
        std::string_view name;
        OSPREY_RETURN_IF_ERROR(ReadDescriptorName(c, keyword, &name));
        const size_t type_pos = c.pos();
        const std::string_view type_name = c.ReadToken();
        if (type_name.empty()) return c.ErrorHere("expected a metric type after the metric name");
        MetricType type;
        if (!ParseMetricType(type_name, &type)) {
          return c.ErrorAt(type_pos, "invalid metric type \"" + std::string(type_name) + "\"");
        }
        c.SkipBlanks();
        if (!c.AtLineEnd()) return c.ErrorHere("unexpected text after the metric type");
        OSPREY_RETURN_IF_ERROR(visitor.OnType(name, type));
      }
      c.FinishLine();
      continue;
    }

    const size_t start = c.pos();
    sample.metric_name = c.ReadMetricName();
    if (sample.metric_name.empty()) return c.ErrorHere("expected a metric name");
    const size_t name_end = c.pos();
    const size_t blanks = c.SkipBlanks();
    if (c.Peek() == '{') {
      OSPREY_RETURN_IF_ERROR(c.ReadLabelSet(labels_, unescaped_));
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
      return c.ErrorAt(value_pos, "invalid value \"" + std::string(value) + "\"");
    }
    c.SkipBlanks();
    sample.has_timestamp = !c.AtLineEnd();
    if (sample.has_timestamp) {
      const size_t ts_pos = c.pos();
      const std::string_view ts = c.ReadToken();
      if (!internal::ParseTimestamp(ts, &sample.timestamp_ms)) {
        return c.ErrorAt(ts_pos, "invalid timestamp \"" + std::string(ts) + "\"");
      }
      c.SkipBlanks();
      if (!c.AtLineEnd()) return c.ErrorHere("unexpected text after the timestamp");
    } else {
      sample.timestamp_ms = 0;
    }
    sample.labels = labels_;
    sample.line = c.line();
    OSPREY_RETURN_IF_ERROR(visitor.OnSample(sample));
    c.FinishLine();
  }
  return OkStatus();
}

}  // namespace osprey::ingest
