// Series selectors as the HTTP API's match[] parameters take them:
//   up    up{job="api"}    {__name__=~"node_.+", mountpoint!~"/run.*"}
// Strings are quoted as in PromQL ("...", '...' with Go escapes, or `raw`). The PromQL
// parser accepts the same syntax inside expressions; this one serves endpoints that take
// only selectors (/api/v1/series, /api/v1/export, ...).
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/matcher.h"

namespace osprey::model {

// kInvalidArgument with a position ("1:5: parse error: unexpected end of input"). A
// selector must have at least one matcher that does not match the empty string, as in
// Prometheus ("vector selector must contain at least one non-empty matcher").
Result<std::vector<Matcher>> ParseSeriesSelector(std::string_view text);

// Unquotes a PromQL string literal including its quotes. kInvalidArgument when malformed.
Result<std::string> UnquotePromQLString(std::string_view quoted);

}  // namespace osprey::model
