// The table of PromQL functions the parser accepts: names, argument types, arity and
// return type, as in Prometheus's promql/parser/functions.go (including the experimental
// functions). The engine implements them; the parser only type-checks calls.
#pragma once

#include <span>
#include <string_view>

#include "promql/ast.h"

namespace osprey::promql {

struct Function {
  std::string_view name;
  // Up to five fixed argument types; the first arg_count are used.
  ValueType arg_types[5] = {};
  int arg_count = 0;
  // 0: exactly arg_count arguments. n > 0: the last argument type may appear up to n
  // times, and may be left out (at least arg_count - 1 arguments). -1: any number.
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  bool experimental = false;

  std::span<const ValueType> args() const { return {arg_types, static_cast<size_t>(arg_count)}; }
};

// nullptr for an unknown name. Names are case-sensitive. The result lives forever.
const Function* LookupFunction(std::string_view name);

// Every function, sorted by name.
std::span<const Function> AllFunctions();

}  // namespace osprey::promql
