// A sequence of unsigned integers (zigzagged deltas and such) coded in whichever of three
// ways is expected to be smallest after zstd. Ends its column. Private to src/tsdb/chunk;
// layout in docs/format/chunks.md ("Integer streams").
//
//   0 varint:       each value as a varint (zstd then codes the bytes)
//   1 rice:         <r> then each value Rice-coded (internal/rice.h)
//   2 sparse rice:  <r_run> <r_value> then pairs (run of zeros, nonzero value - 1), both
//                   Rice-coded; a final run may reach the end without a value
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "tsdb/chunk/internal/bit_stream.h"
#include "tsdb/chunk/internal/column_util.h"

namespace osprey::tsdb::chunk_internal {

enum class IntCoding : uint8_t { kVarint = 0, kRice = 1, kSparseRice = 2 };

// Appends the coding byte, its parameters and the values; returns the estimated size of what
// it appended after compression. Cost: a few passes over the values.
double AppendIntStream(std::span<const uint64_t> values, std::string* out);

// A cheap size proxy for choosing between transforms of the same data before coding one:
// the bits of each value plus one.
inline uint64_t ProxyBits(std::span<const uint64_t> values) {
  uint64_t bits = 0;
  for (uint64_t u : values) bits += static_cast<uint64_t>(64 - __builtin_clzll(u | 1)) + (u != 0);
  return bits;
}

// Reads a stream of a known length that runs to the end of its column.
class IntStreamReader {
 public:
  // Reads the coding byte and parameters from r. False on malformed input.
  bool Init(ColumnReader& r, size_t count);
  // The next value. False on truncated input.
  bool Next(uint64_t* v);
  // True when every byte of the stream was used (call after reading `count` values).
  bool AtEnd() const;

 private:
  ColumnReader* varints_ = nullptr;
  BitReader bits_;
  size_t bit_bytes_ = 0;  // Bytes behind bits_.
  IntCoding coding_ = IntCoding::kVarint;
  int r_ = 0;
  int r_value_ = 0;
  uint64_t zeros_left_ = 0;  // Sparse: zeros still to return from the current run.
  bool value_pending_ = false;
  size_t left_ = 0;  // Values not yet returned.
};

}  // namespace osprey::tsdb::chunk_internal
