// Block write and read throughput on the node_exporter-like workload (block_test_util.h).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "testing/temp_dir.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/block_test_util.h"
#include "tsdb/block/block_writer.h"

namespace osprey::tsdb {
namespace {

std::vector<block_testing::GeneratedSeries> Workload(size_t num_series) {
  block_testing::GeneratorOptions o;
  o.num_series = num_series;
  return block_testing::Generate(o);
}

BlockMeta WriteOnce(FileSystem& fs, const std::string& dir,
                    const std::vector<block_testing::GeneratedSeries>& series) {
  const int64_t start = block_testing::GeneratorOptions().start_ms;
  auto w = BlockWriter::Create(fs, dir, {start, start + 2 * 3600 * 1000}, {});
  for (const auto& s : series) (*w)->AddSeries(s.labels, s.ts, s.vs).IgnoreError();
  return std::move((*w)->Finish()).value();
}

// Items: samples written (including fsync and rename).
void BM_WriteBlock(benchmark::State& state) {
  const auto series = Workload(static_cast<size_t>(state.range(0)));
  testing::TempDir dir;
  PosixFileSystem fs;
  uint64_t samples = 0;
  double bytes_per_sample = 0;
  for (auto _ : state) {
    const BlockMeta meta = WriteOnce(fs, dir.path(), series);
    samples += meta.stats.num_samples;
    state.PauseTiming();
    const std::string block_dir = JoinPath(dir.path(), meta.ulid);
    bytes_per_sample = static_cast<double>(*fs.FileSize(JoinPath(block_dir, "index")) +
                                           *fs.FileSize(JoinPath(block_dir, "data"))) /
                       static_cast<double>(meta.stats.num_samples);
    fs.RemoveAll(block_dir).IgnoreError();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
  state.counters["bytes_per_sample"] = bytes_per_sample;
}
BENCHMARK(BM_WriteBlock)->Arg(10'000)->Unit(benchmark::kMillisecond);

// Items: samples read; each iteration opens the block and reads every series through a
// fresh querier.
void BM_ReadAllSeries(benchmark::State& state) {
  const auto series = Workload(static_cast<size_t>(state.range(0)));
  testing::TempDir dir;
  PosixFileSystem fs;
  const BlockMeta meta = WriteOnce(fs, dir.path(), series);
  const std::string block_dir = JoinPath(dir.path(), meta.ulid);
  const std::vector<model::Matcher> all = {
      model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+")};
  uint64_t samples = 0;
  for (auto _ : state) {
    auto block = Block::Open(block_dir);
    auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
    auto set = (*q)->Select({}, all);
    double sum = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) {
        sum += it->At().v;
        ++samples;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
}
BENCHMARK(BM_ReadAllSeries)->Arg(10'000)->Unit(benchmark::kMillisecond);

// One series by an equality matcher on a 10k-series block: index lookup plus one frame
// decompression per column.
void BM_ReadOneSeries(benchmark::State& state) {
  const auto series = Workload(10'000);
  testing::TempDir dir;
  PosixFileSystem fs;
  const BlockMeta meta = WriteOnce(fs, dir.path(), series);
  auto block = Block::Open(JoinPath(dir.path(), meta.ulid));
  const std::vector<model::Matcher> one = {
      model::Matcher::MustCreate(model::MatchType::kEqual, "instance", "host-42.example.com:9100"),
      model::Matcher::MustCreate(model::MatchType::kEqual, "__name__", "node_metric_3_total"),
      model::Matcher::MustCreate(model::MatchType::kEqual, "cpu", "1")};
  for (auto _ : state) {
    auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
    auto set = (*q)->Select({}, one);
    double sum = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) sum += it->At().v;
    }
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_ReadOneSeries)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace osprey::tsdb
