// Benchmarks of the head index over node_exporter-like series (index_test_util.h).
//   tsdb_bench --benchmark_filter='Postings|Symbol|IndexMemory'
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tsdb/index/index_test_util.h"
#include "tsdb/index/mem_postings.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

using testing::Num;
using testing::ParseMatcher;

constexpr size_t kSeries = 100'000;

struct Index {
  SymbolTable symbols;
  MemPostings postings{symbols};
};

std::unique_ptr<Index> BuildIndex(const std::vector<model::Labels>& series) {
  auto index = std::make_unique<Index>();
  for (size_t i = 0; i < series.size(); ++i) {
    index->postings.Add(static_cast<uint32_t>(i), series[i]);
  }
  return index;
}

size_t HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

class NodeIndex : public benchmark::Fixture {
 public:
  void SetUp(const benchmark::State&) override {
    if (index_ == nullptr) index_ = BuildIndex(testing::NodeExporterLikeSeries(kSeries));
  }

 protected:
  std::unique_ptr<Index> index_;
};

// Up to three matchers per query; empty specs are unused.
constexpr std::string_view kSelectQueries[][3] = {
    // q07-like: one metric, a prefix/alternation regex and a negative matcher.
    {"__name__=node_filesystem_avail_bytes", "mountpoint=~/|/var/lib/.*", "fstype!=tmpfs"},
    // q08-like: a regex over every instance, no literal prefix beyond "10.0.".
    {"instance=~10\\.0\\.[0-9]+\\.[0-9]*7:9100"},
    {"__name__=node_cpu_seconds_total", "mode!=idle"},
    {"__name__=~node_network_stat_(1|2|3)", "device!~lo|docker.*"},
    {"job=node", "instance=10.0.0.17:9100"},
    {"__name__=node_memory_stat_7"},
};

BENCHMARK_DEFINE_F(NodeIndex, BM_PostingsSelect)(benchmark::State& state) {
  std::vector<model::Matcher> ms;
  for (std::string_view spec : kSelectQueries[state.range(0)]) {
    if (!spec.empty()) ms.push_back(ParseMatcher(spec));
  }
  uint64_t found = 0;
  for (auto _ : state) {
    Roaring r = index_->postings.Select(ms);
    found = r.cardinality();
    benchmark::DoNotOptimize(r);
  }
  state.counters["series"] = static_cast<double>(found);
}
BENCHMARK_REGISTER_F(NodeIndex, BM_PostingsSelect)->DenseRange(0, 5)->ArgName("query");

BENCHMARK_DEFINE_F(NodeIndex, BM_PostingsIntersect)(benchmark::State& state) {
  Roaring a = index_->postings.Get("__name__", "node_cpu_seconds_total");
  Roaring b = index_->postings.Get(state.range(0) == 0 ? "mode" : "job",
                                   state.range(0) == 0 ? "idle" : "node");
  for (auto _ : state) {
    Roaring r = a & b;
    benchmark::DoNotOptimize(r);
  }
  state.counters["left"] = static_cast<double>(a.cardinality());
  state.counters["right"] = static_cast<double>(b.cardinality());
}
// 0: 12.8k x 1.6k series (array containers); 1: 12.8k x all series (bitmap containers).
BENCHMARK_REGISTER_F(NodeIndex, BM_PostingsIntersect)->Arg(0)->Arg(1)->ArgName("pair");

void BM_MemPostingsAdd(benchmark::State& state) {
  std::vector<model::Labels> series =
      testing::NodeExporterLikeSeries(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto index = BuildIndex(series);
    benchmark::DoNotOptimize(index.get());
    state.PauseTiming();
    index.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MemPostingsAdd)->Arg(10'000)->Arg(kSeries)->Unit(benchmark::kMillisecond);

// Arg 0: every symbol already interned (the common case); 1: every symbol new.
void BM_SymbolIntern(benchmark::State& state) {
  constexpr size_t kSymbols = 1 << 16;
  std::vector<std::string> symbols;
  for (size_t i = 0; i < kSymbols; ++i) symbols.push_back(Num("10.0.0.", i) + ":9100");
  auto table = std::make_unique<SymbolTable>();
  if (state.range(0) == 0) {
    for (const auto& s : symbols) table->Intern(s);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table->Intern(symbols[i]));
    if (++i == kSymbols) {
      i = 0;
      if (state.range(0) == 1) {
        state.PauseTiming();
        table = std::make_unique<SymbolTable>();
        state.ResumeTiming();
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.range(0) == 0) {
    size_t payload = 0;
    for (const auto& s : symbols) payload += s.size();
    state.counters["overhead_B_per_symbol"] =
        static_cast<double>(table->MemoryBytes() - payload) / kSymbols;
  }
}
BENCHMARK(BM_SymbolIntern)->Arg(0)->Arg(1)->ArgName("new");

void BM_SymbolLookup(benchmark::State& state) {
  constexpr size_t kSymbols = 1 << 16;
  SymbolTable table;
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < kSymbols; ++i) ids.push_back(table.Intern(Num("10.0.0.", i)));
  std::shuffle(ids.begin(), ids.end(), std::mt19937(1));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.Lookup(ids[i]));
    i = (i + 1) & (kSymbols - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SymbolLookup);

// Not a speed benchmark: reports the index's memory per series for 100k series.
void BM_IndexMemoryPerSeries(benchmark::State& state) {
  std::vector<model::Labels> series = testing::NodeExporterLikeSeries(kSeries);
  for (auto _ : state) {
    size_t heap_before = HeapInUse();
    auto index = BuildIndex(series);
    size_t heap_built = HeapInUse() - heap_before;
    size_t own_built = index->postings.MemoryBytes() + index->symbols.MemoryBytes();
    index->postings.Optimize();
    size_t heap_optimized = HeapInUse() - heap_before;
    size_t own_optimized = index->postings.MemoryBytes() + index->symbols.MemoryBytes();
    size_t serialized = 0;
    for (const std::string& name : index->postings.LabelNames(nullptr)) {
      for (const std::string& value : index->postings.LabelValues(name, nullptr)) {
        serialized += index->postings.Get(name, value).getSizeInBytes();
      }
    }
    const double n = static_cast<double>(series.size());
    state.counters["heap_B_per_series"] = static_cast<double>(heap_built) / n;
    state.counters["heap_B_per_series_optimized"] = static_cast<double>(heap_optimized) / n;
    state.counters["own_B_per_series"] = static_cast<double>(own_built) / n;
    state.counters["own_B_per_series_optimized"] = static_cast<double>(own_optimized) / n;
    state.counters["symbols_B_per_series"] = static_cast<double>(index->symbols.MemoryBytes()) / n;
    state.counters["roaring_serialized_B_per_series"] = static_cast<double>(serialized) / n;
    state.counters["symbols"] = static_cast<double>(index->symbols.size());
  }
}
BENCHMARK(BM_IndexMemoryPerSeries)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace osprey::tsdb
