#include <benchmark/benchmark.h>

#include <string>

#include "ingest/internal/test_requests.h"
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

// 2000 node_exporter-like series with 10 labels and a timestamp each.
void BM_ParseText(benchmark::State& state) {
  const std::string body = internal::BuildNodeExporterText(2000, 1'700'000'000'000);
  TextParser parser;
  CountingVisitor v;
  for (auto _ : state) {
    Status s = parser.Parse(body, v);
    benchmark::DoNotOptimize(s);
  }
  benchmark::DoNotOptimize(v.labels);
  benchmark::DoNotOptimize(v.sum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_ParseText);

}  // namespace
}  // namespace osprey::ingest
