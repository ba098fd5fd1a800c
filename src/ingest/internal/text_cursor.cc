#include "ingest/internal/text_cursor.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

namespace osprey::ingest::internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsLabelNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsLabelNameChar(char c) { return IsLabelNameStart(c) || (c >= '0' && c <= '9'); }
bool IsMetricNameStart(char c) { return IsLabelNameStart(c) || c == ':'; }
bool IsMetricNameChar(char c) { return IsLabelNameChar(c) || c == ':'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

void TextCursor::StartLine() {
  line_start_ = pos_;
  const void* nl = std::memchr(text_.data() + pos_, '\n', text_.size() - pos_);
  line_end_ = nl == nullptr ? text_.size() : static_cast<const char*>(nl) - text_.data();
  ++line_;
}

size_t TextCursor::SkipBlanks() {
  const size_t start = pos_;
  while (pos_ < line_end_ && IsBlank(text_[pos_])) ++pos_;
  return pos_ - start;
}

std::string_view TextCursor::ReadMetricName() {
  const size_t start = pos_;
  if (pos_ >= line_end_ || !IsMetricNameStart(text_[pos_])) return {};
  ++pos_;
  while (pos_ < line_end_ && IsMetricNameChar(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadLabelName() {
  const size_t start = pos_;
  if (pos_ >= line_end_ || !IsLabelNameStart(text_[pos_])) return {};
  ++pos_;
  while (pos_ < line_end_ && IsLabelNameChar(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadToken() {
  const size_t start = pos_;
  while (pos_ < line_end_ && !IsBlank(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadRestOfLine() {
  const size_t start = pos_;
  pos_ = line_end_;
  return text_.substr(start, line_end_ - start);
}

Status TextCursor::ReadQuotedValue(std::string& scratch, std::string_view* out) {
  const size_t open = pos_;
  ++pos_;  // '"'
  const size_t start = pos_;
  while (pos_ < line_end_ && text_[pos_] != '"' && text_[pos_] != '\\') ++pos_;
  if (pos_ < line_end_ && text_[pos_] == '"') {
    *out = text_.substr(start, pos_ - start);
    ++pos_;
    return OkStatus();
  }
  // Escapes: unescape into scratch. The reservation covers every value of this line (the
  // unescaped bytes never exceed the raw ones), so earlier views into scratch stay valid.
  if (scratch.empty()) scratch.reserve(line_length());
  const size_t mark = scratch.size();
  scratch.append(text_.substr(start, pos_ - start));
  while (pos_ < line_end_) {
    const char c = text_[pos_];
    if (c == '"') {
      *out = std::string_view(scratch).substr(mark);
      ++pos_;
      return OkStatus();
    }
    if (c != '\\') {
      scratch.push_back(c);
      ++pos_;
      continue;
    }
    if (pos_ + 1 >= line_end_) break;
    const char e = text_[pos_ + 1];
    if (e == 'n') {
      scratch.push_back('\n');
    } else if (e == '\\' || e == '"') {
      scratch.push_back(e);
    } else {
      scratch.push_back('\\');
      scratch.push_back(e);
    }
    pos_ += 2;
  }
  return ErrorAt(open, "unterminated label value");
}

Status TextCursor::ReadLabelSet(std::vector<LabelView>& labels, std::string& scratch) {
  labels.clear();
  ++pos_;  // '{'
  SkipBlanks();
  for (;;) {
    if (Peek() == '}') {
      ++pos_;
      return OkStatus();
    }
    LabelView& label = labels.emplace_back();
    label.name = ReadLabelName();
    if (label.name.empty()) return ErrorHere("expected a label name");
    SkipBlanks();
    if (Peek() != '=') return ErrorHere("expected '=' after label name");
    ++pos_;
    SkipBlanks();
    if (Peek() != '"') return ErrorHere("expected '\"' to start the label value");
    OSPREY_RETURN_IF_ERROR(ReadQuotedValue(scratch, &label.value));
    SkipBlanks();
    const char c = Peek();
    if (c == ',') {
      ++pos_;
      SkipBlanks();
    } else if (c != '}') {
      return ErrorHere("expected ',' or '}' after label value");
    }
  }
}

Status TextCursor::ErrorAt(size_t pos, std::string_view message) const {
  std::string m =
      "line " + std::to_string(line_) + ", column " + std::to_string(pos - line_start_ + 1) + ": ";
  m += message;
  return InvalidArgumentError(std::move(m));
}

bool ParseSampleValue(std::string_view token, double* out) {
  if (token.empty()) return false;
  bool negative = false;
  std::string_view body = token;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  if (EqualsIgnoreCase(body, "nan")) {
    if (body.size() != token.size()) return false;  // no sign on NaN, as Go
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // from_chars takes no '+', and would accept "nan(...)" and "inf" forms handled above.
  if (body.empty() || !((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) return false;
  double v;
  const auto [ptr, ec] =
      std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (ec != std::errc() || ptr != body.data() + body.size()) return false;
  *out = negative ? -v : v;
  return true;
}

bool ParseTimestamp(std::string_view token, int64_t* out) {
  if (!token.empty() && token[0] == '+') token.remove_prefix(1);
  if (token.empty() || token[0] == '+') return false;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *out);
  return ec == std::errc() && ptr == token.data() + token.size();
}

std::string_view UnescapeHelp(std::string_view raw, std::string& scratch) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  const size_t mark = scratch.size();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '\\' || raw[i + 1] == 'n')) {
      scratch.push_back(raw[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      scratch.push_back(raw[i]);
    }
  }
  return std::string_view(scratch).substr(mark);
}

}  // namespace osprey::ingest::internal
