// The little of html/template's context analysis that Template::Escaping::kHtml uses: is an
// action the start of a quoted URL attribute value, and is a URL's scheme safe there.
#pragma once

#include <string>
#include <string_view>

#include "tmpl/template.h"

namespace osprey::tmpl::internal {

struct Pipe;

// True when `out` (the output so far) ends inside a tag with the opening quote of an attribute
// whose value html/template treats as a URL: `<a href="`, `<img src='`, also action, cite,
// formaction, poster, background, ..., any name containing "src", "uri" or "url", after
// dropping a "data-" or "xmlns:" prefix (Go's attrType).
bool EndsInUrlAttrStart(std::string_view out);

// html/template's isSafeURL: no scheme (no ':' before the first '/'), or http, https or mailto
// in any case.
bool IsSafeUrl(std::string_view url);

// Escaping::kHtml for one printing action: the bytes to append to `out` for the pipeline's
// value `v` (nil prints nothing, as html/template's escapers print a nil interface).
std::string HtmlActionOutput(const Value& v, const Pipe& pipe, std::string_view out);

// The name of a predefined escaper ("html", "urlquery") used before the last command of
// `pipe`, which html/template rejects; empty when there is none.
std::string_view MisplacedEscaper(const Pipe& pipe);

// What html/template prints in place of a value it filtered out.
inline constexpr std::string_view kFilteredUrl = "#ZgotmplZ";

}  // namespace osprey::tmpl::internal
