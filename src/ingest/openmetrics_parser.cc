#include "ingest/openmetrics_parser.h"

#include <cmath>

#include "ingest/internal/text_cursor.h"

// Follows Prometheus's openmetricslex.l / openmetricsparse.go (v3): every separator is
// exactly one space, no blank or empty line, no comment other than HELP, TYPE, UNIT and the
// final EOF, every line but `# EOF` ends with '\n'. Exemplars are accepted after any sample,
// as upstream's parser does; `_created` lines are ordinary samples (upstream's default).

namespace osprey::ingest {
namespace {

using internal::TextCursor;

constexpr size_t kMaxExemplarLabelSetLength = 128;  // code points, names and values

bool ParseMetricType(std::string_view s, MetricType* out) {
  if (s == "counter") {
    *out = MetricType::kCounter;
  } else if (s == "gauge") {
    *out = MetricType::kGauge;
  } else if (s == "histogram") {
    *out = MetricType::kHistogram;
  } else if (s == "gaugehistogram") {
    *out = MetricType::kGaugeHistogram;
  } else if (s == "summary") {
    *out = MetricType::kSummary;
  } else if (s == "info") {
    *out = MetricType::kInfo;
  } else if (s == "stateset") {
    *out = MetricType::kStateset;
  } else if (s == "unknown") {
    *out = MetricType::kUntyped;
  } else {
    return false;
  }
  return true;
}

Status Quoted(const TextCursor& c, size_t pos, std::string_view prefix, std::string_view token,
              std::string_view suffix = {}) {
  std::string message(prefix);
  message += " \"";
  message.append(token);
  message += '"';
  message.append(suffix);
  return c.ErrorAt(pos, message);
}

// Float seconds to int64 milliseconds, truncated as upstream's int64(ts * 1000).
// `what` is "timestamp" or "exemplar timestamp".
Status ReadTimestamp(TextCursor& c, std::string_view what, int64_t* ms) {
  const size_t pos = c.pos();
  const std::string_view token = c.ReadUntilSpace();
  if (token.empty()) {
    std::string message = what == "timestamp" ? "expected a " : "expected an ";
    message.append(what);
    return c.ErrorAt(pos, message);
  }
  std::string invalid = "invalid ";
  invalid.append(what);
  double seconds;
  if (!internal::ParseSampleValue(token, &seconds) || !std::isfinite(seconds)) {
    return Quoted(c, pos, invalid, token);
  }
  const double v = seconds * 1000.0;
  if (!(v > -9.2233720368547758e18 && v < 9.2233720368547758e18)) {
    return Quoted(c, pos, what, token, " out of range");
  }
  *ms = static_cast<int64_t>(v);
  return OkStatus();
}

// `what` is "value" or "exemplar value".
Status ReadValue(TextCursor& c, std::string_view what, double* out) {
  const size_t pos = c.pos();
  const std::string_view token = c.ReadUntilSpace();
  if (token.empty()) {
    std::string message = what == "value" ? "expected a " : "expected an ";
    message.append(what);
    return c.ErrorAt(pos, message);
  }
  if (!internal::ParseSampleValue(token, out)) {
    std::string invalid = "invalid ";
    invalid.append(what);
    return Quoted(c, pos, invalid, token);
  }
  return OkStatus();
}

}  // namespace

Status OpenMetricsParser::ParseDescriptor(internal::TextCursor& c, TextVisitor& visitor,
                                          MetricType& type) {
  // At the keyword after "# ".
  std::string_view keyword;
  for (std::string_view k : {"HELP", "TYPE", "UNIT"}) {
    if (c.Consume(k)) {
      keyword = k;
      break;
    }
  }
  if (keyword.empty() || c.Peek() != ' ') {
    return c.ErrorHere("expected HELP, TYPE, UNIT or EOF after '# '");
  }
  c.Advance();
  unescaped_.reserve(c.line_length());
  std::string_view name;
  if (c.Peek() == '"') {
    OSPREY_RETURN_IF_ERROR(c.ReadQuoted("metric name", unescaped_, &name));
  } else {
    name = c.ReadMetricName();
  }
  if (name.empty()) {
    std::string message = "expected a metric name after ";
    message.append(keyword);
    return c.ErrorHere(message);
  }
  if (c.Peek() != ' ') return c.ErrorHere("expected a space after the metric name");
  c.Advance();
  const size_t text_pos = c.pos();
  const std::string_view text = c.ReadRestOfLine();
  if (!c.LineTerminated()) return c.ErrorHere("expected # EOF");
  if (keyword == "HELP") {
    if (!internal::ValidUtf8(text)) return c.ErrorAt(text_pos, "invalid UTF-8 in help text");
    return visitor.OnHelp(name, internal::Unescape(text, /*quotes=*/true, unescaped_));
  }
  if (keyword == "TYPE") {
    if (text.empty()) return c.ErrorAt(text_pos, "expected a metric type after the metric name");
    if (!ParseMetricType(text, &type)) return Quoted(c, text_pos, "invalid metric type", text);
    return visitor.OnType(name, type);
  }
  // UNIT: empty, or a suffix of the metric name after '_' (seconds for foo_seconds).
  if (!text.empty() && !(name.size() > text.size() && name.ends_with(text) &&
                         name[name.size() - text.size() - 1] == '_')) {
    std::string message = "unit \"";
    message.append(text);
    message += "\" not a suffix of metric \"";
    message.append(name);
    message += '"';
    return c.ErrorAt(text_pos, message);
  }
  return visitor.OnUnit(name, text);
}

Status OpenMetricsParser::ParseExemplar(internal::TextCursor& c, TextExemplar& exemplar,
                                        size_t* label_set_length) {
  // At '{' after " # ".
  OSPREY_RETURN_IF_ERROR(
      c.ReadLabelSet(internal::kExemplarLabelSet, exemplar_labels_, unescaped_, nullptr));
  if (c.Peek() != ' ') return c.ErrorHere("expected a space and a value after the exemplar");
  c.Advance();
  OSPREY_RETURN_IF_ERROR(ReadValue(c, "exemplar value", &exemplar.value));
  exemplar.has_timestamp = !c.AtLineEnd();
  exemplar.timestamp_ms = 0;
  if (exemplar.has_timestamp) {
    c.Advance();  // ' '
    OSPREY_RETURN_IF_ERROR(ReadTimestamp(c, "exemplar timestamp", &exemplar.timestamp_ms));
    if (!c.AtLineEnd()) return c.ErrorHere("unexpected text after the exemplar timestamp");
  }
  exemplar.labels = exemplar_labels_;
  *label_set_length = 0;
  for (const LabelView& l : exemplar_labels_) {
    *label_set_length += internal::CountCodePoints(l.name) + internal::CountCodePoints(l.value);
  }
  return OkStatus();
}

Status OpenMetricsParser::Parse(std::string_view body, TextVisitor& visitor) {
  TextCursor c(body);
  TextSample sample;
  TextExemplar exemplar;
  // As upstream, the type of the last TYPE line decides which `le` / `quantile` values are
  // normalized, whatever the metric name of the lines after it.
  MetricType type = MetricType::kUntyped;
  while (!c.Done()) {
    c.StartLine();
    unescaped_.clear();
    if (c.AtLineEnd()) return c.ErrorHere("unexpected empty line");
    const char first = c.Peek();
    if (first == '#') {
      c.Advance();
      if (c.Peek() != ' ') return c.ErrorHere("expected a space after '#'");
      c.Advance();
      if (c.Consume("EOF")) {
        if (!c.AtLineEnd()) return c.ErrorHere("unexpected content after # EOF");
        c.FinishLine();
        c.StartLine();
        if (!c.AtLineEnd() || c.LineTerminated()) {
          return c.ErrorHere("unexpected content after # EOF");
        }
        return OkStatus();
      }
      OSPREY_RETURN_IF_ERROR(ParseDescriptor(c, visitor, type));
      c.FinishLine();
      continue;
    }

    const size_t start = c.pos();
    sample.metric_name = first == '{' ? std::string_view() : c.ReadMetricName();
    if (sample.metric_name.empty() && first != '{') return c.ErrorHere("expected a metric name");
    const bool has_labels = c.Peek() == '{';
    if (has_labels) {
      OSPREY_RETURN_IF_ERROR(
          c.ReadLabelSet(internal::kOpenMetricsLabelSet, labels_, unescaped_, &sample.metric_name));
      if (sample.metric_name.empty()) return c.ErrorAt(start, "expected a metric name");
    } else {
      labels_.clear();
    }
    sample.series_text = c.Slice(start, c.pos());
    if (c.Peek() != ' ') {
      if (c.AtLineEnd()) return c.ErrorHere("expected a value");
      return c.ErrorHere(has_labels ? "expected a space after the label set"
                                    : "expected a space or '{' after the metric name");
    }
    c.Advance();
    OSPREY_RETURN_IF_ERROR(ReadValue(c, "value", &sample.value));
    sample.has_timestamp = false;
    sample.timestamp_ms = 0;
    sample.exemplar = nullptr;
    // " # {" starts an exemplar, in place of or after the timestamp.
    const auto at_exemplar = [&c] { return c.Rest().starts_with("# {"); };
    bool has_exemplar = false;
    size_t exemplar_pos = 0;
    size_t exemplar_length = 0;
    if (!c.AtLineEnd()) {
      c.Advance();  // ' '
      has_exemplar = at_exemplar();
      if (!has_exemplar) {
        sample.has_timestamp = true;
        OSPREY_RETURN_IF_ERROR(ReadTimestamp(c, "timestamp", &sample.timestamp_ms));
        if (!c.AtLineEnd()) {
          const size_t space = c.pos();
          c.Advance();
          has_exemplar = at_exemplar();
          if (!has_exemplar) return c.ErrorAt(space, "unexpected text after the timestamp");
        }
      }
      if (has_exemplar) {
        c.Consume("# ");
        exemplar_pos = c.pos();
        OSPREY_RETURN_IF_ERROR(ParseExemplar(c, exemplar, &exemplar_length));
      }
    }
    if (!c.LineTerminated()) return c.ErrorHere("expected # EOF");
    if (has_exemplar && exemplar_length > kMaxExemplarLabelSetLength) {
      std::string message = "exemplar label set has ";
      message += std::to_string(exemplar_length);
      message += " characters, more than the limit of 128; exemplar dropped";
      OSPREY_RETURN_IF_ERROR(visitor.OnDroppedExemplar(c.ErrorAt(exemplar_pos, message)));
      has_exemplar = false;
    }
    if (type == MetricType::kHistogram) {
      internal::NormalizeFloatLabel("le", labels_, normalized_);
    } else if (type == MetricType::kSummary) {
      internal::NormalizeFloatLabel("quantile", labels_, normalized_);
    }
    if (has_exemplar) sample.exemplar = &exemplar;
    sample.labels = labels_;
    sample.line = c.line();
    OSPREY_RETURN_IF_ERROR(visitor.OnSample(sample));
    c.FinishLine();
  }
  // The body ended without "# EOF": point just past its last line.
  c.StartLine();
  return c.ErrorHere("expected # EOF");
}

}  // namespace osprey::ingest
