// Value column bodies: XOR, byte planes and decimal. Format: docs/format/chunks.md
// ("Value columns").
#include <algorithm>
#include <bit>
#include <numeric>

#include "tsdb/chunk/internal/bit_stream.h"
#include "tsdb/chunk/internal/column_util.h"
#include "tsdb/chunk/internal/decimal.h"
#include "tsdb/chunk/internal/int_stream.h"
#include "tsdb/chunk/internal/xor_value.h"

namespace osprey::tsdb::chunk_internal {
namespace {

// Decimal flags byte: bits 0-1 transform, bit 2 scale, others zero.
enum class IntTransform : uint8_t { kRaw = 0, kDelta = 1, kDeltaOfDelta = 2 };
constexpr uint8_t kTransformMask = 0x03;
constexpr uint8_t kScaleMultiplyBit = 0x04;

uint64_t Magnitude(int64_t v) {
  return v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
}

int64_t Median(std::vector<int64_t> v) {
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

std::string EncodeXorColumn(std::span<const double> values, double* estimate) {
  std::string out = ColumnStart(ColumnEncoding::kValuesXor, values.size());
  const size_t start = out.size();
  out.resize(start + (64 + values.size() * kMaxXorValueBits) / 8 + kPutBitsSlack + 1);
  auto* buf = reinterpret_cast<uint8_t*>(out.data() + start);
  uint64_t prev = std::bit_cast<uint64_t>(values[0]);
  PutBits(buf, 0, prev, 64);
  uint64_t pos = 64;
  uint8_t leading = kNoXorWindow, trailing = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    const uint64_t bits = std::bit_cast<uint64_t>(values[i]);
    pos = PutXorValue(buf, pos, bits, prev, leading, trailing);
    prev = bits;
  }
  out.resize(start + (pos + 7) / 8);
  *estimate = EstimateCompressed(out);
  return out;
}

// Byte planes of each value XOR-ed with the previous one: plane 0 holds every value's most
// significant byte. Noisy floats share their sign and exponent bytes, which then compress to
// almost nothing while the XOR bit stream keeps them at full cost.
std::string EncodeBytePlanesColumn(std::span<const double> values, double* estimate) {
  const size_t n = values.size();
  std::string out = ColumnStart(ColumnEncoding::kValuesBytePlanes, n);
  const size_t start = out.size();
  out.resize(start + 8 * n);
  uint64_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t bits = std::bit_cast<uint64_t>(values[i]);
    const uint64_t x = bits ^ prev;
    prev = bits;
    for (size_t plane = 0; plane < 8; ++plane) {
      out[start + plane * n + i] = static_cast<char>(x >> (56 - 8 * plane));
    }
  }
  *estimate = 0;
  for (size_t plane = 0; plane < 8; ++plane) {
    *estimate += EstimateCompressed(std::string_view(out).substr(start + plane * n, n));
  }
  return out;
}

std::string EncodeDecimalColumn(std::span<const double> values, double* estimate) {
  DecimalColumn dec;
  if (!ToDecimal(values, &dec)) return {};
  const std::vector<int64_t>& m = dec.mantissas;
  const size_t n = m.size();
  uint64_t raw_gcd = 0, delta_gcd = 0;
  std::vector<int64_t> deltas(n - 1);
  for (size_t i = 0; i < n; ++i) {
    // Once a factor is 1 it stays 1: skip the (slow) gcd.
    if (raw_gcd != 1) raw_gcd = std::gcd(raw_gcd, Magnitude(m[i]));
    if (i > 0) {
      deltas[i - 1] = m[i] - m[i - 1];  // |m| < 2^61: no overflow here or below.
      if (delta_gcd != 1) delta_gcd = std::gcd(delta_gcd, Magnitude(deltas[i - 1]));
    }
  }
  if (raw_gcd == 0) raw_gcd = 1;
  if (delta_gcd == 0) delta_gcd = 1;
  if (delta_gcd > 1) {
    for (int64_t& d : deltas) d /= static_cast<int64_t>(delta_gcd);
  }

  // Pick the transform by a cheap proxy, then code only that one.
  const int64_t base = Median(deltas);
  std::vector<uint64_t> raw_zz(n), delta_zz(n - 1), dod_zz(n - 2);
  for (size_t i = 0; i < n; ++i) {
    raw_zz[i] = ZigZagEncode(raw_gcd > 1 ? m[i] / static_cast<int64_t>(raw_gcd) : m[i]);
  }
  for (size_t i = 0; i < n - 1; ++i) delta_zz[i] = ZigZagEncode(deltas[i] - base);
  for (size_t i = 0; i + 2 < n; ++i) dod_zz[i] = ZigZagEncode(deltas[i + 1] - deltas[i]);
  const uint64_t raw_cost = ProxyBits(raw_zz), delta_cost = ProxyBits(delta_zz),
                 dod_cost = ProxyBits(dod_zz);

  IntTransform t = IntTransform::kDelta;
  if (raw_cost < delta_cost && raw_cost <= dod_cost) {
    t = IntTransform::kRaw;
  } else if (dod_cost < delta_cost) {
    t = IntTransform::kDeltaOfDelta;
  }
  std::string column = ColumnStart(ColumnEncoding::kValuesDecimal, n);
  uint8_t flags = static_cast<uint8_t>(t);
  if (dec.scale == DecimalScale::kMultiply) flags |= kScaleMultiplyBit;
  column.push_back(static_cast<char>(flags));
  column.push_back(static_cast<char>(dec.exponent));
  double e;
  switch (t) {
    case IntTransform::kRaw:
      PutVarint(&column, raw_gcd);
      e = AppendIntStream(raw_zz, &column);
      break;
    case IntTransform::kDelta:
      PutVarint(&column, delta_gcd);
      PutSigned(&column, m[0]);
      PutSigned(&column, base);
      e = AppendIntStream(delta_zz, &column);
      break;
    case IntTransform::kDeltaOfDelta:
      PutVarint(&column, delta_gcd);
      PutSigned(&column, m[0]);
      PutSigned(&column, deltas[0]);
      e = AppendIntStream(dod_zz, &column);
      break;
  }
  *estimate = e + 8;  // The header, roughly.
  return column;
}

Status DecodeXorColumn(ColumnReader& r, size_t n, std::vector<double>* out) {
  if (r.remaining() < 8 || (r.remaining() - 8) * 8 < n - 1) {
    return ColumnCorrupt("xor column shorter than its sample count");
  }
  BitReader bits(r.p, r.remaining());
  out->resize(n);
  uint64_t v;
  if (!bits.ReadBitsWide(64, &v)) return ColumnCorrupt("truncated xor column");
  (*out)[0] = std::bit_cast<double>(v);
  uint8_t leading = kNoXorWindow, trailing = 0;
  for (size_t i = 1; i < n; ++i) {
    if (!ReadXorValue(bits, v, leading, trailing)) {
      return ColumnCorrupt("truncated or invalid xor column");
    }
    (*out)[i] = std::bit_cast<double>(v);
  }
  if ((bits.position() + 7) / 8 != r.remaining()) {
    return ColumnCorrupt("bytes after the last sample");
  }
  return OkStatus();
}

Status DecodeBytePlanesColumn(ColumnReader& r, size_t n, std::vector<double>* out) {
  if (r.remaining() % 8 != 0 || r.remaining() / 8 != n) {
    return ColumnCorrupt("byte-plane column size does not match its sample count");
  }
  out->resize(n);
  uint64_t prev = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = 0;
    for (size_t plane = 0; plane < 8; ++plane) x = (x << 8) | r.p[plane * n + i];
    prev ^= x;
    (*out)[i] = std::bit_cast<double>(prev);
  }
  return OkStatus();
}

