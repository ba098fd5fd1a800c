// The list of conformance cases Osprey does not run, with the reason: a tab-separated file
// (src/promql/promqltest/skips.tsv) of `file  line  reason  query` rows, where line `*`
// skips a whole file and `query` (optional) must be the eval's query, so that an entry
// gone stale after the scripts change is noticed. Lines starting with `#` are comments.
// A plain value; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "promql/promqltest/script.h"

namespace osprey::promql::promqltest {

class SkipList {
 public:
  struct Entry {
    std::string file;
    int line = 0;  // 0: the whole file
    std::string reason;
    std::string query;  // may be empty
  };

  // kInvalidArgument naming the line of a malformed row or a duplicate entry.
  static Result<SkipList> Parse(std::string_view tsv);

  // The reason to skip the eval at `line` of `file`, or nullopt.
  std::optional<std::string> Reason(std::string_view file, int line) const;

  // Problems with the entries for `file` given its parsed script: a line that is not an
  // eval command, or whose query differs from the entry's. Empty when all is well.
  std::vector<std::string> Validate(std::string_view file, const Script& script) const;

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  std::map<std::pair<std::string, int>, size_t, std::less<>> index_;  // (file, line) -> entry
};

}  // namespace osprey::promql::promqltest
