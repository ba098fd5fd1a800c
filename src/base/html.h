// HTML escaping: the one escaper for every page and e-mail Osprey writes by hand.
// Pure functions on bytes; thread-safe.
//
//   std::string page = "<p>";
//   AppendHtmlEscaped(page, "a<b & \"c\"");  // page == "<p>a&lt;b &amp; &#34;c&#34;"
#pragma once

#include <string>
#include <string_view>

namespace osprey {

// Appends `s` with & < > " ' replaced by &amp; &lt; &gt; &#34; &#39; and each NUL byte by
// U+FFFD, as Go's template.HTMLEscapeString (text/template's `html` function) does. Safe inside
// element text and inside quoted attribute values (either quote). Every other byte is copied,
// so UTF-8 passes through unchanged (and invalid UTF-8 is not repaired).
void AppendHtmlEscaped(std::string& out, std::string_view s);
std::string HtmlEscape(std::string_view s);

}  // namespace osprey
