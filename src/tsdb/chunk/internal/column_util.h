// Helpers shared by the column encoders (column_codec.cc, value_columns.cc). Private to
// src/tsdb/chunk.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tsdb/chunk/column_codec.h"
#include "tsdb/chunk/internal/varint.h"

namespace osprey::tsdb::chunk_internal {

// log2(x) for x >= 1 to about 1e-4, without libm: estimates need speed, not accuracy.
inline double FastLog2(double x) {
  int exponent;
  const double m = std::frexp(x, &exponent);  // x = m * 2^exponent, m in [0.5, 1).
  // log2(m) on [0.5, 1) by a cubic fit.
  const double t = m - 0.75;
  return exponent - 0.415037499 + t * (1.92359 + t * (-1.28239 + t * 1.13988));
}

// Estimated bytes after zstd of data whose byte histogram is `hist` (n bytes in all): its
// order-0 entropy, which is what zstd's literal coding reaches on such data, plus a little
// for what it does not capture.
inline double EstimateFromHistogram(const uint32_t (&hist)[256], size_t n) {
  if (n == 0) return 0;
  // sum c * log2(n / c) = n log2 n - sum c log2 c.
  const double total = static_cast<double>(n);
  double bits = total * FastLog2(total);
  for (uint32_t count : hist) {
    if (count > 1) bits -= count * FastLog2(count);
  }
  return bits / 8 + total / 16;
}

inline double EstimateCompressed(std::string_view data) {
  uint32_t hist[256] = {};
  for (unsigned char c : data) ++hist[c];
  return EstimateFromHistogram(hist, data.size());
}

inline void PutSigned(std::string* out, int64_t v) { PutVarint(out, ZigZagEncode(v)); }

// Arithmetic mod 2^64, for decoders fed arbitrary input.
inline int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// The encoding byte and sample count that start a non-empty column.
inline std::string ColumnStart(ColumnEncoding e, size_t n) {
  std::string out;
  out.push_back(static_cast<char>(e));
  PutVarint(&out, n);
  return out;
}

// A cursor over the bytes of a column after its header.
struct ColumnReader {
  const uint8_t* p;
  const uint8_t* end;

  bool Varint(uint64_t* v) { return GetVarint(&p, end, v); }
  bool Signed(int64_t* v) {
    uint64_t u;
    if (!GetVarint(&p, end, &u)) return false;
    *v = ZigZagDecode(u);
    return true;
  }
  bool Byte(uint8_t* b) {
    if (p >= end) return false;
    *b = *p++;
    return true;
  }
  size_t remaining() const { return static_cast<size_t>(end - p); }
};

inline Status ColumnCorrupt(std::string_view what) {
  return DataLossError("column: " + std::string(what));
}

// Value column encoders (value_columns.cc). Each returns a whole column and sets *estimate to
// its expected size after compression. Requires: values.size() >= 2 and not all equal.
std::string EncodeXorColumn(std::span<const double> values, double* estimate);
std::string EncodeBytePlanesColumn(std::span<const double> values, double* estimate);
// Returns an empty string when the values are not short decimals.
std::string EncodeDecimalColumn(std::span<const double> values, double* estimate);

// Decoders of the column body after its header; fill *out with n values.
Status DecodeXorColumn(ColumnReader& r, size_t n, std::vector<double>* out);
Status DecodeBytePlanesColumn(ColumnReader& r, size_t n, std::vector<double>* out);
Status DecodeDecimalColumn(ColumnReader& r, size_t n, std::vector<double>* out);

}  // namespace osprey::tsdb::chunk_internal
