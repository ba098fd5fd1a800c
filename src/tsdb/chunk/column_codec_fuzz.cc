// Decoding arbitrary bytes as columns never crashes, and any doubles or int64s built from
// the input round-trip bit for bit through the encoders.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunk/column_codec.h"

namespace {

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace osprey::tsdb;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  constexpr size_t kLimit = 1 << 16;

  std::vector<double> values;
  std::vector<int64_t> times;
  if (DecodeValues(in, &values, kLimit).ok()) {
    std::vector<double> again;
    if (!DecodeValues(EncodeValues(values), &again).ok() || !SameBits(again, values)) {
      std::abort();
    }
  }
  if (DecodeTimestamps(in, &times, kLimit).ok()) {
    std::vector<int64_t> again;
    if (!DecodeTimestamps(EncodeTimestamps(times), &again).ok() || again != times) std::abort();
  }
  (void)ReadColumnHeader(in);
  (void)ZstdDecompress(in, kLimit);

  // The input as raw doubles and as int64s, and as small decimals (first byte picks a scale).
  const size_t n = size / 8;
  values.assign(n, 0);
  times.assign(n, 0);
  if (n > 0) {
    std::memcpy(values.data(), data, n * 8);
    std::memcpy(times.data(), data, n * 8);
  }
  std::vector<double> decoded;
  if (!DecodeValues(EncodeValues(values), &decoded).ok() || !SameBits(decoded, values)) {
    std::abort();
  }
  std::vector<int64_t> decoded_times;
  if (!DecodeTimestamps(EncodeTimestamps(times), &decoded_times).ok() || decoded_times != times) {
    std::abort();
  }
  std::vector<double> decimals;
  const double scale = size > 0 ? (data[0] % 2 == 0 ? 0.01 : 1.0 / 1000) : 1;
  for (size_t i = 1; i + 1 < size; i += 2) {
    decimals.push_back(static_cast<int16_t>(data[i] | (data[i + 1] << 8)) * scale);
  }
  if (!DecodeValues(EncodeValues(decimals), &decoded).ok() || !SameBits(decoded, decimals)) {
    std::abort();
  }
  return 0;
}
