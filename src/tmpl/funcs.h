// Template functions beyond Go's builtins: the query-free functions Prometheus
// (template/template.go) and Alertmanager (template/template.go) give their templates, and
// the helpers over query results that Prometheus's `query` function feeds.
//
//   tmpl::FuncMap funcs = tmpl::BuiltinFuncs();
//   tmpl::AddTextFuncs(&funcs);          // humanize, title, reReplaceAll, date, tz, ...
//   tmpl::AddQueryResultFuncs(&funcs);   // first, label, value, strvalue, sortByLabel
//   funcs.Add("query", ...);             // rules/ adds query, pathPrefix, externalURL, now
//
// Query-result contract (what a `query` function must return so that the helpers work):
// a list of type "queryResult" whose elements are maps of type "sample":
//   {"Labels": map<string, string value>, "Value": float}
// MakeQueryResult() builds one. `{{ query "up" | first | label "job" }}`,
// `{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }} {{ .Value }}{{ end }}`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "tmpl/template.h"

namespace osprey::tmpl {

// Milliseconds since the epoch "now" (for `since`). Tests pass a fixed clock.
using NowFunc = std::function<int64_t()>;

// Adds toUpper, toLower, title, trimSpace, join, match, reReplaceAll, safeHtml, stripPort,
// stripDomain, humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, toTime, toDuration, parseDuration, stringSlice, date, tz, since, args,
// urlQueryEscape. Outputs match Prometheus's: humanize 1234567 = "1.235M", humanize 0.00012 =
// "120u", humanizeDuration 90061 = "1d 1h 1m 1s", humanizePercentage 0.1234 = "12.34%".
// `since` uses `now` (the system clock when empty).
void AddTextFuncs(FuncMap* funcs, NowFunc now = {});

// Alertmanager's function set: AddTextFuncs, then Alertmanager's differences and additions:
// `title` lower-cases the rest of each word ("aa bb CC" -> "Aa Bb Cc", cases.Title), `now`
// returns a time, and safeUrl, urlUnescape, list, append, dict, toJson, base64encode,
// base64decode.
void AddAlertmanagerFuncs(FuncMap* funcs, NowFunc now = {});

// Adds first, label, value, strvalue and sortByLabel over query results (see above).
void AddQueryResultFuncs(FuncMap* funcs);

// One sample of a query result and the result list, in the contract's shape.
Value MakeQuerySample(const std::map<std::string, std::string>& labels, double value);
Value MakeQueryResult(std::vector<Value> samples);

// prometheus/common's ConvertToFloat: numbers, and strings parsed as floats
// ("1e3", "+Inf", "NaN"). Errors: `strconv.ParseFloat: parsing "one": invalid syntax`,
// `can't convert bool to float`.
Result<double> ConvertToFloat(const Value& v);

// Prometheus duration with an optional sign ("-1h2m10ms", "1d", "0"), in seconds.
Result<double> ParseDurationSeconds(std::string_view s);

// url.QueryEscape: spaces become '+', bytes other than [A-Za-z0-9-_.~] become %XX.
std::string UrlQueryEscape(std::string_view s);

// encoding/json.Marshal of a value: maps with sorted keys, times as RFC 3339 strings,
// durations as integers (ns). NaN/Inf are an error, as in Go.
Result<std::string> ToJson(const Value& v);

}  // namespace osprey::tmpl