Status DecodeDecimalColumn(ColumnReader& r, size_t n, std::vector<double>* out) {
  uint8_t flags, exponent;
  uint64_t g;
  if (!r.Byte(&flags) || !r.Byte(&exponent) || !r.Varint(&g)) {
    return ColumnCorrupt("truncated decimal header");
  }
  const uint8_t transform = flags & kTransformMask;
  if ((flags & ~(kTransformMask | kScaleMultiplyBit)) != 0 ||
      transform > static_cast<uint8_t>(IntTransform::kDeltaOfDelta)) {
    return ColumnCorrupt("bad decimal flags");
  }
  if (exponent > kMaxDecimalExponent) return ColumnCorrupt("bad decimal exponent");
  if (g == 0) return ColumnCorrupt("zero decimal factor");
  const DecimalScale scale =
      (flags & kScaleMultiplyBit) != 0 ? DecimalScale::kMultiply : DecimalScale::kDivide;
  const int k = exponent;
  const auto factor = static_cast<int64_t>(g);

  // The transform's leading varints, then the coded elements.
  int64_t m = 0, step = 0;
  size_t coded = n;
  if (transform != static_cast<uint8_t>(IntTransform::kRaw)) {
    if (!r.Signed(&m) || (n > 1 && !r.Signed(&step))) {
      return ColumnCorrupt("truncated decimal column");
    }
    coded = transform == static_cast<uint8_t>(IntTransform::kDelta) ? n - 1 : (n > 1 ? n - 2 : 0);
  }
  IntStreamReader stream;
  if (!stream.Init(r, coded)) return ColumnCorrupt("decimal column shorter than its sample count");
  auto next = [&](int64_t* v) {
    uint64_t u;
    if (!stream.Next(&u)) return false;
    *v = ZigZagDecode(u);
    return true;
  };

  out->resize(n);
  double* dst = out->data();
  switch (static_cast<IntTransform>(transform)) {
    case IntTransform::kRaw:
      for (size_t i = 0; i < n; ++i) {
        if (!next(&m)) return ColumnCorrupt("truncated decimal column");
        dst[i] = DecimalToDouble(WrapMul(m, factor), scale, k);
      }
      break;
    case IntTransform::kDelta:  // step is the base delta.
      dst[0] = DecimalToDouble(m, scale, k);
      for (size_t i = 1; i < n; ++i) {
        int64_t x;
        if (!next(&x)) return ColumnCorrupt("truncated decimal column");
        m = WrapAdd(m, WrapMul(WrapAdd(x, step), factor));
        dst[i] = DecimalToDouble(m, scale, k);
      }
      break;
    case IntTransform::kDeltaOfDelta:  // step is the previous delta.
      dst[0] = DecimalToDouble(m, scale, k);
      for (size_t i = 1; i < n; ++i) {
        if (i > 1) {
          int64_t x;
          if (!next(&x)) return ColumnCorrupt("truncated decimal column");
          step = WrapAdd(step, x);
        }
        m = WrapAdd(m, WrapMul(step, factor));
        dst[i] = DecimalToDouble(m, scale, k);
      }
      break;
  }
  if (!stream.AtEnd()) return ColumnCorrupt("bytes after the last sample");
  return OkStatus();
}

}  // namespace osprey::tsdb::chunk_internal
