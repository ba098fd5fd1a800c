// ParsePosition on arbitrary bytes: never crashes, and what it accepts encodes back to the
// same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "remote/wal_position.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  osprey::Result<osprey::remote::WalPosition> p = osprey::remote::ParsePosition(text);
  if (p.ok()) {
    osprey::Result<osprey::remote::WalPosition> again =
        osprey::remote::ParsePosition(osprey::remote::EncodePosition(*p));
    if (!again.ok() || !(*again == *p)) std::abort();
  }
  return 0;
}
