#include "tsdb/chunk/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace osprey::tsdb {
namespace chunk_internal {
namespace {

// The reflected Castagnoli polynomial.
constexpr uint32_t kCastagnoli = 0x82F63B78u;

using CrcTables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0][b]: the CRC register after shifting in byte b. tables[k][b]: the same followed by
// k zero bytes, so eight input bytes can be folded with eight independent lookups.
constexpr CrcTables BuildTables() {
  CrcTables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) != 0 ? (c >> 1) ^ kCastagnoli : c >> 1;
    tables[0][b] = c;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t prev = tables[k - 1][b];
      tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xFFu];
    }
  }
  return tables;
}

constexpr CrcTables kTables = BuildTables();

uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

}  // namespace

uint32_t Crc32cPortable(std::span<const uint8_t> data, uint32_t crc) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint32_t c = ~crc;
  while (n >= 8) {
    const uint64_t w = LoadLittleEndian64(p) ^ c;
    c = kTables[7][w & 0xFF] ^ kTables[6][(w >> 8) & 0xFF] ^ kTables[5][(w >> 16) & 0xFF] ^
        kTables[4][(w >> 24) & 0xFF] ^ kTables[3][(w >> 32) & 0xFF] ^ kTables[2][(w >> 40) & 0xFF] ^
        kTables[1][(w >> 48) & 0xFF] ^ kTables[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ *p) & 0xFF];
    ++p;
    --n;
  }
  return ~c;
}

#if defined(__x86_64__)

__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(std::span<const uint8_t> data,
                                                          uint32_t crc) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t c = ~crc;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, sizeof(w));
    c = _mm_crc32_u64(c, w);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n > 0) {
    c32 = _mm_crc32_u8(c32, *p);
    ++p;
    --n;
  }
  return ~c32;
}

bool Crc32cHardwareAvailable() {
  // Immutable after its thread-safe initialisation.
  static const bool kAvailable = __builtin_cpu_supports("sse4.2");
  return kAvailable;
}

#else

uint32_t Crc32cHardware(std::span<const uint8_t> data, uint32_t crc) {
  return Crc32cPortable(data, crc);
}
bool Crc32cHardwareAvailable() { return false; }

#endif

}  // namespace chunk_internal

uint32_t Crc32c(std::span<const uint8_t> data, uint32_t crc) {
  if (chunk_internal::Crc32cHardwareAvailable()) return chunk_internal::Crc32cHardware(data, crc);
  return chunk_internal::Crc32cPortable(data, crc);
}

}  // namespace osprey::tsdb
