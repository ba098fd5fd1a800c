// ParseAlertMatchers on arbitrary bytes must never crash, and what it accepts must read back
// the same from its formatted form.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "model/alert_matchers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ms = osprey::model::ParseAlertMatchers(text);
  if (!ms.ok()) return 0;
  const std::string formatted = osprey::model::FormatAlertMatchers(*ms);
  auto again = osprey::model::ParseAlertMatchers(formatted);
  OSPREY_CHECK(again.ok()) << again.status().ToString() << " for " << formatted;
  OSPREY_CHECK(osprey::model::SameMatchers(*ms, *again)) << formatted;
  return 0;
}
