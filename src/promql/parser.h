// PromQL parser: ParseExpr() turns a query into a type-checked AST (ast.h).
//
// Errors read exactly as Prometheus's: "1:14: parse error: unexpected <op:*>", with a
// 1-based line and byte column, and the same texts for type errors
// (`expected type range vector in call to function "rate", got instant vector`). Only the
// first error is reported, as Prometheus does.
//
// Supported: everything in Prometheus 3.x PromQL for float samples, including the
// experimental extensions (duration expressions, anchored/smoothed, fill modifiers,
// experimental functions), each of which can be switched off in ParseOptions.
#pragma once

#include <string_view>

#include "base/status.h"
#include "promql/ast.h"

namespace osprey::promql {

struct ParseOptions {
  // limitk, limit_ratio, sort_by_label, mad_over_time, ts_of_*, info, ...
  bool experimental_functions = true;
  // foo[5m * 2], foo offset (1h + step()), min_of()/max_of().
  bool duration_expressions = true;
  // foo[5m] anchored, foo[5m] smoothed.
  bool extended_range_selectors = true;
  // a + fill(0) b, fill_left(), fill_right().
  bool fill_modifiers = true;
};

// Parses and type-checks a query. kInvalidArgument with Prometheus's message on error.
// Thread-safe (no shared state). Cost: linear in the input, except regex compilation.
Result<ExprPtr> ParseExpr(std::string_view input, const ParseOptions& options = {});

}  // namespace osprey::promql
