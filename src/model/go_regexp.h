// Go regexp helpers shared by PromQL (label_replace) and relabeling.
//
//   std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
//   if (re.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, groups.data(), groups.size()))
//     std::string out = model::ExpandTemplate("x-$1-${name}", re, groups);
#pragma once

#include <re2/re2.h>

#include <span>
#include <string>
#include <string_view>

namespace osprey::model {

// Go's regexp.Regexp.ExpandString: $1, ${1}, $name, ${name} and $$ in `tmpl` refer to
// the submatches of `re` in `groups` (group 0 is the whole match). A malformed
// reference is kept as text; one to a group that does not exist or did not take part
// in the match expands to nothing. Thread-safe.
std::string ExpandTemplate(std::string_view tmpl, const RE2& re,
                           std::span<const re2::StringPiece> groups);

}  // namespace osprey::model
