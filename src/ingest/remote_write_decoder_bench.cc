#include <benchmark/benchmark.h>

#include <string>

#include "ingest/internal/test_requests.h"
#include "ingest/remote_write_decoder.h"

namespace osprey::ingest {
namespace {

class CountingVisitor final : public WriteRequestVisitor {
 public:
  Status OnTimeSeries(const TimeSeriesView& s) override {
    labels += s.labels.size();
    samples += s.samples.size();
    key_bytes += s.label_key.size();
    return OkStatus();
  }
  size_t labels = 0;
  size_t samples = 0;
  size_t key_bytes = 0;
};

// A request as Prometheus sends it: 2000 series of 10 labels, `samples` samples each.
void BM_DecodeWriteRequest(benchmark::State& state) {
  const std::string request =
      internal::BuildNodeExporterWriteRequest(2000, static_cast<int>(state.range(0)), 1000);
  RemoteWriteDecoder decoder;
  CountingVisitor v;
  for (auto _ : state) {
    Status s = decoder.Decode(request, v);
    benchmark::DoNotOptimize(s);
  }
  benchmark::DoNotOptimize(v.labels + v.samples + v.key_bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
  state.SetItemsProcessed(state.iterations() * 2000 * state.range(0));
  state.counters["request_bytes"] = static_cast<double>(request.size());
}
BENCHMARK(BM_DecodeWriteRequest)->Arg(1)->Arg(10);

}  // namespace
}  // namespace osprey::ingest
