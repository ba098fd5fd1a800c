#include "ingest/internal/text_cursor.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

namespace osprey::ingest::internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Character classes as one table lookup: names are the hot loop of a scrape.
enum CharClass : uint8_t {
  kLabelStart = 1,   // [a-zA-Z_]
  kLabelChar = 2,    // [a-zA-Z0-9_]
  kMetricStart = 4,  // [a-zA-Z_:]
  kMetricChar = 8,   // [a-zA-Z0-9_:]
  kValueStop = 16,   // '"' and '\\': end of the plain part of a quoted string
};

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    uint8_t v = 0;
    if (alpha) v |= kLabelStart | kLabelChar | kMetricStart | kMetricChar;
    if (digit) v |= kLabelChar | kMetricChar;
    if (c == ':') v |= kMetricStart | kMetricChar;
    if (c == '"' || c == '\\') v |= kValueStop;
    t[c] = v;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

bool Is(char c, CharClass k) { return (kCharClasses[static_cast<unsigned char>(c)] & k) != 0; }
bool IsLabelNameStart(char c) { return Is(c, kLabelStart); }

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
  if (pos_ > text_.size()) pos_ = text_.size();  // after an unterminated last line
  line_start_ = pos_;
  const void* nl = std::memchr(text_.data() + pos_, '\n', text_.size() - pos_);
  line_end_ = nl == nullptr ? text_.size() : static_cast<const char*>(nl) - text_.data();
  ++line_;
}

bool TextCursor::Consume(std::string_view prefix) {
  if (Rest().substr(0, prefix.size()) != prefix) return false;
  pos_ += prefix.size();
  return true;
}

size_t TextCursor::SkipBlanks() {
  const size_t start = pos_;
  while (pos_ < line_end_ && IsBlank(text_[pos_])) ++pos_;
  return pos_ - start;
}

