#include "tsdb/chunk/internal/decimal.h"

#include <bit>
#include <cmath>

namespace osprey::tsdb::chunk_internal {
namespace {

// The mantissa for v at exponent k, if it converts back to exactly v.
bool MantissaAt(double v, DecimalScale scale, int k, int64_t* m) {
  const double scaled = v * kPow10[k];
  if (!(std::fabs(scaled) < kMaxMantissa)) return false;  // Also rejects NaN.
  const int64_t candidate = std::llrint(scaled);
  if (std::bit_cast<uint64_t>(DecimalToDouble(candidate, scale, k)) != std::bit_cast<uint64_t>(v)) {
    return false;
  }
  *m = candidate;
  return true;
}

bool AllAt(std::span<const double> values, DecimalScale scale, int k, DecimalColumn* out) {
  out->mantissas.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!MantissaAt(values[i], scale, k, &out->mantissas[i])) return false;
  }
  out->scale = scale;
  out->exponent = k;
  return true;
}

}  // namespace

bool ToDecimal(std::span<const double> values, DecimalColumn* out) {
  if (values.empty()) return false;
  // kDivide: a value exact at k is exact at every larger k while its mantissa stays exact as
  // a double, so one pass raising k finds the column's exponent; AllAt re-checks them all.
  int k = 0;
  int64_t m;
  for (double v : values) {
    while (k <= kMaxDecimalExponent && !MantissaAt(v, DecimalScale::kDivide, k, &m)) ++k;
    if (k > kMaxDecimalExponent) break;
  }
  const int divide_exponent = k;
  // kMultiply has no such order: try each smaller exponent the first value allows. Values
  // computed as round(x / 0.01) * 0.01 often also convert with kDivide, but only at a large
  // exponent (12345.670000000002 needs 12 digits), whose mantissas compress badly.
  for (k = 1; k < divide_exponent && k <= kMaxDecimalExponent; ++k) {
    if (!MantissaAt(values[0], DecimalScale::kMultiply, k, &m)) continue;
    if (AllAt(values, DecimalScale::kMultiply, k, out)) return true;
  }
  return divide_exponent <= kMaxDecimalExponent &&
         AllAt(values, DecimalScale::kDivide, divide_exponent, out);
}

}  // namespace osprey::tsdb::chunk_internal
