// Label matchers: =, !=, =~, !~ with RE2 full-match semantics, as Prometheus.
// A matcher that matches the empty string also selects series without that label.
//
// Regexes get fast paths: a literal (`foo`) becomes equality, an alternation of literals
// (`a|b|c`) a set lookup, `prefix.*` a prefix test; everything else goes to RE2.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace re2 {
class RE2;
}

namespace osprey::model {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType t);

// Immutable and thread-safe after construction; cheap to copy (the compiled regex is
// shared).
class Matcher {
 public:
  // kInvalidArgument with RE2's message for a bad regex.
  static Result<Matcher> Create(MatchType type, std::string name, std::string value);
  // Requires: the regex (if any) compiles. For tests and constants.
  static Matcher MustCreate(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value (empty for an absent label) matches.
  bool Matches(std::string_view v) const;
  // Whether the empty value matches: then series without the label are selected too.
  bool MatchesEmpty() const { return matches_empty_; }
  // For =~ whose regex is a set of literals (`a|b|c`, `foo`): those literals, sorted.
  // Empty otherwise. Lets the index look up postings instead of scanning values.
  const std::vector<std::string>& SetMatches() const { return set_matches_; }
  // A literal prefix every matching (non-empty) value starts with; empty when none.
  const std::string& LiteralPrefix() const { return prefix_; }
  bool IsRegex() const {
    return type_ == MatchType::kRegexMatch || type_ == MatchType::kRegexNoMatch;
  }

  // job="api", path=~"/v1/.*"
  std::string ToString() const;

 private:
  Matcher() = default;
  bool RegexMatches(std::string_view v) const;

  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  // shared_ptr: the compiled regex is immutable and shared by copies of the matcher,
  // which queries use on several threads.
  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> set_matches_;
  std::string prefix_;
  bool prefix_then_any_ = false;  // regex is exactly `prefix.*`
  bool matches_empty_ = false;
};

}  // namespace osprey::model
