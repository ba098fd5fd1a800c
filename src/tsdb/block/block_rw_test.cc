// Writing blocks and reading them back through Block / storage::Querier.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

using block_testing::GeneratedSeries;
using block_testing::GeneratorOptions;
using model::Matcher;
using model::MatchType;

constexpr int64_t kStart = 1'700'000'000'000;

model::TimeRange RangeOf(const std::vector<GeneratedSeries>& series) {
  model::TimeRange r{model::kMaxTimestamp, model::kMinTimestamp};
  for (const auto& s : series) {
    r.min = std::min(r.min, s.ts.front());
    r.max = std::max(r.max, s.ts.back());
  }
  return r;
}

Result<BlockMeta> Write(const std::string& dir, const std::vector<GeneratedSeries>& series,
                        model::TimeRange range, BlockWriterOptions options = {}) {
  PosixFileSystem fs;
  OSPREY_ASSIGN_OR_RETURN(auto w, BlockWriter::Create(fs, dir, range, std::move(options)));
  for (const auto& s : series) OSPREY_RETURN_IF_ERROR(w->AddSeries(s.labels, s.ts, s.vs));
  return w->Finish();
}

std::vector<Matcher> AllSeries() {
  return {Matcher::MustCreate(MatchType::kRegexMatch, "__name__", ".+")};
}

struct ReadSeries {
  model::Labels labels;
  std::vector<model::Sample> samples;
};

std::vector<ReadSeries> ReadAll(storage::Querier& q, const std::vector<Matcher>& ms) {
  std::vector<ReadSeries> out;
  auto set = q.Select({}, ms);
  while (set->Next()) {
    ReadSeries r{set->At().labels(), {}};
    auto it = set->At().Iterator();
    while (it->Next()) r.samples.push_back(it->At());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    out.push_back(std::move(r));
  }
  EXPECT_TRUE(set->status().ok()) << set->status().ToString();
  return out;
}

void ExpectSameSamples(const GeneratedSeries& want, const ReadSeries& got, model::TimeRange r) {
  ASSERT_EQ(want.labels, got.labels);
  size_t j = 0;
  for (size_t i = 0; i < want.ts.size(); ++i) {
    if (!r.Contains(want.ts[i])) continue;
    ASSERT_LT(j, got.samples.size()) << want.labels.ToString();
    ASSERT_EQ(want.ts[i], got.samples[j].t);
    ASSERT_TRUE(block_testing::SameBits(want.vs[i], got.samples[j].v))
        << want.labels.ToString() << " at " << want.ts[i];
    ++j;
  }
  ASSERT_EQ(j, got.samples.size()) << want.labels.ToString();
}

TEST(BlockRoundTripTest, EverySampleReadsBackBitForBit) {
  testing::TempDir dir;
  GeneratorOptions o;
  o.num_series = 2000;
  o.special_values = true;
  const auto series = block_testing::Generate(o);
  const model::TimeRange range = RangeOf(series);
  BlockWriterOptions wo;
  wo.frame_bytes = 16 * 1024;  // many frames
  auto meta = Write(dir.path(), series, range, wo);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->stats.num_series, 2000u);
  EXPECT_EQ(meta->stats.num_samples, 2000u * 480);
  EXPECT_EQ(meta->stats.num_chunks, 2000u);
  EXPECT_EQ(meta->range, range);

  auto block = Block::Open(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ((*block)->meta(), *meta);
  auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  const auto got = ReadAll(**q, AllSeries());
  ASSERT_EQ(got.size(), series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    ExpectSameSamples(series[i], got[i], {model::kMinTimestamp, model::kMaxTimestamp});
  }
}

TEST(BlockRoundTripTest, QuerierRangeLimitsSamplesAndSeries) {
  testing::TempDir dir;
  GeneratorOptions o;
  o.num_series = 300;
  auto series = block_testing::Generate(o);
  // One series ends early: a range after its end must not return it.
  series[5].ts.resize(10);
  series[5].vs.resize(10);
  const model::TimeRange range = RangeOf(series);
  BlockWriterOptions wo;
  wo.max_samples_per_chunk = 100;  // several chunks per series
  auto meta = Write(dir.path(), series, range, wo);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->stats.num_chunks, 299u * 5 + 1);
  auto block = Block::Open(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(block.ok()) << block.status().ToString();

  const model::TimeRange r{kStart + 100 * 15'000 + 7, kStart + 333 * 15'000};
  auto q = (*block)->NewQuerier(r);
  ASSERT_TRUE(q.ok());
  const auto got = ReadAll(**q, AllSeries());
  ASSERT_EQ(got.size(), series.size() - 1);
  size_t g = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    if (i == 5) continue;
    ExpectSameSamples(series[i], got[g++], r);
  }
}

