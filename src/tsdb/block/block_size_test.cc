// Compression of the node_exporter-like workload (block_test_util.h): bytes per sample of
// the whole block directory, index and data included. The target is < 1.5 (VictoriaMetrics
// stores 1.88, Prometheus 3.35 on this workload).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/file_system.h"
#include "testing/temp_dir.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/block_test_util.h"
#include "tsdb/block/block_writer.h"

namespace osprey::tsdb {
namespace {

TEST(BlockSizeTest, NodeExporterWorkloadStaysUnderOneAndAHalfBytesPerSample) {
  block_testing::GeneratorOptions o;
  // OSPREY_BLOCK_SIZE_SERIES=100000 for the full benchmark size.
  o.num_series = 10'000;
  if (const char* n = std::getenv("OSPREY_BLOCK_SIZE_SERIES")) o.num_series = std::stoul(n);
  const auto series = block_testing::Generate(o);
  testing::TempDir dir;
  PosixFileSystem fs;
  const auto t0 = std::chrono::steady_clock::now();
  auto w = BlockWriter::Create(fs, dir.path(), {o.start_ms, o.start_ms + 2 * 3600 * 1000}, {});
  ASSERT_TRUE(w.ok());
  for (const auto& s : series) ASSERT_TRUE((*w)->AddSeries(s.labels, s.ts, s.vs).ok());
  auto meta = (*w)->Finish();
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  const auto t1 = std::chrono::steady_clock::now();
  const std::string block_dir = JoinPath(dir.path(), meta->ulid);
  auto block = Block::Open(block_dir);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  const std::vector<model::Matcher> all = {
      model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+")};
  auto set = (*q)->Select({}, all);
  uint64_t read = 0;
  double sink = 0;
  while (set->Next()) {
    auto it = set->At().Iterator();
    while (it->Next()) {
      sink += it->At().v;
      ++read;
    }
  }
  const auto t2 = std::chrono::steady_clock::now();
  const double samples = static_cast<double>(meta->stats.num_samples);
  ASSERT_EQ(read, meta->stats.num_samples);
  const double index = static_cast<double>(*fs.FileSize(JoinPath(block_dir, "index")));
  const double data = static_cast<double>(*fs.FileSize(JoinPath(block_dir, "data")));
  const double meta_json = static_cast<double>(*fs.FileSize(JoinPath(block_dir, "meta.json")));
  const double total = index + data + meta_json;
  const double write_s = std::chrono::duration<double>(t1 - t0).count();
  const double read_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf(
      "%zu series, %.0f samples: %.4f bytes/sample (index %.4f, data %.4f); write %.1f M "
      "samples/s, open+read %.1f M samples/s; open block heap %.1f bytes/series (%g)\n",
      series.size(), samples, total / samples, index / samples, data / samples,
      samples / write_s / 1e6, samples / read_s / 1e6,
      static_cast<double>((*block)->MemoryBytes()) / static_cast<double>(series.size()),
      sink > 0 ? 1.0 : 0.0);
  EXPECT_LT(total / samples, 1.5);
}

}  // namespace
}  // namespace osprey::tsdb
