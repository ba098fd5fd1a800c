#include "tmpl/internal/html_context.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "base/html.h"
#include "tmpl/internal/parse.h"

namespace osprey::tmpl::internal {
namespace {

bool IsAttrNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == ':';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsUrlAttr(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.starts_with("data-")) {
    name.erase(0, 5);
  } else if (name.starts_with("xmlns:")) {
    return true;  // Go: a namespace declaration's value is a URL
  }
  if (name == "xmlns") return true;
  static constexpr std::array<std::string_view, 15> kUrlAttrs = {
      "action", "archive", "background", "cite",     "classid", "codebase", "data",  "formaction",
      "href",   "icon",    "longdesc",   "manifest", "poster",  "profile",  "usemap"};
  if (std::find(kUrlAttrs.begin(), kUrlAttrs.end(), name) != kUrlAttrs.end()) return true;
  return name.find("src") != std::string::npos || name.find("uri") != std::string::npos ||
         name.find("url") != std::string::npos;
}

}  // namespace

bool EndsInUrlAttrStart(std::string_view out) {
  if (out.empty() || (out.back() != '"' && out.back() != '\'')) return false;
  size_t i = out.size() - 1;
  while (i > 0 && IsSpace(out[i - 1])) --i;
  if (i == 0 || out[i - 1] != '=') return false;
  --i;
  while (i > 0 && IsSpace(out[i - 1])) --i;
  const size_t name_end = i;
  while (i > 0 && IsAttrNameChar(out[i - 1])) --i;
  if (i == name_end || i == 0 || !IsSpace(out[i - 1])) return false;
  // Inside a tag: the last '<' before the name comes after the last '>'.
  const std::string_view before = out.substr(0, i);
  const size_t lt = before.rfind('<');
  const size_t gt = before.rfind('>');
  if (lt == std::string_view::npos || (gt != std::string_view::npos && gt > lt)) return false;
  return IsUrlAttr(std::string(out.substr(i, name_end - i)));
}

bool IsSafeUrl(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return true;
  const std::string_view scheme = url.substr(0, colon);
  if (scheme.find('/') != std::string_view::npos) return true;
  auto equal_fold = [&](std::string_view want) {
    return scheme.size() == want.size() &&
           std::equal(scheme.begin(), scheme.end(), want.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  return equal_fold("http") || equal_fold("https") || equal_fold("mailto");
}

namespace {

bool IsIdent(const Command& c, std::string_view name) {
  return !c.args.empty() && c.args[0].kind == Arg::Kind::kIdent && c.args[0].name == name;
}

}  // namespace

std::string HtmlActionOutput(const Value& v, const Pipe& pipe, std::string_view out) {
  if (v.IsNil()) return std::string();
  std::string s = v.ToString();
  // `{{ .X | html }}`: html/template merges its own escaper into the trailing `html`, so the
  // value is escaped once (Osprey's default email template relies on this).
  const bool escaped = !pipe.cmds.empty() && IsIdent(pipe.cmds.back(), "html");
  if (EndsInUrlAttrStart(out)) {
    // urlfilter runs before the escaper; escaping never adds a ':', so checking the escaped
    // text decides the same.
    if (v.trust() != Value::Trust::kUrl && !IsSafeUrl(s)) return std::string(kFilteredUrl);
    return escaped ? s : HtmlEscape(s);
  }
  if (escaped || v.trust() == Value::Trust::kHtml) return s;
  return HtmlEscape(s);
}

std::string_view MisplacedEscaper(const Pipe& pipe) {
  for (size_t i = 0; i + 1 < pipe.cmds.size(); ++i) {
    if (IsIdent(pipe.cmds[i], "html")) return "html";
    if (IsIdent(pipe.cmds[i], "urlquery")) return "urlquery";
  }
  return {};
}

}  // namespace osprey::tmpl::internal
