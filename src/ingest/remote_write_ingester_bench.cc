#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "ingest/internal/test_requests.h"
#include "ingest/remote_write_ingester.h"
#include "metrics/registry.h"

namespace osprey::ingest {
namespace {

// The cheapest storage that honours the hint contract, so the benchmark measures the
// ingester: a ref is an index; samples are only counted. With `refs` false it returns kNoRef,
// which keeps the ingester on its uncached path.
class CountingAppendable final : public storage::Appendable {
 public:
  explicit CountingAppendable(bool refs) : refs_(refs) {}

  std::unique_ptr<storage::Appender> NewAppender() override {
    return std::make_unique<CountingAppender>(*this);
  }
  int64_t samples() const { return samples_; }

 private:
  class CountingAppender final : public storage::Appender {
   public:
    explicit CountingAppender(CountingAppendable& parent) : parent_(parent) {}
    Result<storage::SeriesRef> Append(storage::SeriesRef hint, const model::Labels& labels,
                                      const model::Sample&) override {
      ++parent_.samples_;
      if (!parent_.refs_) return storage::kNoRef;
      if (hint != storage::kNoRef && hint <= parent_.series_.size()) return hint;
      if (labels.empty()) return NotFoundError("unknown ref");
      auto [it, inserted] = parent_.series_.emplace(labels, parent_.series_.size() + 1);
      return it->second;
    }
    Status Commit() override { return OkStatus(); }
    void Rollback() override {}

   private:
    CountingAppendable& parent_;
  };

  const bool refs_;
  int64_t samples_ = 0;
  std::map<model::Labels, storage::SeriesRef> series_;
};

void RunIngest(benchmark::State& state, bool refs) {
  const std::string request = internal::BuildNodeExporterWriteRequest(2000, 1, 1000);
  metrics::Registry registry;
  IngestMetrics metrics(registry);
  CountingAppendable storage(refs);
  RemoteWriteIngester ingester(storage, metrics);
  if (!ingester.Ingest(request).ok()) state.SkipWithError("warm-up failed");
  for (auto _ : state) {
    Result<WriteOutcome> r = ingester.Ingest(request);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 2000);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
}

// The steady state: every series is in the hint cache (samples/s = items_per_second).
void BM_IngestSteadyState(benchmark::State& state) { RunIngest(state, true); }
BENCHMARK(BM_IngestSteadyState);

// Every series checked and its model::Labels built, as for new series.
void BM_IngestWithoutHints(benchmark::State& state) { RunIngest(state, false); }
BENCHMARK(BM_IngestWithoutHints);

}  // namespace
}  // namespace osprey::ingest
