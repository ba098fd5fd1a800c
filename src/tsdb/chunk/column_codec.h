// Compressed column encodings for persisted blocks: one timestamp column and one value column
// per series and block, meant to be concatenated and compressed together with zstd by the
// block writer. Byte formats: docs/format/chunks.md ("Columns").
//
// Values are stored losslessly (bit for bit). Columns of short decimals (0.01-resolution
// counters, integers, 4 KiB-step gauges) become integer mantissas with a shared exponent and
// common factor, then delta / delta-of-delta / raw zigzag varints, whichever looks smallest
// after compression; other floats use XOR (Gorilla) or byte planes; constant columns cost 9
// bytes. Timestamps use offsets from a regular grid, deltas from the step or delta-of-deltas
// as zigzag varints: a 15 s series costs ~1 byte per sample before zstd and almost nothing
// after (0.1 to 0.2 bytes with 10 % of scrapes a few ms late).
//
//   std::string ts = EncodeTimestamps(times);
//   std::string vs = EncodeValues(values);
//   std::vector<int64_t> t; OSPREY_RETURN_IF_ERROR(DecodeTimestamps(ts, &t));
//
// All functions are stateless and thread-safe. Decoders never crash or over-allocate on
// corrupted input: they return kDataLoss.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::tsdb {

// Default cap on the samples a decoder produces (a guard against corrupted counts).
inline constexpr size_t kMaxColumnSamples = size_t{1} << 24;

// The first byte of every column.
enum class ColumnEncoding : uint8_t {
  kEmpty = 0,
  kTimestampsRegular = 1,  // Constant step.
  kTimestampsDelta = 2,    // Deltas minus a base step.
  kTimestampsDeltaOfDelta = 3,
  kValuesConstant = 4,
  kValuesDecimal = 5,
  kValuesXor = 6,
  kValuesBytePlanes = 7,
  kTimestampsGrid = 8,  // Offsets from a grid of constant step.
};

// Any int64 sequence (not only increasing ones) round-trips.
std::string EncodeTimestamps(std::span<const int64_t> timestamps);
// Replaces *out with the decoded column. kDataLoss on malformed input or more than
// max_samples samples.
Status DecodeTimestamps(std::string_view in, std::vector<int64_t>* out,
                        size_t max_samples = kMaxColumnSamples);

// Every double, NaN payloads and -0.0 included, round-trips bit for bit.
std::string EncodeValues(std::span<const double> values);
Status DecodeValues(std::string_view in, std::vector<double>* out,
                    size_t max_samples = kMaxColumnSamples);

// The encoding and sample count a column declares, without decoding it.
struct ColumnHeader {
  ColumnEncoding encoding = ColumnEncoding::kEmpty;
  size_t num_samples = 0;
};
Result<ColumnHeader> ReadColumnHeader(std::string_view in);

// zstd one-shot helpers. Compress never fails (level is clamped to zstd's range).
std::string ZstdCompress(std::string_view in, int level);
// kDataLoss on malformed input, kResourceExhausted if the output would exceed max_size.
Result<std::string> ZstdDecompress(std::string_view in, size_t max_size);

}  // namespace osprey::tsdb
