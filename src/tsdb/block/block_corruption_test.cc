// Damaged block files: a clean kDataLoss naming the file, at Open (index, meta.json) or
// when the data is read, and never a crash.
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

using ::testing::HasSubstr;

class BlockCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    block_testing::GeneratorOptions o;
    o.num_series = 40;
    o.samples_per_series = 60;
    series_ = block_testing::Generate(o);
    BlockWriterOptions wo;
    wo.frame_bytes = 512;  // several frames
    auto w =
        BlockWriter::Create(fs_, dir_.path(), {model::kMinTimestamp, model::kMaxTimestamp}, wo);
    ASSERT_TRUE(w.ok());
    for (const auto& s : series_) ASSERT_TRUE((*w)->AddSeries(s.labels, s.ts, s.vs).ok());
    auto meta = (*w)->Finish();
    ASSERT_TRUE(meta.ok());
    meta_ = *meta;
    block_dir_ = JoinPath(dir_.path(), meta->ulid);
    index_ = *ReadFileToString(fs_, JoinPath(block_dir_, "index"));
    data_ = *ReadFileToString(fs_, JoinPath(block_dir_, "data"));
  }

  void Rewrite(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(WriteFileAtomically(fs_, JoinPath(block_dir_, name), contents).ok());
  }

  // Reads every sample; returns the first error.
  static Status ReadEverything(const Block& block) {
    auto q = block.NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
    if (!q.ok()) return q.status();
    const std::vector<model::Matcher> all = {
        model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+")};
    auto set = (*q)->Select({}, all);
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) {
      }
      if (!it->status().ok()) return it->status();
      (void)(*q)->LabelValues("instance", all);
    }
    return set->status();
  }

  PosixFileSystem fs_;
  testing::TempDir dir_;
  std::vector<block_testing::GeneratedSeries> series_;
  BlockMeta meta_;
  std::string block_dir_;
  std::string index_;
  std::string data_;
};

TEST_F(BlockCorruptionTest, FlippedIndexByteFailsOpenWithDataLossNamingIndex) {
  for (size_t pos : {size_t{2}, size_t{20}, index_.size() / 2, index_.size() - 1}) {
    std::string bad = index_;
    bad[pos] ^= 0x10;
    Rewrite("index", bad);
    auto block = Block::Open(block_dir_);
    ASSERT_FALSE(block.ok()) << pos;
    EXPECT_EQ(block.status().code(), StatusCode::kDataLoss);
    EXPECT_THAT(block.status().message(), HasSubstr(JoinPath(block_dir_, "index")));
  }
}

TEST_F(BlockCorruptionTest, TruncatedFilesFailOpen) {
  Rewrite("index", index_.substr(0, index_.size() - 3));
  EXPECT_EQ(Block::Open(block_dir_).status().code(), StatusCode::kDataLoss);
  Rewrite("index", index_);
  Rewrite("data", data_.substr(0, data_.size() - 1));
  auto block = Block::Open(block_dir_);
  EXPECT_EQ(block.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(block.status().message(), HasSubstr("index"));  // frame table vs data size
  Rewrite("data", "");
  EXPECT_EQ(Block::Open(block_dir_).status().code(), StatusCode::kDataLoss);
  Rewrite("data", data_);
  Rewrite("meta.json", "{\"ulid\":");
  block = Block::Open(block_dir_);
  EXPECT_EQ(block.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(block.status().message(), HasSubstr("meta.json"));
}

TEST_F(BlockCorruptionTest, FlippedDataByteFailsReadWithDataLossNamingData) {
  std::string bad = data_;
  bad[data_.size() / 2] ^= 0x01;
  Rewrite("data", bad);
  auto block = Block::Open(block_dir_);
  ASSERT_TRUE(block.ok()) << block.status().ToString();  // data is checked lazily
  const Status st = ReadEverything(**block);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr(JoinPath(block_dir_, "data")));
  // verify_data checks every frame at Open.
  BlockOpenOptions verify;
  verify.verify_data = true;
  auto eager = Block::Open(block_dir_, verify);
  EXPECT_EQ(eager.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(eager.status().message(), HasSubstr("data"));
}

TEST_F(BlockCorruptionTest, EveryIndexByteFlipWithoutChecksumsNeverCrashes) {
  // With checksums off the parser itself sees the damage: it must reject it or read
  // something, without crashing (run under ASan/UBSan in the sanitizer build).
  BlockOpenOptions no_crc;
  no_crc.verify_checksums = false;
  size_t opened = 0;
  for (size_t pos = 0; pos < index_.size(); ++pos) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::string bad = index_;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      auto block = Block::OpenFromBuffers("mem", meta_, bad, data_, no_crc);
      if (!block.ok()) {
        EXPECT_EQ(block.status().code(), StatusCode::kDataLoss);
        continue;
      }
      ++opened;
      (void)ReadEverything(**block);
    }
  }
  // Some flips (e.g. in sample counts or label refs) parse; most do not.
  EXPECT_GT(opened, 0u);
}

TEST_F(BlockCorruptionTest, EveryDataByteFlipIsCaughtByTheFrameChecksum) {
  for (size_t pos = 0; pos < data_.size(); pos += 7) {
    std::string bad = data_;
    bad[pos] ^= 0x04;
    auto block = Block::OpenFromBuffers("mem", meta_, index_, bad);
    if (!block.ok()) {
      EXPECT_EQ(block.status().code(), StatusCode::kDataLoss) << pos;  // header
      continue;
    }
    EXPECT_EQ(ReadEverything(**block).code(), StatusCode::kDataLoss) << pos;
  }
}

}  // namespace
}  // namespace osprey::tsdb
