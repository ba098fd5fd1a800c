#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "metrics/registry.h"

namespace osprey::metrics {
namespace {

void BM_CounterInc(benchmark::State& state) {
  Registry registry;
  Counter& counter = registry.NewCounter("bench_total", "Bench.");
  for (auto _ : state) counter.Inc();
  benchmark::DoNotOptimize(counter.Value());
}
BENCHMARK(BM_CounterInc)->ThreadRange(1, 2);

void BM_HistogramObserve(benchmark::State& state) {
  Registry registry;
  Histogram& histogram = registry.NewHistogram("bench_seconds", "Bench.", DefaultBuckets());
  double v = 0;
  for (auto _ : state) {
    histogram.Observe(v);
    v = v < 12 ? v + 0.01 : 0;
  }
  benchmark::DoNotOptimize(histogram.Count());
}
BENCHMARK(BM_HistogramObserve);

// Lookup of an existing child: what a caller pays when it does not cache the reference.
void BM_FamilyWithLabels(benchmark::State& state) {
  Registry registry;
  Family<Counter>& family =
      registry.NewCounterFamily("bench_requests_total", "Bench.", {"method", "code"});
  const char* codes[] = {"200", "204", "400", "404", "500"};
  for (const char* code : codes) family.WithLabels({"GET", code});
  size_t i = 0;
  for (auto _ : state) {
    family.WithLabels({"GET", codes[i % 5]}).Inc();
    ++i;
  }
}
BENCHMARK(BM_FamilyWithLabels);

void BM_ExpositionText(benchmark::State& state) {
  Registry registry;
  const int series = static_cast<int>(state.range(0));
  Family<Counter>& counters =
      registry.NewCounterFamily("bench_counter_total", "Bench counter.", {"id", "kind"});
  Family<Gauge>& gauges = registry.NewGaugeFamily("bench_gauge", "Bench gauge.", {"id"});
  for (int i = 0; i < series / 2; ++i) {
    counters.WithLabels({std::to_string(i), "x"}).Inc(i * 1.5);
    gauges.WithLabels({std::to_string(i)}).Set(i);
  }
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = registry.ExpositionText();
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ExpositionText)->Arg(1000);

}  // namespace
}  // namespace osprey::metrics
