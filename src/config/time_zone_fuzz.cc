// TimeZone::FromTzif on arbitrary bytes must never crash, and a zone that loads must answer
// OffsetAt for any instant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/time_zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tz = osprey::config::TimeZone::FromTzif("fuzz", text);
  if (!tz.ok()) return 0;
  for (int64_t t : {INT64_C(-9000000000), INT64_C(-1), INT64_C(0), INT64_C(1800000000),
                    INT64_C(4102444800), INT64_C(90000000000)}) {
    (void)tz->OffsetAt(t);
  }
  return 0;
}
