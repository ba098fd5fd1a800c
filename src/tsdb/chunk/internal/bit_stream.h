// Big-endian bit streams (most significant bit first) for the XOR encodings. Private to
// src/tsdb/chunk; the bit order is part of docs/format/chunks.md.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace osprey::tsdb::chunk_internal {

inline uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

inline void StoreBigEndian64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

// Bytes that must be writable (and zero) past byte pos / 8 for PutBits.
inline constexpr size_t kPutBitsSlack = 9;

// ORs the low n bits of v (n in [0, 64]) into buf at bit position pos, most significant bit
// first. Requires: the bits of v above n are zero; the bits from pos on are zero; bytes
// [pos / 8, pos / 8 + kPutBitsSlack) are writable.
inline void PutBits(uint8_t* buf, uint64_t pos, uint64_t v, int n) {
  if (n == 0) return;
  uint8_t* p = buf + (pos >> 3);
  const int off = static_cast<int>(pos & 7);
  if (off + n <= 64) {
    StoreBigEndian64(p, LoadBigEndian64(p) | (v << (64 - off - n)));
    return;
  }
  // off >= 1 and n > 64 - off: the first word takes 64 - off bits, the ninth byte the rest.
  const int rest = n - (64 - off);
  StoreBigEndian64(p, LoadBigEndian64(p) | (v >> rest));
  p[8] |= static_cast<uint8_t>(v << (8 - rest));
}

// Reads bits, most significant first, from bytes it does not own. Never reads past the end.
// Refills a 64-bit window eight bytes at a time when it can.
class BitReader {
 public:
  BitReader() = default;
  BitReader(const uint8_t* data, size_t size) : begin_(data), p_(data), end_(data + size) {}

  // Reads n bits (n in [1, 56]) into *out. Returns false when fewer than n bits are left.
  bool ReadBits(int n, uint64_t* out) {
    if (valid_ < n) {
      Refill();
      if (valid_ < n) return false;
    }
    *out = window_ >> (64 - n);
    window_ <<= n;
    valid_ -= n;
    return true;
  }

  // Reads n bits, n in [1, 64].
  bool ReadBitsWide(int n, uint64_t* out) {
    if (n <= 56) return ReadBits(n, out);
    uint64_t hi, lo;
    if (!ReadBits(n - 32, &hi) || !ReadBits(32, &lo)) return false;
    *out = (hi << 32) | lo;
    return true;
  }

  bool ReadBit(bool* out) {
    uint64_t b;
    if (!ReadBits(1, &b)) return false;
    *out = b != 0;
    return true;
  }

  // Counts the one bits before the next zero bit, up to `limit` (<= 56) of them, without
  // consuming anything. Returns false if the input ends first.
  bool PeekOnes(int limit, int* ones) {
    if (valid_ <= limit) Refill();
    const int available = valid_ < limit + 1 ? valid_ : limit + 1;
    if (available == 0) return false;
    // Ones in the available high bits of the window.
    const uint64_t inverted = ~window_ | (~uint64_t{0} >> available);
    const int count = inverted == 0 ? 64 : __builtin_clzll(inverted);
    if (count >= limit) {
      *ones = limit;
      return true;
    }
    if (count >= available) return false;  // Ran out of input inside the run of ones.
    *ones = count;
    return true;
  }
  // Consumes n bits (n in [0, 56]) that PeekOnes has seen (its ones plus the zero).
  void Skip(int n) {
    window_ <<= n;
    valid_ -= n;
  }

  // Bits consumed since the start.
  uint64_t position() const { return static_cast<uint64_t>(p_ - begin_) * 8 - valid_; }
  // Bits not yet consumed.
  uint64_t remaining() const { return static_cast<uint64_t>(end_ - p_) * 8 + valid_; }

 private:
  // Tops the window up to at least 56 valid bits, or to the end of the input.
  void Refill() {
    if (end_ - p_ >= 8) {
      // Bits past valid_ in the window are always the true next bits of the stream, so
      // OR-ing in a word that overlaps them again is harmless.
      window_ |= LoadBigEndian64(p_) >> valid_;
      const int bytes = (63 - valid_) >> 3;
      p_ += bytes;
      valid_ += bytes * 8;
      return;
    }
    while (valid_ <= 56 && p_ < end_) {
      window_ |= static_cast<uint64_t>(*p_++) << (56 - valid_);
      valid_ += 8;
    }
  }

  const uint8_t* begin_ = nullptr;
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  uint64_t window_ = 0;  // Next bits of the stream, left-aligned.
  int valid_ = 0;        // How many of window_'s high bits are unconsumed stream bits.
};

}  // namespace osprey::tsdb::chunk_internal
