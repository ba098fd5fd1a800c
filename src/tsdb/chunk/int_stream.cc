#include "tsdb/chunk/internal/int_stream.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "tsdb/chunk/internal/rice.h"

namespace osprey::tsdb::chunk_internal {
namespace {

// The Rice parameter giving the fewest bits for `values`, and that bit count. Tries the four
// parameters around the one a geometric distribution of the same mean would want.
int ChooseRiceParameter(std::span<const uint64_t> values, uint64_t* bits) {
  *bits = 0;
  if (values.empty()) return 0;
  unsigned __int128 sum = 0;
  for (uint64_t u : values) sum += u;
  const uint64_t mean = static_cast<uint64_t>(sum / values.size());
  const int first = std::max(0, BitWidth(mean) - 3);
  const int last = std::min(63, first + 3);
  uint64_t totals[4] = {};
  for (uint64_t u : values) {
    const uint64_t escape = kRiceEscapeOnes + 6 + static_cast<uint64_t>(BitWidth(u));
    for (int r = first; r <= last; ++r) {
      const uint64_t q = u >> r;
      totals[r - first] += q < kRiceEscapeOnes ? q + 1 + static_cast<uint64_t>(r) : escape;
    }
  }
  int best = first;
  for (int r = first + 1; r <= last; ++r) {
    if (totals[r - first] < totals[best - first]) best = r;
  }
  *bits = totals[best - first];
  return best;
}

// EstimateCompressed of the varints of `values`, without writing them.
double EstimateVarints(std::span<const uint64_t> values) {
  uint32_t hist[256] = {};
  size_t n = 1;  // The coding byte.
  hist[static_cast<uint8_t>(IntCoding::kVarint)] = 1;
  for (uint64_t u : values) {
    while (u >= 0x80) {
      ++hist[static_cast<uint8_t>(u | 0x80)];
      u >>= 7;
      ++n;
    }
    ++hist[u];
    ++n;
  }
  return EstimateFromHistogram(hist, n);
}

// Appends a bit stream of at most max_bits bits written by `write(buf)` (which returns the
// bits written).
template <typename Write>
void AppendBits(std::string* out, uint64_t max_bits, Write write) {
  const size_t start = out->size();
  out->resize(start + (max_bits + 7) / 8 + kPutBitsSlack);
  const uint64_t used = write(reinterpret_cast<uint8_t*>(out->data() + start));
  out->resize(start + (used + 7) / 8);
}

}  // namespace

double AppendIntStream(std::span<const uint64_t> values, std::string* out) {
  const double varint_estimate = EstimateVarints(values);

  // Rice and sparse Rice output is close to random bits: its size is its estimate.
  uint64_t rice_bits;
  const int r = ChooseRiceParameter(values, &rice_bits);
  const double rice_estimate = 2 + static_cast<double>((rice_bits + 7) / 8);

  // Sparse coding only pays when zeros are common.
  size_t zeros = 0;
  for (uint64_t v : values) zeros += v == 0;
  std::vector<uint64_t> runs, nonzero;
  int r_run = 0, r_value = 0;
  uint64_t run_bits = 0, value_bits = 0;
  double sparse_estimate = std::numeric_limits<double>::infinity();
  if (zeros >= values.size() / 4) {
    runs.reserve(values.size() - zeros + 1);
    nonzero.reserve(values.size() - zeros);
    uint64_t run = 0;
    for (uint64_t v : values) {
      if (v == 0) {
        ++run;
        continue;
      }
      runs.push_back(run);
      nonzero.push_back(v - 1);
      run = 0;
    }
    if (run > 0) runs.push_back(run);
    r_run = ChooseRiceParameter(runs, &run_bits);
    r_value = ChooseRiceParameter(nonzero, &value_bits);
    sparse_estimate = 3 + static_cast<double>((run_bits + value_bits + 7) / 8);
  }

  const double best = std::min({varint_estimate, rice_estimate, sparse_estimate});
  if (best == varint_estimate) {
    out->push_back(static_cast<char>(IntCoding::kVarint));
    for (uint64_t v : values) PutVarint(out, v);
  } else if (best == rice_estimate) {
    out->push_back(static_cast<char>(IntCoding::kRice));
    out->push_back(static_cast<char>(r));
    AppendBits(out, rice_bits, [&](uint8_t* buf) {
      uint64_t pos = 0;
      for (uint64_t v : values) pos = PutRice(buf, pos, v, r);
      return pos;
    });
  } else {
    out->push_back(static_cast<char>(IntCoding::kSparseRice));
    out->push_back(static_cast<char>(r_run));
    out->push_back(static_cast<char>(r_value));
    AppendBits(out, run_bits + value_bits, [&](uint8_t* buf) {
      uint64_t pos = 0;
      for (size_t i = 0; i < runs.size(); ++i) {
        pos = PutRice(buf, pos, runs[i], r_run);
        if (i < nonzero.size()) pos = PutRice(buf, pos, nonzero[i], r_value);
      }
      return pos;
    });
  }
  return best;
}

bool IntStreamReader::Init(ColumnReader& r, size_t count) {
  uint8_t coding;
  if (!r.Byte(&coding) || coding > static_cast<uint8_t>(IntCoding::kSparseRice)) return false;
  coding_ = static_cast<IntCoding>(coding);
  left_ = count;
  if (coding_ == IntCoding::kVarint) {
    varints_ = &r;
    return r.remaining() >= count;  // At least one byte per value.
  }
  uint8_t p;
  if (!r.Byte(&p) || p > 63) return false;
  r_ = p;
  if (coding_ == IntCoding::kSparseRice) {
    if (!r.Byte(&p) || p > 63) return false;
    r_value_ = p;
  } else if (r.remaining() * 8 < count) {
    return false;  // At least one bit per value.
  }
  bits_ = BitReader(r.p, r.remaining());
  bit_bytes_ = r.remaining();
  r.p = r.end;
  return true;
}

bool IntStreamReader::Next(uint64_t* v) {
  if (left_ == 0) return false;
  switch (coding_) {
    case IntCoding::kVarint:
      if (!varints_->Varint(v)) return false;
      break;
    case IntCoding::kRice:
      if (!ReadRice(bits_, r_, v)) return false;
      break;
    case IntCoding::kSparseRice:
      if (zeros_left_ == 0 && !value_pending_) {
        uint64_t run;
        if (!ReadRice(bits_, r_, &run) || run > left_) return false;
        zeros_left_ = run;
        value_pending_ = run < left_;  // A run reaching the end has no value after it.
      }
      if (zeros_left_ > 0) {
        --zeros_left_;
        *v = 0;
      } else {
        uint64_t x;
        if (!ReadRice(bits_, r_value_, &x)) return false;
        *v = x + 1;
        value_pending_ = false;
      }
      break;
  }
  --left_;
  return true;
}

bool IntStreamReader::AtEnd() const {
  if (coding_ == IntCoding::kVarint) return varints_->remaining() == 0;
  return (bits_.position() + 7) / 8 == bit_bytes_;
}

}  // namespace osprey::tsdb::chunk_internal
