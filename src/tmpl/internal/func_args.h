// Go's error for a template function called with the wrong number of arguments, shared by
// the builtins and the Prometheus and Alertmanager function sets:
// "wrong number of args for len: want 1 got 2".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::tmpl::internal {

inline Status WrongArgs(std::string_view name, std::string_view want, size_t got) {
  return InvalidArgumentError(std::string("wrong number of args for ")
                                  .append(name)
                                  .append(": want ")
                                  .append(want)
                                  .append(" got ")
                                  .append(std::to_string(got)));
}

inline Status CheckArgCount(std::string_view name, size_t want, size_t got) {
  return want == got ? OkStatus() : WrongArgs(name, std::to_string(want), got);
}

}  // namespace osprey::tmpl::internal
