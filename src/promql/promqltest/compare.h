// Comparing query results with an eval command's expectations, as Prometheus's promqltest
// does (see ../shared/conformance/promql/README.md, "Tolerance" and "Expectations").
//
// Each Check/Compare function returns std::nullopt on a match, or a message saying what
// differs. Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "promql/engine.h"
#include "promql/promqltest/script.h"
#include "promql/value.h"

namespace osprey::promql::promqltest {

inline constexpr double kDefaultEpsilon = 1e-6;

// Upstream's almost.Equal: equal, or both NaN (a staleness marker only equals another
// staleness marker), or a relative difference `|a-b| / (|a|+|b|)` below epsilon (in effect
// exact when either is 0 or both are subnormal). Infinities must match exactly.
bool AlmostEqual(double expected, double actual, double epsilon = kDefaultEpsilon);

using Mismatch = std::optional<std::string>;

// An instant vector; order matters when cmd.IsOrdered().
Mismatch CompareVector(const EvalCmd& cmd, const Vector& got);
Mismatch CompareScalar(const EvalCmd& cmd, double got);
// A matrix, points expected at cmd.start_ms + i * cmd.step_ms (<= cmd.end_ms); `_`
// means no point. The matrix must be sorted by labels.
Mismatch CompareMatrix(const EvalCmd& cmd, const Matrix& got);
Mismatch CompareString(const EvalCmd& cmd, std::string_view got);
// Dispatches on result.type.
Mismatch CompareResult(const EvalCmd& cmd, const QueryResult& result);

// For a command that expects failure: whether `error` (a Status message, Prometheus's
// error text) matches `expected_fail_message`/`regexp` and `expect fail msg:`/`regex:`.
Mismatch CheckExpectedFailure(const EvalCmd& cmd, std::string_view error);

// Warnings and infos (bare messages, "PromQL warning: ...") against eval_warn/eval_info
// and the expect warn/no_warn/info/no_info lines.
Mismatch CheckAnnotations(const EvalCmd& cmd, const std::vector<std::string>& warnings,
                          const std::vector<std::string>& infos);

// "1.5", "NaN", "stale", "+Inf": for messages.
std::string FormatValue(double v);
// The expected result as script lines, and a result in the same notation (both capped at
// `max_lines` lines), for failure messages.
std::string DescribeExpected(const EvalCmd& cmd, size_t max_lines = 20);
std::string DescribeResult(const QueryResult& result, size_t max_lines = 20);

}  // namespace osprey::promql::promqltest