std::string_view TextCursor::ReadMetricName() {
  const size_t start = pos_;
  if (pos_ >= line_end_ || !Is(text_[pos_], kMetricStart)) return {};
  ++pos_;
  while (pos_ < line_end_ && Is(text_[pos_], kMetricChar)) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadLabelName() {
  const size_t start = pos_;
  if (pos_ >= line_end_ || !Is(text_[pos_], kLabelStart)) return {};
  ++pos_;
  while (pos_ < line_end_ && Is(text_[pos_], kLabelChar)) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadToken() {
  const size_t start = pos_;
  while (pos_ < line_end_ && !IsBlank(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadUntilSpace() {
  const size_t start = pos_;
  while (pos_ < line_end_ && text_[pos_] != ' ') ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view TextCursor::ReadRestOfLine() {
  const size_t start = pos_;
  pos_ = line_end_;
  return text_.substr(start, line_end_ - start);
}

Status TextCursor::ReadQuoted(std::string_view what, std::string& scratch, std::string_view* out) {
  const size_t open = pos_;
  ++pos_;  // '"'
  const size_t start = pos_;
  // The common case: no escape.
  while (pos_ < line_end_ && !Is(text_[pos_], kValueStop)) ++pos_;
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
  std::string message = "unterminated ";
  message += what;
  return ErrorAt(open, message);
}

Status TextCursor::ReadLabelSet(LabelSetSyntax syntax, std::vector<LabelView>& labels,
                                std::string& scratch, std::string_view* metric_name) {
  labels.clear();
  ++pos_;  // '{'
  if (syntax.prometheus) SkipBlanks();
  for (;;) {
    if (Peek() == '}') {
      ++pos_;
      return OkStatus();
    }
    const size_t name_pos = pos_;
    std::string_view name;
    bool quoted = false;
    if (Peek() == '"') {
      OSPREY_RETURN_IF_ERROR(ReadQuoted("quoted name", scratch, &name));
      quoted = true;
    } else {
      name = ReadLabelName();
      if (name.empty()) return ErrorHere("expected a label name");
    }
    if (syntax.prometheus) SkipBlanks();
    if (quoted && syntax.quoted_metric_name && (Peek() == ',' || Peek() == '}')) {
      // `{"name", ...}`: a quoted string alone is the metric name.
      if (!metric_name->empty()) return ErrorAt(name_pos, "metric name already set");
      *metric_name = name;
    } else {
      if (Peek() != '=') return ErrorHere("expected '=' after label name");
      ++pos_;
      if (syntax.prometheus) SkipBlanks();
      if (Peek() != '"') return ErrorHere("expected '\"' to start the label value");
      const size_t value_pos = pos_;
      LabelView& label = labels.emplace_back();
      label.name = name;
      // ReadQuoted's common case, inline: no escape before the closing quote.
      size_t end = pos_ + 1;
      while (end < line_end_ && !Is(text_[end], kValueStop)) ++end;
      if (end < line_end_ && text_[end] == '"') {
        label.value = text_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
      } else {
        OSPREY_RETURN_IF_ERROR(ReadQuoted("label value", scratch, &label.value));
      }
      if (syntax.check_utf8 && !ValidUtf8(Slice(value_pos + 1, pos_ - 1))) {
        return ErrorAt(value_pos, "invalid UTF-8 in label value");
      }
      if (syntax.prometheus) SkipBlanks();
    }
    const char c = Peek();
    if (c == ',') {
      ++pos_;
      if (syntax.prometheus) SkipBlanks();
    } else if (c != '}' && !(syntax.prometheus && (c == '"' || IsLabelNameStart(c)))) {
      // Prometheus's text parser also accepts the next pair without a comma.
      return ErrorHere("expected ',' or '}' after label value");
    }
  }
}

Status TextCursor::ErrorAt(size_t pos, std::string_view message) const {
  std::string m = "line ";
  m += std::to_string(line_);
  m += ", column ";
  m += std::to_string(pos - line_start_ + 1);
  m += ": ";
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
    *out = std::bit_cast<double>(kNormalNaNBits);
    return true;
  }
  // from_chars takes no '+', and would accept "nan(...)" and "inf" forms handled above.
  if (body.empty() || !((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) return false;
  double v;
  const auto [ptr, ec] =
      std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go too; underflow is not (it rounds to 0 or a subnormal), but
    // from_chars reports both the same way. strtod tells them apart; this path is rare.
    const std::string copy(body);
    v = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) return false;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool ParseTimestamp(std::string_view token, int64_t* out) {
  if (token.empty() || token[0] < '0' || token[0] > '9') return false;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *out);
  return ec == std::errc() && ptr == token.data() + token.size();
}

std::string_view Unescape(std::string_view raw, bool quotes, std::string& scratch) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  const size_t mark = scratch.size();
  for (size_t i = 0; i < raw.size(); ++i) {
    const char next = i + 1 < raw.size() ? raw[i + 1] : '\0';
    if (raw[i] == '\\' && (next == '\\' || next == 'n' || (quotes && next == '"'))) {
      scratch.push_back(next == 'n' ? '\n' : next);
      ++i;
    } else {
      scratch.push_back(raw[i]);
    }
  }
  return std::string_view(scratch).substr(mark);
}

bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  // ASCII fast path, 8 bytes at a time.
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
    p += 8;
  }
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i <= n; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += n + 1;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void AppendOpenMetricsFloat(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (v == 0) {
    out += "0.0";
    return;
  }
  // Go's 'g' with the shortest precision: %e when the decimal exponent is < -4 or >= 6
  // ("1e+06"), else %f; both with the shortest digits that round-trip, as to_chars gives.
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view s(buf, sci.ptr - buf);
  const size_t e = s.find('e');
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  if (exp < -4 || exp >= 6) {
    out += s;
    return;
  }
  auto fixed = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  const std::string_view f(buf, fixed.ptr - buf);
  out += f;
  if (f.find('.') == std::string_view::npos) out += ".0";
}

void NormalizeFloatLabel(std::string_view name, std::vector<LabelView>& labels,
                         std::string& scratch) {
  scratch.clear();
  size_t count = 0;
  for (const LabelView& l : labels) count += l.name == name;
  if (count == 0) return;
  // 32 bytes hold any AppendOpenMetricsFloat result, so scratch never reallocates below and
  // the views taken into it stay valid.
  scratch.reserve(count * 32);
  for (LabelView& l : labels) {
    if (l.name != name) continue;
    double v;
    if (!ParseSampleValue(l.value, &v)) continue;
    const size_t mark = scratch.size();
    AppendOpenMetricsFloat(v, scratch);
    const std::string_view normalized = std::string_view(scratch).substr(mark);
    if (normalized != l.value) l.value = normalized;
  }
}

}  // namespace osprey::ingest::internal
