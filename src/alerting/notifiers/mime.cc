#include "alerting/notifiers/mime.h"

#include <ctime>

#include "base/base64.h"
#include "base/strings.h"

namespace osprey::alerting::notifiers {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string EncodeHeaderValue(std::string_view value) {
  bool plain = true;
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < ' ' && u != '\t') || u > '~') plain = false;
  }
  if (plain) return std::string(value);
  // Words of at most 45 input bytes (60 base64 characters, under the 75-character limit),
  // cut at UTF-8 sequence boundaries so each word decodes on its own.
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    size_t end = i;
    while (end < value.size()) {
      const size_t len = std::max<size_t>(1, Utf8SequenceLength(value, end));
      if (end + len - i > 45) break;
      end += len;
    }
    if (end == i) end = i + 1;
    if (!out.empty()) out += "\r\n ";
    out += "=?utf-8?b?";
    out += Base64Encode(value.substr(i, end - i));
    out += "?=";
    i = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view body) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t nl = body.find('\n', start);
    const bool last = nl == std::string_view::npos;
    if (last) nl = body.size();
    std::string_view line = body.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t col = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      const bool at_end = i + 1 == line.size();
      std::string piece;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end)) {
        piece = static_cast<char>(c);
      } else {
        piece = {'=', kHex[c >> 4], kHex[c & 0xF]};
      }
      if (col + piece.size() > 75) {  // soft line break: "=" ends the 76-column line
        out += "=\r\n";
        col = 0;
      }
      out += piece;
      col += piece.size();
    }
    if (last) break;
    out += "\r\n";
    start = nl + 1;
  }
  return out;
}

Result<std::vector<std::string>> ParseAddressList(std::string_view list) {
  std::vector<std::string> out;
  std::vector<std::string_view> entries;
  bool quoted = false;
  int angle = 0;
  size_t start = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (c == '"' && (i == 0 || list[i - 1] != '\\')) quoted = !quoted;
    if (quoted) continue;
    if (c == '<') ++angle;
    if (c == '>' && angle > 0) --angle;
    if (c == ',' && angle == 0) {
      entries.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  entries.push_back(list.substr(start));
  for (std::string_view e : entries) {
    e = Trim(e);
    const size_t lt = e.rfind('<');
    if (lt != std::string_view::npos) {
      const size_t gt = e.find('>', lt);
      if (gt == std::string_view::npos) {
        return InvalidArgumentError(
            std::string("missing '>' in address list \"").append(list).append("\""));
      }
      e = Trim(e.substr(lt + 1, gt - lt - 1));
    }
    if (e.empty() || e.find('@') == std::string_view::npos ||
        e.find_first_of(" \t\r\n<>,") != std::string_view::npos) {
      return InvalidArgumentError(
          std::string("invalid address in list \"").append(list).append("\""));
    }
    out.emplace_back(e);
  }
  return out;
}

std::string Rfc1123Date(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace osprey::alerting::notifiers
