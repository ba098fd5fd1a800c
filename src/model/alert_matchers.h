// Alertmanager's matcher syntax (its pkg/labels/parse.go, 0.25), used by route and inhibit
// rule `matchers:`, silences and the /api/v2 filter parameters:
//
//   {alertname="Watchdog", severity=~"warn|crit"}     braces, quoted values
//   alertname=Watchdog, severity!~"info"               unbraced, unquoted values
//
// A matcher is `name op value` with op one of =, !=, =~, !~ and the name matching
// [a-zA-Z_:][a-zA-Z0-9_:]*; whitespace around each token is dropped. The value is any UTF-8
// text, optionally in double quotes; commas separate matchers except inside quotes. In the
// value, \" is a quote, \n a newline and \\ a backslash; any other backslash is literal; an
// unescaped quote other than the enclosing pair is an error. Regex values are anchored (full
// match), like model::Matcher. A leading "{" and trailing "}" are optional, a trailing comma
// is allowed. Exactly Alertmanager 0.25's tolerant parser, so what amtool accepts we accept.
//
//   OSPREY_ASSIGN_OR_RETURN(std::vector<model::Matcher> ms,
//                           model::ParseAlertMatchers(R"({job="api",env=~"prod|stage"})"));
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/matcher.h"

namespace osprey::model {

// Parses a list of matchers, with or without surrounding braces. An empty input (or "{}")
// gives an empty list. Errors are kInvalidArgument and quote the offending matcher text:
//   `bad matcher format: "foo"`, `invalid regular expression "(" for label a: ...`.
Result<std::vector<Matcher>> ParseAlertMatchers(std::string_view text);

// Parses exactly one matcher (braces not allowed), as a config `matchers:` list item.
Result<Matcher> ParseAlertMatcher(std::string_view text);

// Alertmanager's string form of one matcher: name, op, and the value double-quoted with
// `"`, `\` and newlines escaped: `severity=~"warn|crit"`. ParseAlertMatcher reads it back.
std::string FormatAlertMatcher(const Matcher& m);

// "{a=\"1\", b=~\"x\"}": the braced list, as Alertmanager's Matchers.String().
std::string FormatAlertMatchers(std::span<const Matcher> ms);

// Sorts by name, then value, then type (=, !=, =~, !~), as Alertmanager sorts a route's or
// silence's matchers.
void SortAlertMatchers(std::vector<Matcher>* ms);

// Matchers compare equal when type, name and value are equal (the compiled regex follows
// from them). Lets configs holding matchers default their operator==.
bool SameMatcher(const Matcher& a, const Matcher& b);
bool SameMatchers(std::span<const Matcher> a, std::span<const Matcher> b);

}  // namespace osprey::model
