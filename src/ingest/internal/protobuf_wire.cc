#include "ingest/internal/protobuf_wire.h"

namespace osprey::ingest::internal {

const uint8_t* ReadVarintSlow(const uint8_t* p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return nullptr;
    const uint64_t b = *p++;
    // The 10th byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && b > 1) return nullptr;
    v |= (b & 0x7F) << shift;
    if (b < 0x80) {
      *out = v;
      return p;
    }
  }
  return nullptr;
}

bool VarintTruncated(const uint8_t* p, const uint8_t* end) {
  for (int i = 0; i < 10; ++i, ++p) {
    if (p >= end) return true;
    if (*p < 0x80) return false;
  }
  return false;
}

}  // namespace osprey::ingest::internal
