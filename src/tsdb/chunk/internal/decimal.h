// Lossless conversion of float columns to integer mantissas with one shared decimal exponent
// (VictoriaMetrics' idea, done exactly: every value is checked to convert back to the same
// bits). Private to src/tsdb/chunk; the decoding rule is part of docs/format/chunks.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace osprey::tsdb::chunk_internal {

// Largest decimal exponent tried (10^18 is still exact as a double).
inline constexpr int kMaxDecimalExponent = 18;

// How a mantissa m and exponent k give back the value.
enum class DecimalScale : uint8_t {
  // double(m) / 10^k: the nearest double to the decimal m * 10^-k, as parsing "12.34" or
  // computing ticks / 100.0 gives.
  kDivide = 0,
  // double(m) * double(10^-k): as computing round(x / 0.01) * 0.01 gives. k >= 1.
  kMultiply = 1,
};

inline constexpr double kPow10[kMaxDecimalExponent + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                                           1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                                           1e14, 1e15, 1e16, 1e17, 1e18};
inline constexpr double kNegPow10[kMaxDecimalExponent + 1] = {
    1e-0,  1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,  1e-8, 1e-9,
    1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18};

// Requires: k in [0, kMaxDecimalExponent].
inline double DecimalToDouble(int64_t m, DecimalScale scale, int k) {
  return scale == DecimalScale::kDivide ? static_cast<double>(m) / kPow10[k]
                                        : static_cast<double>(m) * kNegPow10[k];
}

// Mantissas are kept below this magnitude so that deltas and delta-of-deltas fit int64.
inline constexpr double kMaxMantissa = 2305843009213693952.0;  // 2^61

struct DecimalColumn {
  DecimalScale scale = DecimalScale::kDivide;
  int exponent = 0;
  std::vector<int64_t> mantissas;
};

// Finds the smallest exponent (kDivide preferred) at which every value converts exactly, and
// fills *out. Returns false when there is none (NaN, infinities, -0.0, values with many
// significant digits). Cost: a few floating-point operations per value.
bool ToDecimal(std::span<const double> values, DecimalColumn* out);

}  // namespace osprey::tsdb::chunk_internal
