// Record encodings; the format is documented in docs/format/wal.md ("Records").
//
// Encoders size `out` once for the worst case and write through a pointer, so the per-sample
// loop has no capacity checks and no allocation. Decoders check every length against the bytes
// left before using it, so a forged count cannot make them allocate more than the record's
// size allows.
#include "tsdb/wal/records.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace osprey::tsdb {
namespace {

constexpr size_t kMaxVarintBytes = 10;
// Value tags, in the low 2 bits of a value's varint (docs/format/wal.md).
constexpr uint64_t kValueInteger = 0;
constexpr uint64_t kValueHundredths = 1;
constexpr uint64_t kValueRaw = 2;
// Integers in [-2^61, 2^61) keep their zigzag form below 2^62, so the 2 tag bits fit.
constexpr double kMaxTaggedInteger = 2305843009213693952.0;  // 2^61
// Hundredths must be exact as doubles: at most 2^53.
constexpr double kMaxHundredths = 9007199254740992.0;  // 2^53

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline char* PutUvarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Appends a length-prefixed string.
inline void PutString(std::string& out, std::string_view s) {
  char buf[kMaxVarintBytes];
  out.append(buf, PutUvarint(buf, s.size()) - buf);
  out.append(s);
}

inline void PutUvarint(std::string& out, uint64_t v) {
  char buf[kMaxVarintBytes];
  out.append(buf, PutUvarint(buf, v) - buf);
}

// Writes one sample value (see "Samples" in the format doc).
inline char* PutValue(char* p, double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  // The comparisons are false for NaN, so NaN always takes the raw path.
  if (v >= -kMaxTaggedInteger && v < kMaxTaggedInteger) {
    const auto i = static_cast<int64_t>(v);
    // Comparing bits keeps -0.0 (which equals 0 but is not 0's bits) on the raw path.
    if (std::bit_cast<uint64_t>(static_cast<double>(i)) == bits) {
      return PutUvarint(p, ZigZag(i) << 2 | kValueInteger);
    }
    const double scaled = v * 100;
    if (scaled >= -kMaxHundredths && scaled <= kMaxHundredths) {
      const auto k = static_cast<int64_t>(std::nearbyint(scaled));
      if (std::bit_cast<uint64_t>(static_cast<double>(k) / 100) == bits) {
        return PutUvarint(p, ZigZag(k) << 2 | kValueHundredths);
      }
    }
  }
  *p++ = static_cast<char>(kValueRaw);
  std::memcpy(p, &bits, 8);  // little-endian hosts only (x86-64, arm64)
  return p + 8;
}

// A bounds-checked reader over a record's bytes.
class Decoder {
 public:
  explicit Decoder(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool ok() const { return ok_; }

  uint64_t Uvarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return Fail();
      const auto b = static_cast<uint8_t>(*p_++);
      // The tenth byte holds the top bit only.
      if (shift == 63 && b > 1) return Fail();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) return v;
    }
    return Fail();
  }
  int64_t Varint() { return UnZigZag(Uvarint()); }

  std::string_view String() {
    const uint64_t n = Uvarint();
    if (!ok_ || n > remaining()) {
      Fail();
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }

  double Value() {
    const uint64_t tagged = Uvarint();
    if (!ok_) return 0;
    switch (tagged & 3) {
      case kValueInteger:
        return static_cast<double>(UnZigZag(tagged >> 2));
      case kValueHundredths:
        return static_cast<double>(UnZigZag(tagged >> 2)) / 100;
      case kValueRaw: {
        if (tagged != kValueRaw || remaining() < 8) return Fail();
        uint64_t bits;
        std::memcpy(&bits, p_, 8);
        p_ += 8;
        return std::bit_cast<double>(bits);
      }
      default:
        return Fail();
    }
  }

  // Reads the element count and checks that `min_bytes_each` bytes per element remain.
  uint64_t Count(size_t min_bytes_each) {
    const uint64_t n = Uvarint();
    if (ok_ && n > remaining() / min_bytes_each) return Fail();
    return n;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }

  const char* p_;
  const char* const end_;
  bool ok_ = true;
};

Status CheckHeader(std::string_view record, RecordType want, const char* name) {
  if (GetRecordType(record) != want) {
    return DataLossError(std::string("wal record is not a ") + name + " record");
  }
  return OkStatus();
}

Status Finish(const Decoder& d, const char* name) {
  if (!d.ok()) return DataLossError(std::string("malformed wal ") + name + " record");
  if (d.remaining() != 0) {
    return DataLossError(std::string("trailing bytes after wal ") + name + " record");
  }
  return OkStatus();
}

}  // namespace

