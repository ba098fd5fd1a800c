// The test-script format of Prometheus's promqltest (see
// ../shared/conformance/promql/README.md and docs/promql-compatibility.md): commands
// `load <interval>`, `load_with_nhcb <interval>`, `clear`, `eval instant at <t> <query>`
// and `eval range from <a> to <b> step <s> <query>` with their result and `expect` lines.
//
//   OSPREY_ASSIGN_OR_RETURN(Script script, ParseScript(text));
//   for (const Command& cmd : script.commands) { ... }
//
// Native histogram values (`{{schema:0 ...}}`) and `@st` start-timestamp lines are parsed
// only far enough to keep sample positions right: their content is not kept, since Osprey
// stores float samples only. Parsing has no shared state; all types are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "model/labels.h"

namespace osprey::promql::promqltest {

// One position of a value sequence.
struct SequenceValue {
  enum class Kind { kFloat, kOmitted, kHistogram };
  Kind kind = Kind::kFloat;
  double value = 0;       // kFloat (may be the staleness-marker NaN)
  std::string histogram;  // kHistogram: the `{{...}}` text, for messages
};

// Expands value notation: "1 _ 3+2x4 stale _x3 -Inf 1m {{schema:0 sum:1}}x2".
// kInvalidArgument names the bad token.
Result<std::vector<SequenceValue>> ParseSequence(std::string_view text);

// `<series> <values>`: a series written `name`, `name{l="v", ...}` or `{l="v", ...}`
// (only `=` matchers), then a value sequence (possibly empty).
struct SeriesLine {
  model::Labels labels;
  std::vector<SequenceValue> values;
};
Result<SeriesLine> ParseSeriesLine(std::string_view line);

// Go's strconv.ParseInt(s, 0, 64), then ParseFloat: "1", "-0x1f", "1e3", "+Inf", "NaN".
std::optional<double> ParseScriptNumber(std::string_view s);

struct LoadCmd {
  int line = 0;  // 1-based
  int64_t interval_ms = 0;
  bool with_nhcb = false;
  // In file order; a series defined twice in one block keeps its last definition.
  std::vector<SeriesLine> series;
  bool has_histograms = false;        // some value is a native histogram
  bool has_start_timestamps = false;  // the block has `@st` lines (not loaded)
};

struct ClearCmd {
  int line = 0;
};

// One `expect fail|ordered|warn|no_warn|info|no_info [msg: <text> | regex: <re>]` line.
struct Expectation {
  enum class Kind { kFail, kOrdered, kWarn, kNoWarn, kInfo, kNoInfo };
  Kind kind = Kind::kFail;
  std::optional<std::string> message;  // exact text
  std::optional<std::string> regex;    // RE2 syntax, unanchored (Go's MatchString)
  // Neither set: anything matches.
};

struct ExpectedSeries {
  model::Labels labels;
  std::vector<SequenceValue> values;  // one for instant queries
  int position = 0;                   // 1-based among the result lines (for `ordered`)
};

struct EvalCmd {
  int line = 0;  // 1-based line of the eval command
  std::string query;
  bool is_range = false;
  // Instant: the evaluation time (for `expect range vector`: its end). Range: unused.
  int64_t eval_ms = 0;
  // Range queries; also the timestamps of an instant query's expected range vector.
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;

  // Old prefix forms: eval_fail, eval_ordered, eval_warn, eval_info.
  bool fail = false;
  bool ordered = false;
  bool warn = false;
  bool info = false;
  // Old forms `expected_fail_message` / `expected_fail_regexp`.
  std::optional<std::string> fail_message;
  std::optional<std::string> fail_regex;
  std::vector<Expectation> expects;

  bool expect_scalar = false;  // a bare number line: expected[0] holds it, no labels
  std::vector<ExpectedSeries> expected;
  std::optional<std::string> expected_string;  // `expect string "..."`
  bool expect_range_vector = false;            // `expect range vector from .. to .. step ..`
  // Not re-run as a range query (`expect range vector`, `expect string`).
  bool exclude_from_range_query = false;

  bool IsFail() const;
  bool IsOrdered() const;
  bool ExpectsHistograms() const;
};

using Command = std::variant<LoadCmd, ClearCmd, EvalCmd>;

struct Script {
  std::vector<Command> commands;
};

// Parses a whole script. kInvalidArgument with "<line>: <what>" for a malformed command.
// Queries are not parsed here (a query that does not parse is the runner's business).
Result<Script> ParseScript(std::string_view text);

}  // namespace osprey::promql::promqltest
