// Cat(): concatenates string-like pieces into one std::string. (Also sidesteps g++ 12's
// false -Wrestrict on `"literal" + std::string`.)
#pragma once

#include <string>
#include <string_view>

namespace osprey::promql::promqltest {

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace osprey::promql::promqltest
