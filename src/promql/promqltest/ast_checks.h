// Checks and rewrites of a query's AST for the script runner:
// - the "@ variants" check of promqltest (../shared/conformance/promql/README.md, "Extra
//   checks"): an instant query whose selectors and subqueries are all pinned with `@ <t>`
//   must give the same result at any evaluation time;
// - whether a query selects any of a set of series (those holding native histograms).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "promql/ast.h"

namespace osprey::promql::promqltest {

// Pins every vector selector (also inside range selectors) and subquery that has no
// `@ <timestamp>` to `@ t_ms`; `@ start()` / `@ end()` become `@ t_ms` too, as upstream's
// print-and-reparse does. Does not descend into subqueries (the pinned subquery makes its
// inside invariant already).
//
// Returns false, leaving the tree in an unspecified state, when the query (outside
// subqueries) calls a function whose result depends on the evaluation time even with pinned
// arguments (time, timestamp, predict_linear, the date functions, start/end/range/step):
// then the check does not apply.
bool PinAtModifiers(Expr& expr, int64_t t_ms);

// The evaluation times of the check for an eval at `t_ms`: -10t, 0, t/5, t, 10t, or for
// t = 0: -1s, 0, +1s.
std::vector<int64_t> AtVariantTimes(int64_t t_ms);

// Whether `query` mentions start(), end(), range() or step() (textually, as upstream):
// such queries are not re-checked in range mode.
bool UsesQueryContextFunction(std::string_view query);

// Whether some vector selector of `expr` (also inside range selectors and subqueries)
// matches one of `series`, ignoring time.
bool SelectsAnyOf(const Expr& expr, std::span<const model::Labels> series);

}  // namespace osprey::promql::promqltest