RecordType GetRecordType(std::string_view record) {
  if (record.empty()) return RecordType::kUnknown;
  const auto t = static_cast<RecordType>(record[0]);
  switch (t) {
    case RecordType::kSeries:
    case RecordType::kSamples:
    case RecordType::kTombstones:
      return t;
    default:
      return RecordType::kUnknown;
  }
}

void EncodeSeries(std::span<const RefSeries> series, std::string& out) {
  out += static_cast<char>(RecordType::kSeries);
  PutUvarint(out, series.size());
  for (const RefSeries& s : series) {
    PutUvarint(out, s.ref);
    PutUvarint(out, s.labels.size());
    for (const model::Label& l : s.labels) {
      PutString(out, l.name);
      PutString(out, l.value);
    }
  }
}

void EncodeSamples(std::span<const RefSample> samples, std::string& out) {
  const size_t start = out.size();
  // Type, count, and per sample at most: ref delta, time delta, raw value (tag + 8 bytes).
  out.resize(start + 1 + kMaxVarintBytes + samples.size() * (2 * kMaxVarintBytes + 9));
  char* p = out.data() + start;
  *p++ = static_cast<char>(RecordType::kSamples);
  p = PutUvarint(p, samples.size());
  uint64_t prev_ref = 0;
  uint64_t prev_t = 0;
  for (const RefSample& s : samples) {
    // Deltas against the previous entry, in unsigned arithmetic (wraps, never overflows).
    const auto t = static_cast<uint64_t>(s.t);
    p = PutUvarint(p, ZigZag(static_cast<int64_t>(s.ref - prev_ref)));
    p = PutUvarint(p, ZigZag(static_cast<int64_t>(t - prev_t)));
    p = PutValue(p, s.v);
    prev_ref = s.ref;
    prev_t = t;
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

void EncodeTombstones(std::span<const Tombstone> tombstones, std::string& out) {
  out += static_cast<char>(RecordType::kTombstones);
  PutUvarint(out, tombstones.size());
  for (const Tombstone& t : tombstones) {
    PutUvarint(out, t.ref);
    PutUvarint(out, ZigZag(t.mint));
    PutUvarint(out, static_cast<uint64_t>(t.maxt) - static_cast<uint64_t>(t.mint));
  }
}

Status DecodeSeries(std::string_view record, std::vector<RefSeries>* out) {
  out->clear();
  OSPREY_RETURN_IF_ERROR(CheckHeader(record, RecordType::kSeries, "series"));
  Decoder d(record.substr(1));
  // At least a ref and a label count per series, a name and a value length per label.
  const uint64_t n = d.Count(2);
  out->reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    const uint64_t ref = d.Uvarint();
    const uint64_t num_labels = d.Count(2);
    std::vector<model::Label> labels;
    labels.reserve(num_labels);
    for (uint64_t j = 0; j < num_labels && d.ok(); ++j) {
      std::string_view name = d.String();
      std::string_view value = d.String();
      labels.push_back(model::Label{std::string(name), std::string(value)});
    }
    out->push_back(RefSeries{ref, model::Labels(std::move(labels))});
  }
  Status s = Finish(d, "series");
  if (!s.ok()) out->clear();
  return s;
}

Status DecodeSamples(std::string_view record, std::vector<RefSample>* out) {
  out->clear();
  OSPREY_RETURN_IF_ERROR(CheckHeader(record, RecordType::kSamples, "samples"));
  Decoder d(record.substr(1));
  const uint64_t n = d.Count(3);  // at least one byte each for ref, time and value
  out->resize(n);
  uint64_t ref = 0;
  uint64_t t = 0;
  for (RefSample& s : *out) {
    ref += static_cast<uint64_t>(d.Varint());
    t += static_cast<uint64_t>(d.Varint());
    s.ref = ref;
    s.t = static_cast<int64_t>(t);
    s.v = d.Value();
  }
  Status s = Finish(d, "samples");
  if (!s.ok()) out->clear();
  return s;
}

Status DecodeTombstones(std::string_view record, std::vector<Tombstone>* out) {
  out->clear();
  OSPREY_RETURN_IF_ERROR(CheckHeader(record, RecordType::kTombstones, "tombstones"));
  Decoder d(record.substr(1));
  const uint64_t n = d.Count(3);
  out->resize(n);
  for (Tombstone& t : *out) {
    t.ref = d.Uvarint();
    t.mint = d.Varint();
    t.maxt = static_cast<int64_t>(static_cast<uint64_t>(t.mint) + d.Uvarint());
  }
  Status s = Finish(d, "tombstones");
  if (!s.ok()) out->clear();
  return s;
}

}  // namespace osprey::tsdb
