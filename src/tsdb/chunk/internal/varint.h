// Varint (LEB128, 7 bits per byte, low groups first) and zigzag helpers shared by the chunk
// encodings. Private to src/tsdb/chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace osprey::tsdb::chunk_internal {

// Maps signed to unsigned so small magnitudes stay small: 0,-1,1,-2 -> 0,1,2,3.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

inline constexpr size_t kMaxVarintBytes = 10;

// Bytes PutVarint writes for v (1 to 10).
inline size_t VarintLength(uint64_t v) {
  // 1 + floor(bits / 7), with bits = bit width of (v | 1).
  const int bits = 64 - __builtin_clzll(v | 1);
  return static_cast<size_t>((bits + 6) / 7);
}

// Writes v at p and returns the end. Requires: kMaxVarintBytes writable bytes at p.
inline uint8_t* EncodeVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

inline void PutVarint(std::string* out, uint64_t v) {
  uint8_t buf[kMaxVarintBytes];
  const uint8_t* end = EncodeVarint(buf, v);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(end - buf));
}

// Reads a varint from [*p, end) and advances *p. Returns false, leaving *p unspecified, when
// the input ends inside the varint or the varint does not fit 64 bits.
inline bool GetVarint(const uint8_t** p, const uint8_t* end, uint64_t* v) {
  const uint8_t* q = *p;
  if (q < end && *q < 0x80) {  // One-byte fast path: most encoded deltas are small.
    *v = *q;
    *p = q + 1;
    return true;
  }
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (q >= end) return false;
    const uint64_t byte = *q++;
    // The tenth byte may only carry the 64th bit.
    if (shift == 63 && byte > 1) return false;
    result |= (byte & 0x7F) << shift;
    if (byte < 0x80) {
      *v = result;
      *p = q;
      return true;
    }
  }
  return false;
}

}  // namespace osprey::tsdb::chunk_internal
