// Decoding arbitrary bytes as an XOR chunk never crashes; whatever validates re-encodes to
// the same bytes.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tsdb/chunk/xor_chunk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using osprey::tsdb::XorChunk;
  using osprey::tsdb::XorIterator;
  const std::span<const uint8_t> bytes(data, size);

  XorIterator it(bytes);
  int64_t prev = 0;
  size_t n = 0;
  std::vector<std::pair<int64_t, uint64_t>> samples;
  while (it.Next()) {
    if (n > 0 && it.t() <= prev) std::abort();  // Timestamps must strictly increase.
    prev = it.t();
    samples.emplace_back(it.t(), it.value_bits());
    ++n;
  }
  if (n > it.num_samples()) std::abort();
  if (n < it.num_samples() && it.status().ok()) std::abort();

  XorIterator seeker(bytes);
  (void)seeker.Seek(static_cast<int64_t>(size) * 1000);

  auto info = XorChunk::Validate(bytes);
  auto loaded = XorChunk::FromBytes(bytes);
  if (info.ok() != loaded.ok()) std::abort();
  if (!info.ok()) return 0;
  // A valid chunk re-encodes to the same samples, and stays appendable.
  XorChunk again;
  for (const auto& [t, v] : samples) again.Append(t, std::bit_cast<double>(v));
  XorIterator a = again.Iterator();
  for (const auto& [t, v] : samples) {
    if (!a.Next() || a.t() != t || a.value_bits() != v) std::abort();
  }
  if (loaded->num_samples() < osprey::tsdb::kXorChunkMaxSamples && loaded->MaxTime() < INT64_MAX) {
    loaded->Append(loaded->empty() ? 0 : loaded->MaxTime() + 1, 1.0);
    if (!XorChunk::Validate(loaded->bytes()).ok()) std::abort();
  }
  return 0;
}
