// Decoding arbitrary bytes as WAL records never crashes, and whatever decodes re-encodes to a
// record that decodes to the same values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/wal/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace osprey::tsdb;  // NOLINT(google-build-using-namespace)
  const std::string_view rec(reinterpret_cast<const char*>(data), size);
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  std::string out;
  if (DecodeSeries(rec, &series).ok()) {
    EncodeSeries(series, out);
    std::vector<RefSeries> again;
    if (!DecodeSeries(out, &again).ok() || again != series) __builtin_trap();
  }
  if (DecodeSamples(rec, &samples).ok()) {
    out.clear();
    EncodeSamples(samples, out);
    std::vector<RefSample> again;
    if (!DecodeSamples(out, &again).ok() || again.size() != samples.size()) __builtin_trap();
    for (size_t i = 0; i < again.size(); ++i) {
      if (again[i].ref != samples[i].ref || again[i].t != samples[i].t ||
          __builtin_memcmp(&again[i].v, &samples[i].v, sizeof(double)) != 0) {
        __builtin_trap();
      }
    }
  }
  if (DecodeTombstones(rec, &tombstones).ok()) {
    out.clear();
    EncodeTombstones(tombstones, out);
    std::vector<Tombstone> again;
    if (!DecodeTombstones(out, &again).ok() || again != tombstones) __builtin_trap();
  }
  return 0;
}
