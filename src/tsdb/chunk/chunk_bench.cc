#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "tsdb/chunk/column_codec.h"
#include "tsdb/chunk/crc32c.h"
#include "tsdb/chunk/xor_chunk.h"

namespace osprey::tsdb {
namespace {

// A 0.01-resolution counter scraped every 15 s with 10 % of scrapes a few ms late: the
// most common non-constant series of the benchmark workload.
struct Series {
  std::vector<int64_t> t;
  std::vector<double> v;
};

Series MakeCounter(size_t n, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  Series s;
  double v = 123456.78;
  for (size_t i = 0; i < n; ++i) {
    const int64_t late = rng() % 10 == 0 ? 3 + static_cast<int64_t>(rng() % 28) : 0;
    s.t.push_back(1'795'263'810'000 + static_cast<int64_t>(i) * 15'000 + late);
    v = std::round((v + std::max(0.0, 7.5 * (1 + 0.1 * gauss(rng)))) / 0.01) * 0.01;
    s.v.push_back(v);
  }
  return s;
}

void BM_XorChunkAppend(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    XorChunk chunk;
    for (size_t i = 0; i < s.t.size(); ++i) chunk.Append(s.t[i], s.v[i]);
    benchmark::DoNotOptimize(chunk.bytes().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_XorChunkAppend)->Arg(120)->Arg(1024);

void BM_XorChunkIterate(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  XorChunk chunk;
  for (size_t i = 0; i < s.t.size(); ++i) chunk.Append(s.t[i], s.v[i]);
  for (auto _ : state) {
    double sum = 0;
    for (XorIterator it = chunk.Iterator(); it.Next();) sum += it.v();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_sample"] =
      static_cast<double>(chunk.bytes().size()) / static_cast<double>(state.range(0));
}
BENCHMARK(BM_XorChunkIterate)->Arg(120)->Arg(1024);

void BM_EncodeValues(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string enc = EncodeValues(s.v);
    bytes = enc.size();
    benchmark::DoNotOptimize(enc.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_sample"] =
      static_cast<double>(bytes) / static_cast<double>(state.range(0));
}
BENCHMARK(BM_EncodeValues)->Arg(120)->Arg(480);

void BM_DecodeValues(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  const std::string enc = EncodeValues(s.v);
  std::vector<double> out;
  for (auto _ : state) {
    if (!DecodeValues(enc, &out).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecodeValues)->Arg(120)->Arg(480);

void BM_EncodeTimestamps(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    std::string enc = EncodeTimestamps(s.t);
    benchmark::DoNotOptimize(enc.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EncodeTimestamps)->Arg(480);

void BM_DecodeTimestamps(benchmark::State& state) {
  const Series s = MakeCounter(static_cast<size_t>(state.range(0)));
  const std::string enc = EncodeTimestamps(s.t);
  std::vector<int64_t> out;
  for (auto _ : state) {
    if (!DecodeTimestamps(enc, &out).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecodeTimestamps)->Arg(480);

void BM_Crc32c(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(256)->Arg(4096);

void BM_Crc32cPortable(benchmark::State& state) {
  std::vector<uint8_t> data(static_cast<size_t>(state.range(0)), 7);
  for (auto _ : state) benchmark::DoNotOptimize(chunk_internal::Crc32cPortable(data, 0));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(4096);

}  // namespace
}  // namespace osprey::tsdb
