// Byte-level helpers for the block files (docs/format/block.md): little-endian fixed-width
// integers, varints, and a bounds-checked reader that never reads past its input.
// Private to src/tsdb/block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace osprey::tsdb::block_internal {

inline constexpr char kIndexMagic[4] = {'O', 'S', 'P', 'I'};
inline constexpr char kDataMagic[4] = {'O', 'S', 'P', 'D'};
inline constexpr uint8_t kFormatVersion = 1;
inline constexpr size_t kFileHeaderSize = 8;  // magic, version, 3 reserved zero bytes

// Section ids of the index file, in file order.
enum class Section : uint8_t { kSymbols = 1, kSeries = 2, kLabels = 3, kFrames = 4 };
inline constexpr int kNumSections = 4;

// Frame kinds: which column stream a data-file frame belongs to.
enum class FrameKind : uint8_t { kTimestamps = 0, kValues = 1 };

// Postings list encodings.
enum class PostingsEncoding : uint8_t { kDeltaVarint = 0, kRoaring = 1 };

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t u) {
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}

inline uint32_t LoadFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// Reads from a byte range; after any failed read ok() is false and every later read
// returns 0 / empty, so parsers can read a whole record and check once.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool done() const { return p_ == end_; }
  const char* position() const { return p_; }

  uint64_t Varint() {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      if (p_ >= end_) break;
      const uint64_t byte = static_cast<uint8_t>(*p_++);
      if (shift == 63 && byte > 1) break;
      result |= (byte & 0x7F) << shift;
      if (byte < 0x80) return result;
    }
    ok_ = false;
    return 0;
  }
  // A varint that must be <= max.
  uint64_t Varint(uint64_t max) {
    const uint64_t v = Varint();
    if (v > max) ok_ = false;
    return ok_ ? v : 0;
  }
  int64_t ZigZagVarint() { return UnZigZag(Varint()); }
  uint8_t Byte() {
    if (!ok_ || p_ >= end_) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint8_t>(*p_++);
  }
  std::string_view Bytes(uint64_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return {};
    }
    std::string_view s(p_, static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  // A varint length followed by that many bytes.
  std::string_view LengthPrefixed() { return Bytes(Varint()); }
  void Fail() { ok_ = false; }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace osprey::tsdb::block_internal
