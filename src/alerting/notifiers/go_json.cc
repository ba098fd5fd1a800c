#include "alerting/notifiers/go_json.h"

#include <cstdio>

#include "base/strings.h"

namespace osprey::alerting::notifiers {
namespace {

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

}  // namespace

std::string GoTimeRfc3339(int64_t unix_ms) {
  if (unix_ms == 0) return "0001-01-01T00:00:00Z";
  int64_t secs = unix_ms / 1000;
  int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                        static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (ms != 0) {
    char frac[8];
    std::snprintf(frac, sizeof(frac), ".%03lld", static_cast<long long>(ms));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();  // Go's .999999999 layout trims trailing zeros
    out += f;
  }
  out += 'Z';
  return out;
}

void AppendGoJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript parsers; Go escapes them.
    if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

void GoJsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) out_ += ',';
    has_value_.back() = true;
  }
}

void GoJsonWriter::BeginObject() {
  Separate();
  out_ += '{';
  has_value_.push_back(false);
}

void GoJsonWriter::EndObject() {
  out_ += '}';
  has_value_.pop_back();
}

void GoJsonWriter::BeginArray() {
  Separate();
  out_ += '[';
  has_value_.push_back(false);
}

void GoJsonWriter::EndArray() {
  out_ += ']';
  has_value_.pop_back();
}

void GoJsonWriter::Key(std::string_view k) {
  Separate();
  AppendGoJsonString(out_, k);
  out_ += ':';
  after_key_ = true;
}

void GoJsonWriter::String(std::string_view s) {
  Separate();
  AppendGoJsonString(out_, s);
}

void GoJsonWriter::OptionalString(std::string_view key, std::string_view s) {
  if (s.empty()) return;
  Key(key);
  String(s);
}

void GoJsonWriter::Int(int64_t v) {
  Separate();
  out_ += std::to_string(v);
}

void GoJsonWriter::Uint(uint64_t v) {
  Separate();
  out_ += std::to_string(v);
}

void GoJsonWriter::Bool(bool v) {
  Separate();
  out_ += v ? "true" : "false";
}

void GoJsonWriter::Null() {
  Separate();
  out_ += "null";
}

void GoJsonWriter::Time(int64_t unix_ms) { String(GoTimeRfc3339(unix_ms)); }

void GoJsonWriter::LabelsObject(const model::Labels& labels) {
  BeginObject();
  for (const model::Label& l : labels) {
    Key(l.name);
    String(l.value);
  }
  EndObject();
}

void GoJsonWriter::StringMap(const std::map<std::string, std::string>& m) {
  BeginObject();
  for (const auto& kv : m) {
    Key(kv.first);
    String(kv.second);
  }
  EndObject();
}

void GoJsonWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
}

}  // namespace osprey::alerting::notifiers
