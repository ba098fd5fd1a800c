// Fuzzes the remote_write decoder and ingester. Checks, beyond memory safety: a request that
// decodes re-encodes (WriteRequestEncoder) to one that decodes to the same series, and the
// ingester never crashes or accepts more samples than the request holds.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/internal/fake_appendable.h"
#include "ingest/remote_write_decoder.h"
#include "ingest/remote_write_encoder.h"
#include "ingest/remote_write_ingester.h"
#include "metrics/registry.h"

namespace {

using osprey::OkStatus;
using osprey::Status;
using osprey::ingest::LabelView;
using osprey::ingest::TimeSeriesView;

struct Series {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<osprey::model::Sample> samples;
  bool operator==(const Series& o) const {
    if (labels != o.labels || samples.size() != o.samples.size()) return false;
    for (size_t i = 0; i < samples.size(); ++i) {
      // Compare bits: NaN payloads must survive too.
      if (samples[i].t != o.samples[i].t ||
          std::bit_cast<uint64_t>(samples[i].v) != std::bit_cast<uint64_t>(o.samples[i].v)) {
        return false;
      }
    }
    return true;
  }
};

class Collector final : public osprey::ingest::WriteRequestVisitor {
 public:
  Status OnTimeSeries(const TimeSeriesView& s) override {
    Series out;
    for (const LabelView& l : s.labels) out.labels.emplace_back(l.name, l.value);
    out.samples.assign(s.samples.begin(), s.samples.end());
    series.push_back(std::move(out));
    total_samples += static_cast<int64_t>(s.samples.size() + s.histogram_count);
    return OkStatus();
  }
  std::vector<Series> series;
  int64_t total_samples = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  osprey::ingest::RemoteWriteDecoder decoder;
  Collector first;
  if (!decoder.Decode(input, first).ok()) return 0;

  osprey::ingest::WriteRequestEncoder enc;
  for (const Series& s : first.series) {
    std::vector<LabelView> labels;
    for (const auto& [n, v] : s.labels) labels.push_back({n, v});
    enc.AddSeries(labels, s.samples);
  }
  Collector second;
  if (!decoder.Decode(enc.bytes(), second).ok() || !(second.series == first.series)) abort();

  osprey::metrics::Registry registry;
  osprey::ingest::IngestMetrics metrics(registry);
  osprey::ingest::internal::FakeAppendable storage;
  osprey::ingest::RemoteWriteIngester ingester(storage, metrics);
  for (int round = 0; round < 2; ++round) {  // the second round takes the cached-ref path
    osprey::Result<osprey::ingest::WriteOutcome> r = ingester.Ingest(input);
    if (!r.ok() || r->samples_accepted + r->samples_rejected != first.total_samples) abort();
  }
  return 0;
}