TEST(BlockRoundTripTest, SeekFindsFirstSampleAtOrAfterAcrossChunks) {
  testing::TempDir dir;
  GeneratorOptions o;
  o.num_series = 3;
  const auto series = block_testing::Generate(o);
  BlockWriterOptions wo;
  wo.max_samples_per_chunk = 50;
  auto meta = Write(dir.path(), series, RangeOf(series), wo);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  auto block = Block::Open(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(block.ok());
  auto q = (*block)->NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  ASSERT_TRUE(q.ok());
  const std::vector<Matcher> ms = AllSeries();
  auto set = (*q)->Select({}, ms);
  ASSERT_TRUE(set->Next());
  const GeneratedSeries& want = series[0];
  auto it = set->At().Iterator();
  // Between samples 120 and 121: lands on 121.
  ASSERT_TRUE(it->Seek(want.ts[120] + 1));
  EXPECT_EQ(it->At().t, want.ts[121]);
  // Backwards: stays put.
  ASSERT_TRUE(it->Seek(want.ts[3]));
  EXPECT_EQ(it->At().t, want.ts[121]);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t, want.ts[122]);
  // Exactly on a chunk boundary, then far ahead.
  ASSERT_TRUE(it->Seek(want.ts[350]));
  EXPECT_EQ(it->At().t, want.ts[350]);
  EXPECT_TRUE(block_testing::SameBits(it->At().v, want.vs[350]));
  EXPECT_FALSE(it->Seek(want.ts.back() + 1));
  EXPECT_FALSE(it->Next());
  EXPECT_TRUE(it->status().ok());
}

TEST(BlockWriterTest, RejectsUnsortedSeriesAndBadTimestamps) {
  testing::TempDir dir;
  PosixFileSystem fs;
  auto w = BlockWriter::Create(fs, dir.path(), {0, 1000}, {});
  ASSERT_TRUE(w.ok());
  const auto b = model::Labels::FromStrings({"__name__", "b"});
  const auto a = model::Labels::FromStrings({"__name__", "a"});
  const std::vector<int64_t> ts = {1, 2, 3};
  const std::vector<double> vs = {1, 2, 3};
  ASSERT_TRUE((*w)->AddSeries(b, ts, vs).ok());
  EXPECT_EQ((*w)->AddSeries(a, ts, vs).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->AddSeries(b, ts, vs).code(), StatusCode::kInvalidArgument);
  const auto c = model::Labels::FromStrings({"__name__", "c"});
  const std::vector<int64_t> outside = {1, 2, 1001};
  EXPECT_EQ((*w)->AddSeries(c, outside, vs).code(), StatusCode::kInvalidArgument);
  const std::vector<int64_t> unsorted = {1, 3, 2};
  EXPECT_EQ((*w)->AddSeries(c, unsorted, vs).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->AddSeries(c, ts, std::vector<double>{1}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->AddSeries(c, ts, vs).ok());
  auto meta = (*w)->Finish();
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->stats.num_series, 2u);
  EXPECT_EQ((*w)->Finish().status().code(), StatusCode::kFailedPrecondition);
}

TEST(BlockWriterTest, FinishLeavesOnlyTheFinalDirectoryAndAbandonRemovesTemp) {
  testing::TempDir dir;
  PosixFileSystem fs;
  {
    auto w = BlockWriter::Create(fs, dir.path(), {0, 1000}, {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddSeries(model::Labels::FromStrings({"__name__", "x"}),
                                std::vector<int64_t>{5}, std::vector<double>{1})
                    .ok());
    auto entries = fs.ListDir(dir.path());
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_THAT((*entries)[0], ::testing::EndsWith(".tmp"));
  }  // dropped without Finish()
  auto entries = fs.ListDir(dir.path());
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());

  auto w = BlockWriter::Create(fs, dir.path(), {0, 1000}, {});
  ASSERT_TRUE(w.ok());
  auto meta = (*w)->Finish();
  ASSERT_TRUE(meta.ok());
  entries = fs.ListDir(dir.path());
  ASSERT_TRUE(entries.ok());
  EXPECT_THAT(*entries, ::testing::ElementsAre(meta->ulid));
  auto files = fs.ListDir(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(files.ok());
  EXPECT_THAT(*files, ::testing::UnorderedElementsAre("data", "index", "meta.json"));
  // An empty block opens and returns nothing.
  auto block = Block::Open(JoinPath(dir.path(), meta->ulid));
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  auto q = (*block)->NewQuerier({0, 1000});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(ReadAll(**q, AllSeries()).empty());
}

TEST(BlockMetaTest, JsonRoundTripsWithExclusiveMaxTime) {
  BlockMeta m;
  std::mt19937_64 rng(3);
  m.ulid = NewUlid(1'700'000'000'000, rng);
  EXPECT_TRUE(IsValidUlid(m.ulid));
  m.range = {100, 199};
  m.stats = {3, 30, 4};
  m.compaction_level = 2;
  m.sources = {NewUlid(1, rng), NewUlid(2, rng)};
  const std::string json = SerializeBlockMeta(m);
  EXPECT_THAT(json, ::testing::HasSubstr("\"maxTime\": 200"));
  EXPECT_THAT(json, ::testing::HasSubstr("\"numSamples\": 30"));
  auto parsed = ParseBlockMeta(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(ParseBlockMeta("{").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseBlockMeta(R"({"ulid": "x"})").status().code(), StatusCode::kDataLoss);
}

TEST(BlockMetaTest, UlidsSortByTime) {
  std::mt19937_64 rng(9);
  const std::string a = NewUlid(1'000, rng);
  const std::string b = NewUlid(2'000, rng);
  EXPECT_LT(a, b);
  EXPECT_EQ(a.substr(0, 10), "00000000Z8");  // 1000 = 31 * 32 + 8
}

}  // namespace
}  // namespace osprey::tsdb
