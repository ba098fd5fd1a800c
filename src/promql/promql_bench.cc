// Micro-benchmarks: parsing, and rate() over 10k series (instant and 1h range at 60s).
// Data lives in MemStorage, so storage decoding is not part of the figures.
#include <benchmark/benchmark.h>

#include <string>

#include "base/check.h"
#include "promql/engine.h"
#include "promql/parser.h"
#include "storage/mem_storage.h"

namespace osprey::promql {
namespace {

void BM_Parse(benchmark::State& state) {
  const std::string q =
      "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\", job=~\"node|api\"}[5m])) "
      "/ on(instance) group_left count by (instance) (node_cpu_seconds_total{mode=\"idle\"})";
  for (auto _ : state) {
    Result<ExprPtr> e = ParseExpr(q);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * q.size()));
}
BENCHMARK(BM_Parse);

// 10k counters, 2h at 15s.
storage::MemStorage& Data() {
  static storage::MemStorage* db = [] {
    auto* s = new storage::MemStorage;
    auto app = s->NewAppender();
    for (int i = 0; i < 10000; ++i) {
      model::Labels l =
          model::Labels::FromStrings({"__name__", "requests_total", "instance",
                                      std::to_string(i % 500), "path", std::to_string(i / 500)});
      for (int k = 0; k < 480; ++k) {
        OSPREY_CHECK(app->Append(storage::kNoRef, l, {.t = k * 15000, .v = k * 1.5 + i}).ok());
      }
    }
    OSPREY_CHECK(app->Commit().ok());
    return s;
  }();
  return *db;
}

void BM_RateInstant10k(benchmark::State& state) {
  storage::MemStorage& db = Data();
  Engine engine;
  for (auto _ : state) {
    Result<QueryResult> r =
        engine.Instant(db, "sum by (instance) (rate(requests_total[5m]))", 7'200'000);
    OSPREY_CHECK(r.ok() && r->vector.size() == 500);
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_RateInstant10k)->Unit(benchmark::kMillisecond);

void BM_RateRange10k(benchmark::State& state) {
  storage::MemStorage& db = Data();
  Engine engine;
  for (auto _ : state) {
    Result<QueryResult> r = engine.Range(db, "sum by (instance) (rate(requests_total[5m]))",
                                         3'600'000, 7'200'000, 60'000);
    OSPREY_CHECK(r.ok() && r->matrix.size() == 500);
  }
  state.SetItemsProcessed(state.iterations() * 10000 * 61);  // series x steps
}
BENCHMARK(BM_RateRange10k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace osprey::promql
