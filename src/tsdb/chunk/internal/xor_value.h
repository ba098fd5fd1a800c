// Gorilla-style XOR coding of one float against the previous one, shared by XorChunk and the
// XOR value column (docs/format/chunks.md, "Values"). Private to src/tsdb/chunk.
//
//   '0'                          same bits as the previous value
//   '10' <bits>                  XOR fits the previous window: 64 - leading - trailing bits
//   '11' <5: leading> <6: n> <n> new window; n = 0 means 64
#pragma once

#include <cstdint>

#include "tsdb/chunk/internal/bit_stream.h"

namespace osprey::tsdb::chunk_internal {

// `leading` value meaning no window has been written yet.
inline constexpr uint8_t kNoXorWindow = 0xFF;

// Most bits PutXorValue writes.
inline constexpr int kMaxXorValueBits = 2 + 5 + 6 + 64;

// Writes the value `bits` after `prev_bits` at bit `pos`; returns the new position and updates
// the window. Requires: PutBits' requirements for kMaxXorValueBits bits.
inline uint64_t PutXorValue(uint8_t* buf, uint64_t pos, uint64_t bits, uint64_t prev_bits,
                            uint8_t& leading, uint8_t& trailing) {
  const uint64_t x = bits ^ prev_bits;
  if (x == 0) return pos + 1;  // The '0' bit; the buffer is already zero there.
  int lz = __builtin_clzll(x);
  const int tz = __builtin_ctzll(x);
  if (lz > 31) lz = 31;  // Five bits hold the leading count.
  if (leading != kNoXorWindow && lz >= leading && tz >= trailing) {
    const int n = 64 - leading - trailing;
    PutBits(buf, pos, 0b10, 2);
    PutBits(buf, pos + 2, x >> trailing, n);
    return pos + 2 + n;
  }
  const int n = 64 - lz - tz;
  // '11', 5 bits of leading, 6 bits of n (64 wraps to 0): 13 bits in one write.
  const uint64_t header = (0b11u << 11) | (static_cast<uint64_t>(lz) << 6) | (n & 63);
  PutBits(buf, pos, header, 13);
  PutBits(buf, pos + 13, x >> tz, n);
  leading = static_cast<uint8_t>(lz);
  trailing = static_cast<uint8_t>(tz);
  return pos + 13 + n;
}

// Reads one value written by PutXorValue into `bits` (which holds the previous value on
// entry). Returns false on truncated or impossible input.
inline bool ReadXorValue(BitReader& r, uint64_t& bits, uint8_t& leading, uint8_t& trailing) {
  uint64_t control;
  if (!r.ReadBits(1, &control)) return false;
  if (control == 0) return true;
  if (!r.ReadBits(1, &control)) return false;
  if (control == 0) {
    if (leading == kNoXorWindow) return false;
    const int n = 64 - leading - trailing;
    uint64_t x;
    if (!r.ReadBitsWide(n, &x)) return false;
    bits ^= x << trailing;
    return true;
  }
  uint64_t header;
  if (!r.ReadBits(11, &header)) return false;
  const int lz = static_cast<int>(header >> 6);
  int n = static_cast<int>(header & 63);
  if (n == 0) n = 64;
  if (lz + n > 64) return false;
  uint64_t x;
  if (!r.ReadBitsWide(n, &x)) return false;
  leading = static_cast<uint8_t>(lz);
  trailing = static_cast<uint8_t>(64 - lz - n);
  bits ^= x << trailing;
  return true;
}

}  // namespace osprey::tsdb::chunk_internal
