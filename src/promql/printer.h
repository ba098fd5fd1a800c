// Printing a PromQL tree back to text.
//
// Format() is Prometheus's Expr.String(): the canonical one-line form used in error
// messages, test expectations and rule files (`sum by (job) (rate(x{a="b"}[5m]))`;
// matchers sorted, the metric name outside the braces, durations as "5m").
// Prettify() is the multi-line layout of /api/v1/format_query (Prometheus's Pretty()):
// a node longer than 100 characters is split, children indented by two spaces.
#pragma once

#include <cstddef>
#include <string>

#include "promql/ast.h"

namespace osprey::promql {

std::string Format(const Expr& expr);

// `max_line_length` is 100 for format_query; smaller values help tests.
std::string Prettify(const Expr& expr, size_t max_line_length = 100);

// Go's strconv.FormatFloat(v, 'f', -1, 64): "1", "0.5", "+Inf", "-Inf", "NaN".
std::string FormatFloat(double v);

}  // namespace osprey::promql
