// Built-in methods of time values (kind kTime) and durations (type "time.Duration"), used
// when the FuncMap has no method of that name for the value's type.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "tmpl/template.h"

namespace osprey::tmpl::internal {

// Returns nullopt if there is no such method; an error result for bad arguments.
std::optional<Result<Value>> TimeMethod(const Value& t, std::string_view name,
                                        std::span<const Value> args);
std::optional<Result<Value>> DurationMethod(const Value& d, std::string_view name,
                                            std::span<const Value> args);

}  // namespace osprey::tmpl::internal
