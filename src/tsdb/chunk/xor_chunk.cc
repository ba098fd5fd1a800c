// Format: docs/format/chunks.md ("XOR chunk").
//
// Timestamps are kept as uint64 and all differences are taken mod 2^64, so any strictly
// increasing int64 sequence round-trips, even one spanning the whole int64 range.
#include "tsdb/chunk/xor_chunk.h"

#include <bit>
#include <cstring>
#include <utility>

#include "base/check.h"
#include "tsdb/chunk/internal/varint.h"
#include "tsdb/chunk/internal/xor_value.h"

namespace osprey::tsdb {
namespace {

using chunk_internal::BitReader;
using chunk_internal::kNoXorWindow;
using chunk_internal::PutBits;

constexpr size_t kHeaderBytes = 2;
// Most bytes one sample takes (first sample: 10-byte varint + 64 bits; later ones: 4 + 64
// timestamp bits and kMaxXorValueBits) plus PutBits' slack, rounded up.
constexpr size_t kAppendHeadroom = 32;
// The head keeps one open chunk per series: keep it small.
static_assert(sizeof(XorChunk) <= 56, "XorChunk grew");

// The bytes() of an empty chunk: a header declaring zero samples.
constexpr uint8_t kEmptyChunk[kHeaderBytes] = {0, 0};

// Delta-of-delta buckets: a prefix of 1 to 4 bits, then a two's complement payload.
struct DodBucket {
  uint64_t prefix;
  int prefix_bits;
  int payload_bits;
};
constexpr DodBucket kDodBuckets[] = {
    {0b10, 2, 7},
    {0b110, 3, 14},
    {0b1110, 4, 20},
};
constexpr uint64_t kDodWidePrefix = 0b1111;  // Followed by all 64 bits.

bool FitsSigned(int64_t v, int bits) {
  const int64_t limit = int64_t{1} << (bits - 1);
  return v >= -limit && v < limit;
}

int64_t SignExtend(uint64_t v, int bits) {
  return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}

// Writes a varint as whole bytes into the bit stream; returns the new position.
uint64_t PutVarintBits(uint8_t* buf, uint64_t pos, uint64_t v) {
  uint8_t tmp[chunk_internal::kMaxVarintBytes];
  const uint8_t* end = chunk_internal::EncodeVarint(tmp, v);
  for (const uint8_t* p = tmp; p < end; ++p, pos += 8) PutBits(buf, pos, *p, 8);
  return pos;
}

bool ReadVarintBits(BitReader& r, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint64_t byte;
    if (!r.ReadBits(8, &byte)) return false;
    if (shift == 63 && byte > 1) return false;
    result |= (byte & 0x7F) << shift;
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace

// ---- XorIterator ----

XorIterator::XorIterator() : leading_(kNoXorWindow) {}

XorIterator::XorIterator(std::span<const uint8_t> bytes) : leading_(kNoXorWindow) {
  if (bytes.size() < kHeaderBytes) {
    error_ = Error::kTooShort;
    return;
  }
  total_ = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
  reader_ = BitReader(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes);
}

double XorIterator::v() const { return std::bit_cast<double>(value_bits_); }

bool XorIterator::Next() {
  if (read_ >= total_) {
    at_sample_ = false;
    return false;
  }
  if (read_ == 0) {
    uint64_t zz;
    if (!ReadVarintBits(reader_, &zz)) return Fail(Error::kTruncated);
    t_ = chunk_internal::ZigZagDecode(zz);
    if (!reader_.ReadBitsWide(64, &value_bits_)) return Fail(Error::kTruncated);
    ++read_;
    at_sample_ = true;
    return true;
  }
  if (read_ == 1) {
    if (!ReadVarintBits(reader_, &delta_)) return Fail(Error::kTruncated);
  } else {
    // Count the prefix's one bits (at most 4) to find the bucket.
    int ones = 0;
    for (; ones < 4; ++ones) {
      uint64_t bit;
      if (!reader_.ReadBits(1, &bit)) return Fail(Error::kTruncated);
      if (bit == 0) break;
    }
    if (ones > 0) {
      uint64_t payload;
      if (ones < 4) {
        const int bits = kDodBuckets[ones - 1].payload_bits;
        if (!reader_.ReadBits(bits, &payload)) return Fail(Error::kTruncated);
        delta_ += static_cast<uint64_t>(SignExtend(payload, bits));
      } else {
        if (!reader_.ReadBitsWide(64, &payload)) return Fail(Error::kTruncated);
        delta_ += payload;
      }
    }
  }
  const int64_t t = static_cast<int64_t>(static_cast<uint64_t>(t_) + delta_);
  if (t <= t_) return Fail(Error::kTimeNotIncreasing);
  t_ = t;
  if (!chunk_internal::ReadXorValue(reader_, value_bits_, leading_, trailing_)) {
    return Fail(Error::kBadValue);
  }
  ++read_;
  at_sample_ = true;
  return true;
}

bool XorIterator::Seek(int64_t t) {
  if (at_sample_ && t_ >= t) return true;
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

Status XorIterator::status() const {
  switch (error_) {
    case Error::kNone:
      return OkStatus();
    case Error::kTooShort:
      return DataLossError("xor chunk: shorter than its 2-byte header");
    case Error::kTruncated:
      return DataLossError("xor chunk: ends before its declared " + std::to_string(total_) +
                           " samples");
    case Error::kBadValue:
      return DataLossError("xor chunk: invalid value encoding");
    case Error::kTimeNotIncreasing:
      return DataLossError("xor chunk: timestamps not strictly increasing");
  }
  return DataLossError("xor chunk: corrupted");
}

// ---- XorChunk ----

XorChunk::XorChunk(XorChunk&& other) noexcept
    : buf_(std::move(other.buf_)),
      capacity_(std::exchange(other.capacity_, 0)),
      bit_len_(std::exchange(other.bit_len_, 0)),
      first_t_(other.first_t_),
      last_t_(other.last_t_),
      last_delta_(other.last_delta_),
      last_value_bits_(other.last_value_bits_),
      num_samples_(std::exchange(other.num_samples_, 0)),
      leading_(std::exchange(other.leading_, kNoXorWindow)),
      trailing_(other.trailing_) {}

XorChunk& XorChunk::operator=(XorChunk&& other) noexcept {
  if (this != &other) {
    buf_ = std::move(other.buf_);
    capacity_ = std::exchange(other.capacity_, 0);
    bit_len_ = std::exchange(other.bit_len_, 0);
    first_t_ = other.first_t_;
    last_t_ = other.last_t_;
    last_delta_ = other.last_delta_;
    last_value_bits_ = other.last_value_bits_;
    num_samples_ = std::exchange(other.num_samples_, 0);
    leading_ = std::exchange(other.leading_, kNoXorWindow);
    trailing_ = other.trailing_;
  }
  return *this;
}

double XorChunk::LastValue() const { return std::bit_cast<double>(last_value_bits_); }

std::span<const uint8_t> XorChunk::bytes() const {
  if (buf_ == nullptr) return std::span<const uint8_t>(kEmptyChunk, kHeaderBytes);
  return std::span<const uint8_t>(buf_.get(), (bit_len_ + 7) / 8);
}

void XorChunk::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  // Small fixed steps while the chunk is small (a typical 120-sample chunk is 150-250
  // bytes), then 25 %: few reallocations and little slack per open chunk.
  size_t new_capacity = capacity_ < 256 ? capacity_ + 48 : capacity_ + capacity_ / 4;
  if (new_capacity < bytes) new_capacity = bytes;
  new_capacity = (new_capacity + 7) & ~size_t{7};
  auto* p = static_cast<uint8_t*>(std::realloc(buf_.release(), new_capacity));
  OSPREY_CHECK(p != nullptr) << "out of memory growing a chunk to " << new_capacity << " bytes";
  std::memset(p + capacity_, 0, new_capacity - capacity_);
  buf_.reset(p);
  capacity_ = static_cast<uint32_t>(new_capacity);
}

void XorChunk::ShrinkToFit() {
  if (buf_ == nullptr) return;
  const size_t used = (bit_len_ + 7) / 8;
  if (used == capacity_) return;
  auto* p = static_cast<uint8_t*>(std::realloc(buf_.release(), used));
  OSPREY_CHECK(p != nullptr) << "out of memory shrinking a chunk";
  buf_.reset(p);
  capacity_ = static_cast<uint32_t>(used);
}

void XorChunk::Append(int64_t t, double v) {
  OSPREY_CHECK(num_samples_ < kXorChunkMaxSamples) << "xor chunk is full";
  OSPREY_CHECK(num_samples_ == 0 || t > last_t_)
      << "xor chunk: timestamp " << t << " not after " << last_t_;
  const uint64_t value_bits = std::bit_cast<uint64_t>(v);
  Reserve(bit_len_ / 8 + kAppendHeadroom);
  uint8_t* buf = buf_.get();
  uint64_t pos = bit_len_ == 0 ? kHeaderBytes * 8 : bit_len_;

  if (num_samples_ == 0) {
    pos = PutVarintBits(buf, pos, chunk_internal::ZigZagEncode(t));
    PutBits(buf, pos, value_bits, 64);
    pos += 64;
    first_t_ = t;
  } else {
    const uint64_t delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(last_t_);
    if (num_samples_ == 1) {
      pos = PutVarintBits(buf, pos, delta);
    } else {
      const int64_t dod = static_cast<int64_t>(delta - last_delta_);
      if (dod == 0) {
        pos += 1;  // A single '0' bit; the buffer is already zero there.
      } else {
        bool written = false;
        for (const DodBucket& b : kDodBuckets) {
          if (FitsSigned(dod, b.payload_bits)) {
            const uint64_t payload =
                static_cast<uint64_t>(dod) & ((uint64_t{1} << b.payload_bits) - 1);
            PutBits(buf, pos, (b.prefix << b.payload_bits) | payload,
                    b.prefix_bits + b.payload_bits);
            pos += b.prefix_bits + b.payload_bits;
            written = true;
            break;
          }
        }
        if (!written) {
          PutBits(buf, pos, kDodWidePrefix, 4);
          PutBits(buf, pos + 4, static_cast<uint64_t>(dod), 64);
          pos += 68;
        }
      }
    }
    pos = chunk_internal::PutXorValue(buf, pos, value_bits, last_value_bits_, leading_, trailing_);
    last_delta_ = delta;
  }
  last_t_ = t;
  last_value_bits_ = value_bits;
  ++num_samples_;
  buf[0] = static_cast<uint8_t>(num_samples_ >> 8);
  buf[1] = static_cast<uint8_t>(num_samples_);
  bit_len_ = static_cast<uint32_t>(pos);
}

Result<XorChunkInfo> XorChunk::Validate(std::span<const uint8_t> bytes) {
  XorIterator it(bytes);
  XorChunkInfo info;
  info.num_samples = it.num_samples();
  while (it.Next()) {
    if (it.read_ == 1) info.min_time = it.t();
    info.max_time = it.t();
  }
  OSPREY_RETURN_IF_ERROR(it.status());
  const uint64_t bits = kHeaderBytes * 8 + it.reader_.position();
  if ((bits + 7) / 8 != bytes.size()) {
    return DataLossError("xor chunk: " + std::to_string(bytes.size() - (bits + 7) / 8) +
                         " bytes follow the last sample");
  }
  return info;
}

Result<XorChunk> XorChunk::FromBytes(std::span<const uint8_t> bytes) {
  XorIterator it(bytes);
  XorChunk chunk;
  while (it.Next()) {
    if (it.read_ == 1) chunk.first_t_ = it.t();
  }
  OSPREY_RETURN_IF_ERROR(it.status());
  const uint64_t bits = kHeaderBytes * 8 + it.reader_.position();
  const size_t used = (bits + 7) / 8;
  if (used != bytes.size()) return DataLossError("xor chunk: bytes follow the last sample");
  chunk.num_samples_ = it.num_samples();
  if (chunk.num_samples_ == 0) return chunk;
  chunk.Reserve(used + kAppendHeadroom);
  std::memcpy(chunk.buf_.get(), bytes.data(), used);
  // Clear the unused low bits of the last byte: Append() ORs new bits into them.
  if (bits % 8 != 0) chunk.buf_.get()[used - 1] &= static_cast<uint8_t>(0xFF << (8 - bits % 8));
  chunk.bit_len_ = static_cast<uint32_t>(bits);
  chunk.last_t_ = it.t();
  chunk.last_delta_ = it.delta_;
  chunk.last_value_bits_ = it.value_bits_;
  chunk.leading_ = it.leading_;
  chunk.trailing_ = it.trailing_;
  return chunk;
}

}  // namespace osprey::tsdb
