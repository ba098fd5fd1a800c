// WAL throughput: BM_WalLog writes samples records of 2000 samples (one remote_write request)
// with an fsync per Log call, on the real file system in a temp dir.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "metrics/registry.h"
#include "testing/temp_dir.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace osprey::tsdb {
namespace {

// One scrape-like batch: ascending refs, one timestamp, node_exporter-like values.
std::vector<RefSample> MakeSamples(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<RefSample> samples(n);
  for (size_t i = 0; i < n; ++i) {
    double v = 0;
    switch (i % 8) {
      case 0:
      case 1:
        v = 1;
        break;
      case 2:
      case 3:
        v = static_cast<double>(rng() % 100'000'000) / 100;
        break;
      case 4:
        v = static_cast<double>(rng() % 10'000'000'000);
        break;
      case 5:
      case 6:
        v = static_cast<double>(4096 * (rng() % 4'000'000));
        break;
      default:
        v = static_cast<double>(rng() % 1'000'000) / 3;
        break;
    }
    samples[i] = RefSample{i + 1, 1'700'000'000'000, v};
  }
  return samples;
}

void BM_EncodeSamplesRecord(benchmark::State& state) {
  const std::vector<RefSample> samples = MakeSamples(static_cast<size_t>(state.range(0)), 1);
  std::string rec;
  for (auto _ : state) {
    rec.clear();
    EncodeSamples(samples, rec);
    benchmark::DoNotOptimize(rec.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_sample"] =
      static_cast<double>(rec.size()) / static_cast<double>(samples.size());
}
BENCHMARK(BM_EncodeSamplesRecord)->Arg(2000);

void BM_DecodeSamplesRecord(benchmark::State& state) {
  std::string rec;
  EncodeSamples(MakeSamples(static_cast<size_t>(state.range(0)), 1), rec);
  std::vector<RefSample> out;
  for (auto _ : state) {
    if (!DecodeSamples(rec, &out).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecodeSamplesRecord)->Arg(2000);

// A WAL in a temp dir, shared by the threads of one run: thread 0 sets it up before the
// timed loop starts (the loop begins with a barrier) and tears it down after it ends.
class WalLogBench : public benchmark::Fixture {
 public:
  void SetUp(benchmark::State& state) override {
    if (state.thread_index() != 0) return;
    dir_ = std::make_unique<testing::TempDir>();
    registry_ = std::make_unique<metrics::Registry>();
    auto wal =
        Wal::Open(fs_, dir_->Join("wal"), WalOptions{.compress = state.range(0) != 0}, *registry_,
                  Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    if (!wal.ok()) state.SkipWithError(wal.status().ToString().c_str());
    if (wal.ok()) wal_ = std::move(wal).value();
  }
  void TearDown(benchmark::State& state) override {
    if (state.thread_index() != 0) return;
    wal_.reset();
    registry_.reset();
    dir_.reset();
  }

 protected:
  PosixFileSystem fs_;
  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<Wal> wal_;
};

// Arg: 1 to compress records with zstd.
BENCHMARK_DEFINE_F(WalLogBench, BM_WalLog)(benchmark::State& state) {
  std::string rec;
  EncodeSamples(MakeSamples(2000, state.thread_index() + 1), rec);
  for (auto _ : state) {
    if (wal_ == nullptr || !wal_->Log(std::string_view(rec)).ok()) {
      state.SkipWithError("Log failed");
      break;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(rec.size()));
  state.SetItemsProcessed(state.iterations() * 2000);
  // Every thread ran as many iterations; the loop ended with a barrier, so all is written.
  if (state.thread_index() == 0 && wal_ != nullptr) {
    uint64_t disk = 0;
    auto names = fs_.ListDir(wal_->dir());
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
      disk += fs_.FileSize(JoinPath(wal_->dir(), name)).value_or(0);
    }
    state.counters["disk_bytes_per_sample"] =
        static_cast<double>(disk) /
        static_cast<double>(state.iterations() * state.threads() * 2000);
  }
}
BENCHMARK_REGISTER_F(WalLogBench, BM_WalLog)->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK_REGISTER_F(WalLogBench, BM_WalLog)->Arg(0)->Threads(8)->UseRealTime();

}  // namespace
}  // namespace osprey::tsdb
