// Invariants: LineParser::pos_ only moves forward; line_ and line_start_ always describe the
// physical line holding pos_ (strings may span lines, so newlines inside them count too).
// Pieces point into the body or into scratch_, which only grows while a line is parsed, so
// the views are built once the whole line is known (a reallocation cannot invalidate them).
#include "ingest/influx_parser.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "base/strings.h"

namespace osprey::ingest {
namespace {

// Longer names and values are cut in error messages.
constexpr size_t kMaxQuotedInError = 100;

bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Measurements end at `,`, space or a control character and escape `,` and space. Tag keys,
// tag values and field keys also end at (and escape) `=`.
enum class NameKind { kMeasurement, kKey };

bool IsNameStop(NameKind kind, char c) {
  return c == ',' || c == ' ' || IsControl(c) || (kind == NameKind::kKey && c == '=');
}
bool IsNameEscape(NameKind kind, char c) {
  return c == ',' || c == ' ' || (kind == NameKind::kKey && c == '=');
}

std::string Quote(std::string_view s) {
  std::string out;
  if (s.size() > kMaxQuotedInError) {
    AppendGoQuoted(out, s.substr(0, kMaxQuotedInError), GoQuoteEscapes::kReadable);
    out += "...";
  } else {
    AppendGoQuoted(out, s, GoQuoteEscapes::kReadable);
  }
  return out;
}

std::string QuoteChar(char c) { return Quote(std::string_view(&c, 1)); }

bool IsBoolTrue(std::string_view s) {
  return s == "t" || s == "T" || s == "true" || s == "True" || s == "TRUE";
}
bool IsBoolFalse(std::string_view s) {
  return s == "f" || s == "F" || s == "false" || s == "False" || s == "FALSE";
}

// [-] digits ["." [digits]] [exp] | [-] "." digits [exp], exp = (e|E) [+|-] digits.
bool IsFloatSyntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// [-] digits (allow_minus) or digits.
bool IsIntegerSyntax(std::string_view s, bool allow_minus) {
  size_t i = (allow_minus && !s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return true;
}

// Requires: IsFloatSyntax(s). False when the value overflows a double (underflow gives 0 or a
// denormal, as Go's strconv.ParseFloat).
bool ParseFloat(std::string_view s, double* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  // Out of range (or a form from_chars reads differently): strtod tells overflow from
  // underflow. Rare, so the copy does not matter.
  const std::string copy(s);
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return false;
  return !std::isinf(*out);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

// Converts a timestamp in `precision` units to milliseconds; false on overflow.
bool ToMillis(int64_t t, InfluxPrecision precision, int64_t* ms) {
  switch (precision) {
    case InfluxPrecision::kNanosecond:
      *ms = FloorDiv(t, 1'000'000);
      return true;
    case InfluxPrecision::kMicrosecond:
      *ms = FloorDiv(t, 1'000);
      return true;
    case InfluxPrecision::kMillisecond:
      *ms = t;
      return true;
    case InfluxPrecision::kSecond:
      return !__builtin_mul_overflow(t, int64_t{1'000}, ms);
    case InfluxPrecision::kMinute:
      return !__builtin_mul_overflow(t, int64_t{60'000}, ms);
    case InfluxPrecision::kHour:
      return !__builtin_mul_overflow(t, int64_t{3'600'000}, ms);
  }
  return false;
}

}  // namespace

Result<InfluxPrecision> ParseInfluxPrecision(std::string_view p) {
  if (p.empty() || p == "n" || p == "ns") return InfluxPrecision::kNanosecond;
  if (p == "u" || p == "us" || p == "\xc2\xb5") return InfluxPrecision::kMicrosecond;
  if (p == "ms") return InfluxPrecision::kMillisecond;
  if (p == "s") return InfluxPrecision::kSecond;
  if (p == "m") return InfluxPrecision::kMinute;
  if (p == "h") return InfluxPrecision::kHour;
  std::string msg = "invalid precision ";
  msg += Quote(p);
  msg += ": want one of ns (or n), us (or u), ms, s, m, h";
  return InvalidArgumentError(std::move(msg));
}

std::string InfluxLineError::ToString() const {
  std::string out = "line ";
  out += std::to_string(line);
  out += ", column ";
  out += std::to_string(column);
  out += ": ";
  out += reason;
  return out;
}

class InfluxParser::LineParser {
 public:
  LineParser(InfluxParser& parser, std::string_view body, InfluxPrecision precision,
             InfluxVisitor& visitor)
      : p_(parser), body_(body), precision_(precision), visitor_(visitor) {}

  void Run() {
    while (pos_ < body_.size()) ParseLine();
  }

 private:
  bool AtEnd() const { return pos_ >= body_.size(); }
  char Peek() const { return body_[pos_]; }
  // End of line: the end of the body, "\n", or "\r" before "\n" or the end.
  bool AtEol() const {
    if (AtEnd() || Peek() == '\n') return true;
    return Peek() == '\r' && (pos_ + 1 == body_.size() || body_[pos_ + 1] == '\n');
  }
  void ConsumeEol() {
    if (!AtEnd() && Peek() == '\r') ++pos_;
    if (!AtEnd() && Peek() == '\n') NewLineAt(pos_++);
  }
  void NewLineAt(size_t newline) {
    ++line_;
    line_start_ = newline + 1;
  }
  void SkipSpaces() {
    while (!AtEnd() && Peek() == ' ') ++pos_;
  }
  void SkipRestOfLine() {
    while (!AtEnd() && Peek() != '\n') ++pos_;
    ConsumeEol();
  }

  void ParseLine() {
    SkipSpaces();
    if (AtEol()) {
      ConsumeEol();
      return;
    }
    if (Peek() == '#') {
      SkipRestOfLine();
      return;
    }
    point_line_ = line_;
    point_line_start_ = line_start_;
    if (!ParsePoint()) {
      visitor_.OnError(error_);
      SkipRestOfLine();
      return;
    }
    ConsumeEol();
  }

  // Records an error at byte `at` of the body and returns false.
  bool Fail(size_t at, std::string reason) {
    // `at` may lie on an earlier physical line than pos_ (after a multi-line string).
    int line = point_line_;
    size_t start = point_line_start_;
    for (size_t i = point_line_start_; i < at && i < body_.size(); ++i) {
      if (body_[i] == '\n') {
        ++line;
        start = i + 1;
      }
    }
    error_.line = line;
    error_.column = static_cast<int>(at - start) + 1;
    error_.reason = std::move(reason);
    return false;
  }

  // Reads a name or tag value up to the first unescaped stop byte.
  Piece ScanName(NameKind kind) {
    const size_t start = pos_;
    size_t copied_to = start;
    size_t scratch_begin = std::string::npos;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '\\' && pos_ + 1 < body_.size() && IsNameEscape(kind, body_[pos_ + 1])) {
        if (scratch_begin == std::string::npos) scratch_begin = p_.scratch_.size();
        p_.scratch_.append(body_.substr(copied_to, pos_ - copied_to));
        p_.scratch_.push_back(body_[pos_ + 1]);
        pos_ += 2;
        copied_to = pos_;
        continue;
      }
      if (IsNameStop(kind, c)) break;
      ++pos_;
    }
    if (scratch_begin == std::string::npos) return {start, pos_ - start, false};
    p_.scratch_.append(body_.substr(copied_to, pos_ - copied_to));
    return {scratch_begin, p_.scratch_.size() - scratch_begin, true};
  }

  std::string_view Text(Piece piece) const { return p_.Resolve(body_, piece); }

  // What follows a name when something else was expected.
  std::string Unexpected(std::string_view where) const {
    std::string out = "unexpected ";
    out += AtEol() ? std::string("end of line") : QuoteChar(Peek());
    out += ' ';
    out += where;
    return out;
  }

  bool ParsePoint() {
    p_.scratch_.clear();
    p_.pending_tags_.clear();
    p_.pending_fields_.clear();
    const size_t series_begin = pos_;

    const Piece measurement = ScanName(NameKind::kMeasurement);
    if (measurement.size == 0) {
      return Fail(pos_, Unexpected("where the measurement name should start"));
    }
    while (!AtEnd() && Peek() == ',') {
      ++pos_;
      const size_t key_at = pos_;
      const Piece key = ScanName(NameKind::kKey);
      if (key.size == 0) return Fail(key_at, Unexpected("where a tag key should start"));
      if (AtEnd() || Peek() != '=') {
        return Fail(pos_, Unexpected("after tag key " + Quote(Text(key)) + ", want '='"));
      }
      ++pos_;
      const Piece value = ScanName(NameKind::kKey);
      if (value.size == 0) {
        return Fail(pos_, "missing value for tag " + Quote(Text(key)));
      }
      p_.pending_tags_.push_back({key, value});
    }
    const std::string_view series_text = body_.substr(series_begin, pos_ - series_begin);
    if (AtEnd() || Peek() != ' ') {
      if (AtEol()) return Fail(pos_, "missing fields");
      return Fail(pos_, Unexpected("after the measurement and tags, want ',' or ' '"));
    }
    SkipSpaces();
    if (AtEol()) return Fail(pos_, "missing fields");

    if (!ParseFields()) return false;

    std::optional<model::Timestamp> timestamp_ms;
    if (!AtEol()) {
      // ParseFields stopped at a space.
      SkipSpaces();
      if (!AtEol()) {
        const size_t ts_at = pos_;
        while (!AtEnd() && Peek() != ' ' && Peek() != '\n' && Peek() != '\r') ++pos_;
        const std::string_view text = body_.substr(ts_at, pos_ - ts_at);
        int64_t t = 0;
        if (!IsIntegerSyntax(text, /*allow_minus=*/true)) {
          return Fail(ts_at, "invalid timestamp " + Quote(text) + ", want an integer");
        }
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
        int64_t ms = 0;
        if (ec != std::errc() || !ToMillis(t, precision_, &ms)) {
          return Fail(ts_at, "timestamp " + Quote(text) + " out of range");
        }
        timestamp_ms = ms;
        SkipSpaces();
        if (!AtEol()) return Fail(pos_, "unexpected text after the timestamp");
      }
    }
    Emit(measurement, series_text, timestamp_ms);
    return true;
  }

  // Reads field { "," field } and stops at the space or end of line after the last one.
  bool ParseFields() {
    while (true) {
      const size_t key_at = pos_;
      const Piece key = ScanName(NameKind::kKey);
      const std::string_view raw_key = body_.substr(key_at, pos_ - key_at);
      if (key.size == 0) return Fail(key_at, Unexpected("where a field key should start"));
      if (AtEnd() || Peek() != '=') {
        return Fail(pos_, Unexpected("after field key " + Quote(Text(key)) + ", want '='"));
      }
      ++pos_;
      PendingField field{
          .key = key, .raw_key = raw_key, .type = InfluxFieldType::kFloat, .value = 0};
      if (!ParseFieldValue(field)) return false;
      p_.pending_fields_.push_back(field);
      if (AtEol() || Peek() == ' ') return true;
      if (Peek() != ',') {
        return Fail(pos_, Unexpected("after the value of field " + Quote(Text(key))));
      }
      ++pos_;
    }
  }

  bool ParseFieldValue(PendingField& field) {
    const size_t at = pos_;
    if (!AtEnd() && Peek() == '"') {
      ++pos_;
      while (true) {
        if (AtEnd()) {
          return Fail(at, "unterminated string value for field " + Quote(Text(field.key)));
        }
        const char c = Peek();
        if (c == '"') break;
        if (c == '\\' && pos_ + 1 < body_.size()) ++pos_;
        if (Peek() == '\n') NewLineAt(pos_);
        ++pos_;
      }
      ++pos_;  // the closing quote
      field.type = InfluxFieldType::kString;
      return true;
    }
    while (!AtEnd() && Peek() != ',' && Peek() != ' ' && Peek() != '\n' && Peek() != '\r') {
      ++pos_;
    }
    // A '\r' not ending the line belongs to the value (and makes it invalid).
    while (!AtEnd() && Peek() == '\r' && !AtEol()) {
      ++pos_;
      while (!AtEnd() && Peek() != ',' && Peek() != ' ' && Peek() != '\n' && Peek() != '\r') {
        ++pos_;
      }
    }
    const std::string_view v = body_.substr(at, pos_ - at);
    if (v.empty()) return Fail(at, "missing value for field " + Quote(Text(field.key)));
    auto invalid = [&](std::string_view what) {
      std::string reason = "invalid ";
      reason += what;
      reason += ' ';
      reason += Quote(v);
      reason += " for field ";
      reason += Quote(Text(field.key));
      return Fail(at, std::move(reason));
    };
    if (IsBoolTrue(v) || IsBoolFalse(v)) {
      field.type = InfluxFieldType::kBoolean;
      field.value = IsBoolTrue(v) ? 1 : 0;
      return true;
    }
    const char last = v.back();
    const bool numeric_start = IsDigit(v[0]) || v[0] == '-' || v[0] == '.';
    if (numeric_start && (last == 'i' || last == 'u')) {
      const std::string_view digits = v.substr(0, v.size() - 1);
      const bool is_signed = last == 'i';
      if (!IsIntegerSyntax(digits, /*allow_minus=*/is_signed)) {
        return invalid(is_signed ? "integer" : "unsigned integer");
      }
      const char* end = digits.data() + digits.size();
      if (is_signed) {
        int64_t n = 0;
        if (std::from_chars(digits.data(), end, n).ec != std::errc()) {
          return invalid("integer (out of range)");
        }
        field.type = InfluxFieldType::kInteger;
        field.value = static_cast<double>(n);
      } else {
        uint64_t n = 0;
        if (std::from_chars(digits.data(), end, n).ec != std::errc()) {
          return invalid("unsigned integer (out of range)");
        }
        field.type = InfluxFieldType::kUnsigned;
        field.value = static_cast<double>(n);
      }
      return true;
    }
    if (!IsFloatSyntax(v)) return invalid("value");
    if (!ParseFloat(v, &field.value)) return invalid("float (out of range)");
    field.type = InfluxFieldType::kFloat;
    return true;
  }

  void Emit(Piece measurement, std::string_view series_text,
            std::optional<model::Timestamp> timestamp_ms) {
    p_.tags_.clear();
    for (const PendingTag& t : p_.pending_tags_) p_.tags_.push_back({Text(t.key), Text(t.value)});
    p_.fields_.clear();
    for (const PendingField& f : p_.pending_fields_) {
      p_.fields_.push_back(
          {.key = Text(f.key), .raw_key = f.raw_key, .type = f.type, .value = f.value});
    }
    const InfluxPoint point{.measurement = Text(measurement),
                            .tags = p_.tags_,
                            .fields = p_.fields_,
                            .series_text = series_text,
                            .timestamp_ms = timestamp_ms,
                            .line = point_line_};
    visitor_.OnPoint(point);
  }

  InfluxParser& p_;
  const std::string_view body_;
  const InfluxPrecision precision_;
  InfluxVisitor& visitor_;

  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  // Where the current point starts (its physical line and that line's first byte).
  int point_line_ = 1;
  size_t point_line_start_ = 0;
  InfluxLineError error_;
};

std::string_view InfluxParser::Resolve(std::string_view body, Piece p) const {
  return p.in_scratch ? std::string_view(scratch_).substr(p.begin, p.size)
                      : body.substr(p.begin, p.size);
}

void InfluxParser::Parse(std::string_view body, InfluxPrecision precision, InfluxVisitor& visitor) {
  LineParser(*this, body, precision, visitor).Run();
}

}  // namespace osprey::ingest
