// CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected; as in iSCSI, ext4, leveldb and
// Prometheus's chunk files). Uses the SSE4.2 crc32 instruction when the CPU has it (checked
// once at run time), else a slicing-by-8 table. Both give identical values. Stateless and
// thread-safe.
//
//   Crc32c("123456789") == 0xE3069283
//   Crc32c(b, Crc32c(a)) == Crc32c(a + b)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace osprey::tsdb {

// The CRC-32C of `data`, continuing from `crc` (the CRC of the preceding bytes, 0 for none).
// Cost: about 8 bytes per cycle with SSE4.2, about 1 byte per cycle without.
uint32_t Crc32c(std::span<const uint8_t> data, uint32_t crc = 0);

inline uint32_t Crc32c(std::string_view data, uint32_t crc = 0) {
  return Crc32c(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()), crc);
}

namespace chunk_internal {
// The two implementations behind Crc32c, exposed so tests can compare them.
uint32_t Crc32cPortable(std::span<const uint8_t> data, uint32_t crc);
// Requires: Crc32cHardwareAvailable().
uint32_t Crc32cHardware(std::span<const uint8_t> data, uint32_t crc);
bool Crc32cHardwareAvailable();
}  // namespace chunk_internal

}  // namespace osprey::tsdb
