// Evaluation of the experimental duration expressions a parsed query may hold in ranges,
// subquery steps and offsets (foo[5m * 2], x[1h:step()], foo offset (1h + 5m)), as
// Prometheus's engine does before running a query (promql/durations.go).
#pragma once

#include <cstdint>

#include "base/status.h"
#include "promql/ast.h"

namespace osprey::promql {

// The value of a duration expression (NumberLiteral or DurationExpr) in milliseconds.
// step() and range() are the query's step and range. Errors (kInvalidArgument) read as
// Prometheus's: "12:18: division by zero", "...: duration must be greater than 0" (when
// !allow_negative), "...: duration is NaN or infinite", "...: duration is out of range".
Result<int64_t> EvaluateDuration(const Expr& expr, bool allow_negative, int64_t step_ms,
                                 int64_t range_ms);

// Replaces every duration expression in the tree by its value: sets range_ms, step_ms and
// offset_ms where range_expr, step_expr and offset_expr are set (the expressions stay, so
// the query still prints as written). Call once per query execution, before evaluating.
Status ResolveDurationExpressions(Expr& root, int64_t step_ms, int64_t range_ms);

}  // namespace osprey::promql
