#include "base/html.h"

namespace osprey {

void AppendHtmlEscaped(std::string& out, std::string_view s) {
  // Numeric references for the quotes: shorter than &quot;, and &apos; is not HTML 4.
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";  // U+FFFD: a NUL in HTML text is a parse error
        break;
      default:
        out += c;
    }
  }
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendHtmlEscaped(out, s);
  return out;
}

}  // namespace osprey
