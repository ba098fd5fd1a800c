// Protobuf wire-format primitives for the hand-written decoders and encoders of this module.
// https://protobuf.dev/programming-guides/encoding/
//
// Readers work on raw byte pointers and return nullptr on malformed or truncated input, so
// the hot path carries no Status; the caller builds the error message (with the byte offset)
// on the cold path.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace osprey::ingest::internal {

enum WireType : uint32_t {
  kWireVarint = 0,
  kWireFixed64 = 1,
  kWireLengthDelimited = 2,
  kWireStartGroup = 3,
  kWireEndGroup = 4,
  kWireFixed32 = 5,
};

// Field numbers are 29 bits; 0 is invalid.
inline constexpr uint64_t kMaxFieldNumber = (uint64_t{1} << 29) - 1;
// How deeply unknown groups may nest before the input is rejected.
inline constexpr int kMaxGroupDepth = 32;

// Reads a varint of at most 10 bytes. Returns the byte after it, or nullptr when the input
// ends inside the varint or the varint is longer than 10 bytes or overflows 64 bits.
const uint8_t* ReadVarintSlow(const uint8_t* p, const uint8_t* end, uint64_t* out);

inline const uint8_t* ReadVarint(const uint8_t* p, const uint8_t* end, uint64_t* out) {
  if (p < end && *p < 0x80) [[likely]] {
    *out = *p;
    return p + 1;
  }
  return ReadVarintSlow(p, end, out);
}

// True when ReadVarint failed at `p` because the input ended (rather than a malformed varint).
bool VarintTruncated(const uint8_t* p, const uint8_t* end);

inline uint64_t LoadFixed64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// Appends a varint to `out`.
inline void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline void AppendTag(std::string& out, uint32_t field, WireType type) {
  AppendVarint(out, (uint64_t{field} << 3) | type);
}

inline void AppendFixed64(std::string& out, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  char buf[8];
  std::memcpy(buf, &v, sizeof(buf));
  out.append(buf, sizeof(buf));
}

// A length-delimited field holding bytes `s`.
inline void AppendBytesField(std::string& out, uint32_t field, std::string_view s) {
  AppendTag(out, field, kWireLengthDelimited);
  AppendVarint(out, s.size());
  out.append(s);
}

}  // namespace osprey::ingest::internal
