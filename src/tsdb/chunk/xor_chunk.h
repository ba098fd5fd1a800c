// The head's in-memory chunk of float samples: timestamps as delta-of-delta in variable bit
// buckets, values XOR-ed with the previous one with leading/trailing zero reuse (Gorilla).
// A regular 15 s series costs about 1 to 2 bytes per sample. Byte format:
// docs/format/chunks.md.
//
//   XorChunk chunk;
//   chunk.Append(1000, 1.5);
//   chunk.Append(16000, 2.5);
//   for (XorIterator it = chunk.Iterator(); it.Next();) Use(it.t(), it.v());
//
// The same XorIterator reads chunk bytes it does not own (mmapped head chunks, blocks):
//
//   XorIterator it(mapped_bytes);
//   while (it.Next()) ...;
//   if (!it.status().ok()) ...;  // corrupted bytes end the iteration with kDataLoss
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "base/status.h"
#include "tsdb/chunk/internal/bit_stream.h"

namespace osprey::tsdb {

// The sample count is a 16-bit field of the format.
inline constexpr uint16_t kXorChunkMaxSamples = 65535;

// Facts about a valid chunk, from XorChunk::Validate().
struct XorChunkInfo {
  uint16_t num_samples = 0;
  int64_t min_time = 0;  // Unspecified when num_samples == 0.
  int64_t max_time = 0;  // Unspecified when num_samples == 0.
};

// Iterates the samples of chunk bytes in time order. Does not own the bytes: they must stay
// valid and unchanged while it is used (for XorChunk::Iterator(): until the chunk's next
// Append() or ShrinkToFit(), or its destruction). Cheap to copy. Non-virtual;
// thread-compatible. Decoding costs a few nanoseconds per sample and never allocates.
class XorIterator {
 public:
  // An iterator with no samples.
  XorIterator();
  // Reads `bytes` (a whole chunk, header included). Bytes that are not a valid chunk make
  // Next() return false with status() kDataLoss, never a crash.
  explicit XorIterator(std::span<const uint8_t> bytes);

  // Advances to the next sample. Returns false at the end or on corrupted input (see status()).
  bool Next();
  // Advances to the first sample with timestamp >= t and returns true, or returns false if
  // there is none (or on corrupted input). Does not move if the current sample (after a
  // Next() or Seek() that returned true) already has timestamp >= t.
  bool Seek(int64_t t);

  // The current sample. Requires: the last Next() or Seek() returned true.
  int64_t t() const { return t_; }
  double v() const;
  uint64_t value_bits() const { return value_bits_; }

  // kDataLoss when the bytes were found corrupted, else OK.
  Status status() const;
  // The sample count the chunk header declares.
  uint16_t num_samples() const { return total_; }

 private:
  friend class XorChunk;
  enum class Error : uint8_t { kNone, kTooShort, kTruncated, kBadValue, kTimeNotIncreasing };

  bool Fail(Error e) {
    error_ = e;
    read_ = total_;
    at_sample_ = false;
    return false;
  }

  chunk_internal::BitReader reader_;
  int64_t t_ = 0;
  uint64_t delta_ = 0;  // t_ minus the previous timestamp (mod 2^64).
  uint64_t value_bits_ = 0;
  uint16_t total_ = 0;
  uint16_t read_ = 0;
  uint8_t leading_;
  uint8_t trailing_ = 0;
  Error error_ = Error::kNone;
  bool at_sample_ = false;  // The last Next() or Seek() returned true.
};

// An appendable chunk of up to kXorChunkMaxSamples samples with strictly increasing
// timestamps. Append() is O(1) and allocates only when its buffer grows (in small steps, so
// an open chunk wastes under about 100 bytes); ShrinkToFit() trims a finished chunk.
// About 56 bytes plus the buffer. Move-only; thread-compatible (a reader running concurrently
// with Append() needs the owner's lock).
class XorChunk {
 public:
  XorChunk() = default;
  XorChunk(XorChunk&& other) noexcept;
  XorChunk& operator=(XorChunk&& other) noexcept;
  XorChunk(const XorChunk&) = delete;
  XorChunk& operator=(const XorChunk&) = delete;
  ~XorChunk() = default;

  // Checks that `bytes` are a well-formed chunk: every sample decodes, timestamps strictly
  // increase, no bytes follow the last sample. kDataLoss otherwise. Cost: one decode pass.
  static Result<XorChunkInfo> Validate(std::span<const uint8_t> bytes);
  // A chunk holding a copy of `bytes` (validated as by Validate()) that can be appended to.
  static Result<XorChunk> FromBytes(std::span<const uint8_t> bytes);

  // Adds a sample. Requires: empty() or t > MaxTime(); num_samples() < kXorChunkMaxSamples
  // (both CHECKed). Stores v's bits exactly (NaN payloads such as the stale marker, -0.0).
  void Append(int64_t t, double v);

  uint16_t num_samples() const { return num_samples_; }
  bool empty() const { return num_samples_ == 0; }
  // First and last timestamp. Requires: !empty().
  int64_t MinTime() const { return first_t_; }
  int64_t MaxTime() const { return last_t_; }
  // The last appended value. Requires: !empty().
  double LastValue() const;

  // The encoded chunk (header included), valid until the next Append() or ShrinkToFit().
  std::span<const uint8_t> bytes() const;
  // Heap and inline bytes this chunk uses.
  size_t MemoryBytes() const { return sizeof(*this) + capacity_; }
  // Releases the spare buffer capacity (a later Append() grows it again).
  void ShrinkToFit();

  // Iterates the samples appended so far; see XorIterator for how long it stays valid.
  XorIterator Iterator() const { return XorIterator(bytes()); }

 private:
  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  // Makes at least `bytes` bytes of zeroed buffer available.
  void Reserve(size_t bytes);

  // Invariant: buf_[0..1] hold num_samples_ (big-endian); the bit stream follows; every bit
  // at or past bit_len_ in the buffer is zero (PutBits ORs into it).
  std::unique_ptr<uint8_t, FreeDeleter> buf_;
  uint32_t capacity_ = 0;  // Bytes allocated at buf_.
  uint32_t bit_len_ = 0;   // Bits used, header included.
  int64_t first_t_ = 0;
  int64_t last_t_ = 0;
  uint64_t last_delta_ = 0;  // last_t_ minus the timestamp before it (mod 2^64).
  uint64_t last_value_bits_ = 0;
  uint16_t num_samples_ = 0;
  uint8_t leading_ = 0xFF;  // The XOR window (chunk_internal::kNoXorWindow: none yet).
  uint8_t trailing_ = 0;
};

}  // namespace osprey::tsdb
