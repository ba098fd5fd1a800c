// Helpers shared by the parser's syntax and type-checking passes.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "promql/ast.h"
#include "promql/parser.h"

namespace osprey::promql::internal {

// "<line>:<col>: parse error: <message>" as kInvalidArgument; the column is 1-based and
// counts bytes from the last newline before `pos`, as Prometheus does.
Status ParseErrorAt(std::string_view input, int pos, std::string_view message);

// Type-checks a parsed tree (Prometheus's checkAST). Runs only when parsing succeeded.
// May normalise the tree: set operations get kManyToMany matching; matching is dropped
// when a side is a scalar; info()'s label selector skips the empty-matcher check.
Status CheckAst(Expr& expr, std::string_view input);

}  // namespace osprey::promql::internal
