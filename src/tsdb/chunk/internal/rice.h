// Rice codes with an escape, for integer columns whose zigzag values are roughly geometric
// (the noise of counters and gauges): within a fraction of a bit of their entropy, which a
// byte-oriented compressor cannot reach on varints. Private to src/tsdb/chunk; the layout is
// part of docs/format/chunks.md.
//
//   u >> r < 24:  (u >> r) one bits, a zero bit, the low r bits of u
//   otherwise:    24 one bits, 6 bits holding bit_width(u) - 1, then bit_width(u) bits of u
#pragma once

#include <cstdint>

#include "tsdb/chunk/internal/bit_stream.h"

namespace osprey::tsdb::chunk_internal {

inline constexpr int kRiceEscapeOnes = 24;
// Most bits PutRice writes.
inline constexpr int kMaxRiceBits = kRiceEscapeOnes + 6 + 64;

inline int BitWidth(uint64_t u) { return u == 0 ? 0 : 64 - __builtin_clzll(u); }

// Bits PutRice(u, r) writes.
inline uint64_t RiceBits(uint64_t u, int r) {
  const uint64_t q = u >> r;
  if (q < kRiceEscapeOnes) return q + 1 + static_cast<uint64_t>(r);
  return kRiceEscapeOnes + 6 + static_cast<uint64_t>(BitWidth(u));
}

// Writes u at bit pos; returns the new position. Requires: r in [0, 63]; PutBits' buffer
// requirements for kMaxRiceBits bits.
inline uint64_t PutRice(uint8_t* buf, uint64_t pos, uint64_t u, int r) {
  const uint64_t q = u >> r;
  if (q < kRiceEscapeOnes) {
    const int unary = static_cast<int>(q) + 1;
    PutBits(buf, pos, ((uint64_t{1} << q) - 1) << 1, unary);
    if (r > 0) PutBits(buf, pos + unary, u & (~uint64_t{0} >> (64 - r)), r);
    return pos + unary + r;
  }
  const int width = BitWidth(u);
  PutBits(buf, pos, (uint64_t{1} << kRiceEscapeOnes) - 1, kRiceEscapeOnes);
  PutBits(buf, pos + kRiceEscapeOnes, static_cast<uint64_t>(width - 1), 6);
  PutBits(buf, pos + kRiceEscapeOnes + 6, u, width);
  return pos + kRiceEscapeOnes + 6 + width;
}

// Reads one value written by PutRice. Returns false on truncated input.
inline bool ReadRice(BitReader& reader, int r, uint64_t* u) {
  int ones;
  if (!reader.PeekOnes(kRiceEscapeOnes, &ones)) return false;
  if (ones < kRiceEscapeOnes) {
    reader.Skip(ones + 1);
    uint64_t low = 0;
    if (r > 0 && !reader.ReadBitsWide(r, &low)) return false;
    *u = (static_cast<uint64_t>(ones) << r) | low;
    return true;
  }
  reader.Skip(kRiceEscapeOnes);
  uint64_t width;
  if (!reader.ReadBits(6, &width)) return false;
  return reader.ReadBitsWide(static_cast<int>(width) + 1, u);
}

}  // namespace osprey::tsdb::chunk_internal
