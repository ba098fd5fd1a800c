#include <benchmark/benchmark.h>

#include <string>

#include "ingest/internal/test_requests.h"
#include "ingest/openmetrics_parser.h"
#include "ingest/text_parser.h"

namespace osprey::ingest {
namespace {

class CountingVisitor final : public TextVisitor {
 public:
  Status OnSample(const TextSample& s) override {
    labels += s.labels.size();
    sum += s.value;
    return OkStatus();
  }
  size_t labels = 0;
  double sum = 0;
};

// node_exporter-like series with 10 labels and a timestamp each; 4500 series make about 1 MB.
void BM_ParseText(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0));
  const std::string body = internal::BuildNodeExporterText(series, 1'700'000'000'000);
  TextParser parser;
  CountingVisitor v;
  for (auto _ : state) {
    Status s = parser.Parse(body, v);
    benchmark::DoNotOptimize(s);
  }
  benchmark::DoNotOptimize(v.labels);
  benchmark::DoNotOptimize(v.sum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * series);
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseText)->Arg(2000)->Arg(4500);

// The same body as OpenMetrics (timestamps then read as seconds), ending with # EOF.
void BM_ParseOpenMetrics(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0));
  const std::string body = internal::BuildNodeExporterText(series, 1'700'000'000) + "# EOF\n";
  OpenMetricsParser parser;
  CountingVisitor v;
  for (auto _ : state) {
    Status s = parser.Parse(body, v);
    benchmark::DoNotOptimize(s);
  }
  benchmark::DoNotOptimize(v.labels);
  benchmark::DoNotOptimize(v.sum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * series);
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseOpenMetrics)->Arg(4500);

}  // namespace
}  // namespace osprey::ingest
