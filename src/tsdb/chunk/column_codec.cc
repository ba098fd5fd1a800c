// Format: docs/format/chunks.md ("Columns").
//
// Encoders build every applicable candidate and keep the one with the smallest estimated size
// after compression. Decoders do all arithmetic mod 2^64, so corrupted input yields wrong
// numbers or kDataLoss but never undefined behaviour, and they never allocate more than the
// input can justify (or max_samples for the run-length-like encodings).
#include "tsdb/chunk/column_codec.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "tsdb/chunk/internal/column_util.h"
#include "tsdb/chunk/internal/int_stream.h"

namespace osprey::tsdb {
namespace {

using chunk_internal::ColumnCorrupt;
using chunk_internal::ColumnReader;
using chunk_internal::ColumnStart;
using chunk_internal::PutSigned;
using chunk_internal::WrapAdd;
using chunk_internal::WrapMul;
using chunk_internal::WrapSub;

constexpr uint8_t kLastEncoding = static_cast<uint8_t>(ColumnEncoding::kTimestampsGrid);

// Parses the encoding byte and sample count.
Status ParseHeader(std::string_view in, size_t max_samples, ColumnHeader* h, ColumnReader* r) {
  if (in.empty()) return ColumnCorrupt("empty input");
  *r = ColumnReader{reinterpret_cast<const uint8_t*>(in.data()) + 1,
                    reinterpret_cast<const uint8_t*>(in.data()) + in.size()};
  const uint8_t e = static_cast<uint8_t>(in[0]);
  if (e > kLastEncoding) return ColumnCorrupt("unknown encoding " + std::to_string(e));
  h->encoding = static_cast<ColumnEncoding>(e);
  if (h->encoding == ColumnEncoding::kEmpty) {
    h->num_samples = 0;
    if (r->remaining() != 0) return ColumnCorrupt("bytes after an empty column");
    return OkStatus();
  }
  uint64_t n;
  if (!r->Varint(&n)) return ColumnCorrupt("truncated sample count");
  if (n == 0) return ColumnCorrupt("zero samples in a non-empty encoding");
  if (n > max_samples) {
    return ColumnCorrupt(std::to_string(n) + " samples, more than the limit " +
                         std::to_string(max_samples));
  }
  h->num_samples = static_cast<size_t>(n);
  return OkStatus();
}

int64_t Median(std::vector<int64_t> v) {
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// The grid point after a sample at t that was `offset` away from its predicted grid point:
// scrapes a little late or early (within step / 8 of a multiple of the step, so missed
// scrapes too) keep the grid; anything else re-anchors it at t. Shared by both directions.
int64_t NextGridPoint(int64_t t, int64_t offset, int64_t step) {
  if (step <= 0) return t;
  int64_t rem = offset % step;  // In (-step, step).
  if (rem > step / 2) {
    rem -= step;
  } else if (rem < -(step / 2)) {
    rem += step;
  }
  const int64_t tolerance = step / 8;
  return rem >= -tolerance && rem <= tolerance ? WrapSub(t, rem) : t;
}

// A timestamp column of n samples: a start and a step, then the zigzagged integers.
std::string TimestampColumn(ColumnEncoding e, size_t n, int64_t start, int64_t step,
                            std::span<const uint64_t> zz) {
  std::string out = ColumnStart(e, n);
  PutSigned(&out, start);
  PutSigned(&out, step);
  chunk_internal::AppendIntStream(zz, &out);
  return out;
}

}  // namespace

std::string EncodeTimestamps(std::span<const int64_t> ts) {
  if (ts.empty()) return std::string(1, static_cast<char>(ColumnEncoding::kEmpty));
  std::vector<int64_t> deltas(ts.size() - 1);
  bool regular = true;
  for (size_t i = 1; i < ts.size(); ++i) {
    deltas[i - 1] = WrapSub(ts[i], ts[i - 1]);
    regular = regular && deltas[i - 1] == deltas[0];
  }
  if (regular) {
    std::string out = ColumnStart(ColumnEncoding::kTimestampsRegular, ts.size());
    PutSigned(&out, ts[0]);
    if (!deltas.empty()) PutSigned(&out, deltas[0]);
    return out;
  }
  const int64_t step = Median(deltas);
  const size_t n = ts.size();
  // Anchor the grid at the most typical phase of the first samples, not at the first sample,
  // which may itself be late.
  std::vector<int64_t> phases;
  for (size_t i = 0; i < std::min<size_t>(n, 16); ++i) {
    phases.push_back(WrapSub(WrapSub(ts[i], ts[0]), WrapMul(static_cast<int64_t>(i), step)));
  }
  const int64_t anchor = WrapAdd(ts[0], Median(phases));
  // Candidates, compared by a cheap proxy: offsets from the grid (one odd value per late
  // scrape), deltas minus the step (two), delta-of-deltas (three).
  std::vector<uint64_t> grid_zz(n), delta_zz(n - 1), dod_zz(n - 2);
  int64_t predicted = anchor;
  for (size_t i = 0; i < n; ++i) {
    const int64_t offset = WrapSub(ts[i], predicted);
    grid_zz[i] = chunk_internal::ZigZagEncode(offset);
    predicted = WrapAdd(NextGridPoint(ts[i], offset, step), step);
  }
  for (size_t i = 0; i + 1 < n; ++i)
    delta_zz[i] = chunk_internal::ZigZagEncode(WrapSub(deltas[i], step));
  for (size_t i = 0; i + 2 < n; ++i) {
    dod_zz[i] = chunk_internal::ZigZagEncode(WrapSub(deltas[i + 1], deltas[i]));
  }
  const uint64_t grid_cost = chunk_internal::ProxyBits(grid_zz);
  const uint64_t delta_cost = chunk_internal::ProxyBits(delta_zz);
  const uint64_t dod_cost = chunk_internal::ProxyBits(dod_zz);
  if (grid_cost <= delta_cost && grid_cost <= dod_cost) {
    return TimestampColumn(ColumnEncoding::kTimestampsGrid, n, anchor, step, grid_zz);
  }
  if (delta_cost <= dod_cost) {
    return TimestampColumn(ColumnEncoding::kTimestampsDelta, n, ts[0], step, delta_zz);
  }
  return TimestampColumn(ColumnEncoding::kTimestampsDeltaOfDelta, n, ts[0], deltas[0], dod_zz);
}

Status DecodeTimestamps(std::string_view in, std::vector<int64_t>* out, size_t max_samples) {
  out->clear();
  ColumnHeader h;
  ColumnReader r{};
  OSPREY_RETURN_IF_ERROR(ParseHeader(in, max_samples, &h, &r));
  const size_t n = h.num_samples;
  if (h.encoding == ColumnEncoding::kEmpty) return OkStatus();
  const bool stepped = h.encoding == ColumnEncoding::kTimestampsRegular ||
                       h.encoding == ColumnEncoding::kTimestampsDelta ||
                       h.encoding == ColumnEncoding::kTimestampsDeltaOfDelta ||
                       h.encoding == ColumnEncoding::kTimestampsGrid;
  if (!stepped) return ColumnCorrupt("not a timestamp column");
  int64_t t = 0, step = 0;
  if (!r.Signed(&t) || (n > 1 && !r.Signed(&step))) return ColumnCorrupt("truncated timestamps");
  if (h.encoding == ColumnEncoding::kTimestampsRegular) {
    if (r.remaining() != 0) return ColumnCorrupt("bytes after the last sample");
    out->resize(n);
    for (size_t i = 0; i < n; ++i, t = WrapAdd(t, step)) (*out)[i] = t;
    return OkStatus();
  }
  const bool grid = h.encoding == ColumnEncoding::kTimestampsGrid;
  const bool dod = h.encoding == ColumnEncoding::kTimestampsDeltaOfDelta;
  const size_t coded = grid ? n : (dod ? (n > 1 ? n - 2 : 0) : n - 1);
  chunk_internal::IntStreamReader stream;
  if (!stream.Init(r, coded)) return ColumnCorrupt("timestamps shorter than their sample count");
  out->resize(n);
  int64_t predicted = t;  // kTimestampsGrid: t is the grid's first point.
  for (size_t i = 0; i < n; ++i) {
    int64_t x = 0;
    if (grid || (i > 0 && !(dod && i == 1))) {
      uint64_t u;
      if (!stream.Next(&u)) {
        out->clear();
        return ColumnCorrupt("truncated timestamps");
      }
      x = chunk_internal::ZigZagDecode(u);
    }
    if (grid) {  // x is the offset from the predicted grid point.
      t = WrapAdd(predicted, x);
      predicted = WrapAdd(NextGridPoint(t, x, step), step);
    } else if (dod && i > 0) {  // x is the change of the delta.
      step = WrapAdd(step, x);
      t = WrapAdd(t, step);
    } else if (i > 0) {  // kTimestampsDelta: x is the delta minus the step.
      t = WrapAdd(t, WrapAdd(step, x));
    }
    (*out)[i] = t;
  }
  if (!stream.AtEnd()) {
    out->clear();
    return ColumnCorrupt("bytes after the last sample");
  }
  return OkStatus();
}

std::string EncodeValues(std::span<const double> values) {
  if (values.empty()) return std::string(1, static_cast<char>(ColumnEncoding::kEmpty));
  const uint64_t first = std::bit_cast<uint64_t>(values[0]);
  bool constant = true;
  for (double v : values) {
    if (std::bit_cast<uint64_t>(v) != first) {
      constant = false;
      break;
    }
  }
  if (constant) {
    std::string out = ColumnStart(ColumnEncoding::kValuesConstant, values.size());
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(first >> (8 * i)));
    return out;
  }
  // Short decimals nearly always win; floats with many digits go to XOR or byte planes.
  double decimal_estimate = 0, estimate;
  std::string decimal = chunk_internal::EncodeDecimalColumn(values, &decimal_estimate);
  if (!decimal.empty() && decimal_estimate < 4.0 * static_cast<double>(values.size())) {
    return decimal;
  }
  double best_estimate;
  std::string best = chunk_internal::EncodeXorColumn(values, &best_estimate);
  std::string candidate = chunk_internal::EncodeBytePlanesColumn(values, &estimate);
  if (estimate < best_estimate) {
    best = std::move(candidate);
    best_estimate = estimate;
  }
  if (!decimal.empty() && decimal_estimate < best_estimate) best = std::move(decimal);
  return best;
}

Status DecodeValues(std::string_view in, std::vector<double>* out, size_t max_samples) {
  out->clear();
  ColumnHeader h;
  ColumnReader r{};
  OSPREY_RETURN_IF_ERROR(ParseHeader(in, max_samples, &h, &r));
  const size_t n = h.num_samples;
  Status s;
  switch (h.encoding) {
    case ColumnEncoding::kEmpty:
      return OkStatus();
    case ColumnEncoding::kValuesConstant: {
      if (r.remaining() != 8) return ColumnCorrupt("constant column is not 8 bytes");
      uint64_t bits = 0;
      for (int i = 7; i >= 0; --i) bits = (bits << 8) | r.p[i];
      out->assign(n, std::bit_cast<double>(bits));
      return OkStatus();
    }
    case ColumnEncoding::kValuesDecimal:
      s = chunk_internal::DecodeDecimalColumn(r, n, out);
      break;
    case ColumnEncoding::kValuesXor:
      s = chunk_internal::DecodeXorColumn(r, n, out);
      break;
    case ColumnEncoding::kValuesBytePlanes:
      s = chunk_internal::DecodeBytePlanesColumn(r, n, out);
      break;
    default:
      return ColumnCorrupt("not a value column");
  }
  if (!s.ok()) out->clear();
  return s;
}

Result<ColumnHeader> ReadColumnHeader(std::string_view in) {
  ColumnHeader h;
  ColumnReader r{};
  OSPREY_RETURN_IF_ERROR(ParseHeader(in, std::numeric_limits<size_t>::max(), &h, &r));
  return h;
}

}  // namespace osprey::tsdb
